"""`directory import | export | reindex`: atomic imports, clear errors, exact round trips."""

import json

from directory import create_app
from directory.extensions import db
from directory.models import Service, Structure
from directory.services.indexing import search_backend
from directory.services.transfer import RawRecord, validate
from tests.conftest import database_config
from tests.factories import service, structure


def write(path, structures, services):
    path.write_text(json.dumps({"structures": structures, "services": services}), encoding="utf-8")
    return str(path)


def counts(app):
    with app.app_context():
        return db.session.query(Structure).count(), db.session.query(Service).count()


def test_one_bad_record_among_good_ones_imports_nothing(app, tmp_path):
    good = [service(f"ok-{n}") for n in range(5)]
    bad = service("mauvais", niveau_francais_min="Z9", courriel="pas-une-adresse")
    path = write(tmp_path / "data.json", [structure()], [*good, bad])
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code != 0
    assert "mauvais" in result.output and "niveau_francais_min" in result.output
    assert "courriel" in result.output and "rien n'a été importé" in result.output
    assert counts(app) == (0, 0)
    search = app.test_client().get("/api/v1/search/services").get_json()
    assert search["total"] == 0


def test_unknown_structure_and_duplicate_ids_are_reported(app, tmp_path):
    path = write(
        tmp_path / "data.json",
        [structure()],
        [service("a"), service("a"), service("b", structure_id="absente")],
    )
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code != 0
    assert "« a » — id" in result.output
    assert "« b » — structure_id" in result.output and "absente" in result.output
    assert counts(app) == (0, 0)


def test_a_text_longer_than_its_column_is_refused_by_name(app):
    """SQLite would store it whole, PostgreSQL refuse it mid-import: the validation says so
    (the admin pages and the API, strict)."""
    long_contact = service("long", contact_nom_prenom="Dupont " * 30)
    records = [
        RawRecord("data.json#1", "structure", structure()),
        RawRecord("data.json#2", "service", long_contact),
    ]
    with app.app_context():
        [error] = validate(records).errors
    assert f"{error.field} : {error.message}" == "contact_nom_prenom : 200 caractères au plus."


def test_the_import_leaves_out_an_optional_text_longer_than_its_column(app, tmp_path):
    """The official data·inclusion model takes it: `import` stores the record without it."""
    long_contact = service("long", contact_nom_prenom="Dupont " * 30)
    path = write(tmp_path / "data.json", [structure()], [long_contact])
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "Valeurs écartées (non conformes à l'annuaire) : contact_nom_prenom (1)" in result.output
    with app.app_context():
        assert db.session.get(Service, "long").contact_nom_prenom is None


def test_invalid_json_file_is_reported_by_name(app, tmp_path):
    broken = tmp_path / "casse.json"
    broken.write_text("{ pas du json")
    result = app.test_cli_runner().invoke(args=["import", str(broken)])
    assert result.exit_code != 0 and "casse.json" in result.output


def test_dry_run_validates_without_writing(app, tmp_path):
    path = write(tmp_path / "data.json", [structure()], [service("a")])
    result = app.test_cli_runner().invoke(args=["import", "--dry-run", path])
    assert result.exit_code == 0, result.output
    assert "1 service(s)" in result.output
    assert counts(app) == (0, 0)


def test_import_then_search_then_update_counts_changes(app, tmp_path):
    runner = app.test_cli_runner()
    path = write(tmp_path / "data.json", [structure()], [service("a", nom="Cours du soir")])
    assert runner.invoke(args=["import", path]).exit_code == 0
    client = app.test_client()
    assert client.get("/api/v1/search/services?q=soir").get_json()["total"] == 1
    path = write(tmp_path / "data.json", [structure()], [service("a", nom="Cours du matin")])
    result = runner.invoke(args=["import", path])
    assert "0 créé(e)s, 1 mis(es) à jour" in result.output
    assert client.get("/api/v1/search/services?q=soir").get_json()["total"] == 0
    assert client.get("/api/v1/search/services?q=matin").get_json()["total"] == 1
    with app.app_context():
        assert db.session.get(Service, "a").revision == 2


def test_export_then_import_round_trips_exactly(app, tmp_path, load, request):
    load(
        [
            structure(
                "s",
                signataire=True,
                reseaux_porteurs=["france-travail"],
                horaires_accueil="Mo-Fr 09:00-17:00",
                statut_publication="brouillon",
            )
        ],
        [
            service(
                "a",
                "s",
                thematiques=["famille--garde-denfants"],
                age_min=16,
                age_max=25,
                niveau_francais_min="A1",
                langues_parlees=["ar", "prs"],
                rqth_requise=True,
                statuts_sejour=["refugie"],
                telephone="01 53 00 00 00",
                verifie_le="2026-10-01",
                latitude=48.85,
                longitude=2.37,
                zone_eligibilite=["75111"],
            )
        ],
    )
    runner = app.test_cli_runner()
    first = tmp_path / "first"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    exported = json.loads((first / "services.json").read_text())[0]
    assert exported["telephone"] == "+33153000000" and exported["langues_parlees"] == ["ar", "prs"]

    other = create_app({"TESTING": True, **database_config(tmp_path / "other.sqlite3", request)})
    with other.app_context():
        db.create_all()
        search_backend().create_schema()
    other_runner = other.test_cli_runner()
    result = other_runner.invoke(
        args=["import", str(first / "structures.json"), str(first / "services.json")]
    )
    assert result.exit_code == 0, result.output
    second = tmp_path / "second"
    assert other_runner.invoke(args=["export", str(second)]).exit_code == 0
    for name in ("structures.json", "services.json"):
        assert (first / name).read_text() == (second / name).read_text()


def test_reindex_rebuilds_from_the_database(app, load):
    load([structure()], [service("a"), service("b", statut_publication="brouillon")])
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "1 service(s)" in result.output
    assert app.test_client().get("/api/v1/search/services").get_json()["total"] == 1
