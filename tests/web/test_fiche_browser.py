"""The referral sheet in a real browser: Debian's Chromium driven by Playwright, against the
application served over HTTP with the sample directory."""

import pytest
from playwright.sync_api import expect

from tests.browser import new_context

pytestmark = pytest.mark.browser

SHEET = "/fiche?services=fle-debutants&services=atelier-cv&langue_fiche=ar&age=28&arrondissement=18"


def open_sheet(browser, base_url: str, javascript: bool = True):
    context = new_context(browser, javascript=javascript)
    page = context.new_page()
    response = page.goto(base_url + SHEET)
    assert response.status == 200
    return context, page


def test_the_sheet_renders_with_its_styles_and_arabic(browser, base_url):
    context, page = open_sheet(browser, base_url)
    expect(page.locator("h1")).to_contain_text("Fiche d'orientation")
    expect(page.locator("h1 [lang=ar][dir=rtl]")).to_have_text("ورقة التوجيه")
    expect(page.locator(".place__name")).to_have_count(3)  # the office and the two services
    # fiche.css is applied: the QR codes are 30 mm wide (about 113 CSS pixels).
    width = page.locator(".places .qr img").first.evaluate(
        "img => img.getBoundingClientRect().width"
    )
    assert 100 < width < 125
    direction = page.locator("h1 [lang=ar]").evaluate("span => getComputedStyle(span).direction")
    assert direction == "rtl"
    context.close()


def test_the_print_button_prints(browser, base_url):
    context = new_context(browser)
    context.add_init_script("window.print = () => { window.printed = true; };")
    page = context.new_page()
    page.goto(base_url + SHEET)
    button = page.get_by_role("button", name="Imprimer la fiche")
    expect(button).to_be_visible()
    expect(page.locator("[data-without-script]")).to_be_hidden()
    button.click()
    assert page.evaluate("window.printed") is True
    context.close()


def test_printed_the_screen_tools_disappear(browser, base_url):
    context, page = open_sheet(browser, base_url)
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()
    expect(page.locator("main.sheet")).to_be_visible()
    context.close()


def test_without_javascript_a_sentence_and_the_pdf_link(browser, base_url):
    context, page = open_sheet(browser, base_url, javascript=False)
    expect(page.get_by_role("button", name="Imprimer la fiche")).to_be_hidden()
    expect(page.locator("[data-without-script]")).to_contain_text("Ctrl + P")
    link = page.get_by_role("link", name="Télécharger la fiche en PDF")
    expect(link).to_be_visible()
    response = page.request.get(base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    context.close()
