"""The search page, through Flask's test client: results, facets, links, errors."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.factories import service, structure
from tests.web.html_page import parse
from tests.web.web_sample import CV, EMPLOI, FLE, PUBLISHED_SERVICES

pytestmark = pytest.mark.usefixtures("sample")


def get_page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return parse(response.data)


def query_of(href: str) -> list[tuple[str, str]]:
    parts = urlsplit(href)
    assert parts.path == "/"
    return parse_qsl(parts.query)


def result_titles(page) -> list[str]:
    return [heading.text for heading in page.find_all(class_="fr-card__title")]


def card(page, title: str):
    heading = page.find(class_="fr-card__title", text=title)
    while heading.tag != "article":
        heading = heading.parent
    return heading


def test_lists_every_published_service_and_only_those(client):
    page = get_page(client, "/")
    assert page.find("h2", id="resultats-titre").text == f"{PUBLISHED_SERVICES} services trouvés"
    titles = result_titles(page)
    assert len(titles) == PUBLISHED_SERVICES
    assert "Cours de français langue étrangère pour débutants" in titles
    assert "Atelier pas encore publié" not in titles
    assert "Service d'une structure cachée" not in titles


def test_a_text_query_narrows_the_results(client):
    page = get_page(client, "/?q=hébergement")
    assert page.find("h2", id="resultats-titre").text == "1 service trouvé"
    assert result_titles(page) == ["Hébergement d'urgence"]
    assert page.find("input", id="q").get("value") == "hébergement"


def test_thematiques_are_grouped_by_categorie_with_counts(client):
    page = get_page(client, "/")
    emploi = page.find("input", id="filtre-thematiques-trouver-un-emploi")
    assert "2 services" in page.label_of(emploi.get("id")).text
    group = emploi.parent
    while "theme-group" not in group.classes:
        group = group.parent
    assert group.find("input", value=EMPLOI)
    assert "Répondre à des offres d’emploi" in group.text
    assert not group.find_all("input", value=FLE)


def test_every_filter_is_offered(client):
    page = get_page(client, "/")
    filters = page.find("section", id="filtres").text
    for title in (
        "Thématiques",
        "Arrondissement",
        "Niveau de français de la personne",
        "Statut de séjour de la personne",
        "Âge de la personne",
        "Reconnaissance de handicap (RQTH)",
        "Publics",
        "Modes d'accueil",
        "Types de service",
        "Langues parlées",
        "Structures",
        "Signataires du protocole",
    ):
        assert title in filters
    assert page.find("input", type="number", name="age")
    langues = page.find("details", id="facette-langues")
    assert "arabe" in langues.text and "dari" in langues.text


def test_facet_counts_apply_the_other_filters(client):
    assert "1 service" in get_page(client, "/").label_of(f"filtre-thematiques-{CV}").text
    page = get_page(client, "/?statut=aps")
    assert page.find("h2", id="resultats-titre").text == "6 services trouvés"
    # The CV workshop only takes refugees and subsidiary protection: nothing left to offer.
    assert not page.find_all("input", id=f"filtre-thematiques-{CV}")
    assert "2 services" in page.label_of("filtre-thematiques-trouver-un-emploi").text
    # Within the status filter itself, the counts say what widening would give.
    assert f"{PUBLISHED_SERVICES} services" in page.label_of("filtre-statut-refugie").text
    assert "6 services" in page.label_of("filtre-statut-aps").text
    assert "checked" in page.find("input", id="filtre-statut-aps").attrs


def test_a_facet_value_links_to_the_search_with_it_toggled(client):
    page = get_page(client, "/?q=emploi&arrondissement=11&page=2")
    twelfth = page.label_of("filtre-arrondissement-12").find("a")
    assert query_of(twelfth.get("href")) == [
        ("q", "emploi"),
        ("arrondissement", "11"),
        ("arrondissement", "12"),
    ]
    eleventh = page.label_of("filtre-arrondissement-11").find("a")
    assert query_of(eleventh.get("href")) == [("q", "emploi")]
    assert "choisi" in eleventh.text


def test_following_a_facet_link_filters_and_shows_it_selected(client):
    page = get_page(client, "/")
    link = page.label_of(f"filtre-thematiques-{CV}").find("a")
    page = get_page(client, link.get("href"))
    assert result_titles(page) == ["Atelier CV et lettre de motivation"]
    assert "checked" in page.find("input", id=f"filtre-thematiques-{CV}").attrs
    active = page.find(class_="active-filters")
    assert "Réaliser un CV et/ou une lettre de motivation" in active.text
    remove = active.find("a", text="Réaliser un CV")
    assert query_of(remove.get("href")) == []


def test_a_yes_no_filter_takes_one_value(client):
    page = get_page(client, "/?rqth=false")
    assert "Accompagnement vers l'emploi avec une RQTH" not in result_titles(page)
    with_rqth = page.label_of("filtre-rqth-true").find("a")
    assert query_of(with_rqth.get("href")) == [("rqth", "true")]
    assert "checked" in page.find("input", id="filtre-rqth-false").attrs
    anyone = page.label_of("filtre-rqth-tous").find("a")
    assert query_of(anyone.get("href")) == []


def test_the_form_sends_no_empty_parameter_that_would_be_refused(client):
    page = get_page(client, "/?q=&age=&sort=&rqth=&signataire=")
    assert page.find("h2", id="resultats-titre").text == f"{PUBLISHED_SERVICES} services trouvés"


def test_age_filter_keeps_the_services_that_accept_it(client):
    page = get_page(client, "/?age=30")
    titles = result_titles(page)
    assert "Accompagnement des jeunes vers l'emploi" not in titles
    assert "Atelier CV et lettre de motivation" in titles
    assert page.find("input", id="filtre-age").get("value") == "30"
    assert "30 ans" in page.find(class_="active-filters").text


@pytest.mark.parametrize(
    ("url", "title", "name", "message"),
    [
        ("/?age=abc", "Âge de la personne", "age", "Nombre entier attendu."),
        ("/?arrondissement=42", "Arrondissement", "arrondissement", "entre 1 et 20"),
        ("/?niveau=Z9", "Niveau de français de la personne", "niveau", "Valeur inconnue"),
        ("/?sort=distance", "Tri", "sort", "demande un point"),
        ("/?couleur=bleu", "couleur", "couleur", "Champ inconnu."),
    ],
)
def test_an_invalid_parameter_is_explained_with_a_400(client, url, title, name, message):
    page = get_page(client, url, status=400)
    alert = page.find(class_="fr-alert")
    assert "fr-alert--error" in alert.classes
    item = alert.find("li", text=message)
    assert item.find("strong").text == title
    assert item.find("code").text == name
    assert not page.find_all(class_="fr-card__title")


def test_no_result_says_so_and_offers_a_way_out(client):
    page = get_page(client, "/?q=astrophysique")
    assert page.find("h2", id="resultats-titre").text == "Aucun service trouvé"
    empty = page.find(class_="empty-state")
    assert "Aucun service ne correspond à cette recherche" in empty.text
    assert empty.find("a", href="/")


def test_result_cards_put_the_service_into_words(client):
    page = get_page(client, "/")
    fle = card(page, "Cours de français langue étrangère pour débutants").text
    assert "5 rue Myrha, 75018 Paris (18e arrondissement)" in fle
    assert "Du lundi au vendredi : 09:00–12:30, 13:30–17:00" in fle
    assert "01 42 00 00 01" in fle and "accueil@langues-avenir.example" in fle
    assert "français, arabe, dari, pachto" in fle
    assert "Jusqu'à A2" in fle and "À partir de 18 ans" in fle and "Tous statuts de séjour" in fle
    assert "Langues et Avenir" in fle

    cv = card(page, "Atelier CV et lettre de motivation").text
    assert "À partir de B1" in cv and "Réfugié·e, Protection subsidiaire" in cv
    assert "Signataire" in cv
    numerique = card(page, "Ateliers numériques à distance").text
    assert "De A1 à B1" in numerique and "À distance" in numerique
    jeunes = card(page, "Accompagnement des jeunes vers l'emploi").text
    assert "De 16 à 25 ans" in jeunes and "Tous niveaux" in jeunes and "français, anglais" in jeunes
    assert "RQTH requise" in card(page, "Accompagnement vers l'emploi avec une RQTH").text
    garde = card(page, "Garde d'enfants pendant les démarches").text
    assert "Familles" in garde
    # No address of its own: the structure's.
    assert "48 rue de la Roquette, 75011 Paris (11e arrondissement)" in garde


def test_result_cards_link_to_the_service_and_its_structure(client):
    page = get_page(client, "/")
    fle = card(page, "Cours de français langue étrangère pour débutants")
    assert fle.find("a", text="Cours de français").get("href") == "/services/fle-debutants"
    assert fle.find("a", text="Langues et Avenir").get("href") == "/structures/langues-avenir"


def test_distance_is_shown_from_a_point_and_the_point_is_kept(client):
    page = get_page(client, "/?lat=48.8767&lon=2.3548&thematiques=lecture-ecriture-calcul")
    assert "à 1,1 km" in card(page, "Cours de français langue étrangère").text
    hidden = {(i.get("name"), i.get("value")) for i in page.find_all("input", type="hidden")}
    assert {("lat", "48.8767"), ("lon", "2.3548")} <= hidden
    options = [
        option.get("value") for option in page.find("select", name="sort").find_all("option")
    ]
    assert options == ["", "nom", "date_maj"]
    assert page.find("select", name="sort").find("option", value="").text == "Distance (par défaut)"


def test_sort_menu_keeps_an_implicit_sort_implicit(client):
    page = get_page(client, "/?q=emploi")
    assert page.find("select", name="sort").find("option", value="").text == (
        "Pertinence (par défaut)"
    )
    page = get_page(client, "/?sort=date_maj")
    assert "selected" in page.find("option", value="date_maj").attrs
    assert not page.find_all("option", value="pertinence")


def test_pagination_links_keep_the_search(client, load):
    load(
        [structure("grande-asso", nom="Grande association")],
        [
            service(f"atelier-{n:02d}", structure_id="grande-asso", nom=f"Atelier numéro {n:02d}")
            for n in range(25)
        ],
    )
    page = get_page(client, "/?structure=grande-asso")
    assert page.find("h2", id="resultats-titre").text == "25 services trouvés"
    assert len(result_titles(page)) == 20
    pagination = page.find("nav", class_="fr-pagination")
    following = pagination.find("a", text="Page suivante")
    assert query_of(following.get("href")) == [("structure", "grande-asso"), ("page", "2")]
    page = get_page(client, following.get("href"))
    assert result_titles(page) == [f"Atelier numéro {n}" for n in range(20, 25)]
    assert page.find("nav", class_="fr-pagination").find("a", aria_current="page").text == "2"
    # Narrowing the search starts again from the first page.
    toggle = page.label_of("filtre-structure-grande-asso").find("a")
    assert ("page", "2") not in query_of(toggle.get("href"))


def test_a_page_past_the_end_says_so(client):
    page = get_page(client, "/?page=5")
    assert "Cette page n'existe pas" in page.find(class_="empty-state").text


def test_dedicated_services_box_sits_with_the_publics_and_rqth_filters(client):
    page = get_page(client, "/")
    ids = [block.get("id") for block in page.find("section", id="filtres").find_all(class_="facet")]
    assert (
        ids.index("facette-rqth")
        < ids.index("facette-publics")
        < ids.index("facette-publics_dedies")
    )
    box = page.find("input", id="filtre-publics_dedies-true")
    assert box.get("name") == "publics_dedies" and "checked" not in box.attrs
    label = page.label_of("filtre-publics_dedies-true").text
    assert "Seulement les services dédiés" in label and "tous publics" in label


def test_dedicated_services_with_rqth_are_those_requiring_it(client):
    assert len(result_titles(get_page(client, "/?rqth=true"))) == PUBLISHED_SERVICES
    page = get_page(client, "/?rqth=true&publics_dedies=true")
    assert result_titles(page) == ["Accompagnement vers l'emploi avec une RQTH"]
    assert "checked" in page.find("input", id="filtre-publics_dedies-true").attrs
    remove = page.find(class_="active-filters").find("a", text="Seulement les services dédiés")
    assert query_of(remove.get("href")) == [("rqth", "true")]
    # Every link keeps the choice.
    sans_rqth = page.label_of("filtre-rqth-false").find("a")
    assert query_of(sans_rqth.get("href")) == [("rqth", "false"), ("publics_dedies", "true")]


def test_dedicated_publics_facet_counts_only_named_publics(client):
    page = get_page(client, "/")
    assert f"{PUBLISHED_SERVICES} services" in page.label_of("filtre-publics-familles").text
    page = get_page(client, "/?publics_dedies=true")
    assert len(result_titles(page)) == PUBLISHED_SERVICES
    publics = page.find("details", id="facette-publics")
    assert [box.get("value") for box in publics.find_all("input")] == ["familles"]
    assert "1 service" in page.label_of("filtre-publics-familles").text
    link = page.label_of("filtre-publics-familles").find("a")
    page = get_page(client, link.get("href"))
    assert result_titles(page) == ["Garde d'enfants pendant les démarches"]


def test_an_invalid_dedicated_flag_is_explained_with_a_400(client):
    page = get_page(client, "/?publics_dedies=peut-etre", status=400)
    item = page.find(class_="fr-alert--error").find("li", text="booléenne")
    assert item.find("strong").text == "Services dédiés"
    assert item.find("code").text == "publics_dedies"
