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


class _NamedSchema(Schema):
    id = fields.String(required=True)
    nom = fields.String(required=True)


class ReferralEventSchema(Schema):
    le = fields.DateTime(attribute="at", required=True)
    state = fields.String(required=True)
    motif = fields.String(attribute="motive", allow_none=True)


class ReferralSummarySchema(Schema):
    """A referral without the person: what lists and answers give."""

    id = fields.Integer(required=True)
    cree_le = fields.DateTime(attribute="created_at", required=True)
    service = fields.Nested(_NamedSchema, required=True)
    structure_envoi = fields.Nested(_NamedSchema, attribute="sending_structure", required=True)
    structure_accueil = fields.Nested(_NamedSchema, attribute="receiving_structure", required=True)
    frein = fields.String(required=True)
    state = fields.String(required=True)
    motif = fields.String(attribute="refusal_motive", allow_none=True)
    revision = fields.Integer(required=True)
    events = fields.List(fields.Nested(ReferralEventSchema), required=True)


class ReferralDetailSchema(ReferralSummarySchema):
    """With the person's fields, for who may read them (each read audited)."""

    prenom = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    efface = fields.Boolean(metadata={"description": "Données personnelles effacées (purge)"})


class ReferralListSchema(Schema):
    recues = fields.List(fields.Nested(ReferralSummarySchema), required=True)
    envoyees = fields.List(fields.Nested(ReferralSummarySchema), required=True)


def dump_referral(referral, personal: dict | None = None) -> dict:
    """A referral as the API gives it; its personal fields only when read (and audited)."""
    body = ReferralSummarySchema().dump(referral)
    if personal is not None:
        body |= personal | {"efface": referral.purged_at is not None}
    return body
