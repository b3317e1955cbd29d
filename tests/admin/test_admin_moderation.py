"""A structure created by an editor stays unpublished until an admin approves it."""

from directory.extensions import db
from directory.models import Structure

from .admin_sample import ADMIN, EDITOR_A
from .pages import page_of, post_action, submit


def test_an_editors_new_structure_waits_for_approval(directory, signed_in):
    editor = signed_in(EDITOR_A)
    response = submit(
        editor,
        "/admin/structures/nouvelle",
        "formulaire-structure",
        {"nom": "Nouvelle association", "description": "Accueil de jour et orientation."},
    )
    assert response.status_code == 302
    structure_url = response.location
    structure_id = structure_url.rsplit("/", 1)[1]
    with directory.app_context():
        structure = db.session.get(Structure, structure_id)
        assert structure.approuvee is False and structure.signataire is False
    page = page_of(editor.get(structure_url))
    assert "En attente d'approbation" in page.find(id="en-attente").text
    created = page.find(class_="audit-trail").find("tbody").find("tr").text
    assert "Création de la fiche" in created and EDITOR_A in created

    # The editor is a member: they add a published service at once…
    response = submit(
        editor,
        f"{structure_url}/services/nouveau",
        "formulaire-service",
        {"nom": "Accueil de jour", "description": "Un accueil de jour avec petit-déjeuner."},
        action="publier",
    )
    assert response.status_code == 302
    service_id = response.location.rsplit("/", 1)[1]
    # …which nobody sees in public until the structure is approved.
    public = directory.test_client()
    assert public.get(f"/structures/{structure_id}").status_code == 404
    assert public.get(f"/services/{service_id}").status_code == 404
    search = public.get("/api/v1/search/services?q=petit-déjeuner").get_json()
    assert search["total"] == 0

    admin = signed_in(ADMIN)
    dashboard = page_of(admin.get("/admin/"))
    assert "Nouvelle association" in dashboard.find(id="titre-moderation").parent.text
    queue = page_of(admin.get("/admin/moderation"))
    assert "Nouvelle association" in queue.find("tbody").text

    response = post_action(admin, f"/admin/structures/{structure_id}/approbation")
    assert response.status_code == 302 and response.location == "/admin/moderation"
    assert "Aucune structure en attente." in page_of(admin.get("/admin/moderation")).text
    assert public.get(f"/structures/{structure_id}").status_code == 200
    assert public.get(f"/services/{service_id}").status_code == 200
    search = public.get("/api/v1/search/services?q=petit-déjeuner").get_json()
    assert [item["service"]["id"] for item in search["items"]] == [service_id]


def test_an_editor_cannot_approve_their_own_structure(directory, signed_in):
    editor = signed_in(EDITOR_A)
    response = submit(
        editor, "/admin/structures/nouvelle", "formulaire-structure", {"nom": "Ma structure"}
    )
    structure_id = response.location.rsplit("/", 1)[1]
    assert post_action(editor, f"/admin/structures/{structure_id}/approbation").status_code == 403
    revision = page_of(editor.get(response.location)).find("input", name="revision").get("value")
    post_action(
        editor,
        f"/admin/structures/{structure_id}/publication",
        {"statut": "publie", "revision": revision},
    )
    with directory.app_context():
        assert db.session.get(Structure, structure_id).approuvee is False


def test_a_structure_created_by_an_admin_is_published_at_once(directory, signed_in):
    response = submit(
        signed_in(ADMIN),
        "/admin/structures/nouvelle",
        "formulaire-structure",
        {"nom": "Structure de la préfecture", "signataire": "true"},
    )
    structure_id = response.location.rsplit("/", 1)[1]
    with directory.app_context():
        structure = db.session.get(Structure, structure_id)
        assert structure.approuvee and structure.signataire
    assert directory.test_client().get(f"/structures/{structure_id}").status_code == 200
