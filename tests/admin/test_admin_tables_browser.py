"""The admin area's tables on a phone (390 px wide) in Debian's Chromium: a table too wide
for the screen scrolls sideways, from the keyboard too, and axe-core finds nothing to fix
on the editor's pages nor on the dashboard (issue 10: the history table was a scrollable
region that no keyboard could reach)."""

import pytest

from tests.browser import axe_violations, described, new_context, serve

from .admin_sample import ADMIN, EDITOR_A
from .test_admin_browser import EDIT_FLE, save, sign_in

pytestmark = pytest.mark.browser

PHONE = 390
HISTORY = "Qui a modifié quoi, du plus récent au plus ancien"


@pytest.fixture
def base_url(directory):
    directory.config["SESSION_COOKIE_SECURE"] = False  # plain HTTP
    with serve(directory) as url:
        yield url


@pytest.fixture
def phone_page(browser, base_url):
    """A page signed in as the first editor of the Association A, which has a history."""
    context = new_context(browser, width=PHONE)
    page = context.new_page()
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    page.locator("#champ-description").fill("Cours de français langue étrangère, le soir.")
    save(page)
    yield page
    context.close()


def test_the_history_table_scrolls_from_the_keyboard(phone_page):
    table = phone_page.get_by_role("table", name=HISTORY)  # named by its caption
    assert table.evaluate("element => element.scrollWidth > element.clientWidth")
    assert table.get_attribute("tabindex") == "0"  # in the tabbing order
    table.focus()
    for _ in range(5):
        phone_page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: wait for the scroll, not for the key presses.
    phone_page.wait_for_function("table => table.scrollLeft > 0", arg=table.element_handle())


@pytest.mark.parametrize(
    "url",
    [EDIT_FLE, "/admin/structures/asso-a", "/admin/structures/asso-a/modifier", "/admin/"],
    ids=["service-form", "structure-page", "structure-form", "dashboard"],
)
def test_axe_finds_nothing_to_fix_on_a_phone(phone_page, base_url, url):
    phone_page.goto(base_url + url)
    violations = axe_violations(phone_page, tags=None)  # best practices included
    assert violations == [], described(violations)


def test_axe_finds_nothing_to_fix_on_the_filtered_dashboard(browser, base_url):
    context = new_context(browser, width=PHONE)
    page = context.new_page()
    sign_in(page, base_url, ADMIN)
    for query in ("?nom=association&a_verifier=true", "?moderation=inconnu", "?nom=zzz"):
        page.goto(base_url + "/admin/" + query)
        violations = axe_violations(page, tags=None)
        assert violations == [], described(violations)
    context.close()
