"""The referrals' figures, checked against counts made here from the raw records: referrals
in every state, with chosen dates (several structures, barriers, months, motives), compared
with the service, the CSV at /statistiques and `directory stats referrals`."""

import csv
import io
import random
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from directory import referentials as ref
from directory.extensions import db
from directory.models import Referral, ReferralEvent
from directory.services import accounts
from directory.services.figures import DateRange
from directory.services.referral_figures import GROUPINGS, outcomes, referral_figures
from directory.services.referrals import REFUSAL_MOTIVES
from tests.admin.pages import sign_in
from tests.factories import service, structure

PASSWORD = "un mot de passe solide"
PARIS = ZoneInfo("Europe/Paris")
STRUCTURES = [
    structure("ofii", nom="OFII Paris"),
    structure("mission-locale", nom="Mission Locale de Paris"),
    structure("accueil-a", nom="Accueil Alpha"),
    structure("accueil-b", nom="Bêta Solidarité"),
]
SERVICES = [
    service("creche-a", structure_id="accueil-a", thematiques=["famille--garde-denfants"]),
    service(
        "fle-b",
        structure_id="accueil-b",
        thematiques=["lecture-ecriture-calcul--maitriser-le-francais"],
    ),
    service(
        "logement-b",
        structure_id="accueil-b",
        thematiques=["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
    ),
]
RECEIVER = {"creche-a": "accueil-a", "fle-b": "accueil-b", "logement-b": "accueil-b"}
# The histories referrals can have: (state, hours after sending, refusal motive).
HISTORIES = [
    [],
    [("recue", 5)],
    [("recue", 5), ("acceptee", 30)],
    [("recue", 2), ("refusee", 50, "complet")],
    [("recue", 1), ("refusee", 100, "injoignable")],
    [("recue", 3), ("acceptee", 20), ("rdv-honore", 24 * 9)],
    [("recue", 4), ("acceptee", 72), ("rdv-non-honore", 24 * 12)],
    [("recue", 6), ("acceptee", 7), ("rdv-honore", 24 * 3 + 5)],
    [("recue", 10), ("refusee", 11, "hors-zone")],
]
SENDERS = ("ofii", "mission-locale")
FREINS = {
    "creche-a": "famille",
    "fle-b": "lecture-ecriture-calcul",
    "logement-b": "logement-hebergement",
}
# Sending times (UTC): three months, a referral that is April in Paris and still March in
# UTC, and two outside the range of the tests.
SENT_AT = [
    datetime(2026, 1, 5, 9, tzinfo=UTC),
    datetime(2026, 1, 20, 14, 30, tzinfo=UTC),
    datetime(2026, 2, 3, 8, tzinfo=UTC),
    datetime(2026, 2, 27, 16, tzinfo=UTC),
    datetime(2026, 3, 10, 11, tzinfo=UTC),
    datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
]
OUTSIDE = [datetime(2025, 12, 31, 22, 59, tzinfo=UTC), datetime(2026, 4, 30, 22, 0, tzinfo=UTC)]
RANGE = DateRange(date(2026, 1, 1), date(2026, 4, 30))
RANGE_ARGS = "du=2026-01-01&au=2026-04-30"
RANGE_OPTIONS = ["--from", "2026-01-01", "--to", "2026-04-30"]


def _events(sent_at: datetime, history: list[tuple]) -> list[tuple]:
    """(state, at, motive) of a referral sent at ``sent_at`` with ``history``."""
    later = [
        (state, sent_at + timedelta(hours=hours), *motive) for state, hours, *motive in history
    ]
    return [("envoyee", sent_at, None), *((state, at, (m or [None])[0]) for state, at, *m in later)]


def _record(number: int, sender: str, service_id: str, sent_at: datetime, history) -> dict:
    return {
        "sender": sender,
        "service": service_id,
        "frein": FREINS[service_id],
        "prenom": f"Zénobie{number:03d}",
        "contact": f"zenobie{number:03d}@exemple.fr",
        "sent_at": sent_at,
        "events": _events(sent_at, history),
    }


def _records() -> list[dict]:
    """Sixty referrals, each history at least once, senders, services, dates and delays mixed
    unevenly (a seeded draw), so that no two groups have the same figures; two more outside
    the range."""
    draw = random.Random(11)
    records = []
    for number in range(60):
        history = HISTORIES[number] if number < len(HISTORIES) else draw.choice(HISTORIES)
        slower = draw.choice((1, 1, 2, 5))  # the delays of this referral, stretched
        history = [(state, hours * slower, *motive) for state, hours, *motive in history]
        sender, service_id = draw.choice(SENDERS), draw.choice(list(RECEIVER))
        records.append(_record(number, sender, service_id, draw.choice(SENT_AT), history))
    for number, sent_at in enumerate(OUTSIDE, start=len(records)):
        records.append(_record(number, "ofii", "fle-b", sent_at, HISTORIES[2 + number % 2]))
    return records


RECORDS = _records()


def _insert(app) -> None:
    with app.app_context():
        for record in RECORDS:
            last = record["events"][-1]
            referral = Referral(
                created_at=record["sent_at"],
                service_id=record["service"],
                receiving_structure_id=RECEIVER[record["service"]],
                sending_structure_id=record["sender"],
                frein=record["frein"],
                state=last[0],
                refusal_motive=next((e[2] for e in record["events"] if e[2]), None),
                state_changed_at=last[1],
                consent_at=record["sent_at"],
                prenom=record["prenom"],
                contact=record["contact"],
            )
            referral.events = [
                ReferralEvent(at=at, state=state, motive=motive, actor="test@exemple.fr")
                for state, at, motive in record["events"]
            ]
            db.session.add(referral)
        db.session.commit()


@pytest.fixture
def figures_app(app, load):
    """A directory, the referrals of RECORDS, and an admin."""
    load(STRUCTURES, SERVICES)
    _insert(app)
    with app.app_context():
        accounts.create_user("admin@exemple.fr", PASSWORD, "admin")
    return app


# The expected tables, from the records alone.
KEYS = {
    "structure-envoi": lambda r: r["sender"],
    "structure-accueil": lambda r: RECEIVER[r["service"]],
    "frein": lambda r: r["frein"],
    "mois": lambda r: r["sent_at"].astimezone(PARIS).strftime("%Y-%m"),
}


def _in_range(record) -> bool:
    return RANGE.start <= record["sent_at"].astimezone(PARIS).date() <= RANGE.end


def _expected_row(records: list[dict]) -> list:
    def reached(*states):
        return sum(1 for r in records if {e[0] for e in r["events"]} & set(states))

    def median(days):
        days = [d for d in days if d is not None]
        return f"{statistics.median(days):.1f}" if days else ""

    def days_to(r, *states):
        times = [at for state, at, _m in r["events"] if state in states]
        return (min(times) - r["sent_at"]) / timedelta(days=1) if times else None

    motives = [e[2] for r in records for e in r["events"] if e[0] == "refusee"]
    return [
        len(records),
        reached("recue", "acceptee", "refusee", "rdv-honore", "rdv-non-honore"),
        reached("acceptee", "rdv-honore", "rdv-non-honore"),
        reached("refusee"),
        *(motives.count(motive) for motive in REFUSAL_MOTIVES),
        reached("rdv-honore"),
        reached("rdv-non-honore"),
        median(days_to(r, "acceptee", "refusee") for r in records),
        median(days_to(r, "rdv-honore") for r in records),
    ]


def expected(grouping: str) -> dict[str, list]:
    """Key -> [sent, received, accepted, refused, *per motive, kept, missed, medians]; and
    `total`."""
    groups = defaultdict(list)
    in_range = [r for r in RECORDS if _in_range(r)]
    for record in in_range:
        groups[KEYS[grouping](record)].append(record)
    return {key: _expected_row(group) for key, group in groups.items()} | {
        "total": _expected_row(in_range)
    }


def _as_lists(rows, total) -> dict[str, list]:
    def days(value):
        return "" if value is None else f"{value:.1f}"

    return {
        row.key: [
            row.sent,
            row.received,
            row.accepted,
            row.refused,
            *row.refused_by_motive.values(),
            row.kept,
            row.missed,
            days(row.median_days_to_answer),
            days(row.median_days_to_appointment),
        ]
        for row in [*rows, total]
    }


def _csv_lists(text: str) -> dict[str, list]:
    rows = list(csv.reader(io.StringIO(text)))
    return {row[0]: [*map(int, row[2:-2]), *row[-2:]] for row in rows[1:]}


def test_the_data_has_every_state_month_and_motive():
    states = {e[0] for r in RECORDS for e in r["events"]}
    assert states == {"envoyee", "recue", "acceptee", "refusee", "rdv-honore", "rdv-non-honore"}
    assert set(expected("mois")) == {"2026-01", "2026-02", "2026-03", "2026-04", "total"}
    assert len([r for r in RECORDS if not _in_range(r)]) == 2


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_the_figures_count_what_the_records_say(figures_app, grouping):
    with figures_app.app_context():
        rows, total = referral_figures(outcomes(RANGE), GROUPINGS[grouping])
    assert _as_lists(rows, total) == expected(grouping)


def test_rows_are_labelled_and_ordered(figures_app):
    with figures_app.app_context():
        items = outcomes(RANGE)
        by_month, _total = referral_figures(items, GROUPINGS["mois"])
        by_receiver, _total = referral_figures(items, GROUPINGS["structure-accueil"])
        by_frein, _total = referral_figures(items, GROUPINGS["frein"])
    assert [row.label for row in by_month] == [
        "janvier 2026",
        "février 2026",
        "mars 2026",
        "avril 2026",
    ]
    assert [row.label for row in by_receiver] == ["Accueil Alpha", "Bêta Solidarité"]
    labels = sorted((str(ref.CATEGORIES[f]) for f in set(FREINS.values())), key=str.casefold)
    assert [row.label for row in by_frein] == labels


@pytest.mark.parametrize(
    ("par", "by"),
    [
        ("structure-envoi", "sending"),
        ("structure-accueil", "receiving"),
        ("frein", "frein"),
        ("mois", "month"),
    ],
)
def test_the_csv_and_the_cli_say_the_same(figures_app, par, by):
    client = figures_app.test_client()
    assert sign_in(client, "admin@exemple.fr", PASSWORD).status_code == 302
    response = client.get(f"/statistiques/orientations.csv?{RANGE_ARGS}&par={par}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert _csv_lists(text) == expected(par)
    assert "Zénobie" not in text and "exemple.fr" not in text
    runner = figures_app.test_cli_runner()
    result = runner.invoke(args=["stats", "referrals", *RANGE_OPTIONS, "--by", by, "--csv"])
    assert result.exit_code == 0, result.output
    assert result.output == text
    aligned = runner.invoke(args=["stats", "referrals", *RANGE_OPTIONS, "--by", by]).output
    assert aligned.splitlines()[0].split()[:3] == [GROUPINGS[par].kind, "libelle", "envoyees"]
    assert aligned.splitlines()[-1].split()[:5] == ["total", *map(str, expected(par)["total"][:4])]


def test_the_range_counts_the_referrals_sent_within_it(figures_app):
    with figures_app.app_context():
        march = outcomes(DateRange(date(2026, 3, 1), date(2026, 3, 31)))
        everything = outcomes(DateRange(date(2025, 1, 1), date(2026, 12, 31)))
    paris_days = [r["sent_at"].astimezone(PARIS).date() for r in RECORDS]
    assert len(march) == sum(1 for d in paris_days if (d.year, d.month) == (2026, 3))
    assert len(everything) == len(RECORDS)


def test_the_cli_names_a_bad_option(figures_app):
    runner = figures_app.test_cli_runner()
    bad = runner.invoke(args=["stats", "referrals", "--from", "2026-13-01"])
    assert bad.exit_code == 2 and "--from" in bad.output
    reversed_range = runner.invoke(
        args=["stats", "referrals", "--from", "2026-03-01", "--to", "2026-02-01"]
    )
    assert reversed_range.exit_code == 2 and "--to" in reversed_range.output


def test_the_copil_report_has_the_referral_figures(figures_app):
    """The PDF's table « by receiving structure » says what the records say (its counts;
    the medians, written the French way, are checked above)."""
    from tests.web.test_fiche import pdf_text

    client = figures_app.test_client()
    sign_in(client, "admin@exemple.fr", PASSWORD)
    response = client.get(f"/statistiques/copil.pdf?du={RANGE.start}&au={RANGE.end}")
    assert response.status_code == 200
    pages = pdf_text(response.data).split("\f")
    page = next(p for p in pages if "Orientations : Par structure qui accueille" in p)
    wanted = expected("structure-accueil")
    for key, name in {"accueil-a": "Accueil Alpha", "accueil-b": "Bêta Solidarité"}.items():
        # The table's line (the chart's labels come first, without numbers).
        words = next(
            line.strip().removeprefix(name).split()
            for line in page.splitlines()
            if line.strip().startswith(name) and any(c.isdigit() for c in line)
        )
        counts = [int(word) for word in words if word.isdigit()]
        motives = len(REFUSAL_MOTIVES)
        # sent, received, accepted, refused; (per motive: not in this table); kept, missed
        assert counts[:6] == wanted[key][:4] + wanted[key][4 + motives : 6 + motives]
