"""The public pages in a real browser: Debian's Chromium driven by Playwright, against the
application served over HTTP from a temporary database loaded by the import service."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import new_context

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/search.png")
FLE_TITLE = "Cours de français langue étrangère pour débutants"


def results_heading(page):
    return page.locator("#resultats-titre")


def test_typing_a_query_and_submitting_shows_the_results(page, base_url):
    page.goto(base_url + "/")
    expect(results_heading(page)).to_have_text("7 services trouvés")
    page.get_by_role("searchbox", name="Rechercher un service").fill("hébergement")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(results_heading(page)).to_have_text("1 service trouvé")
    expect(page).to_have_url(re.compile(r"q=h%C3%A9bergement"))
    titles = page.locator(".fr-card__title")
    expect(titles).to_have_text(["Hébergement d'urgence"])


def test_clicking_a_facet_value_filters_and_shows_it_selected(page, base_url):
    page.goto(base_url + "/")
    facet = page.locator("#facette-arrondissement")
    facet.get_by_role("link", name="18e arrondissement").click()
    expect(page).to_have_url(re.compile(r"/\?arrondissement=18$"))
    expect(results_heading(page)).to_have_text("5 services trouvés")
    expect(page.locator("#filtre-arrondissement-18")).to_be_checked()
    expect(page.locator(".active-filters")).to_contain_text("18e arrondissement")
    expect(page.locator(".fr-card__title")).not_to_contain_text(["Hébergement d'urgence"])


def test_a_result_card_opens_the_service_sheet_with_its_hours(page, base_url):
    page.goto(base_url + "/?q=français")
    page.get_by_role("link", name=FLE_TITLE).click()
    expect(page).to_have_url(base_url + "/services/fle-debutants")
    expect(page.get_by_role("heading", level=1)).to_have_text(FLE_TITLE)
    expect(page.locator(".where-when")).to_contain_text(
        "Du lundi au vendredi : 09:00–12:30, 13:30–17:00"
    )


def tick(page, input_id: str) -> None:
    """Tick a filter's box as a person does, with the mouse where the box is drawn (the
    label's text is a link that applies the filter at once)."""
    page.locator(f"#{input_id}").scroll_into_view_if_needed()
    box = page.locator(f"#{input_id}").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(f"#{input_id}")).to_be_checked()


def test_the_search_works_without_javascript(browser, base_url):
    context = new_context(browser, javascript=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        page.get_by_role("searchbox", name="Rechercher un service").fill("emploi")
        tick(page, "filtre-thematiques-trouver-un-emploi")
        page.locator("#facette-structure summary").click()
        tick(page, "filtre-structure-cap-emploi-75")
        page.locator("#filtres").get_by_role("button", name="Filtrer").first.click()
        expect(page).to_have_url(
            re.compile(r"q=emploi.*thematiques=trouver-un-emploi.*structure=cap-emploi-75")
        )
        expect(results_heading(page)).to_have_text("1 service trouvé")
        expect(page.locator(".fr-card__title")).to_have_text(
            ["Accompagnement vers l'emploi avec une RQTH"]
        )
        expect(page.locator("#filtre-thematiques-trouver-un-emploi")).to_be_checked()
        page.locator("#tri").select_option("date_maj")
        page.get_by_role("button", name="Trier").click()
        expect(page).to_have_url(re.compile(r"sort=date_maj"))
        expect(results_heading(page)).to_have_text("1 service trouvé")
    finally:
        context.close()


def test_the_search_page_is_styled_by_the_design_system(page, base_url):
    page.goto(base_url + "/?arrondissement=11")
    expect(results_heading(page)).to_be_visible()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font
    button = page.get_by_role("button", name="Rechercher", exact=True)
    background = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(0, 0, 145)"  # DSFR's blue France
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 50_000


def test_a_facet_click_keeps_what_was_typed_but_not_sent(page, base_url):
    page.goto(base_url + "/")
    searchbox = page.get_by_role("searchbox", name="Rechercher un service")
    searchbox.fill("français")
    page.get_by_label("Âge de la personne").fill("20")
    page.get_by_label("Adresse de la personne").fill("30 rue de Tanger 75019")
    page.locator("#facette-arrondissement").get_by_role("link", name="18e arrondissement").click()
    expect(page).to_have_url(
        re.compile(
            r"/\?q=fran%C3%A7ais&adresse=30\+rue\+de\+Tanger\+75019&arrondissement=18&age=20$"
        )
    )
    expect(page.locator("#filtre-arrondissement-18")).to_be_checked()
    expect(searchbox).to_have_value("français")
    expect(page.get_by_label("Âge de la personne")).to_have_value("20")
    expect(page.locator(".active-filters")).to_contain_text("20 ans")
    expect(page.locator(".active-filters")).to_contain_text("18e arrondissement")
    fle = page.locator(".result-card", has_text=FLE_TITLE)
    expect(fle).to_contain_text("à 1,2 km")


def test_a_yes_no_facet_click_keeps_the_typed_age(page, base_url):
    page.goto(base_url + "/?rqth=false")
    page.get_by_label("Âge de la personne").fill("30")
    page.locator("#facette-rqth").get_by_role("link", name="Avec RQTH").click()
    expect(page).to_have_url(re.compile(r"/\?age=30&rqth=true$"))
    expect(page.locator("#filtre-rqth-true")).to_be_checked()
    # The chosen value's link takes it away, still with what is in the form.
    page.get_by_label("Âge de la personne").fill("31")
    page.locator("#facette-rqth").get_by_role("link", name="Avec RQTH").click()
    expect(page).to_have_url(re.compile(r"/\?age=31$"))
    expect(page.locator("#filtre-rqth-tous")).to_be_checked()


def test_facet_links_work_without_javascript(browser, base_url):
    context = new_context(browser, javascript=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=emploi")
        # Typed but not sent: without JavaScript a link cannot carry it.
        page.get_by_label("Âge de la personne").fill("20")
        page.locator("#facette-arrondissement").get_by_role(
            "link", name="13e arrondissement"
        ).click()
        expect(page).to_have_url(re.compile(r"/\?q=emploi&arrondissement=13$"))
        expect(page.locator("#filtre-arrondissement-13")).to_be_checked()
        expect(results_heading(page)).to_have_text("3 services trouvés")
        expect(page.get_by_label("Âge de la personne")).to_have_value("")
    finally:
        context.close()
