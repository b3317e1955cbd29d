"""The OpenAPI 3 document of the JSON API, generated from the marshmallow schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .. import referentials as ref
from ..schemas.api import (
    ErrorSchema,
    FacetValueSchema,
    ReferentialValueSchema,
    SearchItemSchema,
    SearchResponseSchema,
    ServiceWithStructureSchema,
    StructureListSchema,
    StructureWithServicesSchema,
)
from ..schemas.listings import ServiceSchema, StructureSchema
from ..schemas.search import SearchParamsSchema

ERRORS = {
    "400": {
        "description": "Paramètres invalides",
        "content": {"application/json": {"schema": "Error"}},
    },
    "404": {"description": "Introuvable", "content": {"application/json": {"schema": "Error"}}},
}


def _ok(schema, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _path_id(name: str) -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}


def _page_parameters() -> list[dict]:
    return [
        {
            "in": "query",
            "name": "page",
            "schema": {"type": "integer", "minimum": 1, "maximum": 10000},
        },
        {
            "in": "query",
            "name": "size",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    ]


@cache
def openapi_document() -> dict:
    spec = APISpec(
        title="Annuaire des partenaires — protocole parisien d'intégration professionnelle",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        servers=[{"url": "/"}],
    )
    # Leaves first, so that nested schemas become references to these components.
    for name, schema in {
        "Service": ServiceSchema,
        "Structure": StructureSchema,
        "ServiceDetail": ServiceWithStructureSchema,
        "StructureDetail": StructureWithServicesSchema,
        "FacetValue": FacetValueSchema,
        "SearchItem": SearchItemSchema,
        "SearchResponse": SearchResponseSchema,
        "StructureList": StructureListSchema,
        "ReferentialValue": ReferentialValueSchema,
        "Error": ErrorSchema,
    }.items():
        spec.components.schema(name, schema=schema)
    spec.path(
        "/api/v1/search/services",
        operations={
            "get": {
                "summary": "Rechercher des services (filtres, facettes, tri, pagination)",
                "parameters": [{"in": "query", "schema": SearchParamsSchema}],
                "responses": {
                    "200": _ok("SearchResponse", "Une page de résultats"),
                    "400": ERRORS["400"],
                },
            }
        },
    )
    spec.path(
        "/api/v1/services/{service_id}",
        operations={
            "get": {
                "summary": "Un service publié, avec sa structure",
                "parameters": [_path_id("service_id")],
                "responses": {"200": _ok("ServiceDetail", "Le service"), "404": ERRORS["404"]},
            }
        },
    )
    spec.path(
        "/api/v1/structures",
        operations={
            "get": {
                "summary": "Les structures publiées",
                "parameters": _page_parameters(),
                "responses": {
                    "200": _ok("StructureList", "Une page de structures"),
                    "400": ERRORS["400"],
                },
            }
        },
    )
    spec.path(
        "/api/v1/structures/{structure_id}",
        operations={
            "get": {
                "summary": "Une structure publiée et ses services publiés",
                "parameters": [_path_id("structure_id")],
                "responses": {"200": _ok("StructureDetail", "La structure"), "404": ERRORS["404"]},
            }
        },
    )
    spec.path(
        "/api/v1/doc/{name}",
        operations={
            "get": {
                "summary": "Les valeurs d'un référentiel",
                "parameters": [
                    {
                        "in": "path",
                        "name": "name",
                        "required": True,
                        "schema": {"type": "string", "enum": sorted(ref.REFERENTIALS)},
                    }
                ],
                "responses": {
                    "200": _ok(
                        {"type": "array", "items": "ReferentialValue"}, "Valeurs et libellés"
                    ),
                    "404": ERRORS["404"],
                },
            }
        },
    )
    return spec.to_dict()
