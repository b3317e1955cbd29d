"""One registry of filters and sorts (directory/search/filters.py): the API schema, the
index documents, both backends' facets and sorts, and the search page use exactly its names."""

import pytest

from directory.api.openapi import openapi_document
from directory.extensions import db
from directory.models import Service
from directory.schemas.search import SearchParamsSchema
from directory.search import filters
from directory.search.documents import TEXT_WEIGHTS, build_document
from directory.search.elasticsearch import CHOSEN, MAPPING, search_bodies
from directory.search.query import SearchQuery
from tests.factories import service, structure
from tests.web.html_page import parse

FACETS = filters.TERM_FILTERS
NOT_FILTERS = {"lat", "lon", "rayon_km", "q", "sort", "page", "size"}


@pytest.fixture
def loaded(load):
    load([structure()], [service("a"), service("b", latitude=48.85, longitude=2.35)])


def test_the_parameters_schema_is_the_registry_plus_paging_text_and_point():
    assert set(SearchParamsSchema().fields) == {f.name for f in filters.FILTERS} | NOT_FILTERS
    sort_choices = SearchParamsSchema().fields["sort"].validate.choices
    assert tuple(sort_choices) == filters.SORT_NAMES


def test_the_openapi_document_lists_every_registered_parameter(app):
    with app.test_request_context():
        operation = openapi_document()["paths"]["/api/v1/search/services"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {f.name for f in filters.FILTERS} | NOT_FILTERS


@pytest.mark.usefixtures("loaded")
def test_every_index_document_fills_every_index_field(app):
    with app.app_context():
        document = build_document(db.session.get(Service, "a"))
    assert tuple(document.terms) == filters.INDEX_FIELDS


def test_the_elasticsearch_mapping_has_a_keyword_per_index_field():
    keywords = {name for name, spec in MAPPING["properties"].items() if spec["type"] == "keyword"}
    assert set(filters.INDEX_FIELDS) <= keywords


@pytest.mark.parametrize("chosen", [(), ("x",)])
@pytest.mark.parametrize("dedicated", [False, True])
def test_elasticsearch_aggregates_every_facet_on_its_field(dedicated, chosen):
    query = SearchQuery(terms={name: chosen for name in FACETS}, dedicated=dedicated)
    groups = search_bodies(query)[1]["aggs"].values()
    terms = {key: agg["terms"] for group in groups for key, agg in group["aggs"].items()}
    assert {key.removesuffix(CHOSEN) for key in terms} == set(FACETS)
    for key, aggregation in terms.items():
        assert aggregation["field"] == query.index_field(key.removesuffix(CHOSEN))


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("backend", ["embedded", "elasticsearch"])
def test_both_backends_answer_every_facet_and_every_sort(client, backend):
    for sort in filters.SORTS:
        params = {"sort": sort.name, "q": "atelier", "lat": "48.85", "lon": "2.35"}
        response = client.get("/api/v1/search/services", query_string=params)
        assert response.status_code == 200, response.get_json()
        assert set(response.get_json()["facets"]) == set(FACETS)


@pytest.mark.usefixtures("loaded")
def test_the_search_page_shows_the_registry_filters_in_its_order(client):
    page = parse(client.get("/").data)
    shown = [
        block.get("id").removeprefix("facette-")
        for block in page.find_all(class_="facet")
        if (block.get("id") or "").startswith("facette-")
    ]
    registered = [
        f.name for f in filters.FILTERS if f.kind in (filters.TERMS, filters.FLAG, filters.OPTION)
    ]
    assert shown == [name for name in registered if name in shown]
    assert {"arrondissement", "rqth", "publics", "publics_dedies", "structure"} <= set(shown)
    assert page.find("input", id="filtre-age").get("name") == "age"


@pytest.mark.usefixtures("loaded")
def test_documents_carry_exactly_the_weighted_text_fields(app):
    with app.app_context():
        document = build_document(db.session.get(Service, "a"))
    assert tuple(document.text) == tuple(TEXT_WEIGHTS)
    text_fields = {name for name, spec in MAPPING["properties"].items() if spec["type"] == "text"}
    assert text_fields == {f"text_{name}" for name in TEXT_WEIGHTS}
