"""The OpenAPI 3 document of the data·inclusion-compatible API (/datainclusion/api/v1/),
generated from its marshmallow schemas (schemas/di_compat.py)."""

from functools import cache

from ..schemas.di_compat import (
    DOC_ENUMS,
    DIDetailedServiceSchema,
    DIDetailedStructureSchema,
    DIListedStructureSchema,
    DISearchItemSchema,
    DocValueSchema,
    ListServicesParams,
    ListStructuresParams,
    SearchServicesParams,
    SourceSchema,
    page_schema,
)
from ..schemas.listings import ServiceSchema, StructureSchema
from .openapi import BEARER, build_document

PREFIX = "/datainclusion/api/v1"
# Leaves first, so that nested schemas become references to these components.
COMPONENTS = {
    "Service": ServiceSchema,
    "Structure": StructureSchema,
    "DetailedService": DIDetailedServiceSchema,
    "ListedStructure": DIListedStructureSchema,
    "DetailedStructure": DIDetailedStructureSchema,
    "ServiceSearchResult": DISearchItemSchema,
    "PageServiceSearchResult": page_schema("PageServiceSearchResult", DISearchItemSchema),
    "PageService": page_schema("PageService", ServiceSchema),
    "PageListedStructure": page_schema("PageListedStructure", DIListedStructureSchema),
    "Source": SourceSchema,
    "DocValue": DocValueSchema,
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
}
HTTP_ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}}


def _json(schema, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _get(summary: str, schema, parameters=(), errors=("401", "422")) -> dict:
    described = {
        "401": _json(HTTP_ERROR, "Jeton absent (recherche non publique), inconnu ou révoqué"),
        "404": _json(HTTP_ERROR, "Introuvable"),
        "422": _json(VALIDATION_ERROR, "Paramètres invalides (un élément par paramètre)"),
    }
    return {
        "get": {
            "summary": summary,
            "parameters": list(parameters),
            "responses": {
                "200": _json(schema, summary),
                **{code: described[code] for code in errors},
            },
            "security": [{"bearer": []}],
        }
    }


def _path(*names: str) -> list[dict]:
    return [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in names
    ]


def _paths() -> dict:
    one = ("401", "404")
    doc_name = {
        "in": "path",
        "name": "name",
        "required": True,
        "schema": {"type": "string", "enum": sorted(DOC_ENUMS)},
    }
    return {
        "/search/services": _get(
            "Rechercher des services",
            "PageServiceSearchResult",
            [{"in": "query", "schema": SearchServicesParams}],
        ),
        "/services": _get(
            "Lister les services", "PageService", [{"in": "query", "schema": ListServicesParams}]
        ),
        "/services/{source}/{id}": _get(
            "Détailler un service", "DetailedService", _path("source", "id"), one
        ),
        "/structures": _get(
            "Lister les structures",
            "PageListedStructure",
            [{"in": "query", "schema": ListStructuresParams}],
        ),
        "/structures/{source}/{id}": _get(
            "Détailler une structure", "DetailedStructure", _path("source", "id"), one
        ),
        "/sources": _get("Lister les sources", {"type": "array", "items": "Source"}, (), ("401",)),
        "/doc/{name}": _get(
            "Un référentiel du schéma data·inclusion",
            {"type": "array", "items": "DocValue"},
            [doc_name],
            ("404",),
        ),
    }


@cache
def di_openapi_document() -> dict:
    return build_document(
        "Annuaire des partenaires — API compatible data·inclusion v1",
        PREFIX,
        {"bearer": BEARER},
        COMPONENTS,
        _paths(),
    )
