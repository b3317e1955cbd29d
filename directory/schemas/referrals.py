"""What a referral holds, as sent by a page or the API: nothing more than these fields (an
extra one, a nationality or a file number, is refused by name)."""

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates

from .. import referentials as ref
from ..services.referrals import ANSWERS, REFUSAL_MOTIVES
from .listings import ID_PATTERN, PHONE_PATTERN, _normalise_phone
from .messages import one_of, pattern, text_length

CONTACT_IS_EMAIL = validate.Email()


def _id(**kwargs) -> fields.String:
    return fields.String(validate=pattern(ID_PATTERN, _l("Identifiant invalide.")), **kwargs)


class ReferralSchema(Schema):
    class Meta:
        unknown = RAISE

    service_id = _id(required=True)
    structure_id = _id(required=True)  # the sending structure
    frein = fields.String(required=True, validate=one_of(ref.CATEGORIES))
    prenom = fields.String(required=True, validate=text_length(1, 100))
    contact = fields.String(required=True, validate=text_length(3, 320))
    note = fields.String(load_default=None, validate=text_length(0, 500))
    consentement = fields.Boolean(required=True)

    @pre_load
    def strip_strings(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {
            key: value.strip() if isinstance(value, str) else value for key, value in data.items()
        }

    @validates("consentement")
    def consent_given(self, value: bool, **kwargs) -> None:
        if not value:
            raise ValidationError(
                _l("La personne doit accepter que ces informations soient transmises.")
            )

    @validates("contact")
    def phone_or_email(self, value: str, **kwargs) -> None:
        if PHONE_PATTERN.match(_normalise_phone(value)):
            return
        try:
            CONTACT_IS_EMAIL(value)
        except ValidationError:
            raise ValidationError(
                _l("Numéro de téléphone ou adresse électronique attendu.")
            ) from None


class AnswerSchema(Schema):
    class Meta:
        unknown = RAISE

    state = fields.String(
        required=True, validate=one_of(sorted({s for states in ANSWERS.values() for s in states}))
    )
    revision = fields.Integer(required=True)
    motif = fields.String(load_default=None, validate=one_of(REFUSAL_MOTIVES))


def dump_referral(referral, personal: dict | None = None) -> dict:
    """A referral as the API gives it; its personal fields only when read (and audited)."""
    body = {
        "id": referral.id,
        "cree_le": referral.created_at.isoformat(),
        "service": {"id": referral.service_id, "nom": referral.service.nom},
        "structure_envoi": _structure(referral.sending_structure),
        "structure_accueil": _structure(referral.receiving_structure),
        "frein": referral.frein,
        "state": referral.state,
        "motif": referral.refusal_motive,
        "revision": referral.revision,
        "events": [
            {"le": event.at.isoformat(), "state": event.state, "motif": event.motive}
            for event in referral.events
        ],
    }
    if personal is not None:
        body |= personal | {"efface": referral.purged_at is not None}
    return body


def _structure(structure) -> dict:
    return {"id": structure.id, "nom": structure.nom}
