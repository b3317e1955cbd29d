"""GET /api/v1/orientation on the sample seed data: SPE office, places, bad profiles."""

import pytest

from tests.ban_server import unused_port_url

DARI_WOMAN = (
    "age=28&statut=refugie&premier_titre=2024&niveau=A1&langues=prs&arrondissement=19"
    "&freins=famille--garde-denfants&freins=lecture-ecriture-calcul--maitriser-le-francais"
    "&freins=trouver-un-emploi"
)


def orientation(client, query: str, status: int = 200) -> dict:
    response = client.get(f"/api/v1/orientation?{query}")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_28_year_old_in_the_19e_goes_to_the_france_travail_agency_of_the_19e(client, seeded):
    body = orientation(client, DARI_WOMAN)
    spe = body["spe"]
    assert spe["structure"] == "france-travail-paris"
    assert spe["agence"]["id"] == "france-travail-paris--agence-19e"
    assert spe["agence"]["adresse"] == "110 avenue de Flandre"
    assert spe["dans_le_public"] is True
    assert "sans RQTH" in spe["raison"]
    assert [b["frein"] for b in body["freins"]] == [
        "famille--garde-denfants",
        "lecture-ecriture-calcul--maitriser-le-francais",
        "trouver-un-emploi",
    ]
    for barrier in body["freins"]:
        assert 1 <= len(barrier["items"]) <= 5
        assert barrier["voir_tout"].startswith("/?thematiques=")


def test_dari_speakers_come_first_and_say_so(client, seeded):
    french = orientation(client, DARI_WOMAN)["freins"][1]
    first = french["items"][0]
    assert "prs" in first["service"]["langues_parlees"]
    assert "parle dari" in [r["texte"] for r in first["raisons"]]


def test_a_young_person_with_rqth_goes_to_the_mission_locale_with_cap_emploi_beside(client, seeded):
    spe = orientation(client, "age=20&rqth=true&arrondissement=18")["spe"]
    assert (spe["structure"], spe["alternative"]) == ("mission-locale-paris", "cap-emploi-75")
    assert spe["agence"]["id"] == "mission-locale-paris--accueil-paris-nord"


def test_a_30_year_old_with_rqth_goes_to_cap_emploi(client, seeded):
    assert orientation(client, "age=30&rqth=true")["spe"]["structure"] == "cap-emploi-75"


def test_exempted_from_support_gets_no_spe_but_still_the_services(client, seeded):
    body = orientation(client, "age=30&accompagnement=false&freins=sante")
    assert body["spe"]["structure"] is None
    assert body["freins"][0]["total"] > 0


def test_a_student_is_outside_the_public_and_told_why(client, seeded):
    spe = orientation(client, "age=22&statut=etudiant&premier_titre=2025")["spe"]
    assert spe["dans_le_public"] is False
    assert "Étudiant" in spe["explication"]
    assert spe["structure"] == "mission-locale-paris"  # the orientation is still given


def test_an_address_is_geocoded_and_sets_the_arrondissement(client, seeded, ban):
    body = orientation(client, "adresse=30 rue de Tanger 75019&freins=famille&age=28")
    assert body["profil"]["arrondissement"] == 19
    assert body["profil"]["lat"] == pytest.approx(48.8848)
    items = body["freins"][0]["items"]
    assert items and all(
        i["distance"] is None or i["distance"] <= 5 for i in items
    )  # remote services have no distance
    on_site = [i["distance"] for i in items if i["distance"] is not None]
    assert on_site == sorted(on_site)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("freins=inconnu", "freins.0"),
        ("age=-1", "age"),
        ("niveau=Z9", "niveau"),
        ("statut=touriste", "statut"),
        ("arrondissement=21", "arrondissement"),
        ("lat=48.8", "lon"),
        ("premier_titre=1800", "premier_titre"),
        ("langues=zz", "langues"),
        ("rayon_km=0", "rayon_km"),
        ("age=30&age=31", "age"),
        ("couleur=bleu", "couleur"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(client, query, field):
    body = orientation(client, query, 400)
    assert field in body["errors"], body


def test_an_address_the_ban_does_not_know_is_refused(client, seeded, ban):
    body = orientation(client, "adresse=1 place de Nulle Part&freins=sante", 400)
    assert "Adresse introuvable" in body["errors"]["adresse"][0]


def test_when_the_ban_is_down_the_arrondissement_answers_with_a_notice(client, seeded, app):
    app.config["BAN_URL"] = unused_port_url()
    body = orientation(client, "adresse=30 rue de Tanger 75019&arrondissement=19&freins=famille")
    assert body["avertissements"] and "géolocalisation" in body["avertissements"][0]
    assert body["profil"]["arrondissement"] == 19
    assert body["freins"][0]["total"] > 0


def _creche(number: int, **fields) -> dict:
    return {
        "source": "test",
        "id": f"creche-{number}",
        "structure_id": "petite-enfance",
        "nom": f"Crèche {number}",
        "description": "Accueil des enfants de moins de trois ans.",
        "date_maj": "2026-10-01",
        "thematiques": ["famille--garde-denfants"],
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": ["75112"],
        **fields,
    }


def test_an_empty_barrier_offers_the_nearest_widenings_with_their_counts(client, load):
    structure = {
        "source": "test",
        "id": "petite-enfance",
        "nom": "Petite enfance",
        "date_maj": "2026-10-01",
    }
    far = _creche(1, latitude=48.8404, longitude=2.4276)  # 3 km east of her point
    strict = _creche(2, latitude=48.8404, longitude=2.3880, niveau_francais_min="B1")
    load([structure], [far, strict])
    query = "freins=famille&niveau=A1&arrondissement=12&lat=48.8404&lon=2.3876&rayon_km=1"
    barrier = orientation(client, query)["freins"][0]
    assert (barrier["total"], barrier["items"]) == (0, [])
    widenings = {w["critere"]: w for w in barrier["elargissements"]}
    assert set(widenings) == {"rayon_km", "niveau"}
    assert (widenings["rayon_km"]["texte"], widenings["rayon_km"]["total"]) == (
        "dans un rayon de 4 km",
        1,
    )
    assert widenings["niveau"]["total"] == 1
    assert {
        n["service"]["id"]: [m["critere"] for m in n["manque"]] for n in barrier["presque"]
    } == {
        "creche-2": ["niveau"],
        "creche-1": ["rayon_km"],
    }


def test_an_unknown_language_is_named_in_a_whole_message(client):
    body = orientation(client, "langues=prs&langues=zz", 400)
    assert body["errors"]["langues"] == ["Code de langue inconnu : zz."]
