"""The interview assistant in Debian's Chromium: the auditor's walk-through from the home
page to a printed sheet, without JavaScript, and axe-core's accessibility audit."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import axe_violations, described, new_context

pytestmark = pytest.mark.browser

PROFILE = (
    "/orientation?age=28&statut=refugie&premier_titre=2024&niveau=A1&langues=prs"
    "&arrondissement=19&freins=famille&freins=lecture-ecriture-calcul&freins=trouver-un-emploi"
)


def tick(page, input_id: str) -> None:
    """Click a checkbox's label, as a person does (the DSFR draws the box on the label)."""
    page.locator(f"label[for='{input_id}']").click()
    expect(page.locator(f"#{input_id}")).to_be_checked()


def test_from_the_home_page_to_a_printed_sheet_for_three_barriers_in_8_actions(page, seeded_url):
    """A 28-year-old refugee, French A1, speaking Dari, in the 19e, who needs childcare, a
    French course and a job. Each numbered step is one thing the auditor does."""
    page.goto(seeded_url + "/")
    # 1. The first link of the header.
    page.get_by_role("link", name="Orienter une personne").click()
    # 2. Her situation (typing into the form's fields: age, status, year, level, place).
    page.get_by_label("Âge").fill("28")
    page.get_by_label("Statut de séjour").select_option("refugie")
    page.get_by_label("Année du premier titre de séjour").fill("2024")
    page.get_by_label("Niveau de français").select_option("A1")
    page.get_by_label("Arrondissement", exact=True).select_option("19")
    # 3, 4, 5. Her three barriers.
    for barrier in ("famille", "lecture-ecriture-calcul", "trouver-un-emploi"):
        tick(page, f"frein-{barrier}")
    # 6. Submit.
    page.get_by_role("button", name="Voir les orientations").click()
    expect(page.locator("#spe")).to_contain_text("France Travail")
    expect(page.locator("section.barrier")).to_have_count(3)
    # 7. The sheet's second language.
    page.get_by_label("Langue de la fiche").select_option("en")
    # 8. The sheet, with the best match of each barrier already ticked.
    page.get_by_role("button", name="Préparer la fiche").click()
    expect(page).to_have_url(re.compile(r"/fiche\?"))
    ticked = page.locator("section.places article.place")
    assert ticked.count() == 3, page.content()[:3000]
    pdf = page.pdf(format="A4")  # what printing gives
    assert pdf.startswith(b"%PDF")


def test_the_age_survives_changing_barriers_and_the_form_works_without_javascript(
    browser, seeded_url
):
    context = new_context(browser, javascript=False)
    page = context.new_page()
    page.goto(seeded_url + "/orientation")
    page.get_by_label("Âge").fill("20")
    tick(page, "frein-sante")
    page.get_by_role("button", name="Voir les orientations").click()
    expect(page.locator("#spe")).to_contain_text("Mission Locale")
    expect(page.get_by_label("Âge")).to_have_value("20")
    expect(page.locator("#frein-resultats-sante article").first).to_be_visible()
    expect(page.locator("[data-results-map]")).to_be_hidden()
    page.get_by_role("button", name="Préparer la fiche").click()
    expect(page).to_have_url(re.compile(r"/fiche\?"))
    context.close()


@pytest.mark.parametrize(
    "url",
    [
        "/orientation",
        PROFILE,
        PROFILE.replace("/orientation?", "/fiche?services=ville-de-paris--rif-creches&")
        + "&langue_fiche=en",
        PROFILE.replace("/orientation?", "/fiche?services=ville-de-paris--rif-creches&")
        + "&langue_fiche=ar",
    ],
    ids=["empty-form", "results", "sheet-en", "sheet-ar"],
)
def test_axe_finds_no_violation(page, seeded_url, url):
    page.goto(seeded_url + url)
    violations = axe_violations(page, tags=None)  # every rule, best practices included
    assert violations == [], described(violations)
