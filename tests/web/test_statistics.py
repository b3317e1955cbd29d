"""/statistiques: coverage for whoever may search, freshness for accounts, each as CSV."""

import csv
import io

import pytest

from directory import referentials as ref
from directory.extensions import db
from directory.services import accounts
from tests.admin.pages import sign_in
from tests.conftest import import_records, make_app
from tests.services.test_figures import SERVICES, STRUCTURES, expected_coverage
from tests.web.html_page import parse

PASSWORD = "un mot de passe solide"


def _app(tmp_path, request, public: bool):
    app = make_app(tmp_path / "directory.sqlite3", "embedded", request, PUBLIC_SEARCH=public)
    import_records(app, tmp_path, STRUCTURES, SERVICES)
    with app.app_context():
        accounts.create_user("lectrice@ofii.fr", PASSWORD, "reader")
        accounts.create_user("admin@example.org", PASSWORD, "admin")
        db.session.commit()
    return app


@pytest.fixture
def public_app(tmp_path, request):
    return _app(tmp_path, request, public=True)


@pytest.fixture
def private_app(tmp_path, request):
    return _app(tmp_path, request, public=False)


def _table(page, caption: str):
    return next(t for t in page.find_all("table") if t.find("caption").text == caption)


def test_anyone_sees_the_coverage_with_empty_and_thin_cells_marked(public_app):
    page = parse(public_app.test_client().get("/statistiques").data)
    table = _table(page, "Tous les services publiés")
    assert table.parent.parent.get("tabindex") == "0"
    row = next(tr for tr in table.find_all("tr") if tr.find("th").text == "Famille")
    cells = [td.text for td in row.find_all("td")]
    assert cells[18] == "2 faible" and cells[0] == "1 faible"
    sante = next(tr for tr in table.find_all("tr") if tr.find("th").text == "Santé")
    assert {td.text for td in sante.find_all("td")} == {"0 aucun"}
    # Anonymous visitors do not see the freshness of the partners' listings.
    assert "Fraîcheur des fiches" not in page.text
    assert public_app.test_client().get("/statistiques/fraicheur.csv").status_code == 401


def test_the_form_restricts_the_coverage_to_a_level_and_a_language(public_app):
    client = public_app.test_client()
    page = parse(client.get("/statistiques?niveau=B1&langue=ru").data)
    table = _table(page, "Pour une personne de niveau B1")
    row = next(tr for tr in table.find_all("tr") if tr.find("th").text == "Famille")
    assert [td.text for td in row.find_all("td")][18] == "0 aucun"
    assert page.find("option", value="B1").get("selected") is not None


def _cells(table) -> dict[str, list[int]]:
    rows = table.find("tbody").find_all("tr")
    return {
        tr.find("th").text: [int(td.text.split()[0]) for td in tr.find_all("td")] for tr in rows
    }


def test_at_a_glance_the_coverage_for_a_person_at_a1(public_app):
    """Without a choice, the first table is for a person of level A1, next to all services."""
    page = parse(public_app.test_client().get("/statistiques").data)
    captions = [table.find("caption").text for table in page.find_all("table")]
    assert captions[:2] == ["Pour une personne de niveau A1", "Tous les services publiés"]
    labels = {slug: str(label) for slug, label in ref.CATEGORIES.items()}
    for caption, niveau in (
        ("Pour une personne de niveau A1", "A1"),
        ("Tous les services publiés", None),
    ):
        expected = {labels[c]: list(row.values()) for c, row in expected_coverage(niveau).items()}
        assert _cells(_table(page, caption)) == expected


def test_a_refused_level_or_language_is_named_with_its_problem(public_app):
    client = public_app.test_client()
    response = client.get("/statistiques?niveau=Z9&langue=zz")
    assert response.status_code == 400
    problems = [li.text for li in parse(response.data).find(id="erreurs").find_all("li")]
    assert problems == [
        "Niveau de français de la personne : Valeur inconnue : « Z9 ».",
        "Langues parlées : Code de langue inconnu : zz.",
    ]
    csv_answer = client.get("/statistiques/couverture.csv?niveau=Z9")
    assert csv_answer.status_code == 400 and "Niveau de français" in csv_answer.text


def test_the_coverage_csv(public_app):
    response = public_app.test_client().get("/statistiques/couverture.csv?niveau=A1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["categorie", *map(str, range(1, 21))]
    expected = expected_coverage("A1")
    assert {row[0]: [int(n) for n in row[1:]] for row in rows[1:]} == {
        categorie: list(counts.values()) for categorie, counts in expected.items()
    }


@pytest.mark.parametrize("email", ["lectrice@ofii.fr", "admin@example.org"])
def test_accounts_see_the_freshness_too(private_app, email):
    client = private_app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    page = parse(client.get("/statistiques").data)
    table = _table(page, "Fraîcheur des fiches")
    names = [tr.find("th").text for tr in table.find_all("tr")[1:]]
    assert names == ["Association Alpha", "Bêta Insertion", "Structure en préparation", "Total"]
    response = client.get("/statistiques/fraicheur.csv")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "structure,nom,a_jour,a_verifier,en_retard"
    assert lines[1].startswith("asso,Association Alpha,") and lines[-1].startswith("total,,")


def test_without_public_search_anonymous_visitors_get_what_other_pages_answer(private_app):
    client = private_app.test_client()
    for url in ("/statistiques", "/statistiques/couverture.csv", "/statistiques/fraicheur.csv"):
        assert client.get(url).status_code == client.get("/").status_code == 401, url
