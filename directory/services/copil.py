"""The steering committee's report (COPIL): one PDF for a period, each section a title, a
chart drawn as SVG and its table. SECTIONS lists them: a new figure is one more entry."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from .. import referentials as ref
from . import charts, charts_svg, figures
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
    chart: charts.Chart
    table: Table
    # False: the figures are as of the report's day, whatever its period (coverage, freshness).
    in_period: bool = False

    @property
    def svg(self) -> Markup:
        return Markup(charts_svg.render(self.chart))


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


# The report's sections, in order: each a function of the period giving its Section.
SECTIONS: tuple[Callable[[DateRange], Section], ...] = (
    coverage_for_a1,
    coverage_for_all,
    freshness_total,
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
