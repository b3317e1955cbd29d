"""The steering committee's figures: coverage (catégorie × arrondissement) and freshness.

Coverage is counted by the search backend itself, with the search's own filters, so that a
cell always equals the total of the same search on /api/v1/search/services.
"""

import calendar
import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure
from ..schemas.search import parse_search_args
from .csv_format import neutralised
from .editing import DUE, OVERDUE, UP_TO_DATE, review_state
from .indexing import search_backend

# A cell with 1 to THIN_MAX services is thin: one closure leaves the arrondissement bare.
THIN_MAX = 2
EMPTY, THIN = "vide", "faible"
REVIEW_STATES = (UP_TO_DATE, DUE, OVERDUE)


def cell_state(count: int) -> str | None:
    """How a coverage cell is marked: empty, thin, or not at all."""
    if count == 0:
        return EMPTY
    return THIN if count <= THIN_MAX else None


# The level of the people the agreement receives first: the page's second table by default.
DEFAULT_LEVEL = "A1"


def coverage(niveau: str | None = None, langue: str | None = None) -> dict[str, dict[int, int]]:
    """For each catégorie slug, the number of published services per arrondissement (1–20),
    for a person of French level ``niveau`` speaking ``langue`` when given: the counts of the
    `thematiques` facet of the search `arrondissement=n` (with `niveau`, `langues`).
    Raises ValidationError for a level or a language the search refuses."""
    table = {categorie: {} for categorie in ref.CATEGORIES}
    for number in ref.ARRONDISSEMENTS_INSEE:
        args = MultiDict([("arrondissement", str(number)), ("size", "1")])
        if niveau:
            args.add("niveau", niveau)
        if langue:
            args.add("langues", langue)
        counts = search_backend().search(parse_search_args(args)).facets.get("thematiques", {})
        for categorie, row in table.items():
            row[number] = counts.get(categorie, 0)
    return table


@dataclass(frozen=True)
class FreshnessRow:
    structure_id: str
    nom: str
    counts: dict[str, int]  # listings (the structure and its services) per review state


def freshness(today: date | None = None) -> tuple[list[FreshnessRow], FreshnessRow]:
    """Per structure (by name) and overall, its listings not archived — itself and its
    services — up to date, due and overdue for review (editing.review_state)."""
    today = today or date.today()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REVIEW_STATES, 0))
    for model in (Structure, Service):
        for listing in db.session.scalars(
            select(model).where(model.statut_publication != "archive")
        ):
            owner = listing.structure_id if isinstance(listing, Service) else listing.id
            counts[owner][review_state(listing, today)] += 1
    names = dict(db.session.execute(select(Structure.id, Structure.nom)).all())
    rows = sorted(
        (FreshnessRow(owner, names[owner], by_state) for owner, by_state in counts.items()),
        key=lambda row: (row.nom.casefold(), row.structure_id),
    )
    total = {state: sum(row.counts[state] for row in rows) for state in REVIEW_STATES}
    return rows, FreshnessRow("", "", total)


def coverage_csv(table: dict[str, dict[int, int]]) -> str:
    """The catégorie slug, then one column per arrondissement headed 1 … 20."""
    return csv_table(
        ["categorie", *map(str, ref.ARRONDISSEMENTS_INSEE)],
        ([categorie, *row.values()] for categorie, row in table.items()),
    )


def freshness_csv(rows: list[FreshnessRow], total: FreshnessRow) -> str:
    """One line per structure, then the overall line (structure `total`)."""
    lines = [[row.structure_id, row.nom, *row.counts.values()] for row in rows]
    lines.append(["total", "", *total.counts.values()])
    return csv_table(["structure", "nom", *(s.replace("-", "_") for s in REVIEW_STATES)], lines)


def csv_table(header: list[str], rows) -> str:
    """A figures table as CSV; a text a spreadsheet would run as a formula (a partner's name)
    is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralised(c) if isinstance(c, str) else c for c in row] for row in rows)
    return out.getvalue()


def local_zone() -> ZoneInfo:
    """The application's time zone (Europe/Paris), in which the figures count days."""
    return ZoneInfo(str(get_timezone()))


@dataclass(frozen=True)
class DateRange:
    """The days from ``start`` to ``end``, both included (the figures' `du` and `au`)."""

    start: date
    end: date

    @classmethod
    def last_months(cls, today: date, months: int = 6) -> "DateRange":
        """From the same day ``months`` months before (the month's last day if it has fewer)
        to ``today``."""
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        last_day = calendar.monthrange(year, month + 1)[1]
        return cls(date(year, month + 1, min(today.day, last_day)), today)

    def datetimes(self) -> tuple[datetime, datetime]:
        """The range's bounds as instants, its days in the application's time zone: from the
        first day's midnight (included) to the midnight after the last (excluded)."""
        zone = local_zone()
        first = datetime.combine(self.start, time(), zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone)
        return first.astimezone(UTC), after.astimezone(UTC)
