"""Service, structure and signatory pages, error pages, escaping."""

import pytest
from flask import abort

from tests.factories import service, structure
from tests.web.html_page import parse


def get_page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return parse(response.data)


@pytest.mark.usefixtures("sample")
class TestServicePage:
    def test_puts_every_field_into_words(self, client):
        page = get_page(client, "/services/fle-debutants")
        assert page.find("h1").text == "Cours de français langue étrangère pour débutants"
        text = page.find("main").text
        for expected in (
            "Cours de FLE en petits groupes, du niveau alpha au niveau A2.",
            "Âge À partir de 18 ans",
            "Statut de séjour Tous statuts de séjour",
            "Niveau de français Jusqu'à A2",
            "Publics Tous publics",
            "Zone couverte Tout Paris",
            "Type de service Formation",
            "Modes d'accueil En présentiel",
            "Langues parlées français, arabe, dari, pachto",
            "Volume horaire 6 h par semaine",
            "Durée 12 semaines",
            "Lecture, écriture et calcul : Maîtriser le français",
            "5 rue Myrha, 75018 Paris (18e arrondissement)",
            "Du lundi au vendredi : 09:00–12:30, 13:30–17:00",
            "01 42 00 00 01",
            "Mis à jour le 1 mars 2026",
            "vérifié par le partenaire le 15 mars 2026",
        ):
            assert expected in text, expected
        assert page.find("a", text="Langues et Avenir").get("href") == "/structures/langues-avenir"

    def test_says_how_to_get_in(self, client):
        how = get_page(client, "/services/fle-debutants").find("section", class_="how-to").text
        for expected in (
            "Comment orienter la personne Se présenter, Téléphoner",
            "Qui peut orienter Usagers, Professionnels",
            "Précisions Inscriptions le lundi matin, sans rendez-vous.",
            "Conditions d'accès Avoir plus de 18 ans.",
            "Frais Gratuit",
        ):
            assert expected in how, expected
        page = get_page(client, "/services/atelier-cv")
        link = page.find("section", class_="how-to").find("a")
        assert link.get("href") == "https://francetravail.example/orienter"
        assert "Utiliser le lien de mobilisation" in page.find("section", class_="how-to").text

    def test_is_a_sheet_to_hand_over_when_printed(self, client):
        page = get_page(client, "/services/hebergement-urgence")
        assert "Fiche à remettre" in page.find(class_="print-only").text
        assert "Ouvert 24 h/24, 7 j/7" in page.find("main").text
        stylesheet = client.get("/static/annuaire.css").get_data(as_text=True)
        assert "@media print" in stylesheet

    @pytest.mark.parametrize("service_id", ["inconnu", "atelier-brouillon", "service-cache"])
    def test_unknown_or_unpublished_is_a_404_page_in_french(self, client, service_id):
        page = get_page(client, f"/services/{service_id}", status=404)
        assert page.find("h1").text == "Page introuvable"
        assert page.find("html").get("lang") == "fr"
        assert "n'est pas publiée" in page.find("main").text


@pytest.mark.usefixtures("sample")
class TestStructurePage:
    def test_lists_its_published_services(self, client):
        page = get_page(client, "/structures/france-travail-paris")
        assert page.find("h1").text == "France Travail Paris"
        assert page.find("h2", id="titre-services").text == "1 service publié"
        titles = [title.text for title in page.find_all(class_="fr-card__title")]
        assert titles == ["Atelier CV et lettre de motivation"]
        assert "Signataire du protocole" in page.find("main").text
        assert "12 rue de Paradis, 75010 Paris (10e arrondissement)" in page.find("main").text

    def test_links_to_its_services_in_the_search(self, client):
        page = get_page(client, "/structures/langues-avenir")
        assert page.find("a", text="Filtrer ses services").get("href") == (
            "/?structure=langues-avenir"
        )

    def test_unpublished_is_a_404(self, client):
        get_page(client, "/structures/projet-brouillon", status=404)
        get_page(client, "/structures/inconnue", status=404)


@pytest.mark.usefixtures("sample")
class TestSignatories:
    def test_lists_the_signatories_and_their_offers(self, client):
        page = get_page(client, "/signataires")
        cards = {card.find("a").text: card.text for card in page.find_all(class_="fr-card")}
        assert set(cards) == {"France Travail Paris", "Mission Locale de Paris", "Cap emploi 75"}
        assert "1 offre publiée" in cards["France Travail Paris"]
        link = page.find("a", text="Cap emploi 75")
        assert link.get("href") == "/signataires/cap-emploi-75"

    def test_a_signatory_page_gives_prerequisites_and_how_to_refer(self, client):
        page = get_page(client, "/signataires/france-travail-paris")
        assert page.find("h1").text == "Offres de France Travail Paris"
        row = page.find("li", class_="offer", text="Atelier CV et lettre de motivation")
        assert "Niveau de français : À partir de B1" in row.text
        assert "Statut de séjour : Réfugié·e, Protection subsidiaire" in row.text
        assert "Utiliser le lien de mobilisation" in row.text
        assert row.find("a", text="Lien d'orientation").get("href") == (
            "https://francetravail.example/orienter"
        )
        assert "Atelier pas encore publié" not in page.find("main").text

    def test_a_structure_that_did_not_sign_has_no_signatory_page(self, client):
        get_page(client, "/signataires/langues-avenir", status=404)


def test_data_are_never_interpreted_as_html(client, load):
    load(
        [structure("asso", nom="Asso <b>grasse</b>")],
        [
            service(
                "piege",
                nom="Atelier <img src=x onerror=alert(1)>",
                description="<script>alert('x')</script> Un atelier.",
                conditions_acces="<a href='javascript:alert(1)'>ici</a>",
            )
        ],
    )
    for url in ("/", "/services/piege", "/structures/asso", "/?q=atelier"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html and "<b>grasse</b>" not in html, url
        assert "&lt;b&gt;grasse&lt;/b&gt;" in html, url
    html = client.get("/services/piege").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<a href='javascript" not in html


def test_every_page_warns_that_the_data_are_samples(client):
    footer = get_page(client, "/signataires").find("footer")
    assert "données d'exemple, à vérifier par les partenaires" in footer.text


def test_header_names_the_directory_and_skip_links_lead_to_the_content(client):
    page = get_page(client, "/")
    header = page.find("header").text
    assert "Annuaire des partenaires" in header
    assert "Intégration professionnelle des étrangers primo-arrivants à Paris" in header
    skip = page.find(class_="fr-skiplinks")
    assert skip.find("a", text="Contenu").get("href") == "#contenu"
    assert page.find("main", id="contenu")
    assert skip.find("a", text="Filtres").get("href") == "#filtres"


def test_an_unknown_address_is_a_french_404_but_the_api_keeps_answering_json(client):
    page = get_page(client, "/nulle-part", status=404)
    assert page.find("h1").text == "Page introuvable"
    response = client.get("/api/v1/services/inconnu")
    assert response.status_code == 404
    assert response.is_json


def test_a_wrong_method_is_a_french_405_page(client):
    response = client.post("/signataires")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert parse(response.data).find("h1").text == "Méthode non autorisée"


def test_a_bad_request_is_a_french_400_page(app):
    app.add_url_rule("/essai-400", "essai_400", lambda: abort(400))
    response = app.test_client().get("/essai-400")
    assert response.status_code == 400
    page = parse(response.data)
    assert page.find("h1").text == "Demande invalide"
    assert "Erreur 400" in page.find("main").text
