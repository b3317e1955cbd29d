"""The embedded search backend: SQLite for storage, bitmaps in memory for answers.

The index lives in SQLite (embedded_store.py): documents with a stable number, one bitmap of
document numbers per (field, value), FTS5 for text. Each process holds a snapshot of the
postings in memory (snapshot.py) and answers filters, facets and sorts from it
(bitmap_search.py); only text goes to FTS5. Every write bumps a generation number in SQLite,
in its own transaction; each search reads it first, and a process whose snapshot is older
reads the rows changed since, so every worker sees every write, whichever process made it.
"""

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial

from pyroaring import BitMap
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ..recent import Recent
from . import embedded_store as store
from .bitmap_search import Orders, TextMatches, answer
from .documents import SearchDocument
from .query import SearchPage, SearchQuery
from .snapshot import Snapshot
from .text import TermGroup, parse_query

# Text expressions whose matches, or scores, a snapshot keeps (a full scoring of 30,000
# matches weighs about 2.5 MB).
TEXTS_KEPT = 8


def fts_expression(groups: list[TermGroup]) -> str:
    """An FTS5 query: every group must match, through one of its phrases."""

    def phrase(terms: tuple[str, ...]) -> str:
        return '"' + " ".join(terms) + '"'

    return " AND ".join("(" + " OR ".join(map(phrase, g.phrases)) + ")" for g in groups)


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, engine: Engine):
        if engine.dialect.name != "sqlite":
            raise ValueError("The embedded search backend needs an SQLite database.")
        self.engine = engine
        self._snapshot: Snapshot | None = None
        self._loading = threading.Lock()

    # -- writing -------------------------------------------------------------------------

    def create_schema(self) -> None:
        with self.engine.begin() as connection:
            store.create_schema(connection)

    def index(
        self, documents: Iterable[SearchDocument], deleted: Mapping[str, int | None] | None = None
    ) -> None:
        """Add or replace ``documents`` and remove the ``deleted`` services (their ids: the
        versions matter to Elasticsearch only), in one transaction."""
        with self.engine.begin() as connection:
            store.write(connection, list(documents), list(deleted or ()))

    def start_rebuild(self) -> Callable[[Iterable[SearchDocument]], int]:
        """Nothing to prepare: the rebuild's transaction takes the write lock before it
        reads a document, so the changes saved meanwhile are written after it, on top."""
        return self.rebuild

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index; searches see the old one until the commit."""
        with self.engine.begin() as connection:
            return store.replace_all(connection, documents)

    def health(self) -> str:
        try:
            self.count()
        except Exception:
            return "unreachable"
        return "green"

    def count(self) -> int:
        with self.engine.connect() as connection:
            return store.count(connection)

    # -- reading -------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        groups = parse_query(query.q) if query.q else []
        while True:
            with self._reading() as connection:
                snapshot = self._snapshot_at(connection)
                if snapshot is None:
                    continue  # another thread holds a newer one: read again at its generation
                text = self._text(connection, snapshot, groups, query) if groups else None
                orders = Orders(snapshot, partial(store.read_order, connection))
                return answer(snapshot, query, text, orders)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A read transaction: all its queries see the index at one generation."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")

    def _snapshot_at(self, connection: Connection) -> Snapshot | None:
        """The snapshot at the generation this transaction sees (loaded or brought up to
        date when older), or None when this process already holds a newer one."""
        state = store.read_state(connection)
        snapshot = self._snapshot
        if snapshot is None or snapshot.generation < state.generation:
            with self._loading:
                snapshot = self._snapshot
                if snapshot is None or snapshot.generation < state.generation:
                    snapshot = self._snapshot = _brought_up_to(snapshot, state, connection)
        return snapshot if snapshot.generation == state.generation else None

    @staticmethod
    def _text(
        connection: Connection, snapshot: Snapshot, groups: list[TermGroup], query: SearchQuery
    ) -> TextMatches:
        """What FTS5 matches. FTS5 spends its time per document scored (bm25): with nothing
        but text to narrow the query, every match is scored at once; else only the
        documents that pass the filters, when they are few. The matches and full scorings
        of the latest expressions are kept with the snapshot: a frequent search, at this
        generation of the index, is matched and scored once."""
        expression = fts_expression(groups)
        recent = snapshot.derived("texts", lambda: Recent(TEXTS_KEPT))
        scored, matched = ("scored", expression), ("matched", expression)
        if (found := recent.get(scored)) is not None:
            return found
        if query.effective_sort == "pertinence" and not _narrowed(query):
            scores = store.text_scores(connection, expression)
            return recent.put(scored, TextMatches(BitMap(scores), lambda _docs: scores))
        matches = recent.get(matched)
        if matches is None:
            matches = recent.put(matched, store.text_matches(connection, expression))

        def scores_of(docs: BitMap) -> dict[int, float]:
            if len(docs) < len(matches) // 2:
                return store.text_scores(connection, expression, docs)
            scores = store.text_scores(connection, expression)
            recent.put(scored, TextMatches(matches, lambda _docs: scores))
            return scores

        return TextMatches(matches, scores_of)


def _narrowed(query: SearchQuery) -> bool:
    """Whether a filter other than text narrows the query."""
    radius = query.geo is not None and query.geo.rayon_km is not None
    return any(query.terms.values()) or query.age is not None or radius


def _brought_up_to(
    snapshot: Snapshot | None, state: store.State, connection: Connection
) -> Snapshot:
    """``snapshot`` updated with the rows written since its generation; after a rebuild (the
    document numbers start over), everything read afresh."""
    if snapshot is None or snapshot.generation < state.rebuilt:
        return Snapshot.empty().updated(state.generation, store.changes_since(connection, None))
    return snapshot.updated(state.generation, store.changes_since(connection, snapshot.generation))
