"""Two layout fixes of issue 10, measured in Debian's Chromium on the sample directory: the
service sheet's freshness line stays clear of what follows it (the footer on screen, the
text in print), and the contact lines of a structure keep each icon beside its text and
each phone number whole."""

import pytest

pytestmark = pytest.mark.browser

SERVICE = "/services/ofii-paris--cir"  # verified, with a long freshness line
STRUCTURES = ["ofii-paris", "france-travail-paris", "mission-locale-paris", "ville-de-paris"]
WIDTHS = [1280, 390]


def box(page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} is not shown"
    return found


def bottom(found: dict) -> float:
    return found["y"] + found["height"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_freshness_line_ends_above_the_footer(page, seeded_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(seeded_url + SERVICE)
    freshness = box(page, ".freshness")
    assert "vérifié par le partenaire" in page.locator(".freshness").inner_text()
    assert bottom(box(page, ".where-when")) <= freshness["y"]
    assert bottom(freshness) <= box(page, "footer.fr-footer")["y"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_printed_freshness_line_ends_above_the_text(page, seeded_url, width):
    """In print the footer is gone and the where-and-when column comes first."""
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media="print")
    page.goto(seeded_url + SERVICE)
    freshness = box(page, ".freshness")
    assert bottom(box(page, ".where-when")) <= freshness["y"]
    assert bottom(freshness) <= box(page, ".sheet-main")["y"]


# Each contact line: its box and line height, its icon's width, the box of what it says
# (without the label for screen readers), and on how many lines its phone number runs.
CONTACT_LINES = """facts => facts.map(fact => {
  const said = [...fact.childNodes].filter(node => node.textContent.trim()
    && !(node.classList && node.classList.contains("fr-sr-only")));
  const range = document.createRange();
  range.setStartBefore(said[0]);
  range.setEndAfter(said[said.length - 1]);
  const phone = fact.querySelector("a[href^='tel:']");
  const phoneText = document.createRange();
  if (phone) phoneText.selectNodeContents(phone);
  const lineTops = [...phoneText.getClientRects()].map(rect => Math.round(rect.top));
  return {
    line: fact.innerText.replace(/\\s+/g, " "),
    box: fact.getBoundingClientRect().toJSON(),
    lineHeight: parseFloat(getComputedStyle(fact).lineHeight),
    icon: parseFloat(getComputedStyle(fact, "::before").width),
    text: range.getBoundingClientRect().toJSON(),
    phoneLines: phone ? new Set(lineTops).size : null,
  };
})"""


@pytest.mark.parametrize("text_size", ["100%", "200%"])
@pytest.mark.parametrize("structure_id", STRUCTURES)
def test_each_contact_line_keeps_its_icon_beside_it_at_390_px(
    page, seeded_url, structure_id, text_size
):
    """200 %: the text size a person with low vision may set (WCAG 1.4.4), where a phone
    number would otherwise break over several lines."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{seeded_url}/structures/{structure_id}")
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    lines = page.locator("aside .fact[class*='fr-icon-']").evaluate_all(CONTACT_LINES)
    assert len(lines) >= 3, lines  # address, phone, e-mail at least
    assert any(line["phoneLines"] is not None for line in lines), lines
    for line in lines:
        assert line["icon"] > 0, line
        # Beside the icon, on its first line box: not pushed under it.
        assert line["text"]["left"] >= line["box"]["left"] + line["icon"], line
        assert line["text"]["top"] - line["box"]["top"] < line["lineHeight"] / 2, line
        assert line["phoneLines"] in (None, 1), line
