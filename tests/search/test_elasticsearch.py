"""Elasticsearch specifics: no lost write when the node is down, zero-downtime reindex,
late writes that cannot overwrite newer ones, degraded answers from the embedded index."""

import json
import os
import subprocess
import threading
from dataclasses import replace

import pytest
from elasticsearch import Elasticsearch

from directory.extensions import db
from directory.models import SearchOutbox, Service
from directory.search.documents import build_document
from directory.search.elasticsearch import MAPPING, ElasticsearchBackend, _checked
from directory.search.query import SearchUnavailable
from tests.conftest import ROOT, make_app
from tests.factories import service, structure

RESTARTABLE_PORT = "9250"


@pytest.fixture
def backend() -> str:
    return "elasticsearch"


def es_script(name: str) -> None:
    env = {**os.environ, "ES_PORT": RESTARTABLE_PORT}
    subprocess.run([str(ROOT / "scripts" / name)], check=True, env=env, capture_output=True)
    if name == "es-start":
        # Up is not yet answering: the indexes it had are recovered after it starts.
        node = Elasticsearch(f"http://127.0.0.1:{RESTARTABLE_PORT}")
        node.cluster.health(
            wait_for_status="yellow", wait_for_no_initializing_shards=True, timeout="60s"
        )


@pytest.fixture(scope="module")
def restartable_node():
    """A node of its own, that this module stops and starts."""
    es_script("es-start")
    yield f"http://127.0.0.1:{RESTARTABLE_PORT}"
    es_script("es-stop")


def import_file(app, tmp_path, structures, services, name="data.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"structures": structures, "services": services}))
    return app.test_cli_runner().invoke(args=["import", str(path)])


def search(client, **params):
    response = client.get("/api/v1/search/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response


def ids(response) -> list[str]:
    return [item["service"]["id"] for item in response.get_json()["items"]]


def test_edit_while_node_is_down_is_indexed_once_it_is_back(restartable_node, tmp_path, request):
    app = make_app(tmp_path / "db.sqlite3", "elasticsearch", request, es_url=restartable_node)
    client = app.test_client()
    assert (
        import_file(app, tmp_path, [structure()], [service("a", nom="Cours du soir")]).exit_code
        == 0
    )
    assert ids(search(client, q="soir")) == ["a"]

    es_script("es-stop")
    try:
        result = import_file(
            app,
            tmp_path,
            [structure()],
            [service("a", nom="Cours du matin"), service("b", nom="Atelier matin")],
        )
        assert result.exit_code == 0, result.output
        assert "index sync" in result.output
        with app.app_context():
            assert db.session.query(SearchOutbox).count() >= 2
            assert db.session.get(Service, "a").nom == "Cours du matin"
        degraded = search(client, q="matin")
        assert degraded.headers["X-Search-Degraded"] == "embedded"
        assert sorted(ids(degraded)) == ["a", "b"]
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["status"] == "degraded"
        assert health.get_json()["search"]["status"] == "unreachable"
        assert health.get_json()["index_queue"] >= 2
    finally:
        es_script("es-start")

    sync = app.test_cli_runner().invoke(args=["index", "sync"])
    assert sync.exit_code == 0, sync.output
    fresh = search(client, q="matin")
    assert "X-Search-Degraded" not in fresh.headers
    assert sorted(ids(fresh)) == ["a", "b"]
    assert ids(search(client, q="soir")) == []
    assert search(client).get_json()["total"] == 2
    with app.app_context():
        assert db.session.query(SearchOutbox).count() == 0
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_reindex_under_continuous_searching_fails_no_search(app, tmp_path):
    services = [service(f"s{n:03d}", nom=f"Permanence {n}") for n in range(150)]
    assert import_file(app, tmp_path, [structure()], services).exit_code == 0
    failures, totals, stop = [], set(), threading.Event()

    def keep_searching():
        client = app.test_client()
        while not stop.is_set():
            response = client.get("/api/v1/search/services?q=permanence&size=5")
            if response.status_code != 200 or "X-Search-Degraded" in response.headers:
                failures.append(response.status_code)
            else:
                totals.add(response.get_json()["total"])

    searchers = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        for _ in range(3):
            result = app.test_cli_runner().invoke(args=["reindex"])
            assert result.exit_code == 0, result.output
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert failures == [] and totals == {150}
    client = app.extensions["directory.search"].primary.client
    alias = app.extensions["directory.search"].primary.alias
    assert len(client.indices.get_alias(name=alias)) == 1


def test_searches_never_write_the_next_change_drains_the_queue(restartable_node, tmp_path, request):
    """Once the node is back, a search writes nothing (the change made during the outage
    waits for `directory index sync`, scheduled, or the next change); the next change
    indexes everything queued."""
    app = make_app(tmp_path / "db.sqlite3", "elasticsearch", request, es_url=restartable_node)
    client = app.test_client()
    es_script("es-stop")
    try:
        result = import_file(app, tmp_path, [structure()], [service("a", nom="Atelier tricot")])
        assert result.exit_code == 0, result.output
    finally:
        es_script("es-start")
    assert ids(search(client, q="tricot")) == []
    with app.app_context():
        assert db.session.query(SearchOutbox).count() == 1
    later = [service("a", nom="Atelier tricot"), service("b", nom="Atelier couture")]
    assert import_file(app, tmp_path, [structure()], later).exit_code == 0
    with app.app_context():
        assert db.session.query(SearchOutbox).count() == 0
    fresh = search(client, q="atelier")
    assert sorted(ids(fresh)) == ["a", "b"] and "X-Search-Degraded" not in fresh.headers


def test_a_late_older_write_cannot_overwrite_a_newer_one(app, tmp_path, client):
    assert (
        import_file(app, tmp_path, [structure()], [service("a", nom="Ancien nom")]).exit_code == 0
    )
    with app.app_context():
        stale = build_document(db.session.get(Service, "a"))
    assert (
        import_file(app, tmp_path, [structure()], [service("a", nom="Nouveau nom")]).exit_code == 0
    )
    app.extensions["directory.search"].primary.index([stale])
    assert ids(search(client, q="nouveau")) == ["a"]
    assert ids(search(client, q="ancien")) == []


def test_failed_reindex_leaves_the_alias_as_it_was(app, tmp_path, client):
    assert import_file(app, tmp_path, [structure()], [service("a")]).exit_code == 0
    backend = app.extensions["directory.search"].primary
    before = set(backend.client.indices.get_alias(name=backend.alias))
    broken = build_document_with_bad_date(app)
    with pytest.raises(RuntimeError):
        backend.rebuild([broken])
    assert set(backend.client.indices.get_alias(name=backend.alias)) == before
    indexes = backend.client.indices.get(index=backend.alias.replace("services", "*"))
    assert set(indexes) == before
    assert ids(search(client)) == ["a"]


def build_document_with_bad_date(app):
    with app.app_context():
        return replace(build_document(db.session.get(Service, "a")), date_maj="pas-une-date")


def test_an_index_made_by_an_older_version_takes_the_new_fields_on_init_db(app, tmp_path):
    """An upgrade adds index fields (publics_dedies): `directory init-db` puts them into the
    live index, so that saving a listing is not refused before the reindex."""
    backend = app.extensions["directory.search"].primary
    client = backend.client
    (index,) = client.indices.get_alias(name=backend.alias)
    old = f"{index}-old"
    properties = {k: v for k, v in MAPPING["properties"].items() if k != "publics_nommes"}
    client.indices.create(index=old, mappings={**MAPPING, "properties": properties})
    client.indices.update_aliases(
        actions=[
            {"remove": {"index": index, "alias": backend.alias}},
            {"add": {"index": old, "alias": backend.alias}},
        ]
    )
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    assert "publics_nommes" in client.indices.get_mapping(index=old)[old]["mappings"]["properties"]
    assert import_file(app, tmp_path, [structure()], [service("a")]).exit_code == 0


def test_a_rebuild_streams_a_generator_and_loads_without_refreshes_or_replicas(
    app, tmp_path, client
):
    services = [service(f"s{n}") for n in range(5)]
    assert import_file(app, tmp_path, [structure()], services).exit_code == 0
    configured = app.extensions["directory.search"].primary
    prefix = configured.alias.removesuffix("services")
    backend = ElasticsearchBackend(configured.client, prefix, replicas=1)
    while_loading = []

    def documents():
        for row in db.session.scalars(db.select(Service)):
            while_loading.append(index_settings(backend, loading=True))
            yield build_document(row)

    with app.app_context():
        assert backend.rebuild(documents()) == 5
    assert {(s["refresh_interval"], s["number_of_replicas"]) for s in while_loading} == {
        ("-1", "0")
    }
    settings = index_settings(backend)
    assert "refresh_interval" not in settings  # back to the default once loaded
    assert settings["number_of_replicas"] == "1"
    assert len(ids(search(client))) == 5


def index_settings(backend, loading: bool = False) -> dict:
    """The settings of the index behind the alias, or of the one a rebuild is loading."""
    live = set(backend.client.indices.get_alias(name=backend.alias))
    every = backend.client.indices.get_settings(index=f"{backend.alias}-*")
    (index,) = set(every) - live if loading else live
    return every[index]["settings"]["index"]


def test_a_repeated_search_counts_its_facets_once_until_the_index_changes(app, tmp_path, client):
    """The facets are a search of their own, kept in the node's request cache: asked again,
    they are not counted again; after a write, the counts are fresh."""
    assert import_file(app, tmp_path, [structure()], [service("a"), service("b")]).exit_code == 0
    backend = app.extensions["directory.search"].primary

    def cache_hits() -> int:
        stats = backend.client.indices.stats(index=backend.alias, metric="request_cache")
        return stats["_all"]["total"]["request_cache"]["hit_count"]

    first = search(client, niveau="A1").get_json()["facets"]
    before = cache_hits()
    assert search(client, niveau="A1").get_json()["facets"] == first
    assert cache_hits() == before + 1

    assert import_file(app, tmp_path, [structure()], [service("c")]).exit_code == 0
    facets = search(client, niveau="A1").get_json()["facets"]
    assert {"value": "asso", "label": "Structure asso", "count": 3} in facets["structure"]


@pytest.mark.parametrize(
    ("status", "raised"), [(503, SearchUnavailable), (429, SearchUnavailable), (400, RuntimeError)]
)
def test_a_failed_part_of_a_multi_search_is_raised_not_read_as_empty(status, raised):
    with pytest.raises(raised):
        _checked({"error": {"type": "some_failure"}, "status": status})
