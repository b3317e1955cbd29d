"""The embedded index on disk: SQLite tables that processes share and load from.

``search_documents``  one row per service: its stable number ``doc``, its sort keys and point,
                      and (``terms``) the numbers of the postings it belongs to.
``search_postings``   one row per (field, value): the bitmap of its document numbers.
``search_fts``        FTS5 over the analysed text, its rowid the document number.
``search_state``      the generation, bumped in the transaction of every write, and the
                      generation of the last rebuild (document numbers start over there).

Each written row carries its generation, so a process that holds the index in memory at
generation g reads only what changed since (``changes_since``).
"""

import json
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from pyroaring import BitMap
from sqlalchemy.engine import Connection

from .documents import TEXT_WEIGHTS, SearchDocument
from .grid import cell_key

TEXT_COLUMNS = tuple(TEXT_WEIGHTS)
# bm25 weights, in the column order of search_fts.
BM25_WEIGHTS = ", ".join(str(float(weight)) for weight in TEXT_WEIGHTS.values())
REBUILD_BATCH = 1000
FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(" + ", ".join(TEXT_COLUMNS) + ")"
)
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL, rebuilt INTEGER NOT NULL)""",
    "INSERT OR IGNORE INTO search_state VALUES (1, 0, 0)",
    """CREATE TABLE IF NOT EXISTS search_documents (
        doc INTEGER PRIMARY KEY, service_id TEXT NOT NULL UNIQUE,
        nom_key TEXT NOT NULL, date_maj TEXT NOT NULL, latitude REAL, longitude REAL,
        terms BLOB NOT NULL, generation INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_documents_nom ON search_documents (nom_key, service_id)",
    """CREATE INDEX IF NOT EXISTS search_documents_date
        ON search_documents (date_maj DESC, nom_key, service_id)""",
    """CREATE INDEX IF NOT EXISTS search_documents_generation
        ON search_documents (generation)""",
    """CREATE TABLE IF NOT EXISTS search_postings (
        term INTEGER PRIMARY KEY, field TEXT NOT NULL, value TEXT NOT NULL,
        docs BLOB NOT NULL, generation INTEGER NOT NULL, UNIQUE (field, value))""",
    "CREATE INDEX IF NOT EXISTS search_postings_generation ON search_postings (generation)",
    FTS_SCHEMA,
)
# The tables of the first layout (no document numbers): dropped, then rebuilt by a reindex.
PREVIOUS_LAYOUT = ("search_terms", "search_documents", "search_fts")
ORDERS = {
    "nom": "nom_key, service_id",
    "date_maj": "date_maj DESC, nom_key, service_id",
}

# Postings of the index's own, next to the filter terms of SearchDocument.terms
# ("@" keeps them apart from any filter name).
EVERY_DOCUMENT, REMOTE = ("@documents", ""), ("@remote", "true")
AGE_MIN, AGE_MAX, CELL = "@age_min", "@age_max", "@cell"
NO_BOUND = ""


def posting_keys(document: SearchDocument) -> set[tuple[str, str]]:
    """Every (field, value) posting a document belongs to."""
    keys = {(field, value) for field, values in document.terms.items() for value in values}
    keys |= {
        EVERY_DOCUMENT,
        (AGE_MIN, _bound(document.age_min)),
        (AGE_MAX, _bound(document.age_max)),
    }
    if document.remote:
        keys.add(REMOTE)
    if document.latitude is not None:
        keys.add((CELL, cell_key(document.latitude, document.longitude)))
    return keys


def _bound(age: int | None) -> str:
    return NO_BOUND if age is None else str(age)


# -- schema --------------------------------------------------------------------------------


def create_schema(connection: Connection) -> None:
    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(search_documents)")}
    if columns and "doc" not in columns:
        for table in PREVIOUS_LAYOUT:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    for statement in SCHEMA:
        connection.exec_driver_sql(statement)


def raise_generation(connection: Connection, at_least: int) -> None:
    """Make the generation at least ``at_least``: after the database was restored from a
    backup, the processes holding a newer snapshot must see the next write as newer still."""
    connection.exec_driver_sql(
        "UPDATE search_state SET generation = MAX(generation, ?)", (at_least,)
    )


def _next_generation(connection: Connection) -> int:
    """Bump the generation; the first write of a transaction, it also takes the write lock."""
    connection.exec_driver_sql("UPDATE search_state SET generation = generation + 1")
    return connection.exec_driver_sql("SELECT generation FROM search_state").scalar()


# -- writing -------------------------------------------------------------------------------


class PostingsEditor:
    """The postings a write touches: loaded once, changed in memory, saved once."""

    def __init__(self, connection: Connection, generation: int, terms: BitMap, keys: set):
        self.connection = connection
        self.generation = generation
        rows = connection.exec_driver_sql(
            "SELECT term, field, value, docs FROM search_postings "
            "WHERE term IN (SELECT value FROM json_each(?)) OR (field, value) IN "
            "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
            "FROM json_each(?))",
            (json.dumps(list(terms)), json.dumps(sorted(keys))),
        )
        self.docs: dict[int, BitMap] = {}
        self.term_of: dict[tuple[str, str], int] = {}
        for term, field, value, docs in rows:
            self.docs[term] = BitMap.deserialize(docs)
            self.term_of[field, value] = term
        self.changed: set[int] = set()

    def remove(self, doc: int, terms: BitMap) -> None:
        for term in terms:
            self.docs[term].discard(doc)
        self.changed.update(terms)

    def add(self, doc: int, keys: Iterable[tuple[str, str]]) -> BitMap:
        """Put ``doc`` in the postings of ``keys``; returns their numbers."""
        terms = BitMap(self._term(key) for key in keys)
        for term in terms:
            self.docs[term].add(doc)
        self.changed.update(terms)
        return terms

    def _term(self, key: tuple[str, str]) -> int:
        if key not in self.term_of:
            term = self.connection.exec_driver_sql(
                "INSERT INTO search_postings (field, value, docs, generation) VALUES (?, ?, ?, ?)",
                (*key, BitMap().serialize(), self.generation),
            ).lastrowid
            self.term_of[key], self.docs[term] = term, BitMap()
        return self.term_of[key]

    def save(self) -> None:
        if not self.changed:
            return
        self.connection.exec_driver_sql(
            "UPDATE search_postings SET docs = ?, generation = ? WHERE term = ?",
            [(_serialized(self.docs[t]), self.generation, t) for t in sorted(self.changed)],
        )


def _serialized(docs: BitMap) -> bytes:
    docs.run_optimize()
    return docs.serialize()


def write(connection: Connection, documents: list[SearchDocument], deleted: Iterable[str]) -> None:
    """Add or replace ``documents`` and remove the ``deleted`` ids, in one generation; a
    replaced service keeps its document number."""
    generation = _next_generation(connection)
    existing = _numbers_and_terms(connection, [*(d.service_id for d in documents), *deleted])
    keys = [posting_keys(d) for d in documents]
    editor = PostingsEditor(
        connection,
        generation,
        BitMap.union(BitMap(), *(terms for _, terms in existing.values())),
        set().union(*keys),
    )
    next_doc = connection.exec_driver_sql("SELECT MAX(doc) FROM search_documents").scalar() or 0
    for doc, terms in existing.values():
        editor.remove(doc, terms)
    _delete_rows(connection, [doc for doc, _ in existing.values()])
    numbered = []
    for document, document_keys in zip(documents, keys, strict=True):
        if document.service_id in existing:
            doc = existing[document.service_id][0]
        else:
            next_doc = doc = next_doc + 1
        numbered.append((doc, document, editor.add(doc, document_keys)))
    editor.save()
    _insert(connection, numbered, generation)


def _numbers_and_terms(connection: Connection, service_ids: list[str]) -> dict:
    """The document number and posting numbers of each of these services in the index."""
    return {
        service_id: (doc, BitMap.deserialize(terms))
        for doc, service_id, terms in connection.exec_driver_sql(
            "SELECT doc, service_id, terms FROM search_documents "
            "WHERE service_id IN (SELECT value FROM json_each(?))",
            (json.dumps(service_ids),),
        )
    }


def _delete_rows(connection: Connection, docs: list[int]) -> None:
    for table, column in (("search_documents", "doc"), ("search_fts", "rowid")):
        connection.exec_driver_sql(
            f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(?))",
            (json.dumps(docs),),
        )


def _insert(connection: Connection, numbered: list[tuple], generation: int) -> None:
    """Insert (doc, document, posting numbers) rows and their text."""
    if not numbered:
        return
    connection.exec_driver_sql(
        "INSERT INTO search_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                doc,
                d.service_id,
                d.nom_key,
                d.date_maj,
                d.latitude,
                d.longitude,
                terms.serialize(),
                generation,
            )
            for doc, d, terms in numbered
        ],
    )
    connection.exec_driver_sql(
        f"INSERT INTO search_fts (rowid, {', '.join(TEXT_COLUMNS)}) "
        f"VALUES (?{', ?' * len(TEXT_COLUMNS)})",
        [(doc, *(d.text.get(c, "") for c in TEXT_COLUMNS)) for doc, d, _ in numbered],
    )


def replace_all(connection: Connection, documents: Iterable[SearchDocument]) -> int:
    """Replace the whole index, numbering the documents afresh from 1; they are read and
    written batch by batch, only the postings are held until the end."""
    generation = _next_generation(connection)
    connection.exec_driver_sql("UPDATE search_state SET rebuilt = generation")
    connection.exec_driver_sql("DELETE FROM search_documents")
    connection.exec_driver_sql("DELETE FROM search_postings")
    # Dropping the text index is much faster than deleting its rows one by one.
    connection.exec_driver_sql("DROP TABLE search_fts")
    connection.exec_driver_sql(FTS_SCHEMA)
    editor = PostingsEditor(connection, generation, BitMap(), set())
    numbered = enumerate(documents, start=1)
    count = 0
    while batch := list(islice(numbered, REBUILD_BATCH)):
        rows = [(doc, d, editor.add(doc, posting_keys(d))) for doc, d in batch]
        _insert(connection, rows, generation)
        count += len(batch)
    editor.save()
    return count


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    generation: int
    # The generation of the last rebuild: a copy older than it must load everything again.
    rebuilt: int


def read_state(connection: Connection) -> State:
    return State(*connection.exec_driver_sql("SELECT generation, rebuilt FROM search_state").one())


@dataclass(frozen=True)
class Changes:
    """What changed after a generation: postings (field, value, bitmap) and documents
    (doc, service_id, latitude, longitude)."""

    postings: list[tuple[str, str, BitMap]]
    documents: list[tuple[int, str, float | None, float | None]]


def changes_since(connection: Connection, generation: int | None) -> Changes:
    """The rows written after ``generation``; every row when it is None."""
    where, params = ("WHERE generation > ?", (generation,)) if generation is not None else ("", ())
    postings = _rows(connection, f"SELECT field, value, docs FROM search_postings {where}", params)
    return Changes(
        [(field, value, BitMap.deserialize(docs)) for field, value, docs in postings],
        _rows(
            connection,
            f"SELECT doc, service_id, latitude, longitude FROM search_documents {where}",
            params,
        ),
    )


def read_order(connection: Connection, sort: str) -> array:
    """Every document number, in the order of ``sort`` ("nom" or "date_maj")."""
    rows = _rows(connection, f"SELECT doc FROM search_documents ORDER BY {ORDERS[sort]}")
    return array("i", [doc for (doc,) in rows])


def text_matches(connection: Connection, expression: str) -> BitMap:
    rows = _rows(connection, "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (expression,))
    return BitMap([doc for (doc,) in rows])


def text_scores(
    connection: Connection, expression: str, among: BitMap | None = None
) -> dict[int, float]:
    """The bm25 score (lower is better) of the documents the expression matches, or of those
    of ``among`` only: FTS5 spends its time per document scored."""
    sql = f"SELECT rowid, bm25(search_fts, {BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ?"
    params = (expression,)
    if among is not None:
        # "+rowid": a look-up in the list (built once), rather than one FTS5 seek per listed row.
        sql += " AND +rowid IN (SELECT value FROM json_each(?))"
        params += (json.dumps(list(among)),)
    return dict(_rows(connection, sql, params))


def _rows(connection: Connection, sql: str, params: tuple = ()) -> list[tuple]:
    """Every row of a query as a plain tuple, from the driver itself: large answers are read
    several times faster than through Row objects."""
    return connection.connection.driver_connection.execute(sql, params).fetchall()


def count(connection: Connection) -> int:
    return connection.exec_driver_sql("SELECT COUNT(*) FROM search_documents").scalar()
