"""The JSON API, under /api/v1/: thin views over the service layer."""

from math import ceil

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .. import referentials as ref
from ..auth import authenticate_bearer, require_search_access
from ..extensions import csrf
from ..schemas.api import (
    PageParamsSchema,
    ServiceWithStructureSchema,
    StructureListSchema,
    StructureWithServicesSchema,
)
from ..schemas.listings import ServiceSchema
from ..schemas.messages import flatten_errors
from ..schemas.query_string import load_query_string
from ..schemas.search import parse_search_args
from ..services import hsds, listings
from ..services.search import Stopwatch, search_services
from .hits import dumped_services
from .openapi import openapi_document

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
PAGE_PARAMS = PageParamsSchema()
csrf.exempt(blueprint)


# Reads of what is not public: they authenticate themselves, whatever the search switch.
AUTHENTICATED_READS = {"api.list_referrals", "api.referral"}


@blueprint.before_request
def reading_access() -> None:
    """An API token stands for its account; reads follow the public-search switch; writes
    authenticate themselves (writes.py)."""
    authenticate_bearer()
    if request.method in ("GET", "HEAD") and request.endpoint not in AUTHENTICATED_READS:
        require_search_access()


@blueprint.errorhandler(ValidationError)
def invalid_parameters(error: ValidationError):
    errors = flatten_errors(error.messages)
    return jsonify(message=_("Paramètres invalides."), errors=errors), 400


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return jsonify(message=error.description), error.code


@blueprint.get("/search/services")
def search():
    """A page of hits and every facet, as SearchResponseSchema documents it: the services
    as marshmallow dumped them (hits.py), the facets (values, labels, counts) as they are."""
    result = search_services(parse_search_args(request.args))
    clock = Stopwatch()
    services = dumped_services([hit.service_id for hit in result.hits])
    items = [
        {"service": services[hit.service_id], "distance": _round(hit.distance_km)}
        for hit in result.hits
        if hit.service_id in services
    ]
    clock.lap("rows")
    body = {
        "items": items,
        "total": result.total,
        "page": result.query.page,
        "size": result.query.size,
        "pages": result.pages,
        "facets": {
            field: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for field, values in result.facets.items()
        },
    }
    headers = {"X-Search-Degraded": "embedded"} if result.degraded else {}
    headers["Server-Timing"] = _server_timing(result.timings | clock.timings)
    return body, 200, headers


def _server_timing(timings: dict[str, float]) -> str:
    """The time of each stage: the backend's search, Elasticsearch's own `took` when it
    answered, labelling the facets, the hits' services (read and dumped, or recalled)."""
    return ", ".join(f"{stage};dur={ms:.1f}" for stage, ms in timings.items())


def _round(distance: float | None) -> float | None:
    return None if distance is None else round(distance, 3)


@blueprint.get("/services/<service_id>")
def service(service_id: str):
    found = listings.visible_service(service_id) or abort(404, _("Service introuvable."))
    return ServiceWithStructureSchema().dump(found)


@blueprint.get("/structures")
def structures():
    page, size = _pagination()
    total, rows = listings.published_structures(page, size)
    return StructureListSchema().dump(
        {"items": rows, "total": total, "page": page, "size": size, "pages": ceil(total / size)}
    )


def _pagination() -> tuple[int, int]:
    values = load_query_string(PAGE_PARAMS, request.args)
    return values["page"], values["size"]


@blueprint.get("/structures/<structure_id>")
def structure(structure_id: str):
    found = listings.published_structure(structure_id) or abort(404, _("Structure introuvable."))
    visible = [service for service in found.services if service.is_visible]
    return StructureWithServicesSchema().dump(found) | {
        "services": ServiceSchema(many=True).dump(visible)
    }


@blueprint.get("/hsds/services")
def hsds_services():
    """The published services in HSDS 3.0 (Open Referral), as `directory export --format
    hsds` writes them, a page at a time."""
    page, size = _pagination()
    total, items = hsds.service_page(page, size)
    return {"items": items, "total": total, "page": page, "size": size, "pages": ceil(total / size)}


@blueprint.get("/doc/<name>")
def referential(name: str):
    values = ref.REFERENTIALS.get(name) or abort(404, _("Référentiel inconnu."))
    return jsonify([{"value": value, "label": label} for value, label in values().items()])


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


from . import orientation, referrals, writes  # noqa: E402, F401  (routes register on import)
