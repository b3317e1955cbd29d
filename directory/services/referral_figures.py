"""The referrals' figures over a date range (the referrals created within it): sent,
received, accepted, refused (by motive), first appointments kept and missed, and the median
days to an answer and to the appointment — by sending structure, receiving structure,
barrier or month, one computation grouped by a key. Counts only: never a person's data.

Counting rule, from each referral's history of states (its events), not its current state:
- sent: every referral;
- received: its history reached `recue` or a later state (accepted, refused, appointment);
- accepted: it reached `acceptee` or an appointment state (`rdv-honore`, `rdv-non-honore`);
- refused: it reached `refusee`, counted under the motive of that event;
- appointment kept / not kept: it reached `rdv-honore` / `rdv-non-honore`;
- days to answer: from its sending (the `envoyee` event) to its first `acceptee` or
  `refusee` event; days to appointment: from its sending to its `rdv-honore` event; their
  median over the referrals that have one, in days (tenths).
Days and months are those of the application's time zone (Europe/Paris).
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from .. import referentials as ref
from ..extensions import db
from ..models import Referral, Structure, as_utc
from .figures import DateRange, csv_table, local_zone
from .referrals import ACCEPTED, KEPT, MISSED, RECEIVED, REFUSAL_MOTIVES, REFUSED, SENT

# A state counts as reached once the history holds it or one of these later states.
REACHED_WITH = {
    RECEIVED: {RECEIVED, ACCEPTED, REFUSED, KEPT, MISSED},
    ACCEPTED: {ACCEPTED, KEPT, MISSED},
    REFUSED: {REFUSED},
    KEPT: {KEPT},
    MISSED: {MISSED},
}
ANSWERED = (ACCEPTED, REFUSED)
SECONDS_A_DAY = 86_400


@dataclass(frozen=True)
class Outcome:
    """What one referral's history says, without anything of the person."""

    sending: str
    receiving: str
    frein: str
    month: str  # YYYY-MM, of its sending
    states: frozenset[str]  # every state its history reached
    motive: str | None
    days_to_answer: float | None
    days_to_appointment: float | None

    def reached(self, state: str) -> bool:
        return bool(self.states & REACHED_WITH[state])


def _local(moment: datetime) -> datetime:
    """An instant in the application's time zone (SQLite gives back UTC without a zone)."""
    return as_utc(moment).astimezone(local_zone())


def _days(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / SECONDS_A_DAY


def outcome(referral: Referral) -> Outcome:
    first = {}  # each state's first event
    for event in sorted(referral.events, key=lambda event: (event.at, event.id)):
        first.setdefault(event.state, event)
    sent_at = first[SENT].at if SENT in first else referral.created_at
    answers = [first[state].at for state in ANSWERED if state in first]
    refusal = first.get(REFUSED)
    return Outcome(
        sending=referral.sending_structure_id,
        receiving=referral.receiving_structure_id,
        frein=referral.frein,
        month=_local(referral.created_at).strftime("%Y-%m"),
        states=frozenset(first),
        motive=(refusal.motive or referral.refusal_motive) if refusal else None,
        days_to_answer=_days(sent_at, min(answers, default=None)),
        days_to_appointment=_days(sent_at, first[KEPT].at if KEPT in first else None),
    )


def outcomes(period: DateRange) -> list[Outcome]:
    """The referrals created within the range; their personal fields are not even read."""
    start, after = period.datetimes()
    query = (
        select(Referral)
        .where(Referral.created_at >= start, Referral.created_at < after)
        .options(
            load_only(
                Referral.created_at,
                Referral.sending_structure_id,
                Referral.receiving_structure_id,
                Referral.frein,
                Referral.refusal_motive,
            ),
            selectinload(Referral.events),
        )
    )
    return [outcome(referral) for referral in db.session.scalars(query)]


@dataclass(frozen=True)
class ReferralRow:
    key: str
    label: str
    sent: int
    received: int
    accepted: int
    refused: int
    refused_by_motive: dict[str, int]  # every motive of REFUSAL_MOTIVES, in its order
    kept: int
    missed: int
    median_days_to_answer: float | None
    median_days_to_appointment: float | None


def _median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return round(statistics.median(present), 1) if present else None


def row(key: str, label: str, group: list[Outcome]) -> ReferralRow:
    """The figures of a group of referrals."""

    def count(state: str) -> int:
        return sum(item.reached(state) for item in group)

    motives = dict.fromkeys(REFUSAL_MOTIVES, 0)
    for item in group:
        if item.reached(REFUSED) and item.motive in motives:
            motives[item.motive] += 1
    return ReferralRow(
        key=key,
        label=label,
        sent=len(group),
        received=count(RECEIVED),
        accepted=count(ACCEPTED),
        refused=count(REFUSED),
        refused_by_motive=motives,
        kept=count(KEPT),
        missed=count(MISSED),
        median_days_to_answer=_median(item.days_to_answer for item in group),
        median_days_to_appointment=_median(item.days_to_appointment for item in group),
    )


# What a grouping's keys are: the CSV's first column.
STRUCTURE, BARRIER, MONTH = "structure", "frein", "mois"


def _structure_names(ids: set[str]) -> dict[str, str]:
    names = select(Structure.id, Structure.nom).where(Structure.id.in_(ids))
    return dict(db.session.execute(names).all())


def _barrier_labels(slugs: set[str]) -> dict[str, str]:
    return {slug: str(ref.CATEGORIES.get(slug, slug)) for slug in slugs}


def _month_labels(months: set[str]) -> dict[str, str]:
    """ "2026-03" -> "mars 2026" """
    return {m: format_date(date.fromisoformat(f"{m}-01"), "LLLL yyyy") for m in months}


@dataclass(frozen=True)
class Grouping:
    name: str  # in the CSV's address: orientations.csv?par=<name>
    cli_name: str  # directory stats referrals --by <cli_name>
    title: object  # a lazy string
    kind: str  # STRUCTURE, BARRIER or MONTH
    column: object  # the heading of the keys' column (a lazy string)
    key: Callable[[Outcome], str]
    labels: Callable[[set[str]], dict[str, str]]


GROUPINGS = {
    grouping.name: grouping
    for grouping in (
        Grouping(
            "structure-envoi",
            "sending",
            _l("Par structure qui oriente"),
            STRUCTURE,
            _l("Structure qui oriente"),
            lambda item: item.sending,
            _structure_names,
        ),
        Grouping(
            "structure-accueil",
            "receiving",
            _l("Par structure qui accueille"),
            STRUCTURE,
            _l("Structure qui accueille"),
            lambda item: item.receiving,
            _structure_names,
        ),
        Grouping(
            "frein",
            "frein",
            _l("Par frein"),
            BARRIER,
            _l("Frein"),
            lambda item: item.frein,
            _barrier_labels,
        ),
        Grouping(
            "mois",
            "month",
            _l("Par mois"),
            MONTH,
            _l("Mois"),
            lambda item: item.month,
            _month_labels,
        ),
    )
}
DEFAULT_GROUPING = "mois"


def referral_figures(
    items: list[Outcome], grouping: Grouping
) -> tuple[list[ReferralRow], ReferralRow]:
    """One row per key of ``grouping`` (months in order, the others by label), and the total."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for item in items:
        groups[grouping.key(item)].append(item)
    labels = grouping.labels(set(groups))
    rows = [row(key, labels.get(key, key), group) for key, group in groups.items()]
    if grouping.kind == MONTH:
        rows.sort(key=lambda r: r.key)
    else:
        rows.sort(key=lambda r: (r.label.casefold(), r.key))
    return rows, row("total", _("Total"), items)


@dataclass(frozen=True)
class Column:
    """A column of the referral tables: its CSV name, its heading, its value in a row."""

    slug: str
    title: object  # a lazy string
    value: Callable[[ReferralRow], int | float | None]
    in_summary: bool = True  # also in the report's narrower table
    days: bool = False  # a median in days (None when there is none)


def _motive_column(motive: str, label) -> Column:
    return Column(
        f"refus_{motive.replace('-', '_')}",
        _l("Refus : %(motif)s", motif=label),
        lambda row: row.refused_by_motive[motive],
        in_summary=False,
    )


# The referral tables' columns, in order: the page's, the CSV's and the report's.
COLUMNS = (
    Column("envoyees", _l("Envoyées"), lambda row: row.sent),
    Column("recues", _l("Reçues"), lambda row: row.received),
    Column("acceptees", _l("Acceptées"), lambda row: row.accepted),
    Column("refusees", _l("Refusées"), lambda row: row.refused),
    *(_motive_column(motive, label) for motive, label in REFUSAL_MOTIVES.items()),
    Column("rdv_honores", _l("Rendez-vous honorés"), lambda row: row.kept),
    Column("rdv_non_honores", _l("Rendez-vous non honorés"), lambda row: row.missed),
    Column(
        "jours_reponse_mediane",
        _l("Délai médian de réponse (jours)"),
        lambda row: row.median_days_to_answer,
        days=True,
    ),
    Column(
        "jours_rdv_mediane",
        _l("Délai médian jusqu'au rendez-vous (jours)"),
        lambda row: row.median_days_to_appointment,
        days=True,
    ),
)
SUMMARY_COLUMNS = tuple(column for column in COLUMNS if column.in_summary)


def _csv_cell(column: Column, row: ReferralRow):
    value = column.value(row)
    if not column.days:
        return value
    return "" if value is None else f"{value:.1f}"


def referral_figures_csv(items: list[Outcome], grouping: Grouping) -> str:
    """One line per key, then the total (key `total`); the medians in days, empty when none."""
    rows, total = referral_figures(items, grouping)
    header = [grouping.kind, "libelle", *(column.slug for column in COLUMNS)]
    lines = [
        [r.key, "" if r is total else r.label, *(_csv_cell(column, r) for column in COLUMNS)]
        for r in [*rows, total]
    ]
    return csv_table(header, lines)
