"""The steering committee's figures, checked against counts made here from the raw records
(DESIGN.md §2–3), against the search API's totals on both backends, and through the CLI."""

import csv
import io
from datetime import date, timedelta

import pytest

from directory.services import figures
from tests.conftest import BACKENDS, import_records, make_app
from tests.factories import service, structure

FLE = "lecture-ecriture-calcul--maitriser-le-francais"
GARDE = "famille--garde-denfants"
EMPLOI = "trouver-un-emploi--repondre-a-des-offres-demploi"
HEBERGEMENT = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"
CATEGORIES_USED = (
    "lecture-ecriture-calcul",
    "famille",
    "trouver-un-emploi",
    "logement-hebergement",
)

STRUCTURES = [
    structure("asso", nom="Association Alpha"),
    structure("autre", nom="Bêta Insertion", verifie_le="2026-05-20", frequence_maj="mensuelle"),
    structure("cachee", nom="Structure en préparation", statut_publication="brouillon"),
]
SERVICES = [
    service(
        "fle-19",
        thematiques=[FLE],
        zone_eligibilite=["75119"],
        niveau_francais_min="A1.1",
        niveau_francais_max="A2",
        langues_parlees=["ar"],
        frequence_maj="mensuelle",
    ),
    service(
        "creche-paris", thematiques=[GARDE], zone_eligibilite=["75056"], niveau_francais_min="B1"
    ),
    service(
        "garde-18-19",
        thematiques=[GARDE, EMPLOI],
        zone_eligibilite=["75118", "75119"],
        langues_parlees=["ar", "ti"],
        frequence_maj="trimestrielle",
    ),
    service(
        "garde-brouillon",
        thematiques=[GARDE],
        zone_eligibilite=["75119"],
        statut_publication="brouillon",
    ),
    service(
        "garde-archive",
        thematiques=[GARDE],
        zone_eligibilite=["75119"],
        statut_publication="archive",
    ),
    # No zone, an address in Paris: every arrondissement.
    service("abri", structure_id="autre", thematiques=[HEBERGEMENT], niveau_francais_max="A1"),
    service("emploi-93", structure_id="autre", thematiques=[EMPLOI], zone_eligibilite=["93066"]),
    service(
        "emploi-ile-de-france", structure_id="autre", thematiques=[EMPLOI], zone_eligibilite=["11"]
    ),
    # A published service of a structure that is not.
    service("garde-cachee", structure_id="cachee", thematiques=[GARDE], zone_eligibilite=["75119"]),
]
SEARCH = "/api/v1/search/services"
SCALE = ["alpha", "A1.1", "A1", "A2", "B1", "B2", "C1", "C2"]
PARIS_WIDE = {"75056", "75", "11", "france"}


def expected_coverage(niveau=None, langue=None) -> dict[str, dict[int, int]]:
    """Counted from the records: published services of published structures, by zone."""
    published = {s["id"] for s in STRUCTURES if s.get("statut_publication", "publie") == "publie"}
    table = {categorie: dict.fromkeys(range(1, 21), 0) for categorie in figures.ref.CATEGORIES}
    for record in SERVICES:
        if record.get("statut_publication", "publie") != "publie":
            continue
        if record["structure_id"] not in published:
            continue
        low = SCALE.index(record.get("niveau_francais_min") or "alpha")
        high = SCALE.index(record.get("niveau_francais_max") or "C2")
        if niveau and not low <= SCALE.index(niveau) <= high:
            continue
        if langue and langue not in ["fr", *record.get("langues_parlees", [])]:
            continue
        zone = record.get("zone_eligibilite")
        if zone is None or PARIS_WIDE.intersection(zone):  # the records' addresses are in Paris
            numbers = range(1, 21)
        else:
            numbers = [int(code[3:]) for code in zone if code.startswith("751")]
        for categorie in {slug.split("--")[0] for slug in record["thematiques"]}:
            for number in numbers:
                table[categorie][number] += 1
    return table


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    app = make_app(folder / "directory.sqlite3", request.param, request)
    import_records(app, folder, STRUCTURES, SERVICES)
    return app


@pytest.mark.parametrize(
    ("niveau", "langue"), [(None, None), ("A1", None), (None, "ar"), ("A2", "ti")]
)
def test_coverage_counts_what_the_records_say(app, niveau, langue):
    with app.app_context():
        assert figures.coverage(niveau, langue) == expected_coverage(niveau, langue)


def test_coverage_equals_the_search_api_totals(app):
    client = app.test_client()
    with app.app_context():
        tables = {(None, None): figures.coverage(), ("A1", "ar"): figures.coverage("A1", "ar")}
    for (niveau, langue), table in tables.items():
        extra = f"&niveau={niveau}&langues={langue}" if niveau else ""
        for categorie in (*CATEGORIES_USED, "sante"):
            for number in range(1, 21):
                url = f"{SEARCH}?thematiques={categorie}&arrondissement={number}{extra}"
                assert client.get(url).json["total"] == table[categorie][number], url


def test_cells_are_marked_empty_or_thin():
    assert [figures.cell_state(n) for n in (0, 1, 2, 3)] == ["vide", "faible", "faible", None]


def test_the_coverage_csv_has_a_slug_then_one_column_per_arrondissement(app):
    with app.app_context():
        rows = list(csv.reader(io.StringIO(figures.coverage_csv(figures.coverage()))))
    assert rows[0] == ["categorie", *map(str, range(1, 21))]
    by_slug = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_slug) == len(figures.ref.CATEGORIES)
    assert by_slug["famille"][18] == "2"  # 19e: the Paris-wide crèche and the 18e–19e garde
    assert by_slug["famille"][0] == "1"
    assert by_slug["trouver-un-emploi"][17] == "2"  # 18e: Île-de-France and the 18e–19e garde


FREQUENCY_DAYS = {"mensuelle": 31, "trimestrielle": 92, "semestrielle": 183, "annuelle": 366}


def expected_freshness(today: date) -> dict[str, list[int]]:
    """Per structure: listings (not archived) up to date, due, overdue, from the records."""
    counts = {}
    for record in [*STRUCTURES, *SERVICES]:
        if record.get("statut_publication") == "archive":
            continue
        owner = record.get("structure_id", record["id"])
        last = max(
            date.fromisoformat(d) for d in (record["date_maj"], record.get("verifie_le")) if d
        )
        period = timedelta(days=FREQUENCY_DAYS[record.get("frequence_maj", "semestrielle")])
        state = 0 if today < last + period else 1 if today < last + 2 * period else 2
        counts.setdefault(owner, [0, 0, 0])[state] += 1
    return counts


@pytest.mark.parametrize(
    "today", [date(2026, 4, 1), date(2026, 6, 1), date(2026, 6, 20), date(2027, 3, 1)]
)
def test_freshness_counts_what_the_records_say(app, today):
    with app.app_context():
        rows, total = figures.freshness(today)
    assert {row.structure_id: list(row.counts.values()) for row in rows} == expected_freshness(
        today
    )
    assert list(total.counts.values()) == [
        sum(c) for c in zip(*expected_freshness(today).values(), strict=True)
    ]
    assert [row.nom for row in rows] == [
        "Association Alpha",
        "Bêta Insertion",
        "Structure en préparation",
    ]


def test_the_cli_prints_the_same_tables(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "coverage", "--niveau", "A1", "--langue", "ar", "--csv"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert result.output == figures.coverage_csv(figures.coverage("A1", "ar"))
    text = runner.invoke(args=["stats", "coverage"]).output.splitlines()
    assert text[0].split() == ["categorie", *map(str, range(1, 21))]
    famille = next(line for line in text if line.startswith("famille "))
    assert famille.split()[1:] == [str(n) for n in expected_coverage()["famille"].values()]
    result = runner.invoke(args=["stats", "freshness", "--csv"])
    assert result.output.splitlines()[0] == "structure,nom,a_jour,a_verifier,en_retard"
    assert result.output.splitlines()[-1].startswith("total,,")
    assert "Bêta Insertion" in runner.invoke(args=["stats", "freshness"]).output
    refused = runner.invoke(args=["stats", "coverage", "--langue", "zz-pas-une-langue"])
    assert refused.exit_code != 0
