"""Search: a query object, French text analysis, and interchangeable backends."""

from typing import Protocol

from sqlalchemy import Engine, create_engine

from .documents import SearchDocument
from .embedded import EmbeddedBackend
from .query import SearchPage, SearchQuery


class SearchBackend(Protocol):
    name: str

    def create_schema(self) -> None: ...

    def index(self, documents: list[SearchDocument], deleted: list[str] = ()) -> None: ...

    def rebuild(self, documents: list[SearchDocument]) -> int: ...

    def count(self) -> int: ...

    def search(self, query: SearchQuery) -> SearchPage: ...


def create_backend(config: dict, database_engine: Engine) -> SearchBackend:
    """The backend named by ``SEARCH_BACKEND``."""
    name = config["SEARCH_BACKEND"]
    if name == "embedded":
        engine = database_engine
        if engine.dialect.name != "sqlite":
            engine = create_engine(config["EMBEDDED_INDEX_URL"])
        return EmbeddedBackend(engine)
    raise ValueError(f"Unknown search backend {name!r} (DIRECTORY_SEARCH_BACKEND).")
