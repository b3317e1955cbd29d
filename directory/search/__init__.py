"""Search: a query object, French text analysis, and interchangeable backends."""

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

import orjson
from elasticsearch import Elasticsearch
from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer
from sqlalchemy import Engine, create_engine

from .documents import SearchDocument
from .elasticsearch import ElasticsearchBackend
from .embedded import EmbeddedBackend
from .fanout import fan_out
from .query import SearchPage, SearchQuery, SearchUnavailable


class SearchBackend(Protocol):
    name: str

    def create_schema(self) -> None: ...

    def index(
        self, documents: list[SearchDocument], deleted: Mapping[str, int | None] | None = None
    ) -> None: ...

    def start_rebuild(self) -> Callable[[Iterable[SearchDocument]], int]:
        """Get ready to replace the whole index (before any document is read); return what
        loads the documents and puts the new index in place."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int: ...

    def count(self) -> int: ...

    def search(self, query: SearchQuery) -> SearchPage: ...


class SearchIndexes:
    """The configured backend, plus the embedded index that answers when it cannot.

    Writes go to both (the embedded one first: it is local); searches go to the
    configured one and fall back to the embedded one, flagged as degraded.
    """

    def __init__(self, primary: SearchBackend, fallback: SearchBackend | None = None):
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    @property
    def backends(self) -> list[SearchBackend]:
        return [b for b in (self.fallback, self.primary) if b is not None]

    def create_schema(self) -> None:
        for backend in self.backends:
            backend.create_schema()

    def index(
        self, documents: list[SearchDocument], deleted: Mapping[str, int | None] | None = None
    ) -> None:
        for backend in self.backends:
            backend.index(documents, deleted)

    def rebuild(self, documents: Callable[[], Iterable[SearchDocument]]) -> int:
        """Rebuild every index from one pass over ``documents()`` (streamed, not held): the
        embedded index loads as the documents are made, Elasticsearch in a thread of its own
        (fanout.py)."""
        loaders = [backend.start_rebuild() for backend in self.backends]
        return fan_out(documents(), loaders)[-1]

    def count(self) -> int:
        return self.primary.count()

    def search(self, query: SearchQuery) -> SearchPage:
        try:
            return self.primary.search(query)
        except SearchUnavailable:
            if self.fallback is None:
                raise
        page = self.fallback.search(query)
        page.degraded = True
        return page


class OrjsonNdjsonSerializer(NdjsonSerializer):
    """The bodies of bulk writes and multi-searches, one JSON document a line, by orjson."""

    def json_dumps(self, data) -> bytes:
        return orjson.dumps(data, default=self.default)

    def json_loads(self, data: bytes):
        return orjson.loads(data)


def elasticsearch_client(config: dict) -> Elasticsearch:
    """A client for ``ELASTICSEARCH_URL`` (the URLs of a cluster's nodes, comma-separated:
    a request a node cannot answer is tried on another), with an API key or a user, and a
    CA if given."""
    options = {"request_timeout": 10, "retry_on_timeout": True, "max_retries": 2}
    # orjson reads and writes the JSON of every request several times faster.
    options["serializers"] = {
        OrjsonSerializer.mimetype: OrjsonSerializer(),
        OrjsonNdjsonSerializer.mimetype: OrjsonNdjsonSerializer(),
    }
    if config.get("ELASTICSEARCH_API_KEY"):
        options["api_key"] = config["ELASTICSEARCH_API_KEY"]
    elif config.get("ELASTICSEARCH_USERNAME"):
        options["basic_auth"] = (config["ELASTICSEARCH_USERNAME"], config["ELASTICSEARCH_PASSWORD"])
    if config.get("ELASTICSEARCH_CA_CERTS"):
        options["ca_certs"] = config["ELASTICSEARCH_CA_CERTS"]
    nodes = [url.strip() for url in config["ELASTICSEARCH_URL"].split(",") if url.strip()]
    return Elasticsearch(nodes, **options)


def create_indexes(config: dict, database_engine: Engine) -> SearchIndexes:
    """The backend named by ``SEARCH_BACKEND``, with the embedded index behind it."""
    engine = database_engine
    if engine.dialect.name != "sqlite":
        engine = create_engine(config["EMBEDDED_INDEX_URL"])
    embedded = EmbeddedBackend(engine)
    name = config["SEARCH_BACKEND"]
    if name == "embedded":
        return SearchIndexes(embedded)
    if name == "elasticsearch":
        client = elasticsearch_client(config)
        primary = ElasticsearchBackend(
            client, config["ELASTICSEARCH_INDEX_PREFIX"], config["ELASTICSEARCH_REPLICAS"]
        )
        return SearchIndexes(primary, fallback=embedded)
    raise ValueError(f"Unknown search backend {name!r} (DIRECTORY_SEARCH_BACKEND).")
