"""`directory export --format hsds` and /api/v1/hsds/services: the published directory in
HSDS 3.0, valid against the specification, with identifiers that never change."""

import json
import uuid

import jsonschema_rs
import pytest

from directory.extensions import db
from directory.models import Service
from directory.services.hsds import ORGANIZATION_NAMESPACE, SERVICE_NAMESPACE
from tests.factories import service, structure
from tests.hsds_schema import schema_of

FILES = {"organization": "organizations.json", "service": "services.json"}
NESTED = ("phones", "schedules", "service_areas", "service_at_locations", "languages")


def export(app, folder) -> dict[str, list[dict]]:
    result = app.test_cli_runner().invoke(args=["export", "--format", "hsds", str(folder)])
    assert result.exit_code == 0, result.output
    return {kind: json.loads((folder / name).read_text()) for kind, name in FILES.items()}


def errors(kind: str, records: list[dict]) -> list[str]:
    validator = jsonschema_rs.validator_for(schema_of(kind), validate_formats=True)
    return [
        f"{record.get('name')} — /{'/'.join(map(str, error.instance_path))}: {error.message}"
        for record in records
        for error in validator.iter_errors(record)
    ]


def test_the_seed_data_exported_in_hsds_is_valid_hsds_3_0(app, seeded, tmp_path):
    exported = export(app, tmp_path / "hsds")
    assert len(exported["organization"]) > 100 and len(exported["service"]) > 250
    for kind, records in exported.items():
        assert errors(kind, records) == []
    services = exported["service"]
    # Every entity of the brief is there, somewhere in the seed data.
    for field in NESTED:
        assert any(record.get(field) for record in services), field
    assert any("minimum_age" in record for record in services)
    assert all(record["eligibility_description"] for record in services)


def test_what_hsds_3_0_does_not_define_is_refused():
    """The derived schemas are closed and typed: the check above is not vacuous."""
    record = {
        "id": str(uuid.uuid4()),
        "name": "Service",
        "status": "ouvert",
        "additional_urls": [],
        "schedules": [{"id": "pas-un-uuid", "freq": "DAILY", "opens_at": "9h"}],
    }
    found = errors("service", [record])
    for expected in ("status", "additional_urls", "/schedules/0/id", "freq", "opens_at"):
        assert any(expected in error for error in found), (expected, found)


def all_ids(exported: dict[str, list[dict]]) -> list[str]:
    """The ids of the organizations, services and every object nested in a service."""
    own = [record["id"] for records in exported.values() for record in records]
    nested = [
        item["id"]
        for record in exported["service"]
        for field in NESTED
        for item in record.get(field, ())
    ]
    return own + nested


def test_identifiers_are_derived_from_ours_and_stay_the_same(app, seeded, tmp_path):
    first = export(app, tmp_path / "one")
    export(app, tmp_path / "two")
    for name in FILES.values():
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    ids = all_ids(first)
    assert len(ids) == len(set(ids))
    with app.app_context():
        edited = db.session.get(Service, "prefecture-paris-idf--convention-integration")
        edited.nom, edited.description = "Convention : réunions d'information", "Nouveau texte"
        db.session.commit()
    after_edit = export(app, tmp_path / "three")
    assert all_ids(after_edit) == ids
    convention = next(r for r in after_edit["service"] if r["name"].startswith("Convention"))
    source = "paris-partenaires"
    expected = uuid.uuid5(
        SERVICE_NAMESPACE, f"{source}:prefecture-paris-idf--convention-integration"
    )
    assert convention["id"] == str(expected)
    organization = uuid.uuid5(ORGANIZATION_NAMESPACE, f"{source}:prefecture-paris-idf")
    assert convention["organization_id"] == convention["organization"]["id"] == str(organization)


@pytest.mark.parametrize(
    ("opening_hours", "rules", "notes"),
    [
        (
            "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
            [("MO,TU,WE,TH,FR", "09:00", "12:30"), ("MO,TU,WE,TH,FR", "13:30", "17:00")],
            "Fermé les jours fériés",
        ),
        (
            "Mo-We 08:30-16:30; Th 08:30-12:30; Fr 08:30-15:30; Sa 10:00-13:00",
            [
                ("MO,TU,WE", "08:30", "16:30"),
                ("TH", "08:30", "12:30"),
                ("FR", "08:30", "15:30"),
                ("SA", "10:00", "13:00"),
            ],
            None,
        ),
        ("24/7", [("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")], None),
    ],
)
def test_weekly_opening_hours_become_weekly_schedules(
    app, load, tmp_path, opening_hours, rules, notes
):
    load([structure()], [service(horaires_accueil=opening_hours)])
    [exported] = export(app, tmp_path / "hsds")["service"]
    expected = [
        {"freq": "WEEKLY", "interval": 1, "wkst": "MO", "byday": byday}
        | {"opens_at": opens, "closes_at": closes, "service_id": exported["id"]}
        | ({"notes": notes} if notes else {})
        for byday, opens, closes in rules
    ]
    assert [{k: v for k, v in rule.items() if k != "id"} for rule in exported["schedules"]] == (
        expected
    )


def test_seasonal_opening_hours_are_given_as_written(app, load, tmp_path):
    load([structure()], [service(horaires_accueil="Mo-Fr 09:00-12:00; Aug off")])
    [exported] = export(app, tmp_path / "hsds")["service"]
    [schedule] = exported["schedules"]
    assert "byday" not in schedule and "Mo-Fr 09:00-12:00; Aug off" in schedule["description"]


def test_zones_languages_ages_and_publics(app, load, tmp_path):
    record = service(
        zone_eligibilite=["75118", "75119"],
        langues_parlees=["ar", "prs"],
        age_min=16,
        age_max=25,
        publics=["jeunes"],
        statuts_sejour=["refugie"],
        telephone="+33142000001",
        adresse="2 rue Pajol",
        commune="Paris",
        code_postal="75018",
        code_insee="75118",
        latitude=48.8841,
        longitude=2.3607,
    )
    load([structure(siret="12345678900011")], [record])
    exported = export(app, tmp_path / "hsds")
    [hsds] = exported["service"]
    assert [(area["name"], area["description"]) for area in hsds["service_areas"]] == [
        ("18e arrondissement", "75118"),
        ("19e arrondissement", "75119"),
    ]
    assert [(lang["code"], lang["name"]) for lang in hsds["languages"]] == [
        ("fr", "français"),
        ("ar", "arabe"),
        ("prs", "dari"),
    ]
    assert (hsds["minimum_age"], hsds["maximum_age"]) == (16, 25)
    assert hsds["eligibility_description"].splitlines() == [
        "Publics : Jeunes",
        "Statuts de séjour acceptés : Réfugié·e",
    ]
    assert [phone["number"] for phone in hsds["phones"]] == ["+33142000001"]
    [link] = hsds["service_at_locations"]
    [address] = link["location"]["addresses"]
    assert link["location"]["latitude"] == 48.8841
    assert (address["address_1"], address["postal_code"], address["country"]) == (
        "2 rue Pajol",
        "75018",
        "FR",
    )
    [organization] = exported["organization"]
    assert organization["organization_identifiers"][0]["identifier"] == "12345678900011"


def test_without_a_zone_the_area_is_the_commune_of_the_address(app, load, tmp_path):
    load(
        [structure()],
        [
            service("paris", code_insee="75111"),
            service("saint-denis", code_insee="93066"),
            service("partout"),
        ],
    )
    exported = export(app, tmp_path / "hsds")["service"]
    areas = {
        record["name"]: [
            (area["name"], area["description"]) for area in record.get("service_areas", ())
        ]
        for record in exported
    }
    assert areas == {
        "Service paris": [("Tout Paris", "75056")],
        "Service saint-denis": [("commune ou territoire 93066", "93066")],
        "Service partout": [],
    }


def test_the_api_pages_are_the_exported_services(app, seeded, client, tmp_path):
    exported = export(app, tmp_path / "hsds")["service"]
    pages, page = [], 1
    while True:
        body = client.get(f"/api/v1/hsds/services?page={page}&size=100").get_json()
        pages += body["items"]
        if page >= body["pages"]:
            break
        page += 1
    assert body["total"] == len(exported) and pages == exported
    english = client.get("/api/v1/hsds/services?size=3", headers={"Accept-Language": "en"})
    assert english.get_json()["items"] == exported[:3]


def test_only_what_is_published_is_exported(app, load, client, tmp_path):
    load(
        [structure(), structure("cachee", statut_publication="brouillon")],
        [
            service("publie"),
            service("brouillon", statut_publication="brouillon"),
            service("dans-cachee", structure_id="cachee"),
        ],
    )
    exported = export(app, tmp_path / "hsds")
    assert [record["name"] for record in exported["service"]] == ["Service publie"]
    assert [record["name"] for record in exported["organization"]] == ["Structure asso"]
    assert client.get("/api/v1/hsds/services").get_json()["total"] == 1
    assert client.get("/api/v1/hsds/services?size=101").status_code == 400


def test_the_default_export_is_still_data_inclusion(app, seeded, tmp_path):
    result = app.test_cli_runner().invoke(args=["export", str(tmp_path / "di")])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "di").iterdir()) == [
        "services.json",
        "structures.json",
    ]
