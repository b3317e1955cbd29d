"""/statistiques in Debian's Chromium: dsfr-chart draws each table's chart under the site's
Content-Security-Policy, the page passes axe-core, and without JavaScript the tables alone
show, with nothing broken."""

import json

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.services import accounts
from tests.browser import axe_violations, described, new_context, serve
from tests.conftest import make_app
from tests.test_security_headers import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser

READER, PASSWORD = "lectrice@ofii.fr", "un mot de passe solide"
CHARTS = {
    "graphique-couverture-personne": "bar-chart",
    "graphique-couverture-tous": "bar-chart",
    "graphique-fraicheur": "pie-chart",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, request):
    """The sample data of `make run` and a reader's account."""
    folder = tmp_path_factory.mktemp("statistics")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    app.config["SESSION_COOKIE_SECURE"] = False  # plain HTTP
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        accounts.create_user(READER, PASSWORD, "reader")
        db.session.commit()
    with serve(app) as url:
        yield url


def _signed_in(browser, site_url, javascript: bool = True):
    context = new_context(browser, javascript=javascript)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(site_url + "/admin/connexion")
    page.get_by_label("Adresse électronique").fill(READER)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    return context, page


def test_the_charts_are_drawn_under_the_csp_and_the_page_passes_axe(browser, site_url):
    context, page = _signed_in(browser, site_url)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    try:
        page.goto(site_url + "/statistiques")
        for figure_id, element in CHARTS.items():
            figure = page.locator(f"#{figure_id}")
            expect(figure).to_be_visible()
            # Chart.js draws in a canvas inside the component.
            canvas = figure.locator(f"{element} canvas")
            expect(canvas).to_be_visible()
            assert canvas.bounding_box()["height"] > 100
            # The table stays the accessible version: the chart is out of the accessibility tree.
            assert figure.get_attribute("aria-hidden") == "true"
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.cspViolations") == []
        assert console == []
        violations = axe_violations(page)
        assert violations == [], described(violations)
        # Drawn from the same numbers as the table: the 19e's three series add up to the
        # number of catégories, the rows of the table.
        rows = page.locator("#couverture-personne").locator("xpath=..").locator("tbody tr")
        values = page.locator("#graphique-couverture-personne bar-chart").get_attribute("y")
        assert sum(series[18] for series in json.loads(values)) == rows.count()
    finally:
        context.close()


def test_without_javascript_only_the_tables_show(browser, site_url):
    context, page = _signed_in(browser, site_url, javascript=False)
    try:
        page.goto(site_url + "/statistiques")
        for figure_id in CHARTS:
            expect(page.locator(f"#{figure_id}")).to_be_hidden()
        for caption in ("Pour une personne de niveau A1", "Tous les services publiés"):
            expect(page.get_by_role("table", name=caption)).to_be_visible()
        expect(page.get_by_role("table", name="Fraîcheur des fiches")).to_be_visible()
        report = page.get_by_role("link", name="Télécharger le rapport de cette période (PDF)")
        expect(report).to_be_visible()
    finally:
        context.close()
