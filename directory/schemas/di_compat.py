"""The parameters and records of the data·inclusion-compatible API (/datainclusion/api/v1/).

The same names, pagination and shapes as data·inclusion's API v1 (a FastAPI application):
unknown parameters are ignored, as FastAPI does, and list parameters repeat their name.
"""

from data_inclusion.schema import v1
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from .. import referentials as ref
from .listings import ServiceSchema, SourceIdSchema, StructureSchema
from .messages import between, one_of, pattern

# /doc/<name>: data·inclusion's names of the official referentials (both spellings of the
# mobilising persons: les emplois asks for the plural, data·inclusion's route is singular).
DOC_ENUMS = {
    "categories": v1.Categorie,
    "frais": v1.Frais,
    "modes-accueil": v1.ModeAccueil,
    "modes-mobilisation": v1.ModeMobilisation,
    "personnes-mobilisatrices": v1.PersonneMobilisatrice,
    "personnes-mobilisatrice": v1.PersonneMobilisatrice,
    "publics": v1.Public,
    "reseaux-porteurs": v1.ReseauPorteur,
    "thematiques": v1.Thematique,
    "types-services": v1.TypeService,
}
DEFAULT_SIZE = 5_000
MAX_SIZE = 10_000
CODE_COMMUNE = r"^\w{5}$"
CODE_DEPARTEMENT = r"^(\d{2}|2A|2B|97\d)$"


def _values(choices, description: str) -> fields.List:
    return fields.List(
        fields.String(validate=one_of(choices)),
        load_default=None,
        metadata={"description": description},
    )


def _code(regex: str, message, description: str) -> fields.String:
    return fields.String(
        load_default=None, validate=pattern(regex, message), metadata={"description": description}
    )


class _PageParams(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=between(1, 1_000_000))
    size = fields.Integer(
        load_default=DEFAULT_SIZE,
        validate=between(1, MAX_SIZE),
        metadata={"description": f"Taille de page ({DEFAULT_SIZE} par défaut)"},
    )
    sources = fields.List(
        fields.String(),
        load_default=None,
        metadata={"description": "Identifiants de sources (voir /sources)"},
    )


def _code_commune(description: str) -> fields.String:
    return _code(CODE_COMMUNE, _l("Code INSEE à 5 caractères attendu."), description)


def _code_departement() -> fields.String:
    return _code(
        CODE_DEPARTEMENT,
        _l("Code de département attendu (ex. 75)."),
        "Code INSEE d'un département : les fiches dont l'adresse y est",
    )


class _ServiceFilterParams(_PageParams):
    thematiques = _values(
        {**ref.CATEGORIES, **ref.THEMATIQUES},
        "Thématiques ou catégories (qui valent toutes leurs thématiques) ; l'une suffit",
    )
    frais = _values(ref.FRAIS, "Frais ; l'un suffit")
    publics = _values(ref.PUBLICS, "Publics ; l'un suffit (tous-publics convient à tous)")
    modes_accueil = _values(ref.MODES_ACCUEIL, "Modes d'accueil ; l'un suffit")
    types = _values(ref.TYPES, "Types de service ; l'un suffit")
    recherche_public = fields.String(
        load_default=None,
        metadata={"description": "Mots cherchés dans les publics et leurs précisions"},
    )
    score_qualite_minimum = fields.Float(
        load_default=None,
        validate=between(0, 1),
        metadata={
            "description": "Score de qualité data·inclusion minimum ; les fiches des "
            "partenaires de l'annuaire, qui n'en ont pas, restent"
        },
    )


class ListServicesParams(_ServiceFilterParams):
    code_departement = _code_departement()
    code_commune = _code_commune(
        "Code INSEE : les services dont l'adresse y est (75056 : tout Paris)"
    )


class SearchServicesParams(_ServiceFilterParams):
    code_commune = _code_commune(
        "Code INSEE d'une commune de Paris (75056 ou 75101 à 75120) : les services dont la "
        "zone couvre l'un de ses arrondissements, triés par distance à son centre"
    )
    code_insee = _code_commune("Ancien nom de code_commune")
    lat = fields.Float(load_default=None, validate=between(-90, 90))
    lon = fields.Float(load_default=None, validate=between(-180, 180))
    exclure_doublons = fields.Boolean(
        load_default=False,
        truthy={*fields.Boolean.truthy, "strict"},
        metadata={
            "description": "Parmi les services de structures en doublon, ne garder que ceux de "
            "la structure au meilleur score de qualité (puis la plus récente)"
        },
    )

    @validates_schema
    def point_is_complete(self, data, **kwargs) -> None:
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError(_l("lat et lon vont ensemble."), "lon")


class ListStructuresParams(_PageParams):
    code_departement = _code_departement()
    code_commune = _code_commune("Code INSEE : les structures dont l'adresse y est")
    reseaux_porteurs = _values(ref.RESEAUX_PORTEURS, "Réseaux porteurs ; l'un suffit")
    exclure_doublons = fields.Boolean(
        load_default=False,
        metadata={"description": "Une structure par groupe de doublons : la mieux notée"},
    )


class DIDetailedServiceSchema(ServiceSchema):
    """A service with its structure (a search result, a service's page)."""

    structure = fields.Nested(StructureSchema)


class DIListedStructureSchema(StructureSchema):
    score_qualite = fields.Float(
        metadata={"description": "Moyenne des scores de ses services, ou 0 (data·inclusion)"}
    )
    doublons = fields.List(fields.Nested(SourceIdSchema))


class DIDetailedStructureSchema(DIListedStructureSchema):
    doublons = fields.List(
        fields.Nested(StructureSchema), metadata={"description": "Ses doublons connus ici"}
    )
    services = fields.List(fields.Nested(ServiceSchema))


class DISearchItemSchema(Schema):
    service = fields.Nested(DIDetailedServiceSchema, required=True)
    distance = fields.Integer(
        allow_none=True, metadata={"description": "Distance en km (services sur place)"}
    )


def page_schema(name: str, item) -> type[Schema]:
    """The page of a list, as data·inclusion answers it (``size``: items on this page)."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "size": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
        },
        name=name,
    )


class SourceSchema(Schema):
    slug = fields.String(required=True)
    nom = fields.String(required=True)
    description = fields.String(allow_none=True)


class DocValueSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String(allow_none=True)
