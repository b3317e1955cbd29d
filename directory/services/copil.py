"""The steering committee's report (COPIL): one PDF for a period, each section a title, a
chart drawn as SVG and its table. SECTIONS lists them: a new figure is one more entry."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from .. import referentials as ref
from . import charts, charts_svg, figures, referral_figures, usage_figures
from .figures import DateRange


@dataclass(frozen=True)
class Table:
    """Rows of numbers under column headings, each row headed by its name."""

    columns: tuple[str, ...]  # the first heads the rows' names
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    mark: Callable[[int], str | None] = lambda count: None  # a word after a cell's number


@dataclass(frozen=True)
class Section:
    title: str
    chart: charts.Chart | None  # None: a table alone
    table: Table
    # False: the figures are as of the report's day, whatever its period (coverage, freshness).
    in_period: bool = False

    @property
    def svg(self) -> Markup:
        return Markup(charts_svg.render(self.chart)) if self.chart else Markup()


def _coverage_mark(count: int) -> str | None:
    state = figures.cell_state(count)
    return {figures.EMPTY: _("aucun"), figures.THIN: _("faible")}.get(state)


def _coverage_section(title: str, niveau: str | None) -> Section:
    table = figures.coverage(niveau)
    columns = (_("Catégorie"), *map(charts.short_arrondissement, ref.ARRONDISSEMENTS_INSEE))
    rows = tuple((str(ref.CATEGORIES[slug]), tuple(row.values())) for slug, row in table.items())
    return Section(title, charts.coverage_gaps(table, title), Table(columns, rows, _coverage_mark))


def coverage_for_a1(period: DateRange) -> Section:
    title = _("Couverture pour une personne de niveau %(niveau)s", niveau=figures.DEFAULT_LEVEL)
    return _coverage_section(title, figures.DEFAULT_LEVEL)


def coverage_for_all(period: DateRange) -> Section:
    return _coverage_section(_("Couverture : tous les services publiés"), None)


def freshness_total(period: DateRange) -> Section:
    _rows, total = figures.freshness()
    chart = charts.freshness_total(total, _("Fraîcheur des fiches"))
    table = Table((_("Fiches"), *chart.labels), ((_("Toutes les fiches"), chart.series[0].values),))
    return Section(chart.title, chart, table)


def searches_per_day(period: DateRange) -> Section:
    days = usage_figures.searches_per_day(period)
    title = _("Recherches par jour")
    rows = tuple((format_date(day.day, "long"), (day.searches, day.without_result)) for day in days)
    columns = (_("Jour"), _("Recherches"), _("Sans résultat"))
    return Section(title, charts.searches_per_day(days, title), Table(columns, rows), True)


def filter_values(period: DateRange) -> Section:
    rows = tuple(
        (f"{row.filter.title} : {row.filter.label}", (row.searches,))
        for row in usage_figures.filter_values(period)
    )
    table = Table((_("Filtre"), _("Recherches")), rows)
    return Section(_("Recherches par valeur de filtre"), None, table, True)


def searches_without_result(period: DateRange) -> Section:
    rows = tuple(
        (row.text, (row.searches,)) for row in usage_figures.searches_without_result(period)
    )
    table = Table((_("Filtres"), _("Recherches")), rows)
    return Section(_("Recherches sans résultat, par filtres"), None, table, True)


def pages_per_barrier(period: DateRange) -> Section:
    barriers, _pages = usage_figures.orientations_per_barrier(period)
    title = _("Pages d'orientation ouvertes, par frein")
    rows = tuple((row.label, (row.pages,)) for row in barriers)
    table = Table((_("Frein"), _("Pages ouvertes")), rows)
    return Section(title, charts.pages_per_barrier(barriers, title), table, True)


def _cell(column: referral_figures.Column, row: referral_figures.ReferralRow):
    value = column.value(row)
    if not column.days:
        return value
    return "—" if value is None else format_decimal(value, "0.0")


def referrals_by(grouping_name: str) -> Callable[[DateRange], Section]:
    """The section of the referrals sent in the period, grouped by ``grouping_name``."""
    grouping = referral_figures.GROUPINGS[grouping_name]

    def section(period: DateRange) -> Section:
        rows, total = referral_figures.referral_figures(referral_figures.outcomes(period), grouping)
        title = _("Orientations : %(grouping)s", grouping=grouping.title)
        columns = (grouping.column, *(c.title for c in referral_figures.SUMMARY_COLUMNS))
        cells = tuple(
            (r.label, tuple(_cell(c, r) for c in referral_figures.SUMMARY_COLUMNS))
            for r in [*rows, total]
        )
        chart = charts.referral_outcomes(rows, title)
        return Section(title, chart, Table(columns, cells), True)

    return section


def refusal_motives(period: DateRange) -> Section:
    _rows, total = referral_figures.referral_figures(
        referral_figures.outcomes(period), referral_figures.GROUPINGS["mois"]
    )
    rows = tuple(
        (str(label), (total.refused_by_motive[motive],))
        for motive, label in referral_figures.REFUSAL_MOTIVES.items()
    )
    table = Table((_("Motif du refus"), _("Refusées")), rows)
    return Section(_("Orientations refusées, par motif"), None, table, True)


# The report's sections, in order: each a function of the period giving its Section.
SECTIONS: tuple[Callable[[DateRange], Section], ...] = (
    coverage_for_a1,
    coverage_for_all,
    freshness_total,
    searches_per_day,
    filter_values,
    searches_without_result,
    pages_per_barrier,
    *(referrals_by(name) for name in referral_figures.GROUPINGS),
    refusal_motives,
)


def report_html(period: DateRange, today: date) -> str:
    """The report as HTML for WeasyPrint (needs a request context, for its stylesheet)."""
    sections = [build(period) for build in SECTIONS]
    return render_template("copil.html", period=period, today=today, sections=sections)


def report_pdf(period: DateRange, today: date) -> bytes:
    from . import pdf  # WeasyPrint needs Pango: loaded only when a PDF is made

    return pdf.render(report_html(period, today))


def filename(period: DateRange) -> str:
    return f"copil-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
