"""The orienteurs of the sample directory (admin_sample.py): they send referrals from their
structure; the editors of the receiving one answer."""

from directory.extensions import db
from directory.models import Membership
from directory.services import accounts

from .admin_sample import PASSWORD

ORIENTEUR_A = "orienteur-a@asso-a.example"
ORIENTEUR_B = "orienteur-b@asso-b.example"
ORIENTEUR_AB = "orienteur-ab@paris.example"
# email -> structures it orients from
ORIENTEURS = {ORIENTEUR_A: ["asso-a"], ORIENTEUR_B: ["asso-b"], ORIENTEUR_AB: ["asso-a", "asso-b"]}
# What an orienteur of A types for a person sent to « Accompagnement emploi B » (asso-b).
PERSON = {"prenom": "Amina", "contact": "06 12 34 56 78", "note": "Disponible le matin."}


def add_orienteurs(app) -> None:
    with app.app_context():
        for email, structure_ids in ORIENTEURS.items():
            user = accounts.create_user(email, PASSWORD, "orienteur")
            db.session.add_all(Membership(user_id=user.id, structure_id=s) for s in structure_ids)
        db.session.commit()
