"""The profile of the interview assistant (DESIGN.md §7), validated from a query string."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)
from werkzeug.datastructures import MultiDict

from .. import referentials as ref
from ..services import fiche
from ..services.orientation import DEFAULT_RADIUS_KM, Profile
from .listings import ID_PATTERN
from .messages import between, one_of, pattern, text_length
from .query_string import check_languages, load_query_string

MAX_FREINS = 8
FRENCH_ONLY = ("", "fr")  # `langue_fiche` left empty or French: the sheet is in French only
FIRST_PERMIT_YEAR = 1950
PROFILE_FIELDS = tuple(Profile.__dataclass_fields__)


def _current_year() -> int:
    return date.today().year


class ProfileSchema(Schema):
    class Meta:
        unknown = RAISE

    freins = fields.List(
        fields.String(validate=one_of({**ref.CATEGORIES, **ref.THEMATIQUES})),
        load_default=list,
        validate=validate.Length(max=MAX_FREINS, error=_l("{max} freins au plus.")),
    )
    age = fields.Integer(load_default=None, validate=between(0, 120))
    statut = fields.String(load_default=None, validate=one_of(ref.STATUTS_SEJOUR))
    premier_titre = fields.Integer(load_default=None)
    niveau = fields.String(load_default=None, validate=one_of(ref.NIVEAUX_FRANCAIS))
    rqth = fields.Boolean(load_default=False)
    accompagnement = fields.Boolean(load_default=True)
    langues = fields.List(fields.String(), load_default=list, validate=check_languages)
    adresse = fields.String(load_default=None, validate=text_length(3, 200))
    lat = fields.Float(load_default=None, validate=between(-90, 90))
    lon = fields.Float(load_default=None, validate=between(-180, 180))
    arrondissement = fields.Integer(load_default=None, validate=between(1, 20))
    rayon_km = fields.Float(load_default=DEFAULT_RADIUS_KM, validate=between(0.1, 50))

    @validates_schema
    def consistent(self, data, **kwargs) -> None:
        errors = {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            missing = "lon" if data.get("lat") is not None else "lat"
            errors[missing] = [_l("lat et lon vont ensemble : ce paramètre manque.")]
        year = data.get("premier_titre")
        if year is not None and not FIRST_PERMIT_YEAR <= year <= _current_year():
            errors["premier_titre"] = [
                _l(
                    "Année attendue entre %(first)s et %(last)s.",
                    first=FIRST_PERMIT_YEAR,
                    last=_current_year(),
                )
            ]
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data, **kwargs):
        return _profile(data)


def _profile(data: dict) -> Profile:
    values = {name: data[name] for name in PROFILE_FIELDS}
    values["freins"] = tuple(dict.fromkeys(data["freins"]))
    values["langues"] = tuple(dict.fromkeys(data["langues"]))
    values["adresse"] = (data["adresse"] or "").strip() or None
    return Profile(**values)


def check_sheet_language(code: str) -> None:
    languages = fiche.sheet_languages()
    if code not in FRENCH_ONLY and code not in languages:
        offered = ", ".join(f"{language.name} ({key})" for key, language in languages.items())
        # gettext, not lazy: marshmallow would iterate a lazy string letter by letter.
        raise ValidationError(
            _(
                "Langue de fiche non proposée : « %(code)s ». Langues proposées : %(offered)s.",
                code=code,
                offered=offered,
            )
        )


class OrientationPageSchema(ProfileSchema):
    """The orientation page: the profile, the services ticked for the sheet, its language."""

    services = fields.List(
        fields.String(validate=pattern(ID_PATTERN, _l("Identifiant de service invalide."))),
        load_default=list,
    )
    langue_fiche = fields.String(load_default=None, validate=check_sheet_language)

    @post_load
    def make(self, data, **kwargs):
        return _profile(data), data["services"], data["langue_fiche"]


def parse_profile(args: MultiDict) -> Profile:
    return load_query_string(ProfileSchema(), args)


def parse_orientation_page(args: MultiDict) -> tuple[Profile, list[str], str | None]:
    return load_query_string(OrientationPageSchema(), args)
