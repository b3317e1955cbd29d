"""Search: a query object, French text analysis, and interchangeable backends."""

from typing import Protocol

from elasticsearch import Elasticsearch
from sqlalchemy import Engine, create_engine

from .documents import SearchDocument
from .elasticsearch import ElasticsearchBackend
from .embedded import EmbeddedBackend
from .query import SearchPage, SearchQuery


class SearchBackend(Protocol):
    name: str

    def create_schema(self) -> None: ...

    def index(self, documents: list[SearchDocument], deleted: list[str] = ()) -> None: ...

    def rebuild(self, documents: list[SearchDocument]) -> int: ...

    def count(self) -> int: ...

    def search(self, query: SearchQuery) -> SearchPage: ...


def elasticsearch_client(config: dict) -> Elasticsearch:
    """A client for ``ELASTICSEARCH_URL``, with an API key or a user, and a CA if given."""
    options = {"request_timeout": 10, "retry_on_timeout": True, "max_retries": 2}
    if config.get("ELASTICSEARCH_API_KEY"):
        options["api_key"] = config["ELASTICSEARCH_API_KEY"]
    elif config.get("ELASTICSEARCH_USERNAME"):
        options["basic_auth"] = (config["ELASTICSEARCH_USERNAME"], config["ELASTICSEARCH_PASSWORD"])
    if config.get("ELASTICSEARCH_CA_CERTS"):
        options["ca_certs"] = config["ELASTICSEARCH_CA_CERTS"]
    return Elasticsearch(config["ELASTICSEARCH_URL"], **options)


def create_backend(config: dict, database_engine: Engine) -> SearchBackend:
    """The backend named by ``SEARCH_BACKEND``."""
    name = config["SEARCH_BACKEND"]
    if name == "embedded":
        engine = database_engine
        if engine.dialect.name != "sqlite":
            engine = create_engine(config["EMBEDDED_INDEX_URL"])
        return EmbeddedBackend(engine)
    if name == "elasticsearch":
        return ElasticsearchBackend(
            elasticsearch_client(config), config["ELASTICSEARCH_INDEX_PREFIX"]
        )
    raise ValueError(f"Unknown search backend {name!r} (DIRECTORY_SEARCH_BACKEND).")
