"""French full text (`q`): case, accents, elision, plural, synonyms, and the analyser itself."""

import pytest

from directory.search.text import analyse, fold, parse_query
from tests.factories import service, structure

SERVICES = [
    service("heb-1", nom="Hébergement d'urgence", description="Mise à l'abri pour la nuit."),
    service("heb-2", nom="Accueil de jour", description="Nous aidons à trouver des hébergements."),
    service(
        "heb-3",
        nom="Permanence logement",
        description="Conseils pour l'hébergement et le logement social.",
    ),
    service(
        "fle-1", nom="Cours de français pour adultes", description="Du niveau A1 au niveau B1."
    ),
    service("fle-2", nom="Ateliers FLE", description="Français langue étrangère, le soir."),
    service(
        "creche-1", nom="Crèche collective", description="Accueil des enfants de 3 mois à 3 ans."
    ),
    service("garde-1", nom="Halte-garderie", description="Garde d'enfants quelques heures."),
    service("autre", nom="Atelier CV", description="Rédiger un curriculum vitae."),
]


@pytest.fixture
def search(client, load):
    load([structure("asso", nom="Association Solidarité Paris")], SERVICES)

    def search(q: str) -> set[str]:
        response = client.get("/api/v1/search/services", query_string={"q": q, "size": 100})
        assert response.status_code == 200, response.get_json()
        return {item["service"]["id"] for item in response.get_json()["items"]}

    return search


def test_case_accents_elision_and_plural_give_the_same_services(search):
    variants = ["hebergement", "Hébergement", "l'hébergement", "hébergements", "L’HÉBERGEMENT"]
    results = [search(q) for q in variants]
    assert results[0] == {"heb-1", "heb-2", "heb-3"}
    assert all(result == results[0] for result in results)


def test_synonyms_cover_the_field_vocabulary(search):
    assert search("FLE") == search("cours de français") == {"fle-1", "fle-2"}
    assert search("crèche") == search("garde d'enfants") == {"creche-1", "garde-1"}
    assert search("cv") == {"autre"}


def test_every_word_must_match(search):
    assert search("hébergement urgence") == {"heb-1"}
    assert search("hébergement crèche") == set()


def test_structure_names_are_searched(search):
    assert len(search("solidarité")) == len(SERVICES)


def test_name_matches_rank_first(client, search):
    body = client.get("/api/v1/search/services", query_string={"q": "hébergement"}).get_json()
    assert body["items"][0]["service"]["id"] == "heb-1"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("L'hébergement", ["hebergement"]),
        ("d’enfants", ["enfant"]),
        ("Travaux et chevaux", ["traval", "cheval"]),
        ("Cours de français", ["cour", "francai"]),
        ("Halte-garderie", ["halte", "garderie"]),
    ],
)
def test_analyse(text, terms):
    assert analyse(text) == terms


def test_query_groups_expand_synonym_phrases():
    groups = parse_query("cours de français à Paris")
    assert ("fle",) in groups[0].phrases and ("cour", "francai") in groups[0].phrases
    assert groups[1].phrases == (("pari",),)


def test_folding_drops_accents_of_every_script_and_keeps_every_letter():
    assert fold("Œuvre Élève كِتَاب Straße ﬁn") == "œuvre eleve كتاب straße fin"
