"""The admin dashboard's filters, read from the query string of its GET form."""

from marshmallow import EXCLUDE, Schema, fields, post_load
from werkzeug.datastructures import MultiDict

from ..services.dashboard import MODERATION_STATES, StructureFilter
from .messages import one_of, text_length
from .query_string import load_query_string


class StructureFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # other parameters (?lang=…) are not the form's

    nom = fields.String(load_default="", validate=text_length(0, 150))
    signataire = fields.Boolean(load_default=None)
    a_verifier = fields.Boolean(load_default=False)
    moderation = fields.String(load_default=None, validate=one_of(MODERATION_STATES))

    @post_load
    def to_filter(self, data, **kwargs) -> StructureFilter:
        return StructureFilter(**(data | {"nom": data["nom"].strip()}))


STRUCTURE_FILTER = StructureFilterSchema()


def parse_structure_filter(args: MultiDict) -> StructureFilter:
    """The filter the query string asks for (without the empty values a form sends);
    raises ValidationError naming each bad parameter."""
    return load_query_string(STRUCTURE_FILTER, args)
