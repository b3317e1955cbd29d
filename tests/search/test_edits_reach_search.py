"""A saved edit is searchable at once, on both backends."""

from directory.extensions import db
from directory.models import Service
from directory.services import editing
from directory.services.accounts import create_user
from tests.factories import service, structure


def test_an_edit_reaches_search_at_once(app, client, load):
    load([structure("a")], [service("svc-a", "a", nom="Atelier couture")])
    with app.app_context():
        admin = create_user("admin@exemple.fr", "un mot de passe solide", "admin")
        listing = db.session.get(Service, "svc-a")
        editing.update_listing(admin, listing, {"nom": "Atelier vélo solidaire"}, listing.revision)
    found = client.get("/api/v1/search/services?q=vélo").get_json()
    assert [item["service"]["id"] for item in found["items"]] == ["svc-a"]
    assert client.get("/api/v1/search/services?q=couture").get_json()["total"] == 0


def test_archiving_removes_from_search(app, client, load):
    load([structure("a")], [service("svc-a", "a")])
    with app.app_context():
        admin = create_user("admin@exemple.fr", "un mot de passe solide", "admin")
        listing = db.session.get(Service, "svc-a")
        editing.set_publication(admin, listing, "archive", listing.revision)
    assert client.get("/api/v1/search/services").get_json()["total"] == 0
