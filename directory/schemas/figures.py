"""The date range of the figures of use and referrals (`du`, `au`), from the query string."""

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from ..services.fiche import today
from ..services.figures import DateRange
from ..services.referral_figures import DEFAULT_GROUPING, GROUPINGS
from .messages import one_of
from .query_string import load_query_string


class FigureArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the coverage's level and language are the same page's

    du = fields.Date(load_default=None)
    au = fields.Date(load_default=None)
    par = fields.String(load_default=DEFAULT_GROUPING, validate=one_of(GROUPINGS))


FIGURE_ARGS = FigureArgsSchema()


def parse_figure_args(args: MultiDict) -> tuple[DateRange, str]:
    """The range asked (by default the last six months to today) and the referrals' grouping
    (`par`); raises ValidationError naming each bad parameter. Empty values count as not
    given."""
    filled = MultiDict((name, value) for name, value in args.items(multi=True) if value.strip())
    data = load_query_string(FIGURE_ARGS, filled)
    default = DateRange.last_months(today())
    period = DateRange(data["du"] or default.start, data["au"] or default.end)
    if period.end < period.start:
        raise ValidationError({"au": [_("La date de fin précède la date de début.")]})
    return period, data["par"]
