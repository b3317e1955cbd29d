"""The orientation page (/orientation) on the seed data: one GET form, results per barrier,
the SPE block, errors shown on the form, the BAN down."""

import pytest

from tests.ban_server import unused_port_url
from tests.web.html_page import parse

PROFILE = (
    "age=28&statut=refugie&premier_titre=2024&niveau=A1&langues=prs&arrondissement=19"
    "&freins=famille--garde-denfants&freins=lecture-ecriture-calcul--maitriser-le-francais"
    "&freins=trouver-un-emploi"
)


def page_at(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return parse(response.data)


def test_the_header_leads_to_the_orientation_first(client):
    nav = page_at(client, "/").find("nav", id="navigation")
    first = nav.find_all("a")[0]
    assert (first.get("href"), first.text) == ("/orientation", "Orienter une personne")


def test_an_empty_form_asks_for_the_profile(client):
    page = page_at(client, "/orientation")
    assert page.find("form", id="orientation")
    assert page.find("input", id="profil-age")
    assert page.find("input", id="frein-famille")
    assert not page.find_all("section", id="spe")


@pytest.mark.usefixtures("seeded")
def test_results_per_barrier_with_reasons_near_misses_and_the_spe(client):
    page = page_at(client, f"/orientation?{PROFILE}")
    spe = page.find("section", id="spe")
    assert "France Travail – Direction territoriale de Paris" in spe.text
    assert "110 avenue de Flandre" in spe.text
    assert "Public du protocole" in spe.text
    french = page.find(
        "section", id="frein-resultats-lecture-ecriture-calcul--maitriser-le-francais"
    )
    cards = french.find_all("article", class_="orientation-card--item")
    assert 1 <= len(cards) <= 5
    assert "parle dari" in cards[0].text
    assert "accepte A1" in cards[0].text
    assert french.find("details", class_="near-misses").find_all(class_="criterion")
    # Each barrier's best match is ticked for the sheet; the profile stays in the form.
    boxes = page.find_all("input", type="checkbox", name="services")
    ticked = {box.get("value") for box in boxes if "checked" in box.attrs}
    assert len(ticked) == 3  # a different service for each barrier
    assert page.find("input", id="profil-age").get("value") == "28"
    assert page.find("button", id="preparer-fiche").get("formaction") == "/fiche"


@pytest.mark.usefixtures("seeded")
def test_the_auditors_ticks_are_kept(client):
    page = page_at(client, f"/orientation?{PROFILE}&services=ville-de-paris--rif-creches")
    ticked = [
        b.get("value") for b in page.find_all("input", name="services") if "checked" in b.attrs
    ]
    assert ticked == ["ville-de-paris--rif-creches"]


def test_a_bad_profile_redisplays_the_form_with_each_message(client):
    page = page_at(client, "/orientation?age=-1&niveau=Z9&freins=inconnu&age_=1", 400)
    alert = page.find(id="erreurs")
    assert "Âge" in alert.text and "Niveau de français" in alert.text and "Freins" in alert.text
    assert page.find(id="erreur-age").text == "Valeur attendue entre 0 et 120."
    assert page.find("input", id="profil-age").get("value") == "-1"


@pytest.mark.usefixtures("seeded")
def test_an_unknown_address_is_shown_on_the_address_field(client, ban):
    page = page_at(client, "/orientation?adresse=1+place+de+Nulle+Part&freins=sante", 400)
    assert "Adresse introuvable" in page.find(id="erreur-adresse").text


@pytest.mark.usefixtures("seeded")
def test_with_the_ban_down_the_page_works_on_the_arrondissement(client, app):
    app.config["BAN_URL"] = unused_port_url()
    page = page_at(client, "/orientation?adresse=30+rue+de+Tanger&arrondissement=19&freins=famille")
    assert "géolocalisation ne répond pas" in page.text
    assert page.find("section", id="frein-resultats-famille").find_all("article")


def test_an_unknown_sheet_language_is_refused_on_its_field(client):
    page = page_at(client, "/orientation?freins=sante&langue_fiche=xx", 400)
    assert "Langue de fiche non proposée" in page.find(id="erreurs").text
