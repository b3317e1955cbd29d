"""The admin area in a real browser: Debian's Chromium driven by Playwright, against the
application served over HTTP on a temporary database."""

import re

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Membership, Service
from directory.services import accounts
from tests.browser import new_context, serve

from .admin_sample import ACCOUNTS, EDITOR_A, EDITOR_A2, PASSWORD, SERVICES, STRUCTURES

pytestmark = pytest.mark.browser

EDIT_FLE = "/admin/services/fle-a"


@pytest.fixture
def served(tmp_path, request, load):
    """The application on a real local HTTP server (plain HTTP: no Secure cookies)."""
    app = request.getfixturevalue("app")
    app.config["SESSION_COOKIE_SECURE"] = False
    load(STRUCTURES, SERVICES)
    with app.app_context():
        for email, (role, structure_ids) in ACCOUNTS.items():
            user = accounts.create_user(email, PASSWORD, role)
            db.session.add_all(Membership(user_id=user.id, structure_id=s) for s in structure_ids)
        db.session.commit()
    with serve(app) as base_url:
        yield app, base_url


@pytest.fixture
def new_page(browser):
    contexts = []

    def new_page(javascript: bool = True):
        context = new_context(browser, javascript)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/admin/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The dashboard; an orienteur's is its referrals.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^(Tableau de bord|Orientations envoyées)$")
    )


def save(page) -> None:
    page.locator("#formulaire-service").get_by_role(
        "button", name="Enregistrer", exact=True
    ).click()


def test_an_editor_edits_a_service_and_finds_it_in_public_search_at_once(served, new_page):
    _app, base_url = served
    page = new_page(javascript=False)  # the whole admin works without JavaScript
    sign_in(page, base_url, EDITOR_A)
    page.locator(".structures-table").get_by_role("link", name="Association A").click()
    page.locator(".services-table").get_by_role("link", name="Cours de français du soir").click()
    expect(page).to_have_url(base_url + EDIT_FLE)
    page.locator("#champ-description").fill("Cours de français et atelier couture, le soir.")
    save(page)
    expect(page.locator(".fr-alert--success")).to_have_text("Service enregistré.")

    page.goto(base_url + "/?q=couture")
    expect(page.locator("#resultats-titre")).to_have_text("1 service trouvé")
    expect(page.locator(".fr-card__title")).to_have_text(["Cours de français du soir"])


def test_the_second_of_two_editors_is_refused_and_sees_the_first_ones_changes(served, new_page):
    app, base_url = served
    first, second = new_page(), new_page()
    sign_in(first, base_url, EDITOR_A)
    sign_in(second, base_url, EDITOR_A2)
    first.goto(base_url + EDIT_FLE)
    second.goto(base_url + EDIT_FLE)

    first.locator("#champ-nom").fill("Cours de français du mardi soir")
    save(first)
    expect(first.locator(".fr-alert--success")).to_have_text("Service enregistré.")

    second.locator("#champ-description").fill("Ma description, écrite sans voir l'autre.")
    save(second)
    conflict = second.locator("#conflit")
    expect(conflict).to_contain_text("modifiée par quelqu'un d'autre")
    expect(conflict.locator("tbody tr").first).to_contain_text(EDITOR_A)
    expect(conflict).to_contain_text("Cours de français du mardi soir")
    expect(second.locator("#champ-description")).to_have_value(
        "Ma description, écrite sans voir l'autre."
    )
    with app.app_context():
        service = db.session.get(Service, "fle-a")
        assert service.nom == "Cours de français du mardi soir"
        assert service.description.startswith("Des cours de français")


def test_a_script_in_a_description_stays_inert_text_everywhere(served, new_page):
    _app, base_url = served
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    script = "<script>window.pwned = true; alert('xss')</script> Cours du soir, sans piège."
    page.locator("#champ-description").fill(script)
    save(page)
    expect(page.locator(".fr-alert--success")).to_have_text("Service enregistré.")

    page.goto(base_url + EDIT_FLE)
    expect(page.locator("#champ-description")).to_have_value(script)
    expect(page.locator(".audit-trail")).to_contain_text("<script>window.pwned")

    page.goto(base_url + "/services/fle-a")
    expect(page.locator(".service-sheet")).to_contain_text("<script>window.pwned = true;")

    page.goto(base_url + "/?q=piège")
    expect(page.locator(".fr-card__desc")).to_contain_text("<script>window.pwned")

    assert dialogs == []
    assert page.evaluate("window.pwned") is None


def test_a_form_posted_without_its_csrf_token_is_rejected(served, new_page):
    app, base_url = served
    page = new_page()
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    page.evaluate(
        "document.querySelectorAll('#formulaire-service input[name=csrf_token]')"
        ".forEach(input => input.remove())"
    )
    page.locator("#champ-nom").fill("Renommé sans jeton")
    with page.expect_response(base_url + EDIT_FLE) as answer:
        save(page)
    assert answer.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Formulaire refusé")
    with app.app_context():
        assert db.session.get(Service, "fle-a").nom == "Cours de français du soir"


def test_an_editor_enters_the_hours_day_by_day_and_the_public_reads_them(served, new_page):
    app, base_url = served
    page = new_page()
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    page.locator("#sections").get_by_role("link", name="Horaires").click()
    expect(page).to_have_url(base_url + EDIT_FLE + "#horaires")
    expect(page.get_by_label("Saisie par jour")).to_be_checked()
    expect(page.locator("#champ-horaires_accueil")).to_be_hidden()  # the grid is chosen

    def fill(day: str, number: int, start: str, end: str) -> None:
        page.get_by_label(f"{day}, plage {number} : ouverture", exact=True).fill(start)
        page.get_by_label(f"{day}, plage {number} : fermeture", exact=True).fill(end)

    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi"):
        fill(day, 1, "09:00", "12:30")
        fill(day, 2, "13:30", "17:00")
    fill("Vendredi", 1, "09:00", "12:00")
    page.get_by_text("Fermé les jours fériés", exact=True).click()  # the label, as drawn
    save(page)
    expect(page.locator(".fr-alert--success")).to_have_text("Service enregistré.")

    expected = "Mo-Th 09:00-12:30,13:30-17:00; Fr 09:00-12:00; PH off"
    with app.app_context():
        assert db.session.get(Service, "fle-a").horaires_accueil == expected
    page.get_by_text("Saisie libre au format OpenStreetMap (experts)").click()
    expect(page.locator("#champ-horaires_accueil")).to_have_value(expected)
    expect(page.locator("#horaires-grille")).to_be_hidden()

    page.goto(base_url + "/services/fle-a")
    expect(page.locator(".fr-icon-time-line li")).to_have_text(
        [
            "Du lundi au jeudi : 09:00–12:30, 13:30–17:00",
            "Vendredi : 09:00–12:00",
            "Fermé les jours fériés",
        ]
    )


def test_a_wrong_range_in_the_grid_is_named_by_day_and_range(served, new_page):
    _app, base_url = served
    page = new_page(javascript=False)
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    page.get_by_label("Mardi, plage 1 : fermeture", exact=True).fill("08:00")
    save(page)
    expect(page.locator("#erreur-horaires_Tu_1_debut")).to_have_text(
        "Mardi, plage 1 : la fin (08:00) doit venir après le début (18:00)."
    )
    expect(page.get_by_label("Mardi, plage 1 : fermeture", exact=True)).to_have_value("08:00")


def test_thematiques_are_found_with_the_filter_and_counted(served, new_page):
    _app, base_url = served
    page = new_page()
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    famille = page.locator("#groupe-categorie-famille")
    expect(famille).not_to_have_attribute("open", "")
    page.get_by_label("Filtrer les thématiques").fill("garde")
    visible = page.locator("#champ-thematiques input[type=checkbox]:visible")
    expect(visible).to_have_count(1)
    page.get_by_text("Garde d’enfants", exact=True).click()
    expect(famille.locator(".theme-group__count")).to_have_text("Cochées : 1")
    page.get_by_label("Filtrer les thématiques").fill("")
    expect(page.locator("#groupe-categorie-lecture-ecriture-calcul")).to_be_visible()
    expect(page.get_by_label("Filtrer les thématiques")).to_be_visible()
    save(page)  # Enter in the filter box would not have sent the form; the button does.
    expect(page.locator(".fr-alert--success")).to_have_text("Service enregistré.")
    expect(famille.locator(".theme-group__count")).to_have_text("Cochées : 1")


def test_on_a_phone_the_save_buttons_stay_in_view(served, new_page):
    _app, base_url = served
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base_url, EDITOR_A)
    page.goto(base_url + EDIT_FLE)
    form = page.locator("#formulaire-service")
    box = form.bounding_box()
    for fraction in (0.1, 0.5, 0.9):  # anywhere along the form
        page.evaluate(f"window.scrollTo(0, {box['y'] + fraction * box['height'] - 400})")
        expect(form.get_by_role("button", name="Enregistrer", exact=True)).to_be_in_viewport()
        verified = form.get_by_role("button", name="Enregistrer et marquer vérifié aujourd'hui")
        expect(verified).to_be_in_viewport()
    bar = page.locator(".form-actions").bounding_box()
    assert bar["height"] < 844 / 4 and bar["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
