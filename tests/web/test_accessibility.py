"""Accessibility and valid HTML on every kind of page, in French and in Arabic, on a desktop
and a phone: axe-core's WCAG 2.1 AA rules in Debian's Chromium, the Nu HTML checker over the
pages as the server sends them, and a walk from a search to a printed sheet with the keyboard
alone. The application is the real one, with the sample data of `make run` and a signed-in
administrator for the partners' area."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Service, Structure
from directory.services import accounts, editing
from tests.browser import axe_violations, described, new_context, serve
from tests.conftest import make_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ADMIN, PASSWORD = "admin@example.org", "un mot de passe solide"
SERVICE, STRUCTURE = "ofii-paris--cir", "emmaus-solidarite"
PROFILE = "age=28&statut=refugie&niveau=A1&arrondissement=19&freins=famille"

# Each kind of page, with an address showing it at its fullest (facets and results, a
# profile's orientations…). Those under /admin/ need an account.
PAGES = {
    "search": "/?q=fran%C3%A7ais&arrondissement=19",
    "service": f"/services/{SERVICE}",
    "structure": f"/structures/{STRUCTURE}",
    "signatories": "/signataires",
    "signatory": "/signataires/france-travail-paris",
    "orientation": f"/orientation?{PROFILE}",
    "sheet": f"/fiche?services=ville-de-paris--rif-creches&{PROFILE}",
    "not-found": "/services/aucun-service-de-ce-nom",
    "statistics": "/statistiques?niveau=A1",
    "login": "/admin/connexion",
    "dashboard": "/admin/",
    "service-editor": f"/admin/services/{SERVICE}",
    "structure-editor": f"/admin/structures/{STRUCTURE}/modifier",
}
SIGNED_IN = {"dashboard", "service-editor", "structure-editor", "statistics"}
LOCALES = ("fr", "ar")
WIDTHS = (1280, 390)


def address(page: str, locale: str) -> str:
    """The page in the interface's language ``locale``: French, the default, or `?lang=`."""
    url = PAGES[page]
    if locale == "fr":
        return url
    return f"{url}{'&' if '?' in url else '?'}lang={locale}"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, request):
    """The sample data of `make run`, an administrator, and one edit of a service and of a
    structure so that the editors show their history."""
    folder = tmp_path_factory.mktemp("accessibility")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    app.config["SESSION_COOKIE_SECURE"] = False  # plain HTTP
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = accounts.create_user(ADMIN, PASSWORD, "admin")
        db.session.commit()
        for listing in (db.session.get(Service, SERVICE), db.session.get(Structure, STRUCTURE)):
            change = {"description": listing.description + " Mis à jour pour le test."}
            editing.update_listing(admin, listing, change, listing.revision)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def signed_in_state(browser, base_url) -> dict:
    """The cookies of a signed-in administrator, for the contexts that need them."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(base_url + "/admin/connexion")
    page.get_by_label("Adresse électronique").fill(ADMIN)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_context(browser, signed_in_state):
    contexts = []

    def open_context(width: int = 1280, signed_in: bool = False):
        state = signed_in_state if signed_in else None
        contexts.append(new_context(browser, width=width, storage_state=state))
        return contexts[-1]

    yield open_context
    for context in contexts:
        context.close()


def expected_status(page: str) -> int:
    return 404 if page == "not-found" else 200


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("page_type", PAGES)
def test_axe_finds_no_wcag_21_aa_violation(open_context, base_url, page_type, locale, width):
    page = open_context(width, signed_in=page_type in SIGNED_IN).new_page()
    response = page.goto(base_url + address(page_type, locale))
    assert response.status == expected_status(page_type), page.url
    violations = axe_violations(page)
    assert violations == [], described(violations)
    # Nothing makes the page scroll sideways (WCAG 1.4.10), whichever way it is written.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def nu_checker_errors(files: list[Path]) -> list[dict]:
    """The Nu HTML checker's errors over the files, in one run of the machine's Java."""
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [m for m in json.loads(run.stderr)["messages"] if m["type"] == "error"]


def test_the_nu_html_checker_finds_no_error(open_context, base_url, tmp_path):
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("The Nu HTML checker needs `make assets` (npm's vnu-jar) and `make java`.")
    files = []
    for locale in LOCALES:
        public, signed_in = open_context().request, open_context(signed_in=True).request
        for page_type in PAGES:
            client = signed_in if page_type in SIGNED_IN else public
            response = client.get(base_url + address(page_type, locale))
            assert response.status == expected_status(page_type), page_type
            files.append(tmp_path / f"{page_type}.{locale}.html")
            files[-1].write_bytes(response.body())
    errors = [
        f"{Path(e['url']).stem} line {e.get('lastLine', '?')}: {e['message']}"
        f" — {e.get('extract', '').strip()}"
        for e in nu_checker_errors(files)
    ]
    assert errors == [], "\n".join(errors)


# What has the keyboard focus: a description, whether a focus indicator shows (an outline or
# a box shadow, on the element or the box it draws before or after itself, as the DSFR does
# for whole-card links; on the label for the DSFR's boxes and radios, which hide the input),
# and whether it is in the viewport.
FOCUSED = """() => {
  const element = document.activeElement;
  const shows = style => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const drawn = node => [null, "::before", "::after"]
    .some(part => shows(getComputedStyle(node, part)));
  const label = element.labels && element.labels[0];
  const shown = label && getComputedStyle(element).opacity === "0" ? label : element;
  const box = shown.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    type: element.type || "",
    href: element.getAttribute("href") || "",
    text: (element.innerText || element.value || "").trim().slice(0, 80),
    indicator: drawn(shown),
    inViewport: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def tab_to(page, wanted, key: str = "Tab", most: int = 300) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is ``wanted``; each element the
    focus passes must show that it has it, within the viewport."""
    for _ in range(most):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        assert focused["indicator"], f"no visible focus indicator: {focused}"
        assert focused["inViewport"], f"focused outside the viewport: {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {most} × {key}: {page.url}")


def press_and_load(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_from_search_to_a_printed_sheet_with_the_keyboard_alone(open_context, base_url):
    context = open_context()
    context.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page = context.new_page()
    page.goto(base_url + "/")

    # The skip link to the content, then the search box: a query, sent with Enter.
    tab_to(page, lambda f: f["href"] == "#contenu")
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == "q")
    page.keyboard.type("français")
    press_and_load(page)
    expect(page.locator("#resultats-titre")).to_contain_text("trouvés")

    # A facet: its box ticked with Space (unfolding its group with Enter), then « Filtrer ».
    tab_to(page, lambda f: f["tag"] == "summary" and "Arrondissement" in f["text"])
    if not page.locator("#facette-arrondissement").evaluate("details => details.open"):
        page.keyboard.press("Enter")
    box = tab_to(page, lambda f: f["type"] == "checkbox" and "19" in f["id"])
    page.keyboard.press("Space")
    expect(page.locator(f"#{box['id']}")).to_be_checked()
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Filtrer", key="Shift+Tab")
    press_and_load(page)
    expect(page.locator(f"#{box['id']}")).to_be_checked()
    assert "arrondissement=19" in page.url

    # A result opened.
    result = tab_to(page, lambda f: f["href"].startswith("/services/"))
    press_and_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(result["text"])

    # Printed as it is, then put on the sheet to hand over, which prints too.
    tab_to(page, lambda f: f["text"] == "Imprimer la fiche")
    page.keyboard.press("Enter")
    assert page.evaluate("window.printed") == 1
    tab_to(page, lambda f: f["text"].startswith("Ajouter à la fiche"), key="Shift+Tab")
    press_and_load(page)
    tab_to(page, lambda f: f["href"] == "/panier")
    press_and_load(page)
    tab_to(page, lambda f: f["text"] == "Préparer la fiche")
    press_and_load(page)
    expect(page.locator("main.sheet")).to_contain_text(result["text"])
    tab_to(page, lambda f: f["text"] == "Imprimer la fiche")
    page.keyboard.press("Enter")
    assert page.evaluate("window.printed") == 1
