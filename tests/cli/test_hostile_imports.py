"""Hostile import files (issue 9) through `directory import`: each gives an error line naming
the file and the problem and a non-zero exit code, and writes nothing."""

import json

import pytest

from directory.extensions import db
from directory.models import AuditEntry, Service, Structure
from tests.factories import service, structure

BOM = "\ufeff".encode()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.query(model).count()
            for model in (Structure, Service, AuditEntry)
        }


def import_file(app, path, content: bytes):
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["import", str(path)])


def records(*items) -> bytes:
    return json.dumps(list(items)).encode()


HOSTILE = {
    "structures-a-number": (b'{"structures": 5}', "« structures » : liste d'enregistrements"),
    "services-null": (b'{"services": null}', "« services » : liste d'enregistrements"),
    "services-an-object": (
        b'{"structures": [], "services": {"id": "x"}}',
        "« services » : liste d'enregistrements",
    ),
    "nested-100000": (b"[" * 100_000 + b"]" * 100_000, "imbriqué sur plus de 20 niveaux"),
    "object-nested-100000": (
        b'{"structures": [' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"]}",
        "imbriqué sur plus de 20 niveaux",
    ),
    "integer-of-5000-digits": (
        b'[{"id": "x", "latitude": ' + b"9" * 5_000 + b"}]",
        "nombre de plus de 15 chiffres",
    ),
    "integer-of-16-digits": (
        b'[{"id": "x", "age_min": 1' + b"0" * 15 + b"}]",
        "nombre de plus de 15 chiffres (à « item.age_min »)",
    ),
    "float-overflow": (b'[{"id": "x", "latitude": 1e400}]', "nombre de plus de 15 chiffres"),
    "a-string": (b'"structures"', "Liste d'enregistrements ou objet"),
}


@pytest.mark.parametrize(("content", "problem"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_with_its_problem_and_nothing_is_written(
    app, tmp_path, content, problem
):
    import_file(app, tmp_path / "bon.json", records(structure("deja-la")))
    before = counts(app)
    result = import_file(app, tmp_path / "hostile.json", content)
    assert result.exit_code == 1, result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("ERREUR")]
    assert len(error_lines) == 1 and "hostile.json" in error_lines[0], result.output
    assert problem in error_lines[0]
    assert counts(app) == before


def test_an_invalid_file_among_valid_ones_writes_nothing(app, tmp_path):
    good = tmp_path / "bon.json"
    good.write_bytes(records(structure("s1")))
    bad = tmp_path / "mauvais.json"
    bad.write_bytes(b'{"services": null}')
    result = app.test_cli_runner().invoke(args=["import", str(good), str(bad)])
    assert result.exit_code == 1 and "mauvais.json" in result.output
    assert counts(app) == {"Structure": 0, "Service": 0, "AuditEntry": 0}


@pytest.mark.parametrize("shape", ["list", "object"])
def test_a_json_file_with_a_utf8_bom_is_imported_like_a_csv_one(app, tmp_path, shape):
    items = [structure("avec-bom"), service("svc-bom", "avec-bom")]
    data = items if shape == "list" else {"structures": items[:1], "services": items[1:]}
    result = import_file(app, tmp_path / "bom.json", BOM + json.dumps(data).encode())
    assert result.exit_code == 0, result.output
    assert counts(app)["Service"] == 1


def test_the_caps_are_settings(app, tmp_path):
    app.config |= {"JSON_MAX_DEPTH": 3, "JSON_MAX_NUMBER_DIGITS": 2}
    deep = records(structure("s", reseaux_porteurs=[["x"]]))
    assert "plus de 3 niveaux" in import_file(app, tmp_path / "a.json", deep).output
    big = records(structure("s", latitude=100.5, longitude=2))
    assert "plus de 2 chiffres" in import_file(app, tmp_path / "b.json", big).output
