"""Roles are checked by the service layer: an editor of A gets 403 on every write to B, and
nothing changes; readers only search; moderation and global transfers are for admins."""

import io

import pytest

from directory.extensions import db
from directory.models import AuditEntry, Service, Structure

from .admin_sample import ADMIN, EDITOR_A, EDITOR_B, READER
from .pages import csrf_token, page_of

# Every write an editor of A might attempt on structure B and its service.
WRITES_TO_B = [
    ("/admin/services/emploi-b", {"nom": "Piraté", "revision": "1"}),
    ("/admin/services/emploi-b/publication", {"statut": "archive", "revision": "1"}),
    ("/admin/services/emploi-b/verification", {}),
    ("/admin/services/emploi-b/duplication", {}),
    ("/admin/structures/asso-b/services/nouveau", {"nom": "Piraté", "description": "Piraté !"}),
    ("/admin/structures/asso-b/modifier", {"nom": "Piraté", "revision": "1"}),
    ("/admin/structures/asso-b/publication", {"statut": "brouillon", "revision": "1"}),
    ("/admin/structures/asso-b/verification", {}),
    ("/admin/structures/asso-b/approbation", {}),
]
PAGES_OF_B = [
    "/admin/services/emploi-b",
    "/admin/structures/asso-b",
    "/admin/structures/asso-b/modifier",
    "/admin/structures/asso-b/services/nouveau",
    "/admin/structures/asso-b/export.json",
    "/admin/structures/asso-b/export.csv",
]


def snapshot(app) -> tuple:
    with app.app_context():
        return (
            sorted(
                (s.id, s.nom, s.revision, s.statut_publication) for s in db.session.query(Service)
            ),
            sorted((s.id, s.nom, s.revision, s.verifie_le) for s in db.session.query(Structure)),
            db.session.query(AuditEntry).count(),
        )


@pytest.mark.parametrize(("url", "data"), WRITES_TO_B, ids=[url for url, _ in WRITES_TO_B])
def test_an_editor_of_a_gets_403_on_every_write_to_b(directory, signed_in, url, data):
    client = signed_in(EDITOR_A)
    before = snapshot(directory)
    response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/"), **data})
    page = page_of(response, 403)
    assert page.find("h1").text == "Accès refusé"
    assert snapshot(directory) == before


def test_an_editor_of_a_cannot_import_into_b(directory, signed_in):
    client = signed_in(EDITOR_A)
    before = snapshot(directory)
    data = {
        "csrf_token": csrf_token(client, "/admin/"),
        "fichier": (io.BytesIO(b'{"structures": [], "services": []}'), "b.json"),
    }
    assert client.post("/admin/structures/asso-b/import", data=data).status_code == 403
    assert snapshot(directory) == before


@pytest.mark.parametrize("url", PAGES_OF_B)
def test_an_editor_of_a_cannot_open_the_pages_of_b(signed_in, url):
    assert signed_in(EDITOR_A).get(url).status_code == 403


def test_the_editor_of_b_can(signed_in):
    client = signed_in(EDITOR_B)
    for url in PAGES_OF_B:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("email", [EDITOR_A, READER])
@pytest.mark.parametrize("url", ["/admin/moderation", "/admin/import", "/admin/export.json"])
def test_moderation_and_global_transfers_are_for_admins(signed_in, email, url):
    assert signed_in(email).get(url).status_code == 403
    assert signed_in(ADMIN).get(url).status_code == 200


def test_a_reader_cannot_create_a_structure(directory, signed_in):
    client = signed_in(READER)
    before = snapshot(directory)
    data = {"csrf_token": csrf_token(client, "/admin/"), "nom": "Structure du lecteur"}
    assert client.post("/admin/structures/nouvelle", data=data).status_code == 403
    assert snapshot(directory) == before
    assert client.get("/admin/structures/asso-a").status_code == 403


def test_a_reader_is_not_shown_the_structure_form_nor_a_way_to_it(signed_in):
    reader = signed_in(READER)
    refused = page_of(reader.get("/admin/structures/nouvelle"), 403)
    assert refused.find("h1").text == "Accès refusé"
    assert refused.find_all("form", id="formulaire-structure") == []
    dashboard = reader.get("/admin/").get_data(as_text=True)
    assert "/admin/structures/nouvelle" not in dashboard
    editor = page_of(signed_in(EDITOR_A).get("/admin/structures/nouvelle"))
    assert editor.find_all("form", id="formulaire-structure")


def test_an_admin_edits_every_structure(signed_in):
    client = signed_in(ADMIN)
    page = page_of(client.get("/admin/"))
    names = [row.find("a").text for row in page.find(class_="structures-table").find_all("tr")[1:]]
    assert names == ["Association A", "Association B"]
    for url in PAGES_OF_B:
        assert client.get(url).status_code == 200, url


def test_an_editor_sees_only_their_structures(signed_in):
    page = page_of(signed_in(EDITOR_A).get("/admin/"))
    rows = page.find(class_="structures-table").find_all("tr")[1:]
    assert [row.find("a").text for row in rows] == ["Association A"]
    assert "Accompagnement emploi B" not in page.text


def test_unknown_listings_are_404(signed_in):
    client = signed_in(ADMIN)
    assert client.get("/admin/services/absent").status_code == 404
    assert client.get("/admin/structures/absente").status_code == 404


def test_a_form_posted_without_its_csrf_token_is_rejected(directory, signed_in):
    client = signed_in(EDITOR_A)
    before = snapshot(directory)
    response = client.post("/admin/services/fle-a/verification", data={})
    page = page_of(response, 400)
    assert page.find("h1").text == "Formulaire refusé"
    response = client.post("/admin/services/fle-a/verification", data={"csrf_token": "faux"})
    assert response.status_code == 400
    assert snapshot(directory) == before


def test_the_sign_in_form_needs_its_csrf_token_too(directory):
    client = directory.test_client()
    response = client.post("/admin/connexion", data={"email": EDITOR_A, "password": "x" * 12})
    assert response.status_code == 400
