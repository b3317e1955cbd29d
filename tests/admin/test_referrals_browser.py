"""A referral from end to end in Debian's Chromium: an orienteur of A puts a service of B on
the sheet from the search, orients a person to it from the basket; an editor of B finds it
in the inbox, reads it and accepts it. Every page on the way passes axe-core."""

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Referral
from tests.browser import axe_violations, described, new_context, serve

from .admin_sample import EDITOR_B
from .referral_sample import ORIENTEUR_A, PERSON, add_orienteurs
from .test_admin_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def served(directory):
    """The sample directory and its orienteurs on a real local HTTP server."""
    directory.config["SESSION_COOKIE_SECURE"] = False  # plain HTTP
    add_orienteurs(directory)
    with serve(directory) as base_url:
        yield directory, base_url


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{described(violations)}"


def test_an_orienteur_sends_from_the_basket_and_the_receiving_editor_accepts(served, browser):
    app, base_url = served
    orienteur = new_context(browser).new_page()
    sign_in(orienteur, base_url, ORIENTEUR_A)

    orienteur.goto(base_url + "/?q=emploi")
    orienteur.locator("button.basket-button[value='emploi-b']").click()
    expect(orienteur.locator("button.basket-button[value='emploi-b']")).to_contain_text(
        "Sur la fiche"
    )
    orienteur.locator("a[href='/panier']").first.click()
    orienteur.get_by_role("link", name="Orienter : Accompagnement emploi B").click()
    expect(orienteur.get_by_role("heading", level=1)).to_have_text("Orienter une personne")
    expect(orienteur.get_by_label("Frein")).to_have_value("trouver-un-emploi")
    assert_accessible(orienteur)

    orienteur.get_by_label("Prénom").fill(PERSON["prenom"])
    orienteur.get_by_label("Téléphone ou courriel").fill(PERSON["contact"])
    orienteur.get_by_label("Note").fill(PERSON["note"])
    send = orienteur.get_by_role("button", name="Envoyer l'orientation")
    send.click()  # consent forgotten: refused on its box, the rest kept
    expect(orienteur.locator("#erreur-consentement")).to_have_text(
        "La personne doit accepter que ces informations soient transmises."
    )
    expect(orienteur.get_by_label("Prénom")).to_have_value(PERSON["prenom"])
    assert_accessible(orienteur)
    orienteur.get_by_label(
        "La personne accepte que ces informations soient transmises à Association B"
    ).check(force=True)  # the DSFR draws the box over the input
    send.click()
    expect(orienteur.locator(".fr-alert--success")).to_contain_text(
        "Orientation envoyée à Association B"
    )
    expect(orienteur.locator("#envoyees tbody tr")).to_contain_text(["Envoyée"])
    assert_accessible(orienteur)

    editor = new_context(browser).new_page()  # another browser: nothing shared
    sign_in(editor, base_url, EDITOR_B)
    editor.locator("#menu-orientations").click()
    waiting = editor.locator("#en-attente tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("depuis aujourd'hui")
    expect(editor.locator("main")).not_to_contain_text(PERSON["prenom"])
    assert_accessible(editor)

    waiting.get_by_role("link", name="Accompagnement emploi B").click()
    expect(editor.locator("#prenom")).to_have_text(PERSON["prenom"])
    expect(editor.locator("#contact")).to_have_text(PERSON["contact"])
    expect(editor.locator("#etat")).to_have_text("Reçue")
    assert_accessible(editor)
    editor.get_by_role("button", name="Accepter").click()
    expect(editor.locator(".fr-alert--success")).to_have_text("Réponse enregistrée : Acceptée.")
    expect(editor.locator("#etat")).to_have_text("Acceptée")

    editor.locator("#menu-orientations").click()
    expect(editor.locator("#en-attente tbody tr")).to_have_count(0)
    expect(editor.locator("#acceptees tbody tr")).to_contain_text(["Association A"])
    orienteur.reload()
    expect(orienteur.locator("#envoyees tbody tr")).to_contain_text(["Acceptée"])
    with app.app_context():
        assert [r.state for r in db.session.query(Referral)] == ["acceptee"]

    # The figures count it: one referral sent to B, accepted; drawn as a chart too.
    editor.goto(base_url + "/statistiques")
    by_receiver = editor.get_by_role("table", name="Par structure qui accueille")
    row = by_receiver.locator("tbody tr", has_text="Association B")
    cells = row.locator("td")
    # Envoyées, Reçues, Acceptées, Refusées.
    expect(cells.nth(0)).to_have_text("1")
    expect(cells.nth(1)).to_have_text("1")
    expect(cells.nth(2)).to_have_text("1")
    expect(cells.nth(3)).to_have_text("0")
    chart = editor.locator("#graphique-orientations-structure-accueil")
    expect(chart).to_be_visible()
    expect(chart.locator("bar-chart canvas")).to_be_visible()
    editor.wait_for_load_state("networkidle")
    expect(editor.locator("main")).not_to_contain_text(PERSON["prenom"])
    assert_accessible(editor)
