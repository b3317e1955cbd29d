"""A data·inclusion-compatible API under /datainclusion/api/v1/: a client of data·inclusion's
API v1 (les emplois de l'inclusion, DORA…) only changes its base URL. Thin views over
services/di_compat.py; errors as FastAPI gives them (``{"detail": …}``, 422 for parameters).

Access: an API token (``Authorization: Bearer …``) as data·inclusion asks for one; without
one, the same rule as /api/v1/ (open while search is public, DIRECTORY_PUBLIC_SEARCH).
"""

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..auth import authenticate_bearer, current_user
from ..extensions import csrf
from ..schemas.di_compat import (
    DOC_ENUMS,
    DIDetailedServiceSchema,
    ListServicesParams,
    ListStructuresParams,
    SearchServicesParams,
)
from ..schemas.listings import ServiceSchema, StructureSchema
from ..schemas.messages import flatten_errors
from ..schemas.query_string import load_query_string
from ..services import di_compat
from ..services.permissions import can_search
from .di_openapi import di_openapi_document

blueprint = Blueprint("datainclusion_api", __name__, url_prefix="/datainclusion/api/v1")
csrf.exempt(blueprint)

SEARCH_PARAMS, SERVICES_PARAMS = SearchServicesParams(), ListServicesParams()
STRUCTURES_PARAMS = ListStructuresParams()
DETAILED_SERVICE, SERVICE, STRUCTURE = DIDetailedServiceSchema(), ServiceSchema(), StructureSchema()
# Open to all, as data·inclusion's own: the document and the referentials.
OPEN_ENDPOINTS = {"datainclusion_api.openapi", "datainclusion_api.referential"}


@blueprint.before_request
def access() -> None:
    authenticate_bearer()
    if request.endpoint in OPEN_ENDPOINTS:
        return
    if not can_search(current_user(), current_app.config["PUBLIC_SEARCH"]):
        abort(401, _("Jeton d'API requis : en-tête Authorization: Bearer …"))


@blueprint.errorhandler(ValidationError)
def invalid_parameters(error: ValidationError):
    """422 with one entry per bad parameter, as FastAPI (pydantic) lists them."""
    detail = [
        {"type": "value_error", "loc": ["query", *_location(name)], "msg": message}
        for name, messages in flatten_errors(error.messages).items()
        for message in messages
    ]
    return jsonify(detail=detail), 422


def _location(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in name.split(".")]


@blueprint.errorhandler(di_compat.OutsideParis)
def outside_paris(error: di_compat.OutsideParis):
    message = _(
        "code_commune %(code)s : cet annuaire ne couvre que Paris (75056, 75101 à 75120).",
        code=error.args[0],
    )
    return jsonify(detail=message), 422


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    headers = {"WWW-Authenticate": "Bearer"} if error.code == 401 else {}
    return jsonify(detail=error.description), error.code, headers


@blueprint.get("/search/services")
def search_services():
    page = di_compat.search_services(load_query_string(SEARCH_PARAMS, request.args))
    page["items"] = [
        {"service": DETAILED_SERVICE.dump(service), "distance": distance}
        for service, distance in page["items"]
    ]
    return page


@blueprint.get("/services")
def services():
    page = di_compat.list_services(load_query_string(SERVICES_PARAMS, request.args))
    page["items"] = SERVICE.dump(page["items"], many=True)
    return page


@blueprint.get("/services/<source>/<service_id>")
def service(source: str, service_id: str):
    found = di_compat.service_of(source, service_id) or abort(404, _("Service introuvable."))
    return DETAILED_SERVICE.dump(found)


def _listed(structure, scores: dict[str, float]) -> dict:
    return STRUCTURE.dump(structure) | {
        "score_qualite": scores.get(structure.id, 0.0),
        "doublons": structure.doublons or [],
    }


@blueprint.get("/structures")
def structures():
    page = di_compat.list_structures(load_query_string(STRUCTURES_PARAMS, request.args))
    scores = di_compat.structure_scores()
    page["items"] = [_listed(structure, scores) for structure in page["items"]]
    return page


@blueprint.get("/structures/<source>/<structure_id>")
def structure(source: str, structure_id: str):
    found = di_compat.structure_of(source, structure_id) or abort(404, _("Structure introuvable."))
    visible = [service for service in found.services if service.is_visible]
    return _listed(found, di_compat.structure_scores()) | {
        "doublons": STRUCTURE.dump(di_compat.structure_duplicates(found), many=True),
        "services": SERVICE.dump(visible, many=True),
    }


@blueprint.get("/sources")
def sources():
    return jsonify(di_compat.sources())


@blueprint.get("/doc/<name>")
def referential(name: str):
    enum = DOC_ENUMS.get(name) or abort(404, _("Référentiel inconnu."))
    return jsonify(enum.as_dict_list())


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(di_openapi_document())
