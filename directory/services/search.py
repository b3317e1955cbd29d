"""Run a search: ask the backend, label its facets; the matched services are read from the
database when a page needs them (the API serves its hits from hits.py instead)."""

import functools
import time
from dataclasses import dataclass, field, replace
from math import ceil

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import observability
from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure
from ..search.filters import ARRONDISSEMENT, BY_NAME, IDENTIFIER, LANGUAGE, TERM_FILTERS, Filter
from ..search.query import Hit, SearchQuery
from .indexing import search_backend


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ResultItem:
    service: Service
    distance_km: float | None


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    # The configured backend was unreachable: the embedded index answered.
    degraded: bool = False
    # Milliseconds per stage ("search": the backend, "es": Elasticsearch's own `took`,
    # "facets": labelling the facets).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return ceil(self.total / self.query.size)

    @functools.cached_property
    def items(self) -> list[ResultItem]:
        """The hits' services, read from the database once, in the order of the hits."""
        ids = [hit.service_id for hit in self.hits]
        services = db.session.scalars(
            select(Service).where(Service.id.in_(ids)).options(joinedload(Service.structure))
        )
        by_id = {service.id: service for service in services}
        return [
            ResultItem(by_id[hit.service_id], hit.distance_km)
            for hit in self.hits
            if hit.service_id in by_id
        ]


def _labels(registered: Filter, values: set[str]) -> dict[str, str]:
    """Labels of a facet's values: for a fixed list, all of them in the facet's order; for
    an open-ended facet (structures, languages), those of ``values``."""
    if registered.check == IDENTIFIER:
        rows = db.session.execute(
            select(Structure.id, Structure.nom).where(Structure.id.in_(values))
        )
        return {row.id: row.nom for row in rows}
    if registered.check == LANGUAGE:
        return {code: ref.language_label(code) for code in values}
    return _fixed_labels(registered.name, str(get_locale()))


def value_labels(name: str, values: set[str]) -> dict[str, str]:
    """The labels of ``values`` of the filter ``name``, as its facet shows them."""
    return _labels(BY_NAME[name], values)


@functools.cache
def _fixed_labels(name: str, locale: str) -> dict[str, str]:
    """The labels of a facet whose values are a fixed list, in one language: translated
    once per process, not at every search."""
    registered = BY_NAME[name]
    if registered.check == ARRONDISSEMENT:
        return ref.arrondissements()
    return {value: str(label) for value, label in registered.choices.items()}


def _facet_values(
    registered: Filter, counts: dict[str, int], selected: set[str]
) -> list[FacetValue]:
    """The values a facet lists: those with services, or chosen; for an open-ended facet,
    its largest values only (plus the chosen ones), most frequent first, labelled after
    the cut (a facet of thousands of structures reads fifty names)."""
    shown = {value for value, count in counts.items() if count} | selected
    if registered.max_values is None:
        labels = _labels(registered, shown)
        order = [value for value in labels if value in shown]
    else:
        by_count = sorted(shown, key=lambda v: (-counts.get(v, 0), v))
        order = by_count[: registered.max_values]
        order += [v for v in by_count[registered.max_values :] if v in selected]
        labels = _labels(registered, set(order))
    return [
        FacetValue(value, labels.get(value, value), counts.get(value, 0), value in selected)
        for value in order
    ]


def label_facets(
    counts: dict[str, dict[str, int]], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    return {
        name: _facet_values(BY_NAME[name], counts.get(name, {}), set(query.terms.get(name, ())))
        for name in TERM_FILTERS
    }


def search_services(query: SearchQuery) -> SearchResult:
    clock = Stopwatch()
    page = search_backend().search(query)
    clock.lap("search")
    observability.record_search(search_backend().name, page.degraded, clock.timings["search"])
    facets = label_facets(page.facets, query)
    clock.lap("facets")
    if page.took_ms is not None:
        clock.timings["es"] = page.took_ms
    return SearchResult(query, page.hits, page.total, facets, page.degraded, clock.timings)


# Hits asked of the backend at a time when every hit of a query is wanted.
HIT_BATCH = 5_000


def every_hit(query: SearchQuery) -> list[Hit]:
    """Every hit of ``query``, in its order, asked of the backend a batch at a time (no
    facets): for the clients that page through all results (api/di_compat.py)."""
    hits: list[Hit] = []
    page = 1
    while True:
        batch = search_backend().search(replace(query, page=page, size=HIT_BATCH, facets=False))
        hits += batch.hits
        if not batch.hits or len(hits) >= batch.total:
            return hits
        page += 1


class Stopwatch:
    """Milliseconds spent in each stage of a request, for its Server-Timing header."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = (now - self._last) * 1000
        self._last = now
