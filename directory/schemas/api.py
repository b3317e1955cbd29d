"""Response schemas of the JSON API, used to serialise and to document it (OpenAPI)."""

from marshmallow import Schema, fields

from .listings import ServiceSchema, StructureSchema

REVISION_HELP = "Révision : à renvoyer avec une modification (verrouillage optimiste)"


class StructureWithServicesSchema(StructureSchema):
    revision = fields.Integer(dump_only=True, metadata={"description": REVISION_HELP})
    services = fields.List(
        fields.Nested(ServiceSchema), metadata={"description": "Services publiés"}
    )


class ServiceWithStructureSchema(ServiceSchema):
    revision = fields.Integer(dump_only=True, metadata={"description": REVISION_HELP})
    structure = fields.Nested(StructureSchema)


class SearchItemSchema(Schema):
    service = fields.Nested(ServiceWithStructureSchema, required=True)
    distance = fields.Float(allow_none=True, metadata={"description": "Distance au point, en km"})


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


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
