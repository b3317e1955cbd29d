"""The results map in a real browser (Debian's Chromium under Playwright), over HTTP."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import new_context

pytestmark = pytest.mark.browser

# The sample's services received on site at a known point: French classes, the shelter.
LOCATED_ON_SITE = 2
NEAR_THE_FRENCH_CLASSES = "/?lat=48.88&lon=2.355"
SCREENSHOT = Path("/tmp/search-map.png")


def open_page(browser, url: str, javascript: bool = True):
    context = new_context(browser, javascript=javascript)
    page = context.new_page()
    page.goto(url)
    return context, page


def test_the_map_shows_a_marker_per_located_result_and_the_search_point(browser, base_url):
    context, page = open_page(browser, base_url + NEAR_THE_FRENCH_CLASSES)
    try:
        carte = page.locator("#carte")
        expect(carte).to_be_visible()
        expect(carte.get_by_role("heading", name="Carte des résultats")).to_be_visible()
        expect(carte.locator(".leaflet-marker-icon")).to_have_count(LOCATED_ON_SITE)
        expect(carte.locator("path.leaflet-interactive")).to_have_count(1)  # the search point
        expect(carte.locator(".leaflet-tile")).to_have_count(0)
        marker = carte.locator(".leaflet-marker-icon[alt^='Cours de français']")
        marker.focus()
        page.keyboard.press("Enter")
        popup = carte.locator(".leaflet-popup")
        expect(popup).to_contain_text("à 0,7 km")
        link = popup.get_by_role("link", name="Cours de français langue étrangère pour débutants")
        link.focus()  # the keyboard, as the popup may still be panning into view
        page.keyboard.press("Enter")
        expect(page).to_have_url(base_url + "/services/fle-debutants")
    finally:
        context.close()


def inside(box: dict, frame: dict) -> bool:
    return (
        frame["x"] <= box["x"] <= box["x"] + box["width"] <= frame["x"] + frame["width"]
        and frame["y"] <= box["y"] <= box["y"] + box["height"] <= frame["y"] + frame["height"]
    )


def test_without_a_background_the_markers_are_fitted_in_the_map(browser, base_url):
    context, page = open_page(browser, base_url + "/")
    try:
        carte = page.locator("#carte")
        expect(carte).to_contain_text("Aucun fond de carte n'est configuré")
        markers = carte.locator(".leaflet-marker-icon")
        expect(markers).to_have_count(LOCATED_ON_SITE)
        frame = carte.locator(".results-map__canvas").bounding_box()
        for n in range(LOCATED_ON_SITE):
            assert inside(markers.nth(n).bounding_box(), frame)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        context.close()


def test_keyboard_focus_goes_through_the_map_and_out_of_it(browser, base_url):
    context, page = open_page(browser, base_url + "/")
    try:
        canvas = page.locator("#carte .results-map__canvas")
        canvas.focus()
        expect(canvas).to_be_focused()  # Leaflet makes it focusable: arrows move the map
        for _press in range(10):
            page.keyboard.press("Tab")
            if not page.evaluate(
                "document.getElementById('carte').contains(document.activeElement)"
            ):
                break
        else:
            pytest.fail("ten Tab presses did not leave the map")
    finally:
        context.close()


def test_without_javascript_the_map_stays_hidden_and_the_list_is_whole(browser, base_url):
    context, page = open_page(browser, base_url + NEAR_THE_FRENCH_CLASSES, javascript=False)
    try:
        expect(page.locator("#resultats-titre")).to_have_text("7 services trouvés")
        expect(page.locator(".fr-card__title")).to_have_count(7)
        expect(page.locator("#carte")).to_be_hidden()
        expect(page.get_by_role("heading", name="Carte des résultats")).to_have_count(0)
    finally:
        context.close()
