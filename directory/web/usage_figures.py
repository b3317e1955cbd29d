"""The figures of use and of referrals on /statistiques, for signed-in accounts only: a date
range form (`du`, `au`), the tables, and each table as CSV."""

from dataclasses import dataclass

from flask import Response, abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..auth import current_user
from ..schemas.figures import parse_figure_args
from ..schemas.messages import flatten_errors
from ..services import charts, referral_figures, usage_figures
from ..services.figures import DateRange
from ..services.permissions import can_read_figures

REFERRALS_TABLE = "orientations"
CSV_TABLES = (*usage_figures.CSV_TABLES, REFERRALS_TABLE)
FIELD_TITLES = {"du": _l("Du"), "au": _l("Au"), "par": _l("Regroupement")}


@dataclass(frozen=True)
class ReferralTable:
    grouping: referral_figures.Grouping
    rows: list[referral_figures.ReferralRow]
    total: referral_figures.ReferralRow

    @property
    def chart(self) -> charts.Chart:
        return charts.referral_outcomes(self.rows, chart_title(self.grouping.title))


def chart_title(table_title) -> str:
    """A chart's title: its table's, said to be a chart (the table stays the accessible one)."""
    return _("Graphique : %(title)s", title=table_title)


def parsed_range(args: MultiDict) -> tuple[tuple[DateRange, str] | None, list[str]]:
    """The range and grouping asked, or what is wrong with them (each naming its field)."""
    try:
        return parse_figure_args(args), []
    except ValidationError as error:
        problems = flatten_errors(error.messages).items()
        return None, [f"{FIELD_TITLES.get(key, key)} : {' '.join(m)}" for key, m in problems]


def account_figures(args: MultiDict) -> tuple[dict, list[str]]:
    """The page's context for the sections « Utilisation » and « Orientations » (empty for
    an anonymous visitor), and the errors of the range asked."""
    if not can_read_figures(current_user()):
        return {}, []
    parsed, errors = parsed_range(args)
    context = {
        "figures_range": {"du": args.get("du", ""), "au": args.get("au", "")},
        "range_errors": errors,
    }
    if parsed is None:
        return context, errors
    period = parsed[0]
    barriers, pages = usage_figures.orientations_per_barrier(period)
    days = usage_figures.searches_per_day(period)
    outcomes = referral_figures.outcomes(period)
    return context | {
        "period": period,
        "csv_range": {"du": period.start.isoformat(), "au": period.end.isoformat()},
        "usage_days": days,
        "usage_days_chart": charts.searches_per_day(days, chart_title(_("Recherches par jour"))),
        "usage_barriers_chart": charts.pages_per_barrier(
            barriers, chart_title(_("Pages d'orientation ouvertes, par frein"))
        ),
        "usage_filters": usage_figures.filter_values(period),
        "usage_without_result": usage_figures.searches_without_result(period),
        "usage_barriers": barriers,
        "usage_pages": pages,
        "referral_tables": [
            ReferralTable(grouping, *referral_figures.referral_figures(outcomes, grouping))
            for grouping in referral_figures.GROUPINGS.values()
        ],
        "referral_columns": referral_figures.COLUMNS,
    }, errors


def account_csv(table: str, args: MultiDict) -> Response:
    """A table of use or of referrals as CSV: 401 for an anonymous visitor, 400 naming the
    bad parameters."""
    if not can_read_figures(current_user()):
        abort(401)
    parsed, errors = parsed_range(args)
    if parsed is None:
        return Response("\n".join(errors) + "\n", 400, mimetype="text/plain")
    period, grouping = parsed
    if table == REFERRALS_TABLE:
        body = referral_figures.referral_figures_csv(
            referral_figures.outcomes(period), referral_figures.GROUPINGS[grouping]
        )
        name = f"{table}-{grouping}"
    else:
        body, name = usage_figures.CSV_TABLES[table](period), table
    disposition = f'attachment; filename="{name}.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
