"""The Elasticsearch backend: same documents, same answers as the embedded one.

Text arrives already analysed (directory.search.text), so the mapping only needs the
``whitespace`` analyzer, which every distribution has, even without ``analysis-common``.
Multi-select facets follow the FacetedSearch pattern: term filters go to ``post_filter``,
and each facet aggregates under all the *other* term filters.
"""

import functools
import secrets
import time
from collections.abc import Callable, Iterable, Mapping

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from .documents import TEXT_WEIGHTS, SearchDocument
from .filters import BY_NAME
from .geo import distance_km
from .query import INDEX_FIELDS, TERM_FILTERS, Hit, SearchPage, SearchQuery, SearchUnavailable
from .text import TermGroup, parse_query

# Text fields are prefixed in the mapping ("thematiques" is also a filter).
TEXT_PREFIX = "text_"
FACET_SIZE = 1000
# The aggregation grouping the facets with no value chosen, and the suffix of the count of
# an open-ended facet's chosen values.
ALL_FILTERS = "__all"
CHOSEN = "__chosen"
# What a search reads of Elasticsearch's answer: the rest is neither sent nor parsed.
RESPONSE_FIELDS = [
    "took",
    "responses.error",
    "responses.status",
    "responses.hits.total.value",
    "responses.hits.hits._id",
    "responses.hits.hits._source",
    "responses.aggregations.*.*.buckets.key",
    "responses.aggregations.*.*.buckets.key_as_string",
    "responses.aggregations.*.*.buckets.doc_count",
]
MAX_RESULT_WINDOW = 1_000_000

MAPPING = {
    "dynamic": "strict",
    "properties": {
        "service_id": {"type": "keyword"},
        # Facet fields: their global ordinals are built at each refresh, not by the first
        # search after it.
        **{name: {"type": "keyword", "eager_global_ordinals": True} for name in INDEX_FIELDS},
        "age_min": {"type": "integer"},
        "age_max": {"type": "integer"},
        "location": {"type": "geo_point"},
        "remote": {"type": "boolean"},
        "nom_key": {"type": "keyword"},
        "date_maj": {"type": "date", "format": "strict_date"},
        **{TEXT_PREFIX + name: {"type": "text", "analyzer": "whitespace"} for name in TEXT_WEIGHTS},
    },
}
SETTINGS = {
    "number_of_shards": 1,
    "max_result_window": MAX_RESULT_WINDOW,
    # How long a deletion's version is remembered (60 s by default): an older write of the
    # document arriving within that time (a rebuild's load, a late retry) is refused.
    "gc_deletes": "1h",
}


# -- pure query building ---------------------------------------------------------------


def text_clause(groups: list[TermGroup]) -> dict:
    """Every group must match one of its phrases, in any text field."""
    fields = [f"{TEXT_PREFIX}{name}^{boost}" for name, boost in TEXT_WEIGHTS.items()]

    def phrase(terms: tuple[str, ...]) -> dict:
        return {"multi_match": {"query": " ".join(terms), "type": "phrase", "fields": fields}}

    return {
        "bool": {
            "must": [
                {"bool": {"should": [phrase(p) for p in group.phrases], "minimum_should_match": 1}}
                for group in groups
            ]
        }
    }


def term_filters(query: SearchQuery) -> dict[str, dict]:
    return {
        name: {"terms": {query.index_field(name): list(values)}}
        for name, values in query.terms.items()
        if values
    }


def plain_filters(query: SearchQuery) -> list[dict]:
    """The filters that are not facets: they restrict the facets' counts too."""
    filters = []
    if query.age is not None:
        filters.append(
            {
                "bool": {
                    "must_not": [
                        {"range": {"age_min": {"gt": query.age}}},
                        {"range": {"age_max": {"lt": query.age}}},
                    ]
                }
            }
        )
    if query.geo and query.geo.rayon_km is not None:
        near = {
            "geo_distance": {
                "distance": f"{query.geo.rayon_km}km",
                "location": {"lat": query.geo.lat, "lon": query.geo.lon},
            }
        }
        filters.append(
            {"bool": {"should": [{"term": {"remote": True}}, near], "minimum_should_match": 1}}
        )
    return filters


def facet_aggregations(query: SearchQuery, filters: dict[str, dict]) -> dict:
    """Multi-select facets: the facets with no value chosen all count under every term
    filter, in one filter aggregation; a facet with values chosen counts under the others.
    An open-ended facet asks for its largest values, and apart for the chosen ones."""
    groups = {ALL_FILTERS: (list(filters.values()), [n for n in TERM_FILTERS if n not in filters])}
    groups |= {
        name: ([c for other, c in filters.items() if other != name], [name]) for name in filters
    }
    return {
        group: {
            "filter": {"bool": {"filter": clauses}},
            "aggs": {
                key: aggregation
                for name in facets
                for key, aggregation in facet_terms(query, name).items()
            },
        }
        for group, (clauses, facets) in groups.items()
    }


def facet_terms(query: SearchQuery, name: str) -> dict[str, dict]:
    """The terms aggregations of one facet: its values (the largest ones only for an
    open-ended facet), and the chosen ones when they might fall outside them."""
    field, limit = query.index_field(name), BY_NAME[name].max_values
    aggregations = {name: {"terms": {"field": field, "size": limit or FACET_SIZE}}}
    chosen = query.terms.get(name)
    if limit and chosen:
        aggregations[name + CHOSEN] = {
            "terms": {"field": field, "include": list(chosen), "size": len(chosen)}
        }
    return aggregations


def facet_counts(aggregations: dict) -> dict[str, dict[str, int]]:
    """Counts per facet and value, gathered from the groups of facet_aggregations."""
    counts: dict[str, dict[str, int]] = {}
    for group in aggregations.values():
        for key, aggregation in group.items():
            if isinstance(aggregation, dict) and "buckets" in aggregation:
                counts.setdefault(key.removesuffix(CHOSEN), {}).update(
                    (_bucket_key(bucket), bucket["doc_count"]) for bucket in aggregation["buckets"]
                )
    return counts


def _bucket_key(bucket: dict) -> str:
    return bucket.get("key_as_string", str(bucket["key"]))


def sort_clause(query: SearchQuery, has_text: bool) -> list:
    by_name = [{"nom_key": "asc"}, {"service_id": "asc"}]
    sort = query.effective_sort
    if sort == "pertinence" and has_text:
        return [{"_score": "desc"}, *by_name]
    if sort == "distance" and query.geo:
        point = {"lat": query.geo.lat, "lon": query.geo.lon}
        return [{"_geo_distance": {"location": point, "order": "asc", "unit": "km"}}, *by_name]
    if sort == "date_maj":
        return [{"date_maj": "desc"}, *by_name]
    return by_name


def search_bodies(query: SearchQuery) -> list[dict]:
    """The parts of one multi-search: the hits, then the facets when they are asked for.
    The text is parsed and the filters are built once, for both."""
    groups = parse_query(query.q) if query.q else []
    main, filters = main_query(query, groups), term_filters(query)
    bodies = [hits_body(query, main, filters, bool(groups))]
    if query.facets:
        bodies.append(facets_body(query, main, filters))
    return bodies


def hits_body(query: SearchQuery, main: dict, filters: dict[str, dict], has_text: bool) -> dict:
    """The page of hits and the exact total: the term filters apply after the facets."""
    return {
        "query": main,
        "post_filter": {"bool": {"filter": list(filters.values())}},
        "sort": sort_clause(query, has_text),
        "from": query.offset,
        "size": query.size,
        "track_total_hits": True,
        "_source": ["location"],
    }


def facets_body(query: SearchQuery, main: dict, filters: dict[str, dict]) -> dict:
    """The facet counts alone: with no hit to return, Elasticsearch keeps the answer in its
    request cache until the index changes, so a frequent search counts only once."""
    return {
        "query": main,
        "size": 0,
        "track_total_hits": False,
        "aggs": facet_aggregations(query, filters),
    }


def main_query(query: SearchQuery, groups: list[TermGroup]) -> dict:
    """What the hits and the facets both answer to: text and the filters that are no facet."""
    main = {"bool": {"filter": plain_filters(query)}}
    if groups:
        main["bool"]["must"] = [text_clause(groups)]
    return main


def to_source(document: SearchDocument) -> dict:
    source = {
        "service_id": document.service_id,
        **{name: list(values) for name, values in document.terms.items()},
        "age_min": document.age_min,
        "age_max": document.age_max,
        "remote": document.remote,
        "nom_key": document.nom_key,
        "date_maj": document.date_maj,
        **{TEXT_PREFIX + name: text for name, text in document.text.items()},
    }
    if document.latitude is not None:
        source["location"] = {"lat": document.latitude, "lon": document.longitude}
    return source


# -- the backend -------------------------------------------------------------------------


def node_failure(status: int) -> bool:
    """Whether an error status means the node cannot answer now (failing or overloaded)."""
    return status >= 500 or status == 429


def unavailable_on_failure(method):
    """Turn a node that is down, timing out, failing or overloaded into SearchUnavailable."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except TransportError as error:
            raise SearchUnavailable(str(error)) from error
        except ApiError as error:
            if node_failure(error.meta.status):
                raise SearchUnavailable(str(error)) from error
            raise

    return wrapper


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, prefix: str = "directory-", replicas: int = 0):
        self.client = client
        self.alias = f"{prefix}services"
        self.replicas = replicas

    @unavailable_on_failure
    def create_schema(self) -> None:
        """Create a first index behind the alias when there is none; else add the fields a
        newer version of the mapping has (existing documents need a reindex to fill them)."""
        if not self.client.indices.exists_alias(name=self.alias):
            index = self._new_index(number_of_replicas=self.replicas)
            self.client.indices.put_alias(index=index, name=self.alias)
            return
        self.client.indices.put_mapping(index=self.alias, properties=MAPPING["properties"])

    def _new_index(self, **settings) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        self.client.indices.create(index=name, settings=SETTINGS | settings, mappings=MAPPING)
        return name

    @unavailable_on_failure
    def index(
        self, documents: Iterable[SearchDocument], deleted: Mapping[str, int | None] | None = None
    ) -> None:
        """Write ``documents`` and delete the ``deleted`` services (id: version, when the
        service still exists) in the live index and in any index a rebuild is loading."""
        documents, deleted = list(documents), dict(deleted or {})
        if not (documents or deleted):
            return

        def actions(index: str) -> list[dict]:
            writes = [self._index_action(document, index) for document in documents]
            return writes + [_delete_action(index, i, version) for i, version in deleted.items()]

        for index in self._indexes_being_built():
            self._bulk(actions(index))  # refreshed when its rebuild ends
        self._bulk(actions(self.alias), refresh="wait_for")

    def _indexes_being_built(self) -> list[str]:
        """Our indexes not behind the alias: those a rebuild is loading. They must receive
        the changes made meanwhile, since each replaces the live index with what it read (the
        versions keep the newer of each document, whichever write comes last)."""
        indexes = self.client.indices.get_alias(index=f"{self.alias}-*")
        return [name for name, found in indexes.items() if self.alias not in found["aliases"]]

    def _index_action(self, document: SearchDocument, index: str) -> dict:
        return {
            "_op_type": "index",
            "_index": index,
            "_id": document.service_id,
            "version": document.version,
            "version_type": "external_gte",
            "_source": to_source(document),
        }

    def _bulk(self, actions: Iterable[dict], **kwargs) -> None:
        """Bulk write; a late, older version (409) is not an error: the newer one stays."""
        _, errors = helpers.bulk(self.client, actions, raise_on_error=False, **kwargs)
        failures = [e for e in errors if _status(e) not in (409, 404)]
        if any(_status(e) is None or _status(e) >= 500 for e in failures):
            raise SearchUnavailable(
                f"Elasticsearch failed {len(failures)} write(s): {failures[:3]}"
            )
        if failures:
            raise RuntimeError(f"Elasticsearch refused {len(failures)} write(s): {failures[:3]}")

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        return self.start_rebuild()(documents)

    @unavailable_on_failure
    def start_rebuild(self) -> Callable[[Iterable[SearchDocument]], int]:
        """Create the new index now, before any document is read, so that every change saved
        from now on reaches it (see index()); return what loads it and swaps it in."""
        new_index = self._new_index(refresh_interval="-1", number_of_replicas=0)
        return functools.partial(self._load_and_swap, new_index)

    @unavailable_on_failure
    def _load_and_swap(self, new_index: str, documents: Iterable[SearchDocument]) -> int:
        """Load the new index, then swap the alias in one call (zero downtime).

        Documents are streamed in bulk chunks, with refreshes and replicas off until the load
        is done: then the configured replicas copy the finished index. Once swapped, every
        other index of ours goes: the old one, and any left by a rebuild that died or lost
        the race.
        """
        try:
            self._bulk(self._index_action(document, new_index) for document in documents)
            self.client.indices.put_settings(
                index=new_index,
                settings={"index": {"refresh_interval": None, "number_of_replicas": self.replicas}},
            )
            self.client.indices.refresh(index=new_index)
            old = list(self.client.indices.get_alias(name=self.alias)) if self._has_alias() else []
            self.client.indices.update_aliases(
                actions=[
                    *({"remove": {"index": index, "alias": self.alias}} for index in old),
                    {"add": {"index": new_index, "alias": self.alias}},
                ]
            )
        except Exception:
            self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        for index in self.client.indices.get_alias(index=f"{self.alias}-*"):
            if index != new_index:
                self.client.indices.delete(index=index, ignore_unavailable=True)
        return self.client.count(index=new_index)["count"]

    def _has_alias(self) -> bool:
        return bool(self.client.indices.exists_alias(name=self.alias))

    @unavailable_on_failure
    def count(self) -> int:
        return self.client.count(index=self.alias)["count"]

    @unavailable_on_failure
    def search(self, query: SearchQuery) -> SearchPage:
        """One round trip: the hits, and the facets as a search of their own (cacheable)."""
        searches = [part for body in search_bodies(query) for part in ({}, body)]
        response = self.client.msearch(
            index=self.alias, searches=searches, filter_path=RESPONSE_FIELDS
        )
        # RESPONSE_FIELDS leaves out what is empty: no hit, no bucket, even no facet answer.
        found, *facets = [_checked(answer) for answer in response["responses"]]
        aggregations = facets[0].get("aggregations", {}) if facets else {}
        return SearchPage(
            hits=[self._hit(hit, query) for hit in found["hits"].get("hits", [])],
            total=found["hits"]["total"]["value"],
            facets=facet_counts(aggregations),
            took_ms=response["took"],
        )

    @staticmethod
    def _hit(hit: dict, query: SearchQuery) -> Hit:
        location = hit["_source"].get("location")
        if not (query.geo and location):
            return Hit(hit["_id"])
        return Hit(
            hit["_id"], distance_km(query.geo.lat, query.geo.lon, location["lat"], location["lon"])
        )

    def health(self) -> str:
        """The cluster's status (green, yellow, red), or "unreachable"."""
        try:
            return self.client.cluster.health(timeout="2s")["status"]
        except (TransportError, ApiError):
            return "unreachable"


def _delete_action(index: str, service_id: str, version: int | None) -> dict:
    """A deletion; with the service's version, remembered (gc_deletes) so that an older
    write arriving later cannot bring the document back."""
    action = {"_op_type": "delete", "_index": index, "_id": service_id}
    if version is not None:
        action |= {"version": version, "version_type": "external_gte"}
    return action


def _checked(response: dict) -> dict:
    """One answer of a multi-search, or its failure raised: a node-side one as
    SearchUnavailable, like a failed request."""
    if "error" not in response:
        return response
    if node_failure(response.get("status", 500)):
        raise SearchUnavailable(str(response["error"]))
    raise RuntimeError(f"Elasticsearch refused a search: {response['error']}")


def _status(error: dict) -> int | None:
    return next(iter(error.values()), {}).get("status")
