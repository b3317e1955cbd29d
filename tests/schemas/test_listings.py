"""Validation of import records: one message per field, in French."""

import pytest
from marshmallow import ValidationError

from directory.schemas.listings import ServiceSchema, StructureSchema
from directory.schemas.messages import flatten_errors
from tests.factories import service, structure


def errors_of(schema, record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        schema.load(record)
    return flatten_errors(raised.value.messages)


@pytest.fixture
def schema(app):
    with app.test_request_context():
        yield ServiceSchema()


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"nom": "ab"}, "nom", "Entre 3 et 150"),
        ({"date_maj": "2999-01-01"}, "date_maj", "aujourd'hui"),
        ({"date_maj": "hier"}, "date_maj", "AAAA-MM-JJ"),
        ({"thematiques": ["logement"]}, "thematiques.0", "logement"),
        ({"publics": ["tous-publics", "femmes"]}, "publics", "tous-publics"),
        (
            {"niveau_francais_min": "B2", "niveau_francais_max": "A1"},
            "niveau_francais_max",
            "supérieur",
        ),
        ({"age_min": 30, "age_max": 20}, "age_max", "supérieur"),
        ({"age_min": 200}, "age_min", "entre 0 et 120"),
        ({"statuts_sejour": ["touriste"]}, "statuts_sejour.0", "touriste"),
        ({"langues_parlees": ["xx-klingon"]}, "langues_parlees", "xx-klingon"),
        ({"latitude": 48.85}, "longitude", "ensemble"),
        ({"latitude": 95, "longitude": 2}, "latitude", "entre -90 et 90"),
        ({"courriel": "pas-une-adresse"}, "courriel", "électronique"),
        ({"lien_mobilisation": "ftp://exemple"}, "lien_mobilisation", "URL"),
        ({"telephone": "12"}, "telephone", "téléphone"),
        ({"horaires_accueil": "lundi 9h-12h"}, "horaires_accueil", "OpenStreetMap"),
        ({"code_insee": "75111", "code_postal": "75020"}, "code_postal", "INSEE"),
        ({"zone_eligibilite": ["Paris 11"]}, "zone_eligibilite.0", "COG"),
        ({"rqth_requise": "peut-être"}, "rqth_requise", "booléenne"),
        ({"couleur": "bleu"}, "couleur", "inconnu"),
        # Longer than its column (String(200), String(500)): PostgreSQL would refuse it.
        ({"contact_nom_prenom": "x" * 201}, "contact_nom_prenom", "200 caractères au plus"),
        ({"lien_mobilisation": f"https://a.fr/{'b' * 490}"}, "lien_mobilisation", "500 caract"),
    ],
)
def test_each_bad_field_gets_a_french_message(schema, fields, field, fragment):
    errors = errors_of(schema, service(**fields))
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def test_required_fields(schema):
    record = service()
    del record["description"], record["date_maj"]
    errors = errors_of(schema, record)
    assert errors["description"] == errors["date_maj"] == ["Ce champ est obligatoire."]


def test_valid_record_is_normalised(schema):
    loaded = schema.load(
        service(
            telephone="01.53.00.00.00", langues_parlees=["ar", "ar", "prs"], nom="  Cours du soir  "
        )
    )
    assert loaded["telephone"] == "+33153000000"
    assert loaded["langues_parlees"] == ["ar", "prs"]
    assert loaded["nom"] == "Cours du soir"
    assert loaded["statut_publication"] == "publie" and loaded["statuts_sejour"] == []


def test_structure_siret_and_reseaux(app):
    with app.test_request_context():
        errors = errors_of(StructureSchema(), structure(siret="123", reseaux_porteurs=["x"]))
    assert "siret" in errors and "reseaux_porteurs.0" in errors
