"""Charts of the steering committee's tables: the same numbers as a table, shaped for a bar or
a pie chart. One Chart is drawn in the browser by @gouvfr/dsfr-chart (templates/_chart.html)
and as SVG in the COPIL report (charts_svg)."""

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from .. import referentials as ref
from . import figures

BAR, PIE = "bar", "pie"
# dsfr-chart's palettes: one series in the default colour, several in categories, and states
# from good to bad from green to red.
DEFAULT, CATEGORICAL, GOOD_TO_BAD = "default", "categorical", "divergentAscending"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int | float, ...]  # one per label


@dataclass(frozen=True)
class Chart:
    """``kind``: BAR (one bar per label, the series stacked) or PIE (one series, a slice per
    label)."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    palette: str = DEFAULT

    def __post_init__(self):
        if any(len(serie.values) != len(self.labels) for serie in self.series):
            raise ValueError("Each series needs one value per label.")
        if self.kind == PIE and len(self.series) != 1:
            raise ValueError("A pie chart has one series.")


def coverage_gaps(table: dict[str, dict[int, int]], table_title: str) -> Chart:
    """Per arrondissement, how many catégories have no service, few, or enough: where the
    gaps are, at a glance (the table, titled ``table_title``, says which catégories)."""
    numbers = ref.ARRONDISSEMENTS_INSEE
    by_state = {state: [0] * len(numbers) for state in (None, figures.THIN, figures.EMPTY)}
    for row in table.values():
        for index, number in enumerate(numbers):
            by_state[figures.cell_state(row[number])][index] += 1
    names = {
        None: _("Catégories couvertes"),
        figures.THIN: _("Catégories à %(max)s services ou moins", max=figures.THIN_MAX),
        figures.EMPTY: _("Catégories sans aucun service"),
    }
    return Chart(
        BAR,
        _(
            "Catégories couvertes, faibles ou sans service, par arrondissement — %(table)s",
            table=table_title,
        ),
        tuple(short_arrondissement(number) for number in numbers),
        tuple(Series(names[state], tuple(counts)) for state, counts in by_state.items()),
        GOOD_TO_BAD,
    )


def freshness_total(total: figures.FreshnessRow, title: str) -> Chart:
    """Listings up to date, due and overdue, overall."""
    labels = {
        figures.UP_TO_DATE: _("À jour"),
        figures.DUE: _("À vérifier"),
        figures.OVERDUE: _("En retard"),
    }
    return Chart(
        PIE,
        title,
        tuple(labels[state] for state in figures.REVIEW_STATES),
        (Series(_("Fiches"), tuple(total.counts[state] for state in figures.REVIEW_STATES)),),
        GOOD_TO_BAD,
    )


def short_arrondissement(number: int) -> str:
    """1er, 2e … 20e: an axis label."""
    return _("1er") if number == 1 else _("%(number)se", number=number)


def searches_per_day(days: list, title: str) -> Chart:
    """Per day, the searches that found services and those that found none (stacked: their
    sum is the day's searches)."""
    return Chart(
        BAR,
        title,
        tuple(format_date(row.day, "d MMM") for row in days),
        (
            Series(_("Avec résultat"), tuple(row.searches - row.without_result for row in days)),
            Series(_("Sans résultat"), tuple(row.without_result for row in days)),
        ),
        CATEGORICAL,
    )


def pages_per_barrier(rows: list, title: str) -> Chart:
    return Chart(
        BAR,
        title,
        tuple(row.label for row in rows),
        (Series(_("Pages ouvertes"), tuple(row.pages for row in rows)),),
    )


def referral_outcomes(rows: list, title: str) -> Chart:
    """Per group, what its referrals have become, each counted once (stacked: their sum is
    the group's referrals sent): waiting, accepted with the appointment to confirm, first
    appointment kept, not kept, refused."""
    outcomes = {
        _("En attente de réponse"): lambda r: r.sent - r.accepted - r.refused,
        _("Acceptées, rendez-vous à confirmer"): lambda r: r.accepted - r.kept - r.missed,
        _("Rendez-vous honorés"): lambda r: r.kept,
        _("Rendez-vous non honorés"): lambda r: r.missed,
        _("Refusées"): lambda r: r.refused,
    }
    return Chart(
        BAR,
        title,
        tuple(row.label for row in rows),
        tuple(Series(name, tuple(map(count, rows))) for name, count in outcomes.items()),
        CATEGORICAL,
    )
