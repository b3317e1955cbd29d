"""`directory reindex` streams the directory in batches: every visible service is found
afterwards, whatever the number of batches, on both backends."""

from directory.services import indexing
from tests.factories import service, structure


def test_reindex_in_many_batches_indexes_every_visible_service(app, client, load, monkeypatch):
    services = [service(f"s{n}") for n in range(7)]
    services.append(service("brouillon", statut_publication="brouillon"))
    load([structure()], services)
    monkeypatch.setattr(indexing, "BATCH_SIZE", 2)
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "7 service(s) publiés indexés" in result.output
    found = client.get("/api/v1/search/services?size=100").get_json()
    assert sorted(item["service"]["id"] for item in found["items"]) == [f"s{n}" for n in range(7)]
