"""Response schemas of the JSON API, used to serialise and to document it (OpenAPI)."""

from marshmallow import Schema, fields

from .listings import ServiceSchema, StructureSchema
from .messages import between

REVISION_HELP = "Révision : à renvoyer avec une modification (verrouillage optimiste)"


class StructureWithServicesSchema(StructureSchema):
    revision = fields.Integer(dump_only=True, metadata={"description": REVISION_HELP})
    services = fields.List(
        fields.Nested(ServiceSchema), metadata={"description": "Services publiés"}
    )


class ServiceWithStructureSchema(ServiceSchema):
    revision = fields.Integer(dump_only=True, metadata={"description": REVISION_HELP})
    structure = fields.Nested(StructureSchema)


# Creation bodies (POST): the server makes the id from the name when it is missing, and
# sets the structure (from the path), the source and date_maj itself.
NEW_STRUCTURE = StructureSchema(partial=("id", "source", "date_maj"))
NEW_SERVICE = ServiceSchema(partial=("id", "structure_id", "source", "date_maj"))


# What a search hit says of its structure; the rest is at /api/v1/structures/<id>.
STRUCTURE_SUMMARY = ("id", "nom", "signataire", "commune", "code_postal", "code_insee")


class SearchServiceSchema(ServiceSchema):
    """A service as a search hit: every field of its own, a summary of its structure."""

    structure = fields.Nested(StructureSchema(only=STRUCTURE_SUMMARY))


class SearchItemSchema(Schema):
    service = fields.Nested(SearchServiceSchema, required=True)
    distance = fields.Float(allow_none=True, metadata={"description": "Distance au point, en km"})


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class PageParamsSchema(Schema):
    """The query string of a list: which page, of how many items (nothing else)."""

    page = fields.Integer(load_default=1, validate=between(1, 10_000))
    size = fields.Integer(load_default=50, validate=between(1, 100))


class PageSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    size = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class SearchResponseSchema(PageSchema):
    items = fields.List(fields.Nested(SearchItemSchema), required=True)
    facets = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)), required=True
    )


class StructureListSchema(PageSchema):
    items = fields.List(fields.Nested(StructureSchema), required=True)


class ReferentialValueSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class ErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ConflictSchema(ErrorSchema):
    revision = fields.Integer(required=True, metadata={"description": "Révision actuelle"})
    changes = fields.List(fields.Dict(), metadata={"description": "Les modifications de l'autre"})


class CriterionSchema(Schema):
    critere = fields.String(required=True, metadata={"description": "Critère du profil"})
    texte = fields.String(required=True, metadata={"description": "Ce qu'en dit le service"})


class OrientationMatchSchema(SearchItemSchema):
    raisons = fields.List(
        fields.Nested(CriterionSchema),
        attribute="criteria",
        metadata={"description": "Les critères du profil que le service remplit"},
    )


class NearMissSchema(SearchItemSchema):
    manque = fields.List(
        fields.Nested(CriterionSchema),
        attribute="criteria",
        metadata={"description": "Les critères (un ou deux) que le service ne remplit pas"},
    )


class WideningSchema(Schema):
    critere = fields.String(required=True)
    texte = fields.String(required=True)
    total = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "La recherche élargie"})


class BarrierSchema(Schema):
    frein = fields.String(required=True)
    label = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "Services qui conviennent"})
    items = fields.List(fields.Nested(OrientationMatchSchema), required=True)
    presque = fields.List(fields.Nested(NearMissSchema), required=True)
    voir_tout = fields.String(required=True, metadata={"description": "La recherche complète"})
    elargissements = fields.List(fields.Nested(WideningSchema), required=True)


class SpeSchema(Schema):
    structure = fields.String(allow_none=True, metadata={"description": "Signataire du SPE"})
    alternative = fields.String(allow_none=True)
    raison = fields.String(required=True)
    agence = fields.Nested(ServiceWithStructureSchema, allow_none=True)
    dans_le_public = fields.Boolean(
        allow_none=True,
        metadata={"description": "Public du protocole ; null quand statut ou année manquent"},
    )
    explication = fields.String(required=True)


class OrientationResponseSchema(Schema):
    profil = fields.Dict(required=True, metadata={"description": "Le profil validé"})
    spe = fields.Nested(SpeSchema, required=True)
    freins = fields.List(fields.Nested(BarrierSchema), required=True)
    avertissements = fields.List(fields.String(), required=True)
