"""A new listing whose id is already taken (issue 9): the form says so, naming the id,
instead of an IntegrityError. The forms make the id from the name plus a random suffix, so
the collision is forced here by fixing that suffix."""

from directory.services import editing

from .admin_sample import EDITOR_A
from .pages import page_of, submit

NEW_SERVICE = "/admin/structures/asso-a/services/nouveau"


def test_a_taken_id_is_a_form_error_naming_it(directory, signed_in, monkeypatch):
    monkeypatch.setattr(editing, "_new_id", lambda structure_id, nom: "fle-a")
    changes = {"nom": "Un autre service", "description": "Une description assez longue."}
    page = page_of(submit(signed_in(EDITOR_A), NEW_SERVICE, "formulaire-service", changes), 400)
    assert "Identifiant « fle-a » déjà utilisé par une autre fiche." in page.text
