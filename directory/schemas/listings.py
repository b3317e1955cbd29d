"""marshmallow schemas for structures and services: data·inclusion v1 plus the Paris extension.

``load`` validates one record of the interchange format and returns model attributes;
``dump`` writes a model back in the same format, so export → import round-trips.
"""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validates,
    validates_schema,
)
from sqlalchemy import String

from .. import referentials as ref
from ..hours import parse_error
from ..models import Service, Structure
from .messages import between, email, not_empty, one_of, pattern, text_length, url

ID_PATTERN = r"^[A-Za-z0-9][\w.:\-]{0,199}$"
ZONE_PATTERN = r"^(\w{5}|\w{2,3}|\d{9}|france)$"
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# E.164, or a French short number (115, 3949…).
PHONE_PATTERN = re.compile(r"^(\+\d{8,15}|\d{3,4})$")


def _enum_list(choices, **kwargs) -> fields.List:
    return fields.List(fields.String(validate=one_of(choices)), allow_none=True, **kwargs)


def _optional_text(**kwargs) -> fields.String:
    return fields.String(allow_none=True, load_default=None, **kwargs)


def _text_limits(model) -> dict[str, int]:
    """The String(n) columns of ``model`` and their n."""
    return {
        name: column.type.length
        for name, column in model.__table__.columns.items()
        if isinstance(column.type, String) and column.type.length
    }


def _normalise_phone(value: str) -> str:
    """'01 53 …' -> '+3315 3…'; E.164 and 4-digit short numbers are kept."""
    compact = PHONE_SEPARATORS.sub("", value)
    if re.fullmatch(r"0\d{9}", compact):
        compact = "+33" + compact[1:]
    return compact


class IdTaken(ValidationError):
    """A new listing would take the id of an existing one (409 in the API)."""

    def __init__(self, listing_id: str):
        message = _("Identifiant « %(id)s » déjà utilisé par une autre fiche.", id=listing_id)
        super().__init__({"id": [message]})
        self.listing_id = listing_id


class ListingSchema(Schema):
    """Fields common to structures and services."""

    id = fields.String(
        required=True,
        validate=pattern(
            ID_PATTERN,
            _l("Identifiant invalide : lettres, chiffres, « - », « _ », « . » ou « : » attendus."),
        ),
        metadata={"description": "Identifiant ; à la création, fait à partir du nom s'il manque"},
    )
    source = fields.String(required=True, validate=text_length(1, 100))
    nom = fields.String(required=True, validate=text_length(3, 150))
    lien_source = url()
    date_maj = fields.Date(required=True)
    commune = _optional_text(validate=text_length(1, 100))
    code_postal = _optional_text(
        validate=pattern(r"^\d{5}$", _l("Code postal à 5 chiffres attendu."))
    )
    code_insee = _optional_text(
        validate=pattern(r"^\w{5}$", _l("Code INSEE à 5 caractères attendu."))
    )
    adresse = _optional_text(validate=text_length(1, 500))
    complement_adresse = _optional_text(validate=text_length(1, 500))
    longitude = fields.Float(allow_none=True, load_default=None, validate=between(-180, 180))
    latitude = fields.Float(allow_none=True, load_default=None, validate=between(-90, 90))
    telephone = _optional_text()
    courriel = email()
    horaires_accueil = _optional_text()

    statut_publication = fields.String(
        load_default=ref.PUBLIE, validate=one_of(ref.STATUTS_PUBLICATION)
    )
    verifie_le = fields.Date(allow_none=True, load_default=None)
    frequence_maj = fields.String(load_default="semestrielle", validate=one_of(ref.FREQUENCES_MAJ))

    @pre_load
    def strip_strings(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value
            for key, value in data.items()
        }

    @validates_schema
    def texts_fit_their_columns(self, data, **kwargs) -> None:
        """A text longer than its String(n) column: refused here, as PostgreSQL would (SQLite
        stores it whole)."""
        errors = {
            name: [_("%(max)s caractères au plus.", max=limit)]
            for name, limit in _text_limits(self.model).items()
            if len(data.get(name) or "") > limit
        }
        if errors:
            raise ValidationError(errors)

    @validates("date_maj")
    def date_maj_in_past(self, value: date, **kwargs) -> None:
        if not date(2000, 1, 1) <= value <= date.today():
            raise ValidationError(_l("La date doit être comprise entre 2000 et aujourd'hui."))

    @validates("verifie_le")
    def verifie_le_in_past(self, value: date | None, **kwargs) -> None:
        if value and value > date.today():
            raise ValidationError(_l("La date de vérification ne peut pas être dans le futur."))

    @validates("telephone")
    def telephone_format(self, value: str | None, **kwargs) -> None:
        if value and not PHONE_PATTERN.match(_normalise_phone(value)):
            raise ValidationError(
                _l(
                    "Numéro de téléphone invalide : "
                    "format +33123456789, 01 23 45 67 89 ou 3949 attendu."
                )
            )

    @validates("horaires_accueil")
    def horaires_format(self, value: str | None, **kwargs) -> None:
        if value and (error := parse_error(value)):
            raise ValidationError(
                _l(
                    "Horaires au format OpenStreetMap attendus "
                    "(ex. « Mo-Fr 09:00-12:00 ») : %(error)s",
                    error=error,
                )
            )

    @validates_schema
    def coordinates_together(self, data, **kwargs) -> None:
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(
                _l("Latitude et longitude vont ensemble : donnez les deux ou aucune."),
                "longitude" if data.get("longitude") is None else "latitude",
            )

    @validates_schema
    def paris_codes_agree(self, data, **kwargs) -> None:
        arrondissement = ref.INSEE_ARRONDISSEMENT.get(data.get("code_insee") or "")
        postal = data.get("code_postal")
        if arrondissement and postal and ref.CODE_POSTAUX.get(postal) != arrondissement:
            raise ValidationError(
                _l("Le code postal ne correspond pas au code INSEE de l'arrondissement."),
                "code_postal",
            )

    @post_load
    def normalise(self, data, **kwargs):
        if data.get("telephone"):
            data["telephone"] = _normalise_phone(data["telephone"])
        return data


class SourceIdSchema(Schema):
    """A listing of data·inclusion named by its source and id."""

    source = fields.String(required=True, validate=text_length(1, 100))
    id = fields.String(required=True, validate=text_length(1, 200))


class StructureSchema(ListingSchema):
    model = Structure
    description = _optional_text(validate=text_length(5, 10000))
    siret = _optional_text(validate=pattern(r"^\d{14}$", _l("SIRET à 14 chiffres attendu.")))
    site_web = url()
    accessibilite_lieu = url()
    reseaux_porteurs = _enum_list(ref.RESEAUX_PORTEURS, load_default=None)
    signataire = fields.Boolean(load_default=False)
    doublons = fields.List(
        fields.Nested(SourceIdSchema),
        allow_none=True,
        load_default=None,
        metadata={"description": "Doublons connus selon data·inclusion (source, id)"},
    )


class ServiceSchema(ListingSchema):
    model = Service
    structure_id = fields.String(
        required=True, validate=pattern(ID_PATTERN, _l("Identifiant invalide."))
    )
    description = fields.String(required=True, validate=text_length(5, 10000))
    type = fields.String(allow_none=True, load_default=None, validate=one_of(ref.TYPES))
    thematiques = _enum_list(ref.THEMATIQUES, load_default=None)
    frais = fields.String(allow_none=True, load_default=None, validate=one_of(ref.FRAIS))
    frais_precisions = _optional_text()
    publics = _enum_list(ref.PUBLICS, load_default=None, validate=not_empty())
    publics_precisions = _optional_text()
    conditions_acces = _optional_text()
    modes_accueil = _enum_list(ref.MODES_ACCUEIL, load_default=None, validate=not_empty())
    zone_eligibilite = fields.List(
        fields.String(validate=pattern(ZONE_PATTERN, _l("Code géographique (COG) invalide."))),
        allow_none=True,
        load_default=None,
        validate=not_empty(),
    )
    contact_nom_prenom = _optional_text()
    lien_mobilisation = url()
    modes_mobilisation = _enum_list(ref.MODES_MOBILISATION, load_default=None, validate=not_empty())
    mobilisable_par = _enum_list(ref.MOBILISABLE_PAR, load_default=None, validate=not_empty())
    mobilisation_precisions = _optional_text()
    volume_horaire_hebdomadaire = fields.Float(
        allow_none=True, load_default=None, validate=between(0, 168)
    )
    nombre_semaines = fields.Integer(allow_none=True, load_default=None, validate=between(1, 520))
    score_qualite = fields.Float(
        allow_none=True,
        load_default=None,
        validate=between(0, 1),
        metadata={"description": "Score de qualité calculé par data·inclusion (0 à 1)"},
    )

    niveau_francais_min = fields.String(
        allow_none=True, load_default=None, validate=one_of(ref.NIVEAUX_FRANCAIS)
    )
    niveau_francais_max = fields.String(
        allow_none=True, load_default=None, validate=one_of(ref.NIVEAUX_FRANCAIS)
    )
    statuts_sejour = fields.List(
        fields.String(validate=one_of(ref.STATUTS_SEJOUR)), load_default=list
    )
    age_min = fields.Integer(allow_none=True, load_default=None, validate=between(0, 120))
    age_max = fields.Integer(allow_none=True, load_default=None, validate=between(0, 120))
    rqth_requise = fields.Boolean(load_default=False)
    langues_parlees = fields.List(fields.String(), load_default=list)

    @validates("langues_parlees")
    def known_languages(self, value: list[str], **kwargs) -> None:
        unknown = [code for code in value if not ref.is_language(code)]
        if unknown:
            raise ValidationError(
                _l("Codes de langue ISO 639 inconnus : %(codes)s.", codes=", ".join(unknown))
            )

    @validates("publics")
    def tous_publics_alone(self, value: list[str] | None, **kwargs) -> None:
        if value and ref.TOUS_PUBLICS in value and len(value) > 1:
            raise ValidationError(
                _l("« tous-publics » ne peut pas être combiné à d'autres publics.")
            )

    @validates_schema
    def bounds_in_order(self, data, **kwargs) -> None:
        niveau_min, niveau_max = data.get("niveau_francais_min"), data.get("niveau_francais_max")
        if niveau_min and niveau_max and ref.NIVEAU_RANK[niveau_min] > ref.NIVEAU_RANK[niveau_max]:
            raise ValidationError(
                _l("Le niveau maximum doit être supérieur ou égal au niveau minimum."),
                "niveau_francais_max",
            )
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            raise ValidationError(
                _l("L'âge maximum doit être supérieur ou égal à l'âge minimum."), "age_max"
            )

    @post_load
    def deduplicate_lists(self, data, **kwargs):
        for key in (
            "thematiques",
            "publics",
            "modes_accueil",
            "modes_mobilisation",
            "mobilisable_par",
            "statuts_sejour",
            "langues_parlees",
        ):
            if data.get(key):
                data[key] = list(dict.fromkeys(data[key]))
        return data


def dump_structure(structure) -> dict:
    return StructureSchema().dump(structure)


def dump_service(service) -> dict:
    return ServiceSchema().dump(service)
