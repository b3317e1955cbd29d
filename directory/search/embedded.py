"""The embedded search backend: tables and an FTS5 index in an SQLite database.

Every filter is a clause on ``search_documents``; a multi-select facet counts the terms of
the documents matched by all the *other* clauses.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, event, text
from sqlalchemy.engine import Connection

from .documents import SearchDocument
from .geo import distance_km
from .query import TERM_FILTERS, Hit, SearchPage, SearchQuery
from .text import TermGroup, parse_query

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_documents (
        service_id TEXT PRIMARY KEY, nom_key TEXT NOT NULL, date_maj TEXT NOT NULL,
        age_min INTEGER, age_max INTEGER, latitude REAL, longitude REAL,
        remote INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS search_terms (
        field TEXT NOT NULL, value TEXT NOT NULL, service_id TEXT NOT NULL,
        PRIMARY KEY (field, value, service_id))""",
    "CREATE INDEX IF NOT EXISTS search_terms_service ON search_terms (service_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        service_id UNINDEXED, nom, structure_nom, description, thematiques, conditions)""",
)
TABLES = ("search_documents", "search_terms", "search_fts")
TEXT_COLUMNS = ("nom", "structure_nom", "description", "thematiques", "conditions")
# bm25 weights, in the column order of search_fts (service_id first).
BM25_WEIGHTS = "0.0, 10.0, 4.0, 1.0, 3.0, 1.0"

DISTANCE = "distance_km(d.latitude, d.longitude, :lat, :lon)"
ORDER_BY = {
    "pertinence": "score, d.nom_key, d.service_id",
    "distance": "distance IS NULL, distance, d.nom_key, d.service_id",
    "nom": "d.nom_key, d.service_id",
    "date_maj": "d.date_maj DESC, d.nom_key, d.service_id",
}


def fts_expression(groups: list[TermGroup]) -> str:
    """An FTS5 query: every group must match, through one of its phrases."""

    def phrase(terms: tuple[str, ...]) -> str:
        return '"' + " ".join(terms) + '"'

    return " AND ".join("(" + " OR ".join(map(phrase, g.phrases)) + ")" for g in groups)


@dataclass
class Clause:
    """One filter of a query: an SQL condition on ``d`` and its parameters."""

    facet: str | None
    sql: str
    params: dict
    expanding: tuple[str, ...] = ()


def _term_clause(name: str, field: str, values: tuple[str, ...]) -> Clause:
    """The filter ``name``, answered by the terms of the index field ``field``."""
    sql = (
        f"d.service_id IN (SELECT service_id FROM search_terms "
        f"WHERE field = :field_{name} AND value IN :values_{name})"
    )
    return Clause(
        name, sql, {f"field_{name}": field, f"values_{name}": list(values)}, (f"values_{name}",)
    )


def build_clauses(query: SearchQuery, fts: str | None) -> list[Clause]:
    clauses = [
        _term_clause(name, query.index_field(name), values)
        for name, values in query.terms.items()
        if values
    ]
    if query.age is not None:
        clauses.append(
            Clause(
                None,
                "(d.age_min IS NULL OR d.age_min <= :age) AND "
                "(d.age_max IS NULL OR d.age_max >= :age)",
                {"age": query.age},
            )
        )
    if query.geo and query.geo.rayon_km is not None:
        clauses.append(
            Clause(
                None,
                f"(d.remote = 1 OR (d.latitude IS NOT NULL AND {DISTANCE} <= :rayon))",
                {"rayon": query.geo.rayon_km, "lat": query.geo.lat, "lon": query.geo.lon},
            )
        )
    if fts is not None:
        clauses.append(
            Clause(
                None,
                "d.service_id IN (SELECT service_id FROM search_fts WHERE search_fts MATCH :fts)",
                {"fts": fts},
            )
        )
    return clauses


def _statement(sql: str, clauses: list[Clause], params: dict):
    statement = text(sql)
    expanding = [name for clause in clauses for name in clause.expanding]
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return statement, params | {k: v for c in clauses for k, v in c.params.items()}


def _where(clauses: list[Clause]) -> str:
    return " AND ".join(c.sql for c in clauses) or "1 = 1"


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, engine: Engine):
        self.engine = engine
        if engine.dialect.name != "sqlite":
            raise ValueError("The embedded search backend needs an SQLite database.")
        event.listen(engine, "connect", _register_functions)

    # -- writing -------------------------------------------------------------------------

    def create_schema(self) -> None:
        with self.engine.begin() as connection:
            for statement in SCHEMA:
                connection.exec_driver_sql(statement)

    def index(self, documents: Iterable[SearchDocument], deleted: Iterable[str] = ()) -> None:
        """Add or replace ``documents`` and remove the ``deleted`` ids, in one transaction."""
        documents = list(documents)
        with self.engine.begin() as connection:
            _delete(connection, [d.service_id for d in documents] + list(deleted))
            _insert(connection, documents)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index; searches see the old one until the commit."""
        documents = list(documents)
        with self.engine.begin() as connection:
            for table in TABLES:
                connection.exec_driver_sql(f"DELETE FROM {table}")
            _insert(connection, documents)
        return len(documents)

    def health(self) -> str:
        try:
            self.count()
        except Exception:
            return "unreachable"
        return "green"

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.exec_driver_sql("SELECT COUNT(*) FROM search_documents").scalar()

    # -- reading -------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchPage:
        groups = parse_query(query.q) if query.q else []
        fts = fts_expression(groups) if groups else None
        clauses = build_clauses(query, fts)
        with self.engine.connect() as connection:
            total, hits = self._hits(connection, query, clauses, fts)
            facets = {
                name: self._facet(connection, name, query.index_field(name), clauses)
                for name in (TERM_FILTERS if query.facets else ())
            }
        return SearchPage(hits=hits, total=total, facets=facets)

    def _hits(self, connection: Connection, query: SearchQuery, clauses, fts):
        sort = query.effective_sort
        params = {"limit": query.size, "offset": query.offset}
        columns, joins = "d.service_id, NULL AS distance, 0 AS score", ""
        if query.geo:
            columns = f"d.service_id, {DISTANCE} AS distance, 0 AS score"
            params |= {"lat": query.geo.lat, "lon": query.geo.lon}
        if sort == "pertinence" and fts is not None:
            columns = columns.replace("0 AS score", "s.score")
            joins = (
                f"JOIN (SELECT service_id, bm25(search_fts, {BM25_WEIGHTS}) AS score "
                "FROM search_fts WHERE search_fts MATCH :fts) s ON s.service_id = d.service_id"
            )
        where = _where(clauses)
        count_sql, count_params = _statement(
            f"SELECT COUNT(*) FROM search_documents d WHERE {where}", clauses, params
        )
        total = connection.execute(count_sql, count_params).scalar()
        order = ORDER_BY["nom" if sort == "distance" and not query.geo else sort]
        sql, bound = _statement(
            f"SELECT {columns} FROM search_documents d {joins} WHERE {where} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset",
            clauses,
            params,
        )
        rows = connection.execute(sql, bound).all()
        return total, [Hit(row.service_id, row.distance) for row in rows]

    def _facet(
        self, connection: Connection, name: str, field: str, clauses: list[Clause]
    ) -> dict[str, int]:
        """Counts of the terms of ``field`` under every filter but ``name``'s own."""
        others = [c for c in clauses if c.facet != name]
        params = {"facet_field": field}
        sql, bound = _statement(
            "SELECT value, COUNT(*) AS n FROM search_terms WHERE field = :facet_field AND "
            f"service_id IN (SELECT d.service_id FROM search_documents d WHERE {_where(others)}) "
            "GROUP BY value",
            others,
            params,
        )
        return {row.value: row.n for row in connection.execute(sql, bound)}


def _register_functions(dbapi_connection, _record) -> None:
    dbapi_connection.create_function("distance_km", 4, _sql_distance, deterministic=True)


def _sql_distance(lat1, lon1, lat2, lon2):
    if None in (lat1, lon1, lat2, lon2):
        return None
    return distance_km(lat1, lon1, lat2, lon2)


def _delete(connection: Connection, ids: list[str]) -> None:
    if not ids:
        return
    for table in TABLES:
        statement = text(f"DELETE FROM {table} WHERE service_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        connection.execute(statement, {"ids": ids})


def _insert(connection: Connection, documents: list[SearchDocument]) -> None:
    if not documents:
        return
    connection.execute(
        text(
            "INSERT INTO search_documents VALUES (:service_id, :nom_key, :date_maj, :age_min, "
            ":age_max, :latitude, :longitude, :remote)"
        ),
        [
            {
                "service_id": d.service_id,
                "nom_key": d.nom_key,
                "date_maj": d.date_maj,
                "age_min": d.age_min,
                "age_max": d.age_max,
                "latitude": d.latitude,
                "longitude": d.longitude,
                "remote": int(d.remote),
            }
            for d in documents
        ],
    )
    connection.execute(
        text("INSERT INTO search_terms VALUES (:field, :value, :service_id)"),
        [
            {"field": f, "value": v, "service_id": d.service_id}
            for d in documents
            for f, values in d.terms.items()
            for v in set(values)
        ],
    )
    connection.execute(
        text(
            "INSERT INTO search_fts (service_id, " + ", ".join(TEXT_COLUMNS) + ") VALUES "
            "(:service_id, " + ", ".join(f":{c}" for c in TEXT_COLUMNS) + ")"
        ),
        [{"service_id": d.service_id, **d.text} for d in documents],
    )
