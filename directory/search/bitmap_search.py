"""Answering a SearchQuery from a snapshot of the embedded index (DESIGN.md §3).

Every filter is a bitmap of document numbers: a term filter is the union of its values'
postings, and the filters intersect. A facet counts, for each value of its field, the
documents of that value's posting among those that pass every *other* filter (multi-select
facets); the total is the size of the full intersection. Sorts take the first documents of
a precomputed order that are in the result, rather than sorting the result.
"""

import heapq
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from pyroaring import BitMap

from .embedded_store import AGE_MAX, AGE_MIN, NO_BOUND, REMOTE
from .query import TERM_FILTERS, Hit, SearchPage, SearchQuery
from .snapshot import Snapshot


@dataclass(frozen=True)
class TextMatches:
    """The documents a text query matched, and how to read the bm25 scores of some of them."""

    docs: BitMap
    scores_of: Callable[[BitMap], dict[int, float]]


class Orders:
    """The documents of a snapshot in the order of a sort, read on first use."""

    def __init__(self, snapshot: Snapshot, read_order: Callable[[str], array]):
        self.snapshot = snapshot
        self.read_order = read_order

    def order(self, sort: str) -> array:
        return self.snapshot.derived(("order", sort), lambda: self.read_order(sort))

    def rank(self, sort: str) -> array:
        """By document number: its position in the order of ``sort``."""

        def ranks() -> array:
            rank = array("i", bytes(4 * len(self.snapshot.service_ids)))
            for position, doc in enumerate(self.order(sort)):
                rank[doc] = position
            return rank

        return self.snapshot.derived(("rank", sort), ranks)


def answer(
    snapshot: Snapshot, query: SearchQuery, text: TextMatches | None, orders: Orders
) -> SearchPage:
    """The page, total and facets of ``query``; ``text``: what FTS5 matched, if it has text."""
    filters = {
        name: snapshot.any_of(query.index_field(name), values)
        for name, values in query.terms.items()
        if values
    }
    restricted = restriction(snapshot, query, text)
    matched = restricted.intersection(*filters.values())
    facets = facet_counts(snapshot, query, restricted, filters, matched) if query.facets else {}
    return SearchPage(
        hits=page(snapshot, query, matched, text, orders), total=len(matched), facets=facets
    )


def restriction(snapshot: Snapshot, query: SearchQuery, text: TextMatches | None) -> BitMap:
    """The documents that pass the filters that are not facets: age, radius, text."""
    passing = [snapshot.every_document]
    if query.age is not None:
        passing.append(_of_age(snapshot, query.age))
    if query.geo and query.geo.rayon_km is not None:
        near = snapshot.grid().within(query.geo.lat, query.geo.lon, query.geo.rayon_km)
        passing.append(near | snapshot.docs(*REMOTE))
    if text is not None:
        passing.append(text.docs)
    return BitMap(passing[0]).intersection(*passing[1:])


def _of_age(snapshot: Snapshot, age: int) -> BitMap:
    """Documents with age_min <= age <= age_max, a missing bound being open."""

    def accepting(name: str, accepts: Callable[[int], bool]) -> BitMap:
        bounds = snapshot.postings.get(name, {})
        return BitMap().union(
            *(docs for bound, docs in bounds.items() if bound == NO_BOUND or accepts(int(bound)))
        )

    return accepting(AGE_MIN, lambda low: low <= age) & accepting(AGE_MAX, lambda high: high >= age)


def facet_counts(
    snapshot: Snapshot,
    query: SearchQuery,
    restricted: BitMap,
    filters: dict[str, BitMap],
    matched: BitMap,
) -> dict[str, dict[str, int]]:
    """For every facet, the count of each value under every filter but the facet's own."""
    facets = {}
    for name in TERM_FILTERS:
        among = matched
        if name in filters:
            among = restricted.intersection(*(f for other, f in filters.items() if other != name))
        postings = snapshot.postings.get(query.index_field(name), {})
        facets[name] = {
            value: count
            for value, docs in postings.items()
            if (count := among.intersection_cardinality(docs))
        }
    return facets


# -- sorting and paging --------------------------------------------------------------------


def page(
    snapshot: Snapshot,
    query: SearchQuery,
    matched: BitMap,
    text: TextMatches | None,
    orders: Orders,
) -> list[Hit]:
    if not matched:
        return []
    end = query.offset + query.size
    sort = query.effective_sort
    if sort == "pertinence" and text is not None:
        ranked = _by_score(matched, end, text.scores_of(matched), orders.rank("nom"))
    elif sort == "distance" and query.geo:
        ranked = _nearest_first(snapshot, query, matched, end, orders)
    else:
        ranked = _first_in_order(matched, end, orders, "date_maj" if sort == "date_maj" else "nom")
    docs = ranked[query.offset : end]
    return [
        Hit(
            snapshot.service_ids[doc],
            snapshot.distance_km(doc, query.geo.lat, query.geo.lon) if query.geo else None,
        )
        for doc in docs
    ]


def _first_in_order(matched: BitMap, count: int, orders: Orders, sort: str) -> list[int]:
    """The first ``count`` documents of ``matched`` in the order of ``sort``."""
    if not matched or not count:
        return []
    order = orders.order(sort)
    # A walk down the order meets about count * len(order) / len(matched) documents.
    if count * len(order) <= len(matched) ** 2:
        return list(islice((doc for doc in order if doc in matched), count))
    return heapq.nsmallest(count, matched, key=orders.rank(sort).__getitem__)


def _by_score(matched: BitMap, count: int, scores: dict[int, float], rank: array) -> list[int]:
    """Best bm25 score first (the lowest), then by name."""
    candidates = matched
    if count < len(matched):
        # Only the documents scoring at least as well as the count-th best can be in the page.
        cutoff = heapq.nsmallest(count, [scores[doc] for doc in matched])[-1]
        candidates = [doc for doc in matched if scores[doc] <= cutoff]
    return sorted(candidates, key=lambda doc: (scores[doc], rank[doc]))[:count]


def _nearest_first(
    snapshot: Snapshot, query: SearchQuery, matched: BitMap, count: int, orders: Orders
) -> list[int]:
    """Nearest first; the documents without a point after them, by name."""
    grid = snapshot.grid()
    located = matched & grid.located
    ranked = grid.nearest(
        query.geo.lat, query.geo.lon, located, min(count, len(located)), orders.rank("nom")
    )
    if len(ranked) < count:
        ranked += _first_in_order(matched - located, count - len(ranked), orders, "nom")
    return ranked
