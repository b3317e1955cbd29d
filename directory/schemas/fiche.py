"""The parameters of the referral sheet: the profile of the interview, the services ticked,
the sheet's second language and its format; and the address it is e-mailed to."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates
from werkzeug.datastructures import MultiDict

from .. import i18n
from ..services import fiche
from .listings import ID_PATTERN
from .messages import one_of, pattern
from .orientation import FRENCH_ONLY, ProfileSchema, check_sheet_language
from .query_string import load_query_string

MAX_SERVICES = 20
FORMATS = ("html", "pdf")


class SheetSchema(ProfileSchema):
    """The profile fields of the orientation page, plus the sheet's own parameters."""

    services = fields.List(
        fields.String(validate=pattern(ID_PATTERN, _l("Identifiant de service invalide."))),
        required=True,
        validate=validate.Length(
            min=1, max=MAX_SERVICES, error=_l("Entre {min} et {max} services attendus.")
        ),
        error_messages={"required": _l("Cochez au moins un service pour préparer la fiche.")},
    )
    langue_fiche = fields.String(load_default=None, validate=check_sheet_language)
    format = fields.String(load_default="html", validate=one_of(FORMATS))

    @validates("services")
    def published(self, ids: list[str], **kwargs) -> None:
        unknown = fiche.unknown_services(ids)
        if unknown:
            raise ValidationError(
                _(
                    "Service inconnu ou non publié : %(ids)s.",
                    ids=", ".join(f"« {service_id} »" for service_id in unknown),
                )
            )

    @post_load
    def make(self, data, **kwargs):
        # Unsaid, the sheet's second language is the one the pages are read in.
        lang = data["langue_fiche"] if data["langue_fiche"] is not None else i18n.current().code
        return fiche.SheetRequest(
            profile=super().make(data, **kwargs),
            services=tuple(dict.fromkeys(data["services"])),
            lang=None if lang in FRENCH_ONLY else lang,
            format=data["format"],
        )


class MailAddressSchema(Schema):
    class Meta:
        unknown = RAISE

    courriel = fields.String(
        required=True,
        validate=validate.Email(
            error=_l("Adresse électronique invalide : elle s'écrit comme nom@exemple.fr.")
        ),
        error_messages={"required": _l("Indiquez l'adresse électronique de la personne.")},
    )


def parse_sheet(args: MultiDict) -> fiche.SheetRequest:
    return load_query_string(SheetSchema(), args)


def parse_mail_address(form: MultiDict) -> str:
    """The address typed in the sheet's e-mail form (never stored, never logged)."""
    address = form.get("courriel", "").strip()
    return MailAddressSchema().load({"courriel": address} if address else {})["courriel"]
