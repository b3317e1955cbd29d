"""The search page on a phone (390 px wide, Chromium), with and without JavaScript, and the
right-to-left layout of the languages written that way — on the sample data of `make run`."""

import pytest
from playwright.sync_api import expect

from tests.browser import new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(browser, request):
    context = new_context(browser, javascript=request.param, **PHONE)
    yield context.new_page()
    context.close()


def within_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_the_first_screen_shows_the_search_box_and_the_filters_button(phone, seeded_url):
    phone.goto(seeded_url + "/?thematiques=famille")
    button = phone.get_by_role("link", name="Filtres (1)")
    assert within_first_screen(phone.get_by_role("searchbox", name="Rechercher un service"))
    assert within_first_screen(button)
    assert not phone.locator("#filtres").is_visible()  # the results come next


def test_twenty_results_fit_in_six_thousand_pixels(phone, seeded_url):
    phone.goto(seeded_url + "/")
    cards = phone.locator(".results-list > li")
    expect(cards).to_have_count(20)
    height = phone.locator(".results-list").bounding_box()["height"]
    assert height < 6000, f"20 results take {height:.0f} px"
    first = cards.first
    expect(first.locator(".fr-card__desc")).to_be_hidden()  # details are on the service page
    expect(first.locator(".card-why")).to_be_visible()
    expect(first.get_by_text("Niveau de français :")).to_be_visible()


def test_the_filters_button_opens_the_filters_and_applying_one_filters(phone, seeded_url):
    phone.goto(seeded_url + "/")
    total = phone.locator("#resultats-titre").inner_text()
    phone.get_by_role("link", name="Filtres (0)").click()
    filters = phone.locator("#filtres")
    expect(filters).to_be_visible()
    assert filters.bounding_box()["y"] == 0  # over the page, from its top
    box = filters.get_by_role("checkbox", name="Famille", exact=False).first
    box.focus()
    phone.keyboard.press("Space")  # a finger on the drawn box: the input itself is transparent
    filters.get_by_role("button", name="Filtrer").first.click()
    expect(phone.locator("#resultats-titre")).not_to_have_text(total)
    expect(phone.get_by_role("link", name="Filtres (1)")).to_be_visible()
    expect(filters).to_be_hidden()


def test_the_filters_close_back_to_the_results(phone, seeded_url):
    phone.goto(seeded_url + "/#filtres")
    phone.locator("#filtres").get_by_role("link", name="Fermer").click()
    expect(phone.locator("#filtres")).to_be_hidden()
    expect(phone.locator("#resultats")).to_be_in_viewport()


@pytest.mark.parametrize("lang", ["ar", "prs", "ps"])
def test_right_to_left_pages_mirror(browser, seeded_url, lang):
    context = new_context(browser, **PHONE)
    page = context.new_page()
    page.goto(f"{seeded_url}/?lang={lang}#filtres")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    option = page.locator("#filtres .facet-option").first
    box = option.locator("label").bounding_box()
    tick = option.locator("label").evaluate(
        "label => { const r = label.getBoundingClientRect();"
        " const s = getComputedStyle(label, '::before');"
        " return r.right - parseFloat(s.right) - parseFloat(s.width) / 2; }"
    )
    assert tick > box["x"] + box["width"], "the box is drawn on the right of its label"
    heading = page.locator("h1")
    assert heading.evaluate("h => getComputedStyle(h).direction") == "rtl"
    title = page.locator(".result-card .fr-card__title a").first
    assert title.get_attribute("lang") == "fr" and title.get_attribute("dir") == "ltr"
    context.close()
