"""The steering committee's report: GET /statistiques/copil.pdf for signed-in accounts and
`directory stats copil`, checked on the PDF's own text against counts made here from the
records (tests/services/test_figures.py)."""

from datetime import date

import pytest

from directory.extensions import db
from directory.services import accounts
from directory.services.figures import DateRange
from tests.admin.pages import sign_in
from tests.conftest import import_records, make_app
from tests.services.test_figures import SERVICES, STRUCTURES, expected_coverage, expected_freshness
from tests.web.html_page import parse
from tests.web.test_fiche import pdf_text

PASSWORD = "un mot de passe solide"
A1_TITLE = "Couverture pour une personne de niveau A1"
ALL_TITLE = "Couverture : tous les services publiés"
FRESHNESS_TITLE = "Fraîcheur des fiches"


@pytest.fixture(scope="module")
def app(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("copil")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    import_records(app, folder, STRUCTURES, SERVICES)
    with app.app_context():
        accounts.create_user("lectrice@ofii.fr", PASSWORD, "reader")
        db.session.commit()
    return app


@pytest.fixture
def client(app):
    client = app.test_client()
    assert sign_in(client, "lectrice@ofii.fr", PASSWORD).status_code == 302
    return client


def _pages(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")


def _row(page: str, name: str) -> list[int]:
    """The numbers of a table's row, without the words marking empty and thin cells."""
    line = next(line for line in page.splitlines() if line.strip().startswith(name))
    return [int(word) for word in line.removeprefix(name).split() if word.isdigit()]


def test_the_report_has_each_section_with_its_chart_and_the_counts_of_the_records(client):
    response = client.get("/statistiques/copil.pdf?du=2026-01-01&au=2026-06-30")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "copil-2026-01-01-2026-06-30.pdf" in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    assert "Période du 1 janvier 2026 au 30 juin 2026" in pages[0]
    assert f"Généré le {date.today().day} " in " ".join(pages[0].split())
    by_title = {
        title: next(page for page in pages if title in page)
        for title in (A1_TITLE, ALL_TITLE, FRESHNESS_TITLE)
    }
    # Famille in the 19e: the 18e–19e garde only for A1 (the crèche asks B1), both for all.
    a1, everyone = expected_coverage("A1")["famille"], expected_coverage()["famille"]
    assert (a1[19], everyone[19]) == (1, 2)
    assert _row(by_title[A1_TITLE], "Famille") == list(a1.values())
    assert _row(by_title[ALL_TITLE], "Famille") == list(everyone.values())
    assert "faible" in by_title[A1_TITLE] and "aucun" in by_title[A1_TITLE]
    # Each chart's legend is drawn (SVG text), next to its table.
    assert "Catégories sans aucun service" in by_title[A1_TITLE]
    freshness = [sum(c) for c in zip(*expected_freshness(date.today()).values(), strict=True)]
    assert _row(by_title[FRESHNESS_TITLE], "Toutes les fiches") == freshness
    # Coverage and freshness do not depend on the period: the report says so.
    assert "ne dépendent pas de la période" in " ".join(by_title[A1_TITLE].split())


def test_anonymous_visitors_get_no_report(app):
    assert app.test_client().get("/statistiques/copil.pdf").status_code == 401


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("du=2026-13-01", "Du : Date attendue au format AAAA-MM-JJ."),
        ("au=hier", "Au : Date attendue au format AAAA-MM-JJ."),
        ("du=2026-06-30&au=2026-01-01", "Au : La date de fin précède la date de début."),
        ("du=2026-01-01&du=2026-02-01", "Du : Ce paramètre ne peut être"),
    ],
)
def test_a_bad_period_is_refused_naming_its_field(client, query, named):
    response = client.get(f"/statistiques/copil.pdf?{query}")
    assert response.status_code == 400
    assert named in response.get_data(as_text=True)


def test_by_default_the_last_six_months(client):
    response = client.get("/statistiques/copil.pdf?du=&au=")
    assert response.status_code == 200
    period = DateRange.last_months(date.today())
    assert f"copil-{period.start}-{date.today()}.pdf" in response.headers["Content-Disposition"]


def test_six_months_back_is_the_same_day_or_the_months_last():
    assert DateRange.last_months(date(2026, 12, 2)) == DateRange(
        date(2026, 6, 2), date(2026, 12, 2)
    )
    assert DateRange.last_months(date(2026, 8, 31)).start == date(2026, 2, 28)
    assert DateRange.last_months(date(2026, 3, 15)).start == date(2025, 9, 15)


def test_signed_in_accounts_find_the_report_of_the_period_shown(client):
    page = parse(client.get("/statistiques?du=2026-01-01&au=2026-06-30").data)
    assert page.find("a", href="/statistiques/copil.pdf?du=2026-01-01&au=2026-06-30")
    period = DateRange.last_months(date.today())
    default = parse(client.get("/statistiques").data)
    assert default.find(
        "a",
        href=f"/statistiques/copil.pdf?du={period.start.isoformat()}&au={period.end.isoformat()}",
    )


def test_the_cli_writes_the_report(app, tmp_path):
    output = tmp_path / "copil.pdf"
    runner = app.test_cli_runner()
    args = ["stats", "copil", "--from", "2026-01-01", "--to", "2026-06-30", "--output", output]
    result = runner.invoke(args=[str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    pages = _pages(output.read_bytes())
    assert "Période du 1 janvier 2026 au 30 juin 2026" in pages[0]
    assert any(A1_TITLE in page for page in pages)
    refused = runner.invoke(args=["stats", "copil", "--from", "2026-02-30", "--output", output])
    assert refused.exit_code != 0 and "--from" in refused.output
