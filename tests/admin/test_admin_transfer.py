"""Import and export from the admin pages: per structure for its editors, everything for
admins; JSON (data·inclusion) and CSV; the same all-or-nothing validation as the CLI."""

import io
import json

import pytest

from directory.extensions import db
from directory.models import AuditEntry, Service, Structure
from directory.services import csv_format
from tests.factories import service, structure

from .admin_sample import ADMIN, EDITOR_A
from .pages import csrf_token, page_of


def upload(client, url: str, content: bytes | str, filename: str):
    raw = content.encode() if isinstance(content, str) else content
    data = {"csrf_token": csrf_token(client, "/admin/"), "fichier": (io.BytesIO(raw), filename)}
    return client.post(url, data=data, content_type="multipart/form-data")


def as_json(structures=(), services=()) -> str:
    return json.dumps({"structures": list(structures), "services": list(services)})


def state(app) -> dict:
    with app.app_context():
        return {
            "services": {
                s.id: (s.nom, s.structure_id, s.revision) for s in db.session.query(Service)
            },
            "structures": {s.id: (s.nom, s.signataire) for s in db.session.query(Structure)},
        }


IMPORT_A = "/admin/structures/asso-a/import"


class TestPerStructureImport:
    def test_imports_the_structures_own_records(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        records = as_json(
            [structure("asso-a", nom="Association A renommée", description="Une association.")],
            [service("nouveau-a", structure_id="asso-a", nom="Nouveau service de A")],
        )
        response = upload(client, IMPORT_A, records, "a.json")
        assert response.status_code == 302 and response.location == "/admin/structures/asso-a"
        page = page_of(client.get("/admin/structures/asso-a"))
        assert "Import terminé" in page.text
        after = state(directory)
        assert after["structures"]["asso-a"][0] == "Association A renommée"
        assert after["services"]["nouveau-a"][1] == "asso-a"
        with directory.app_context():
            actors = {
                e.actor for e in db.session.query(AuditEntry).filter_by(entity_id="nouveau-a")
            }
        assert actors == {EDITOR_A}

    @pytest.mark.parametrize(
        "records",
        [
            # a service of B among services of A
            as_json(
                services=[
                    service("x-a", structure_id="asso-a"),
                    service("x-b", structure_id="asso-b"),
                ]
            ),
            # B's structure record
            as_json([structure("asso-b", nom="B piratée")]),
            # B's existing service moved into A
            as_json(services=[service("emploi-b", structure_id="asso-a", nom="Volé")]),
            # a new structure
            as_json([structure("asso-c")], [service("x-c", structure_id="asso-c")]),
            # A made a signatory by its editor
            as_json([structure("asso-a", nom="Association A", signataire=True)]),
        ],
        ids=["service-of-b", "structure-b", "moved-service", "new-structure", "signataire"],
    )
    def test_refuses_other_structures_records_and_writes_nothing(
        self, directory, signed_in, records
    ):
        client = signed_in(EDITOR_A)
        before = state(directory)
        page = page_of(upload(client, IMPORT_A, records, "melange.json"), 403)
        assert "rien n'a été écrit" in page.find("h1").text
        assert page.find(id="import-refuse")
        assert state(directory) == before

    def test_one_invalid_record_means_nothing_is_written(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        before = state(directory)
        records = as_json(
            services=[
                service("bon-a", structure_id="asso-a"),
                service("mauvais-a", structure_id="asso-a", courriel="pas-une-adresse"),
            ]
        )
        page = page_of(upload(client, IMPORT_A, records, "a.json"), 400)
        row = page.find("tbody").find("tr").text
        assert "mauvais-a" in row and "courriel" in row and "Adresse électronique invalide." in row
        assert state(directory) == before

    def test_an_unreadable_or_missing_file_is_explained(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        assert page_of(upload(client, IMPORT_A, "{pas du json", "a.json"), 400).find("tbody")
        response = client.post(IMPORT_A, data={"csrf_token": csrf_token(client, "/admin/")})
        assert "Choisissez un fichier" in page_of(response, 400).text


class TestExports:
    def test_a_structures_json_export_holds_it_and_its_services_and_imports_back(
        self, directory, signed_in
    ):
        client = signed_in(EDITOR_A)
        response = client.get("/admin/structures/asso-a/export.json")
        assert response.headers["Content-Disposition"] == 'attachment; filename="asso-a.json"'
        exported = response.get_json()
        assert [s["id"] for s in exported["structures"]] == ["asso-a"]
        assert sorted(s["id"] for s in exported["services"]) == ["emploi-a", "fle-a"]
        before = state(directory)
        assert upload(client, IMPORT_A, response.data, "asso-a.json").status_code == 302
        assert state(directory) == before
        assert "Inchangés : 1 structure(s), 2 service(s)" in page_of(client.get("/admin/")).text

    def test_csv_round_trip_then_a_changed_cell(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        response = client.get("/admin/structures/asso-a/export.csv")
        assert response.mimetype == "text/csv"
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeffid,source,nom,")
        assert "lecture-ecriture-calcul--maitriser-le-francais" in text
        before = state(directory)
        assert upload(client, IMPORT_A, response.data, "asso-a.csv").status_code == 302
        assert state(directory) == before

        changed = text.replace("Cours de français du soir", "Cours de français du jeudi soir")
        assert upload(client, IMPORT_A, changed, "asso-a.csv").status_code == 302
        assert state(directory)["services"]["fle-a"][0] == "Cours de français du jeudi soir"
        search = client.get("/api/v1/search/services?q=jeudi").get_json()
        assert [item["service"]["id"] for item in search["items"]] == ["fle-a"]

    def test_a_csv_with_a_service_of_another_structure_is_refused(self, directory, signed_in):
        client = signed_in(ADMIN)
        text = client.get("/admin/export.csv").get_data(as_text=True)
        before = state(directory)
        page = page_of(upload(client, IMPORT_A, text, "tout.csv"), 403)
        assert "emploi-b" in page.find("tbody").text
        assert state(directory) == before

    def test_admins_export_and_import_everything(self, directory, signed_in):
        client = signed_in(ADMIN)
        exported = client.get("/admin/export.json").get_json()
        assert {s["id"] for s in exported["structures"]} == {"asso-a", "asso-b"}
        assert len(exported["services"]) == 3
        exported["services"][0]["nom"] = "Renommé par la coordination"
        response = upload(client, "/admin/import", json.dumps(exported), "tout.json")
        assert response.status_code == 302
        names = {nom for nom, _s, _r in state(directory)["services"].values()}
        assert "Renommé par la coordination" in names


class TestCsvFormat:
    def test_reads_semicolons_and_empty_cells_as_missing(self, app):
        content = (
            b"id;source;nom;structure_id;description;date_maj;thematiques;langues_parlees;age_min\n"
            b"s1;tests;Un service;asso;Une description;2026-03-01;"
            b"famille--garde-denfants|numerique--maitriser-les-fondamentaux-du-numerique;;\n"
        )
        with app.test_request_context():
            records, errors = csv_format.read_csv(content, "s.csv")
        assert errors == []
        assert records[0].data == {
            "id": "s1",
            "source": "tests",
            "nom": "Un service",
            "structure_id": "asso",
            "description": "Une description",
            "date_maj": "2026-03-01",
            "thematiques": [
                "famille--garde-denfants",
                "numerique--maitriser-les-fondamentaux-du-numerique",
            ],
        }

    def test_unknown_columns_and_bad_encoding_are_file_errors(self, app):
        with app.test_request_context():
            _records, errors = csv_format.read_csv(b"id,couleur\nx,bleu\n", "s.csv")
            assert "Colonnes inconnues : couleur." in errors[0].message
            _records, errors = csv_format.read_csv("id\né".encode("latin-1"), "s.csv")
            assert "UTF-8" in errors[0].message
