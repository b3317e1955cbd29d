"""`directory import` of what data·inclusion publishes (issue 12, part 1).

The corpus in tests/cli/datainclusion/ is shaped like data·inclusion's output: pages of its
API v1 (/structures, /services, /search/services: {items, total, page, size, pages}, with
the fields it adds — score_qualite, doublons, adresse_certifiee, a nested structure) and its
open-data files (lists of records with _di_* fields); URLs with spaces and accents, a
structure published by two sources (doublons), a bad SIRET, records the official model
refuses, and records it accepts with values only our stricter checks refuse (the
*-non-conformes.json files: free-text hours, two phone numbers, a latitude alone…). What
must be imported is computed here with the official pydantic models."""

import json
from collections import Counter
from pathlib import Path

import pydantic
import pytest
from data_inclusion.schema import v1
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service, Structure
from directory.services import transfer
from tests.factories import service, structure

CORPUS = Path(__file__).parent / "datainclusion"
RECORD_KINDS = ("structures", "services")
FILES = sorted(str(path) for path in CORPUS.glob("*.json"))
# Fields the official schema does not define; a service's score_qualite and a structure's
# doublons are kept (the data·inclusion-compatible API filters on them).
ADDED_BY_DATAINCLUSION = (
    "score_qualite",
    "adresse_certifiee",
    "structure",
    "_di_surrogate_id",
    "_di_structure_surrogate_id",
)
# The records the official model accepts, then those it refuses or whose structure it does.
IMPORTED = {"structure": 7, "service": 7}
REJECTED = 7
# The values of the *-non-conformes.json records that only our checks refuse, left out.
DROPPED = {
    "soliguide--accueil-de-jour-belleville": ("horaires_accueil", "telephone", "code_postal"),
    "mediation-numerique--epn-paris-18": ("latitude", "site_web", "complement_adresse"),
    "soliguide--accueil-de-jour-belleville-domiciliation": (
        "horaires_accueil",
        "modes_accueil",
        "volume_horaire_hebdomadaire",
        "nombre_semaines",
    ),
    "mediation-numerique--epn-paris-18-ateliers": (
        "latitude",
        "longitude",
        "telephone",
        "contact_nom_prenom",
        "lien_mobilisation",
    ),
}
NON_CONFORMING = [str(CORPUS / f"opendata-{kind}-non-conformes.json") for kind in RECORD_KINDS]


def corpus_records() -> list[dict]:
    """Every record of the corpus, as data·inclusion publishes it."""
    records = []
    for path in FILES:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
        items = content["items"] if isinstance(content, dict) else content
        records += [item.get("service", item) for item in items]
    return records


def official_verdicts() -> dict[str, tuple[str, str | None]]:
    """id -> (kind, the first field the official v1 model refuses, or None if it accepts)."""
    verdicts = {}
    for record in corpus_records():
        kind, model = (
            ("service", v1.Service) if "structure_id" in record else ("structure", v1.Structure)
        )
        try:
            model.model_validate(record)
        except pydantic.ValidationError as error:
            verdicts[record["id"]] = (kind, str(error.errors()[0]["loc"][0]))
        else:
            verdicts[record["id"]] = (kind, None)
    return verdicts


def expected_imports() -> dict[str, set[str]]:
    """The records the official model accepts, less the services of a structure it refuses
    (a service cannot be stored without its structure)."""
    verdicts = official_verdicts()
    structures = {id for id, (kind, field) in verdicts.items() if kind == "structure" and not field}
    services = {
        record["id"]
        for record in corpus_records()
        if "structure_id" in record
        and not verdicts[record["id"]][1]
        and record["structure_id"] in structures
    }
    return {"structure": structures, "service": services}


def stored_ids(app) -> dict[str, set[str]]:
    with app.app_context():
        return {
            kind: set(db.session.scalars(select(model.id)))
            for kind, model in (("structure", Structure), ("service", Service))
        }


def run_import(app, *args):
    return app.test_cli_runner().invoke(args=["import", *args])


def skip_invalid(folder: Path) -> tuple[str, ...]:
    """The options of an import that skips invalid records, its report in ``folder``."""
    return ("--skip-invalid", "--report", str(folder / "rejets.json"))


def test_the_corpus_holds_what_the_acceptance_names():
    verdicts = official_verdicts()
    refused = {field for _kind, field in verdicts.values() if field}
    assert {"siret", "frais", "publics", "date_maj", "lien_mobilisation"} <= refused
    assert any(" " in (record.get("lien_source") or "") for record in corpus_records())
    expected = expected_imports()
    assert {kind: len(ids) for kind, ids in expected.items()} == IMPORTED
    assert set(DROPPED) <= expected["structure"] | expected["service"]


def test_one_refused_record_imports_nothing_and_every_refusal_is_named(app, tmp_path):
    report = tmp_path / "rejets.json"
    result = run_import(app, "--report", str(report), *FILES)
    assert result.exit_code == 1, result.output
    assert "rien n'a été importé" in result.output
    refused = {id for id, (_kind, field) in official_verdicts().items() if field}
    for record_id, (kind, field) in official_verdicts().items():
        if field:
            assert f"{kind} « {record_id} » — {field} : " in result.output, record_id
    assert stored_ids(app) == {"structure": set(), "service": set()}
    assert refused < {entry["id"] for entry in json.loads(report.read_text(encoding="utf-8"))}


def test_the_fields_datainclusion_adds_are_ignored_and_counted_once(app, tmp_path):
    result = run_import(app, "--dry-run", *skip_invalid(tmp_path), *FILES)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Champs hors schéma ignorés" in line]
    assert len(lines) == 1
    for name in ADDED_BY_DATAINCLUSION:
        assert f"{name} (" in lines[0]
    # A structure's score (data·inclusion derives it from its services') is not kept.
    assert "score_qualite (5)" in lines[0] and "structure (2)" in lines[0]
    assert "doublons" not in lines[0]
    assert "Champ inconnu" not in result.output
    assert "7 structure(s), 7 service(s)" in result.output
    assert stored_ids(app) == {"structure": set(), "service": set()}


def test_skip_invalid_imports_every_record_the_official_model_accepts(app, tmp_path):
    report = tmp_path / "rejets.json"
    result = run_import(app, "--skip-invalid", "--report", str(report), *FILES)
    assert result.exit_code == 0, result.output
    assert "Services : 7 créé(e)s" in result.output
    expected = expected_imports()
    assert stored_ids(app) == expected

    rejected = {entry["id"]: entry for entry in json.loads(report.read_text(encoding="utf-8"))}
    verdicts = official_verdicts()
    refused_officially = {id for id, (_kind, field) in verdicts.items() if field}
    orphans = (
        {id for id, (kind, _f) in verdicts.items() if kind == "service"}
        - expected["service"]
        - refused_officially
    )
    assert set(rejected) == refused_officially | orphans
    for record_id in refused_officially:
        fields = {error["champ"].split(".")[0] for error in rejected[record_id]["erreurs"]}
        assert verdicts[record_id][1] in fields
        assert all(error["message"] for error in rejected[record_id]["erreurs"])
    for record_id in orphans:
        [error] = rejected[record_id]["erreurs"]
        assert error["champ"] == "structure_id" and "refusée" in error["message"]
    assert "Valeur la plus proche : « gratuit »" in json.dumps(rejected, ensure_ascii=False)


def test_urls_are_read_as_the_official_model_reads_them(app, tmp_path):
    assert run_import(app, *skip_invalid(tmp_path), *FILES).exit_code == 0
    by_id = {record["id"]: record for record in corpus_records()}
    with app.app_context():
        for model, official in ((Structure, v1.Structure), (Service, v1.Service)):
            for row in db.session.scalars(select(model)):
                parsed = official.model_validate(by_id[row.id])
                for name in ("lien_source", "site_web", "lien_mobilisation"):
                    if getattr(parsed, name, None) and " " in by_id[row.id][name]:
                        assert getattr(row, name) == str(getattr(parsed, name))
        asl = db.session.get(Service, "cd75--centre-social-belleville-asl")
        assert asl.lien_source == (
            "https://www.paris.fr/lieux/centre%20social%20belleville#ateliers%20de%20fran%C3%A7ais"
        )


def test_a_duplicate_published_by_two_sources_is_kept_under_each_source(app, tmp_path):
    assert run_import(app, *skip_invalid(tmp_path), *FILES).exit_code == 0
    with app.app_context():
        sources = {
            row.source
            for row in db.session.scalars(
                select(Structure).where(Structure.siret == "77566966100151")
            )
        }
    assert sources == {"dora", "emplois-de-linclusion"}


def test_the_report_file_is_written_by_default_with_skip_invalid(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_import(app, "--skip-invalid", *FILES)
    assert result.exit_code == 0, result.output
    assert "détaillés dans import-rejets.json (JSON)" in result.output
    assert (
        len(json.loads((tmp_path / "import-rejets.json").read_text(encoding="utf-8"))) == REJECTED
    )


def test_an_unreadable_file_stops_even_skip_invalid(app, tmp_path):
    broken = tmp_path / "tronque.json"
    broken.write_text('{"items": [{"id": "x"', encoding="utf-8")
    result = run_import(
        app, "--skip-invalid", "--report", str(tmp_path / "r.json"), *FILES, str(broken)
    )
    assert result.exit_code == 1 and "tronque.json" in result.output
    assert stored_ids(app) == {"structure": set(), "service": set()}


def test_a_structure_refused_earlier_is_named_refused_not_unknown(app, tmp_path):
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps([structure("s", siret="123"), service("a", "s"), service("b", "ailleurs")]),
        encoding="utf-8",
    )
    result = run_import(app, str(path))
    assert "« a » — structure_id : Structure « s » refusée" in result.output
    assert "« b » — structure_id : Structure « ailleurs » inconnue." in result.output


def test_opening_hours_errors_are_in_french(app):
    """Stricter than the official model, which takes any text: the pages show the hours."""
    record = transfer.RawRecord(
        "data.json#1", "structure", structure("s", horaires_accueil="Lundi 9h-12h")
    )
    with app.app_context():
        [error] = transfer.validate([record]).errors
    assert error.field == "horaires_accueil"
    assert error.message.startswith("Horaires au format OpenStreetMap attendus")
    assert "début de règle inconnu « Lundi » à la position 1" in error.message


def test_values_only_our_checks_refuse_are_left_out_and_counted(app, tmp_path):
    result = run_import(app, *skip_invalid(tmp_path), *FILES)
    assert result.exit_code == 0, result.output
    counts = Counter(name for names in DROPPED.values() for name in names)
    listed = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))
    assert f"Valeurs écartées (non conformes à l'annuaire) : {listed}\n" in result.output
    by_id = {record["id"]: record for record in corpus_records()}
    with app.app_context():
        for record_id, names in DROPPED.items():
            model = Service if "structure_id" in by_id[record_id] else Structure
            row = db.session.get(model, record_id)
            assert all(getattr(row, name) is None for name in names), record_id
        belleville = db.session.get(Structure, "soliguide--accueil-de-jour-belleville")
        assert (belleville.code_insee, belleville.adresse) == ("75120", "12 rue de Belleville")
        ateliers = db.session.get(Service, "mediation-numerique--epn-paris-18-ateliers")
        assert ateliers.horaires_accueil == "Mo-Fr 14:00-18:00" and ateliers.zone_eligibilite == [
            "75"
        ]


def test_the_pages_and_the_search_show_listings_with_values_left_out(app, tmp_path):
    assert run_import(app, *skip_invalid(tmp_path), *FILES).exit_code == 0
    client = app.test_client()
    for path in (
        "/structures/soliguide--accueil-de-jour-belleville",
        "/structures/mediation-numerique--epn-paris-18",
        "/services/soliguide--accueil-de-jour-belleville-domiciliation",
        "/services/mediation-numerique--epn-paris-18-ateliers",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Lundi au vendredi 9h-12h" not in page.get_data(as_text=True)
    found = client.get("/api/v1/search/services?q=domiciliation").get_json()
    ids = {item["service"]["id"] for item in found["items"]}
    assert "soliguide--accueil-de-jour-belleville-domiciliation" in ids


def test_a_record_the_official_model_refuses_keeps_every_error(app, tmp_path):
    assert run_import(app, *skip_invalid(tmp_path), *NON_CONFORMING).exit_code == 0
    rejected = json.loads((tmp_path / "rejets.json").read_text(encoding="utf-8"))
    [entry] = rejected
    assert entry["id"] == "soliguide--accueil-de-jour-belleville-douches"
    assert [error["champ"] for error in entry["erreurs"]] == [
        "frais",
        "horaires_accueil",
        "telephone",
    ]


def test_the_strict_default_still_refuses_those_values(app):
    """What the admin pages and our API use: the same errors as before lenient reading."""
    with app.app_context():
        plan = transfer.validate(transfer.JsonFiles(NON_CONFORMING))
    refused = {
        (error.record_id, error.field): error.message
        for error in plan.errors
        if error.message != "Champ inconnu."
    }
    assert {record_id for record_id, _field in refused} >= set(DROPPED)
    belleville = "soliguide--accueil-de-jour-belleville"
    assert refused[(belleville, "telephone")] == (
        "Numéro de téléphone invalide : format +33123456789, 01 23 45 67 89 ou 3949 attendu."
    )
    assert refused[(belleville, "horaires_accueil")].startswith("Horaires au format OpenStreetMap")
    domiciliation = f"{belleville}-domiciliation"
    assert refused[(domiciliation, "modes_accueil")] == "Au moins une valeur attendue."
    assert refused[(domiciliation, "volume_horaire_hebdomadaire")] == (
        "Valeur attendue entre 0 et 168."
    )
    assert refused[("mediation-numerique--epn-paris-18", "site_web")] == (
        "Adresse web (URL) invalide."
    )


# A value the official model accepts and one of our checks refuses, on its own in a record:
# (fields, the field the error names, the start of its message, the fields left out).
STRICTER_CHECKS = {
    "codes": (
        {"code_postal": "75011", "code_insee": "75120"},
        "code_postal",
        "Le code postal ne correspond pas au code INSEE",
        ("code_postal",),
    ),
    "latitude-alone": (
        {"latitude": 48.87},
        "longitude",
        "Latitude et longitude vont ensemble",
        ("latitude",),
    ),
    "latitude-out-of-range": (
        {"latitude": 98.1, "longitude": 2.35},
        "latitude",
        "Valeur attendue entre -90 et 90.",
        ("latitude", "longitude"),
    ),
    "url-without-tld": (
        {"site_web": "http://intranet/annuaire"},
        "site_web",
        "Adresse web (URL) invalide.",
        ("site_web",),
    ),
    "commune-too-long": (
        {"commune": "Paris " * 20},
        "commune",
        "Entre 1 et 100 caractères attendus.",
        ("commune",),
    ),
    "hours-too-long": (
        {"horaires_accueil": "; ".join(["Mo-Fr 09:00-12:00"] * 40)},
        "horaires_accueil",
        "500 caractères au plus.",
        ("horaires_accueil",),
    ),
}


@pytest.mark.parametrize("case", STRICTER_CHECKS)
def test_each_stricter_check_refuses_strictly_and_drops_leniently(app, case):
    fields, field, message, left_out = STRICTER_CHECKS[case]
    record = structure("s", **fields)
    v1.Structure.model_validate(record)
    raw = transfer.RawRecord("data.json#1", "structure", record)
    with app.app_context():
        strict = transfer.validate([raw])
        lenient = transfer.validate([raw], lenient=True)
        [loaded] = lenient.records("structure")
    assert [(error.field, error.message[: len(message)]) for error in strict.errors] == [
        (field, message)
    ]
    assert lenient.ok and set(lenient.dropped) == set(left_out)
    assert all(loaded[name] is None for name in left_out)


def test_an_id_our_pages_cannot_address_still_refuses(app):
    """The official model takes any id; ours appear in addresses (/services/<id>)."""
    record = structure("dora--antenne/paris-18")
    v1.Structure.model_validate(record)
    raw = transfer.RawRecord("data.json#1", "structure", record)
    with app.app_context():
        plan = transfer.validate([raw], lenient=True)
    assert [error.field for error in plan.errors] == ["id"]


def test_the_service_layer_writes_only_valid_records_when_asked(app):
    with app.app_context():
        plan = transfer.validate(transfer.JsonFiles(FILES), lenient=True)
        assert not plan.ok and plan.readable
        assert plan.ignored["adresse_certifiee"] == 13 and "doublons" not in plan.ignored
        with pytest.raises(ValueError, match="errors"):
            transfer.apply(plan)
        assert stored_ids(app) == {"structure": set(), "service": set()}
        report = transfer.apply(plan, skip_invalid=True)
        assert report.created == IMPORTED and report.index_error is None
    assert stored_ids(app) == expected_imports()
    assert app.test_client().get("/api/v1/search/services").get_json()["total"] == 7
