"""bench/generate.py: records the real import accepts, the same ones for the same seed."""

import json

from bench.generate import write_dataset
from directory.extensions import db
from directory.models import Service, Structure


def test_generated_records_are_all_imported(app, tmp_path):
    path = tmp_path / "bench.json"
    write_dataset(path, 300, seed=3)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(Service).count() == 300
        assert db.session.query(Structure).count() == 9


def test_same_seed_same_file_and_plausible_records(tmp_path):
    first, again, other = (tmp_path / name for name in ("a.json", "b.json", "c.json"))
    write_dataset(first, 300, seed=1)
    write_dataset(again, 300, seed=1)
    write_dataset(other, 300, seed=2)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    services = json.loads(first.read_text())["services"]
    assert all(200 <= len(s["description"]) <= 800 for s in services)
    assert all(1 <= len(s["thematiques"]) <= 4 for s in services)
    in_paris = [s for s in services if (s["code_insee"] or "").startswith("751")]
    assert len(in_paris) > len(services) / 2
