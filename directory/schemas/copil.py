"""The period of the steering committee's report: `du` and `au` (YYYY-MM-DD), by default the
six months up to today."""

from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load
from werkzeug.datastructures import MultiDict

from ..services.copil import Period, default_period
from .query_string import load_query_string


class PeriodSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # other parameters (?lang=…) are not the form's

    du = fields.Date(load_default=None)
    au = fields.Date(load_default=None)

    @post_load
    def to_period(self, data, **kwargs) -> Period:
        end = data["au"] or date.today()
        start = data["du"] or default_period(end).start
        if end < start:
            raise ValidationError(str(_l("La fin de la période précède son début.")), "au")
        return Period(start, end)


PERIOD = PeriodSchema()


def parse_period(args: MultiDict) -> Period:
    """The period asked (empty values meaning the default); raises ValidationError naming
    each bad parameter."""
    return load_query_string(PERIOD, args)
