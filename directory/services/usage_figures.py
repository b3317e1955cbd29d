"""The figures of use over a date range, from the usage events (services/usage.py): searches
per day, per filter value, the searches that found nothing (by their filters) and the
orientation pages opened per barrier. Each table also as CSV."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import referentials as ref
from ..extensions import db
from ..models import UsageEvent
from ..search.filters import BY_NAME
from .figures import DateRange, csv_table
from .search import value_labels
from .usage import BARRIERS, KEPT_FILTERS, ORIENTATION, SEARCH, TEXT, YES

# The fields of a search event, in the order the figures list them.
FIELDS = (*KEPT_FILTERS, TEXT)


@dataclass(frozen=True)
class DayRow:
    day: date
    searches: int
    without_result: int


@dataclass(frozen=True)
class FilterValue:
    field: str
    title: str
    value: str
    label: str

    @property
    def partner_named(self) -> bool:
        """Its label is a name a partner gave (a structure's)."""
        return self.field == "structure"


@dataclass(frozen=True)
class FilterValueRow:
    filter: FilterValue
    searches: int


@dataclass(frozen=True)
class FilterSetRow:
    """Identical sets of filters, counted together."""

    filters: tuple[FilterValue, ...]
    searches: int

    @property
    def query_string(self) -> str:
        return urlencode([(f.field, f.value) for f in self.filters])

    @property
    def text(self) -> str:
        """ "Thématiques : Famille ; Arrondissement : 19e" """
        return " ; ".join(f"{f.title} : {f.label}" for f in self.filters) or _("aucun filtre")


@dataclass(frozen=True)
class BarrierRow:
    frein: str
    label: str
    pages: int


def _events(kind: str, period: DateRange):
    return db.session.execute(
        select(UsageEvent.filters, UsageEvent.results).where(
            UsageEvent.kind == kind, UsageEvent.day.between(period.start, period.end)
        )
    ).all()


def searches_per_day(period: DateRange) -> list[DayRow]:
    """The days with searches, in order: how many, and how many found nothing."""
    rows = db.session.execute(
        select(
            UsageEvent.day,
            func.count(),
            func.count().filter(UsageEvent.results == 0),
        )
        .where(UsageEvent.kind == SEARCH, UsageEvent.day.between(period.start, period.end))
        .group_by(UsageEvent.day)
        .order_by(UsageEvent.day)
    )
    return [DayRow(day, searches, without) for day, searches, without in rows]


def _filter_values(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], FilterValue]:
    """Each (field, value) with the field's title and the value's label."""
    labels = {TEXT: {YES: _("oui")}}
    for name in {field for field, _value in pairs} - {TEXT}:
        labels[name] = value_labels(name, {value for field, value in pairs if field == name})
    titles = {name: str(BY_NAME[name].title) for name in KEPT_FILTERS} | {TEXT: _("Texte libre")}
    return {
        (field, value): FilterValue(field, titles[field], value, labels[field].get(value, value))
        for field, value in pairs
    }


def _pairs(filters: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    """A search's (field, value) pairs in the figures' order, whatever the order recorded."""
    return tuple((field, value) for field in FIELDS for value in sorted(filters.get(field) or ()))


def filter_values(period: DateRange) -> list[FilterValueRow]:
    """Per filter value, the number of searches that used it: by field, most used first."""
    events = _events(SEARCH, period)
    counts = Counter(pair for filters, _results in events for pair in _pairs(filters))
    described = _filter_values(set(counts))
    order = {field: index for index, field in enumerate(FIELDS)}
    return sorted(
        (FilterValueRow(described[pair], count) for pair, count in counts.items()),
        key=lambda row: (order[row.filter.field], -row.searches, row.filter.label.casefold()),
    )


def searches_without_result(period: DateRange) -> list[FilterSetRow]:
    """The searches that found nothing, identical sets of filters counted together, the most
    frequent first."""
    counts = Counter(
        _pairs(filters) for filters, results in _events(SEARCH, period) if results == 0
    )
    described = _filter_values({pair for pairs in counts for pair in pairs})
    rows = [
        FilterSetRow(tuple(described[pair] for pair in pairs), count)
        for pairs, count in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.searches, row.query_string))


def orientations_per_barrier(period: DateRange) -> tuple[list[BarrierRow], int]:
    """Per barrier, the orientation pages opened with it, most frequent first; and the number
    of pages opened (a page may name several barriers, or none)."""
    events = _events(ORIENTATION, period)
    counts = Counter(frein for filters, _results in events for frein in filters.get(BARRIERS, ()))
    labels = {**ref.CATEGORIES, **ref.THEMATIQUES}
    rows = [BarrierRow(frein, str(labels.get(frein, frein)), n) for frein, n in counts.items()]
    return sorted(rows, key=lambda row: (-row.pages, row.label.casefold())), len(events)


def searches_per_day_csv(period: DateRange) -> str:
    rows = searches_per_day(period)
    return csv_table(
        ["jour", "recherches", "sans_resultat"],
        ([row.day.isoformat(), row.searches, row.without_result] for row in rows),
    )


def filter_values_csv(period: DateRange) -> str:
    return csv_table(
        ["filtre", "valeur", "libelle", "recherches"],
        (
            [row.filter.field, row.filter.value, row.filter.label, row.searches]
            for row in filter_values(period)
        ),
    )


def searches_without_result_csv(period: DateRange) -> str:
    """The filters as a query string (that search again) and in words."""
    return csv_table(
        ["recherches", "filtres", "libelles"],
        ([row.searches, row.query_string, row.text] for row in searches_without_result(period)),
    )


def orientations_per_barrier_csv(period: DateRange) -> str:
    """One line per barrier, then the pages opened (`total`)."""
    rows, pages = orientations_per_barrier(period)
    lines = [[row.frein, row.label, row.pages] for row in rows]
    return csv_table(["frein", "libelle", "pages"], [*lines, ["total", "", pages]])


# The tables of use by the name of their CSV (/statistiques/<name>.csv).
CSV_TABLES = {
    "recherches": searches_per_day_csv,
    "filtres": filter_values_csv,
    "recherches-sans-resultat": searches_without_result_csv,
    "orientations-par-frein": orientations_per_barrier_csv,
}
