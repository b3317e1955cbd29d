"""`directory datainclusion sync` against a local server speaking data·inclusion's API: every
page read, a second run changes nothing, upstream changes arrive, partners' fields and
listings are kept, what disappeared is archived after a complete run only, failures resume."""

import time

import pytest
from data_inclusion.schema import v1
from sqlalchemy import func, select

from directory import referentials as ref
from directory.extensions import db
from directory.models import AuditEntry, Membership, Service, Structure
from directory.services import accounts, editing
from directory.services.datainclusion_sync import ATTEMPTS
from tests.datainclusion_server import DataInclusionServer, di_service, di_structure
from tests.factories import service, structure


@pytest.fixture
def upstream(app):
    """A local data·inclusion API, and the application syncing from it: two structures in
    Paris and one in Saint-Denis (not asked for), five services in Paris."""
    with DataInclusionServer() as server:
        server.structures = [
            di_structure("asso"),
            di_structure("centre", code_insee="75119", code_postal="75019"),
            di_structure("dionysien", code_insee="93066", code_postal="93200", commune="St-Denis"),
        ]
        server.services = [
            di_service("cours", "asso", nom="Cours de français du soir"),
            di_service("atelier", "asso"),
            di_service("permanence", "centre", code_insee="75119", code_postal="75019"),
            di_service("ecrivain", "centre", code_insee="75119", code_postal="75019"),
            di_service("garde", "centre", code_insee="75119", code_postal="75019"),
        ]
        app.config |= {"DATAINCLUSION_URL": server.url, "DATAINCLUSION_TOKEN": server.token}
        yield server


def run(app, *options):
    args = ["datainclusion", "sync", "--departement", "75", "--page-size", "2", *options]
    return app.test_cli_runner().invoke(args=args)


def listing(app, model, listing_id):
    with app.app_context():
        row = db.session.get(model, listing_id)
        db.session.expunge_all()
        return row


def ids(app, model, **where) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(model.id).filter_by(**where)))


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def found(app, text: str) -> set[str]:
    results = app.test_client().get(f"/api/v1/search/services?q={text}").get_json()
    return {item["service"]["id"] for item in results["items"]}


def test_the_test_server_serves_what_the_official_model_accepts(upstream):
    for record in upstream.structures:
        extra = {"score_qualite", "doublons"}
        v1.Structure(**{key: value for key, value in record.items() if key not in extra})
    for record in upstream.services:
        v1.Service(**{key: value for key, value in record.items() if key != "score_qualite"})


def test_every_page_is_read_and_a_second_run_changes_nothing(app, upstream):
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Structures : 2 créé(e)s, 0 mis(es) à jour, 0 inchangé(e)s" in result.output
    assert "Services : 5 créé(e)s, 0 mis(es) à jour, 0 inchangé(e)s" in result.output
    assert "Services : page 3/3 (1 fiche(s))" in result.output
    # A structure's score (data·inclusion derives it) is not kept, and said so once.
    assert "Champs hors schéma ignorés (nombre d'enregistrements) : score_qualite (2)" in (
        result.output
    )
    assert ids(app, Structure) == {"dora--asso", "dora--centre"}
    assert len(ids(app, Service)) == 5
    assert found(app, "soir") == {"dora--cours"}
    asked = [(path, params) for path, params in upstream.requests if path == "/services"]
    assert [params["page"] for _path, params in asked] == [["1"], ["2"], ["3"]]
    assert all(params["code_departement"] == ["75"] for _path, params in asked)
    assert all(params["size"] == ["2"] for _path, params in asked)

    entries = audit_count(app)
    again = run(app)
    assert again.exit_code == 0, again.output
    assert "Structures : 0 créé(e)s, 0 mis(es) à jour, 2 inchangé(e)s, 0 archivé(e)s" in (
        again.output
    )
    assert "Services : 0 créé(e)s, 0 mis(es) à jour, 5 inchangé(e)s, 0 archivé(e)s" in (
        again.output
    )
    assert audit_count(app) == entries
    assert listing(app, Service, "dora--cours").revision == 1


def test_sources_limit_what_is_asked_and_archived(app, upstream):
    upstream.structures.append(di_structure("maraude-asso", source="soliguide"))
    upstream.services.append(di_service("maraude", "maraude-asso", source="soliguide"))
    assert run(app).exit_code == 0
    upstream.services.pop(0)  # a dora service disappears, unseen by a soliguide-only sync
    upstream.requests.clear()

    result = run(app, "--sources", "soliguide,")
    assert result.exit_code == 0, result.output
    assert "Services : 0 créé(e)s, 0 mis(es) à jour, 1 inchangé(e)s, 0 archivé(e)s" in (
        result.output
    )
    assert {path for path, _params in upstream.requests} == {"/structures", "/services"}
    assert all(params["sources"] == ["soliguide"] for _path, params in upstream.requests)
    assert listing(app, Service, "dora--cours").statut_publication == ref.PUBLIE


def test_an_upstream_change_arrives(app, upstream):
    assert run(app).exit_code == 0
    upstream.services[0] |= {"nom": "Cours de français du matin", "date_maj": "2026-04-01"}
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Services : 0 créé(e)s, 1 mis(es) à jour, 4 inchangé(e)s" in result.output
    changed = listing(app, Service, "dora--cours")
    assert changed.nom == "Cours de français du matin" and changed.revision == 2
    assert found(app, "matin") == {"dora--cours"} and found(app, "soir") == set()


def test_a_partners_extension_fields_survive_a_sync(app, upstream):
    assert run(app).exit_code == 0
    paris_fields = {
        "niveau_francais_min": "A1",
        "niveau_francais_max": "B1",
        "statuts_sejour": ["refugie"],
        "age_min": 18,
        "age_max": 25,
        "rqth_requise": True,
        "langues_parlees": ["ar", "prs"],
    }
    with app.app_context():
        editor = accounts.create_user("editrice@exemple.fr", "un mot de passe solide", "editor")
        db.session.add(Membership(user_id=editor.id, structure_id="dora--asso"))
        db.session.commit()
        cours = db.session.get(Service, "dora--cours")
        editing.update_listing(editor, cours, paris_fields, cours.revision)
        editing.mark_verified(editor, db.session.get(Service, "dora--cours"))
    upstream.services[0]["description"] = "Des cours de français, le soir, en petits groupes."

    result = run(app)
    assert result.exit_code == 0, result.output
    cours = listing(app, Service, "dora--cours")
    assert cours.description == "Des cours de français, le soir, en petits groupes."
    assert {name: getattr(cours, name) for name in paris_fields} == paris_fields
    assert cours.verifie_le is not None
    assert run(app).output.count("0 mis(es) à jour") == 2


def test_what_disappeared_upstream_is_archived_and_comes_back(app, upstream):
    assert run(app).exit_code == 0
    gone = upstream.services.pop(1)
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Services : 0 créé(e)s, 0 mis(es) à jour, 4 inchangé(e)s, 1 archivé(e)s" in (
        result.output
    )
    assert listing(app, Service, "dora--atelier").statut_publication == ref.ARCHIVE
    assert "dora--atelier" not in found(app, "atelier")

    upstream.services.append(gone)
    assert run(app).exit_code == 0
    assert listing(app, Service, "dora--atelier").statut_publication == ref.PUBLIE
    assert found(app, "atelier") == {"dora--atelier"}


def test_an_empty_answer_archives_nothing(app, upstream):
    assert run(app).exit_code == 0
    upstream.services.clear()
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Services : rien n'est archivé" in result.output
    assert ids(app, Service, statut_publication=ref.PUBLIE) == {
        "dora--cours",
        "dora--atelier",
        "dora--permanence",
        "dora--ecrivain",
        "dora--garde",
    }


def test_a_failure_mid_way_keeps_the_earlier_pages_and_the_next_run_completes(app, upstream):
    assert run(app).exit_code == 0
    upstream.services.pop(0)  # dora--cours disappears upstream…
    upstream.services[0]["nom"] = "Atelier de conversation"
    upstream.services[2]["nom"] = "Écrivain public"
    upstream.faults[("/services", 2)] = [(500, {})] * ATTEMPTS  # …and page 2 fails

    failed = run(app)
    assert failed.exit_code == 1
    assert "Synchronisation interrompue" in failed.output and "HTTP 500" in failed.output
    assert listing(app, Service, "dora--atelier").nom == "Atelier de conversation"  # page 1
    assert listing(app, Service, "dora--ecrivain").nom == "Service ecrivain"  # page 2: as before
    assert listing(app, Service, "dora--cours").statut_publication == ref.PUBLIE  # incomplete
    assert found(app, "conversation") == {"dora--atelier"}

    result = run(app)
    assert result.exit_code == 0, result.output
    assert listing(app, Service, "dora--ecrivain").nom == "Écrivain public"
    assert listing(app, Service, "dora--cours").statut_publication == ref.ARCHIVE


def test_a_passing_server_error_is_retried(app, upstream):
    upstream.faults[("/services", 2)] = [(502, {})]
    result = run(app)
    assert result.exit_code == 0, result.output
    assert len(ids(app, Service)) == 5


def test_429_is_retried_after_the_time_the_server_asks(app, upstream):
    upstream.faults[("/structures", 1)] = [(429, {"Retry-After": "1"})]
    started = time.monotonic()
    result = run(app)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1
    asked = [params["page"] for path, params in upstream.requests if path == "/structures"]
    assert asked == [["1"], ["1"]]
    assert ids(app, Structure) == {"dora--asso", "dora--centre"}


def test_a_departement_is_a_code(app, upstream):
    result = app.test_cli_runner().invoke(args=["datainclusion", "sync", "--departement", ""])
    assert result.exit_code == 2 and "Code de département attendu" in result.output
    assert upstream.requests == []


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_is_named(app, upstream, status):
    upstream.refusal = status
    app.config["DATAINCLUSION_TOKEN"] = "perime"
    result = run(app)
    assert result.exit_code == 1
    assert f"HTTP {status}" in result.output
    assert "DIRECTORY_DATAINCLUSION_TOKEN" in result.output
    assert ids(app, Structure) == set()
    assert len(upstream.requests) == 1


def test_refused_records_are_reported_and_the_others_written(app, upstream):
    upstream.structures[0]["siret"] = "123"
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "« dora--asso » — siret" in result.output
    assert "« dora--cours » — structure_id" in result.output
    assert ids(app, Structure) == {"dora--centre"}
    assert ids(app, Service) == {"dora--permanence", "dora--ecrivain", "dora--garde"}


def test_the_partners_own_listings_are_never_touched(app, upstream, load):
    own = {"source": ref.OWN_SOURCE}
    load(
        [structure("maison", **own)],
        [service("accueil", "maison", **own), service("dora--garde", "maison", **own)],
    )
    upstream.services.append(di_service("intrus", "asso", source=ref.OWN_SOURCE))
    upstream.services[-1]["structure_id"] = "dora--asso"

    result = run(app)
    assert result.exit_code == 0, result.output
    assert "« dora--garde » — source" in result.output
    assert "« paris-partenaires--intrus » — source" in result.output
    garde = listing(app, Service, "dora--garde")
    assert (garde.nom, garde.structure_id, garde.revision) == ("Service dora--garde", "maison", 1)
    assert ids(app, Service, source=ref.OWN_SOURCE) == {"accueil", "dora--garde"}
    assert ids(app, Service, statut_publication=ref.ARCHIVE) == set()
    assert listing(app, Structure, "maison").revision == 1
