"""The OpenAPI 3 document of the JSON API, generated from the marshmallow schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .. import referentials as ref
from ..schemas.api import (
    NEW_SERVICE,
    NEW_STRUCTURE,
    STRUCTURE_SUMMARY,
    ConflictSchema,
    ErrorSchema,
    FacetValueSchema,
    OrientationResponseSchema,
    PageParamsSchema,
    ReferentialValueSchema,
    SearchItemSchema,
    SearchResponseSchema,
    SearchServiceSchema,
    ServiceWithStructureSchema,
    StructureListSchema,
    StructureWithServicesSchema,
)
from ..schemas.listings import ServiceSchema, StructureSchema
from ..schemas.orientation import ProfileSchema
from ..schemas.referrals import (
    AnswerSchema,
    ReferralDetailSchema,
    ReferralListSchema,
    ReferralSchema,
    ReferralSummarySchema,
)
from ..schemas.search import SearchParamsSchema
from ..services import referrals

# Leaves first, so that nested schemas become references to these components.
COMPONENTS = {
    "Service": ServiceSchema,
    "Structure": StructureSchema,
    "ServiceDetail": ServiceWithStructureSchema,
    "StructureDetail": StructureWithServicesSchema,
    "StructureSummary": StructureSchema(only=STRUCTURE_SUMMARY),
    "NewService": NEW_SERVICE,
    "NewStructure": NEW_STRUCTURE,
    "SearchService": SearchServiceSchema,
    "FacetValue": FacetValueSchema,
    "SearchItem": SearchItemSchema,
    "SearchResponse": SearchResponseSchema,
    "StructureList": StructureListSchema,
    "ReferentialValue": ReferentialValueSchema,
    "Error": ErrorSchema,
    "Conflict": ConflictSchema,
    "Orientation": OrientationResponseSchema,
    "NewReferral": ReferralSchema,
    "ReferralAnswer": AnswerSchema,
    "Referral": ReferralSummarySchema,
    "ReferralDetail": ReferralDetailSchema,
    "ReferralList": ReferralListSchema,
}
ERRORS = {
    "400": "Paramètres ou champs invalides (un message par champ)",
    "401": "Authentification requise",
    "403": "Action non autorisée pour ce compte, ou écriture par la session sans jeton CSRF",
    "404": "Introuvable",
    "415": "Corps JSON attendu",
    "409": "La fiche a changé depuis sa lecture : les modifications de l'autre personne",
    "409-answer": "L'orientation a changé depuis sa lecture : la relire avant de répondre",
    # A creation's 409 (an Error naming the id), unlike an edit's (a Conflict).
    "409-id": "Identifiant déjà utilisé par une autre fiche",
    "429": "Trop d'échecs d'authentification : réessayer plus tard",
}
WRITE_ERRORS = ("400", "401", "403", "404", "415", "429")
CREATE_ERRORS = (*WRITE_ERRORS, "409-id")
EDIT_ERRORS = (*WRITE_ERRORS, "409")


def _json(schema, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str, ok: tuple, parameters=(), errors=("404",), body=None, secured=False
) -> dict:
    status, schema, description = ok
    responses = {status: _json(schema, description)}
    responses |= {
        code[:3]: _json("Conflict" if code == "409" else "Error", ERRORS[code]) for code in errors
    }
    operation = {"summary": summary, "parameters": list(parameters), "responses": responses}
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if secured:
        # A signed-in browser's session, with its CSRF token; or, for scripts, an API token
        # (`directory tokens create`) or HTTP Basic.
        operation["security"] = [{"session": [], "csrf": []}, {"bearer": []}, {"basic": []}]
    return operation


def _path_id(name: str) -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}


PAGE_PARAMETERS = [{"in": "query", "schema": PageParamsSchema}]
REFERENTIAL_NAME = {
    "in": "path",
    "name": "name",
    "required": True,
    "schema": {"type": "string", "enum": sorted(ref.REFERENTIALS)},
}
HSDS_SERVICE_PAGE = {
    "type": "object",
    "required": ["items", "total", "page", "size", "pages"],
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "description": "Un service au format HSDS 3.0 (Open Referral), avec son "
                "organisation, ses lieux, téléphones, horaires, zones et langues",
                "required": ["id", "name", "status"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": ["active"]},
                },
            },
        },
        **{name: {"type": "integer"} for name in ("total", "page", "size", "pages")},
    },
}
EDIT_BODY = {
    "type": "object",
    "required": ["revision"],
    "additionalProperties": True,
    "properties": {"revision": {"type": "integer"}},
    "description": "Les champs à modifier et la révision lue (verrouillage optimiste)",
}


def _read_paths() -> dict:
    return {
        "/api/v1/search/services": {
            "get": _operation(
                "Rechercher des services (filtres, facettes, tri, pagination)",
                ("200", "SearchResponse", "Une page de résultats"),
                [{"in": "query", "schema": SearchParamsSchema}],
                errors=("400",),
            )
        },
        "/api/v1/orientation": {
            "get": _operation(
                "Orienter une personne : son profil, ses freins → services, presque, SPE",
                ("200", "Orientation", "L'orientation, frein par frein"),
                [{"in": "query", "schema": ProfileSchema}],
                errors=("400",),
            )
        },
        "/api/v1/services/{service_id}": {
            "get": _operation(
                "Un service publié, avec sa structure",
                ("200", "ServiceDetail", "Le service"),
                [_path_id("service_id")],
            ),
            "patch": _operation(
                "Modifier un service",
                ("200", "ServiceDetail", "Le service modifié"),
                [_path_id("service_id")],
                EDIT_ERRORS,
                EDIT_BODY,
                secured=True,
            ),
        },
        "/api/v1/structures": {
            "get": _operation(
                "Les structures publiées",
                ("200", "StructureList", "Une page de structures"),
                PAGE_PARAMETERS,
                errors=("400",),
            ),
            "post": _operation(
                "Créer une structure (en attente d'approbation si éditeur)",
                ("201", "StructureDetail", "La structure créée"),
                (),
                tuple(code for code in CREATE_ERRORS if code != "404"),
                "NewStructure",
                secured=True,
            ),
        },
        "/api/v1/structures/{structure_id}": {
            "get": _operation(
                "Une structure publiée et ses services publiés",
                ("200", "StructureDetail", "La structure"),
                [_path_id("structure_id")],
            ),
            "patch": _operation(
                "Modifier une structure",
                ("200", "StructureDetail", "La structure modifiée"),
                [_path_id("structure_id")],
                EDIT_ERRORS,
                EDIT_BODY,
                secured=True,
            ),
        },
        "/api/v1/hsds/services": {
            "get": _operation(
                "Les services publiés au format HSDS 3.0 (Open Referral), comme les exporte "
                "`directory export --format hsds`",
                ("200", "HsdsServicePage", "Une page de services HSDS"),
                PAGE_PARAMETERS,
                errors=("400",),
            )
        },
        "/api/v1/doc/{name}": {
            "get": _operation(
                "Les valeurs d'un référentiel",
                ("200", {"type": "array", "items": "ReferentialValue"}, "Valeurs et libellés"),
                [REFERENTIAL_NAME],
            )
        },
    }


def _write_paths() -> dict:
    def action(summary, ok, parameter):
        return {
            "post": _operation(
                summary, ok, [_path_id(parameter)], ("401", "403", "404", "429"), secured=True
            )
        }

    return {
        "/api/v1/structures/{structure_id}/services": {
            "post": _operation(
                "Créer un service (brouillon par défaut)",
                ("201", "ServiceDetail", "Le service créé"),
                [_path_id("structure_id")],
                CREATE_ERRORS,
                "NewService",
                secured=True,
            )
        },
        "/api/v1/services/{service_id}/duplicate": action(
            "Dupliquer un service (brouillon)", ("201", "ServiceDetail", "La copie"), "service_id"
        ),
        "/api/v1/services/{service_id}/verify": action(
            "Marquer un service « vérifié aujourd'hui »",
            ("200", "ServiceDetail", "Le service"),
            "service_id",
        ),
        "/api/v1/structures/{structure_id}/approve": action(
            "Approuver une structure (coordination)",
            ("200", "StructureDetail", "La structure"),
            "structure_id",
        ),
    }


def _referral_paths() -> dict:
    referral_id = {
        "in": "path",
        "name": "referral_id",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": referrals.MAX_ID},
    }
    return {
        "/api/v1/referrals": {
            "post": _operation(
                "Orienter une personne vers un service, avec son accord (orienteur)",
                ("201", "Referral", "L'orientation envoyée"),
                (),
                ("400", "401", "403", "415", "429"),
                "NewReferral",
                secured=True,
            ),
            "get": _operation(
                "Les orientations reçues et envoyées par les structures du compte, sans "
                "données personnelles",
                ("200", "ReferralList", "Reçues (les plus anciennes d'abord) et envoyées"),
                (),
                ("401", "403", "429"),
                secured=True,
            ),
        },
        "/api/v1/referrals/{referral_id}": {
            "get": _operation(
                "Une orientation, avec les données de la personne (lecture journalisée)",
                ("200", "ReferralDetail", "L'orientation"),
                [referral_id],
                ("401", "403", "404", "429"),
                secured=True,
            )
        },
        "/api/v1/referrals/{referral_id}/answer": {
            "post": _operation(
                "Répondre à une orientation reçue (éditeur de la structure qui la reçoit)",
                ("200", "Referral", "L'orientation dans son nouvel état"),
                [referral_id],
                (*WRITE_ERRORS, "409-answer"),
                "ReferralAnswer",
                secured=True,
            )
        },
    }


BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "Un jeton d'API d'un compte (`directory tokens create EMAIL --label …`)",
}


def build_document(title: str, server: str, schemes: dict, components: dict, paths: dict) -> dict:
    """An OpenAPI 3 document: its security schemes, marshmallow components (or plain
    dicts) and paths."""
    spec = APISpec(
        title=title,
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        servers=[{"url": server}],
    )
    for name, scheme in schemes.items():
        spec.components.security_scheme(name, scheme)
    for name, schema in components.items():
        if isinstance(schema, dict):
            spec.components.schema(name, component=schema)
        else:
            spec.components.schema(name, schema=schema)
    for path, operations in paths.items():
        spec.path(path, operations=operations)
    return spec.to_dict()


@cache
def openapi_document() -> dict:
    return build_document(
        "Annuaire des partenaires — protocole parisien d'intégration professionnelle",
        "/",
        {
            "basic": {"type": "http", "scheme": "basic"},
            "bearer": BEARER,
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
        },
        COMPONENTS | {"HsdsServicePage": HSDS_SERVICE_PAGE},
        {**_read_paths(), **_write_paths(), **_referral_paths()},
    )
