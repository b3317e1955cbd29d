"""Writes through the JSON API: the same service layer, permissions and locking as the forms.

Authentication: an API token (``Authorization: Bearer …``, ``directory tokens create``) or
HTTP Basic (e-mail, password) for scripts, the latter throttled like the login form; else the
session of a signed-in browser, whose every write (the body-less POSTs included)
must carry the session's CSRF token in an ``X-CSRFToken`` header — the value of the
``csrf_token`` field of any admin form — so the cookie alone cannot be abused from another
site. Tokens and Basic credentials are never sent by a browser on its own: those calls need no
CSRF token.
"""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError, fields, missing

from ..auth import bearer_authenticated, client_address, current_user
from ..extensions import csrf, db
from ..models import Service, Structure, User
from ..schemas.api import ServiceWithStructureSchema, StructureWithServicesSchema
from ..schemas.json_input import JsonRefused, load_json
from ..schemas.messages import flatten_errors
from ..security import security_event
from ..services import accounts, editing
from . import blueprint


def _session_user() -> User:
    """The signed-in browser's user, when the request carries the session's CSRF token."""
    try:
        csrf.protect()
    except CSRFError:
        security_event(
            "csrf.refused",
            email=current_user().email,
            address=client_address(),
            method=request.method,
            path=request.path,
        )
        abort(
            403,
            _(
                "Jeton CSRF absent ou invalide : une écriture authentifiée par la session "
                "envoie le jeton de la session dans l'en-tête X-CSRFToken."
            ),
        )
    return current_user()


def api_user() -> User:
    """The API token's account (checked before the view: auth.authenticate_bearer), else
    HTTP Basic credentials, else the session's user (with its CSRF token); 401 when none."""
    if bearer_authenticated():
        return current_user()
    credentials = request.authorization
    if credentials is None and current_user() is not None:
        return _session_user()
    if credentials is None or credentials.type != "basic":
        abort(401, _("Authentification requise."))
    try:
        return accounts.authenticate(
            credentials.username or "", credentials.password or "", client_address()
        )
    except accounts.LoginThrottled as error:
        abort(429, _("Trop d'échecs : réessayez dans %(s)s secondes.", s=error.retry_after))
    except accounts.InvalidCredentials:
        abort(401, _("Identifiants invalides."))


def json_body() -> dict:
    """The request's JSON object, read under the caps of hostile input (json_input.py)."""
    if not request.is_json:
        abort(415, _("Corps JSON (application/json) attendu."))
    try:
        body = load_json(request.get_data(cache=False))
    except JsonRefused as error:
        abort(400, str(error))
    if not isinstance(body, dict):
        abort(400, _("Objet JSON attendu (les champs de la fiche)."))
    return body


# A whole number, not true or 1.0: "revision" is the version the client read.
REVISION = fields.Integer(strict=True, required=True)


def _expected_revision(body: dict) -> int:
    try:
        return REVISION.deserialize(body.pop("revision", missing))
    except ValidationError as error:
        raise ValidationError({"revision": error.messages}) from error


@blueprint.errorhandler(editing.IdTaken)
def id_taken(error: editing.IdTaken):
    """A creation that names the id of an existing listing: 409, the id named."""
    message = _("Identifiant déjà utilisé : choisissez-en un autre ou omettez-le.")
    return jsonify(message=message, errors=flatten_errors(error.messages)), 409


def _conflict(error: editing.EditConflict):
    changes = [
        {
            "revision": e.revision,
            "par": e.actor,
            "le": e.at.isoformat(),
            "champ": e.field,
            "avant": e.old_value,
            "apres": e.new_value,
        }
        for e in error.their_changes
    ]
    message = _("La fiche a été modifiée entre-temps : rechargez-la avant d'enregistrer.")
    return jsonify(message=message, revision=error.listing.revision, changes=changes), 409


def _service_or_404(service_id: str) -> Service:
    return db.session.get(Service, service_id) or abort(404, _("Service introuvable."))


def _structure_or_404(structure_id: str) -> Structure:
    return db.session.get(Structure, structure_id) or abort(404, _("Structure introuvable."))


def _updated(listing, user: User, body: dict):
    revision = _expected_revision(body)
    try:
        editing.update_listing(user, listing, body, revision)
    except editing.EditConflict as error:
        return _conflict(error)
    return _dump(listing)


def _dump(listing) -> dict:
    if isinstance(listing, Service):
        return ServiceWithStructureSchema().dump(listing)
    return StructureWithServicesSchema().dump(listing)


@blueprint.patch("/services/<service_id>")
def update_service(service_id: str):
    user, body = api_user(), json_body()
    return _updated(_service_or_404(service_id), user, body)


@blueprint.patch("/structures/<structure_id>")
def update_structure(structure_id: str):
    user, body = api_user(), json_body()
    return _updated(_structure_or_404(structure_id), user, body)


@blueprint.post("/structures/<structure_id>/services")
def create_service(structure_id: str):
    user, body = api_user(), json_body()
    _structure_or_404(structure_id)
    return _dump(editing.create_service(user, structure_id, body)), 201


@blueprint.post("/services/<service_id>/duplicate")
def duplicate_service(service_id: str):
    user = api_user()
    return _dump(editing.duplicate_service(user, _service_or_404(service_id))), 201


@blueprint.post("/services/<service_id>/verify")
def verify_service(service_id: str):
    user, service = api_user(), _service_or_404(service_id)
    editing.mark_verified(user, service)
    return _dump(service)


@blueprint.post("/structures")
def create_structure():
    user, body = api_user(), json_body()
    return _dump(editing.create_structure(user, body)), 201


@blueprint.post("/structures/<structure_id>/approve")
def approve_structure(structure_id: str):
    user, structure = api_user(), _structure_or_404(structure_id)
    editing.approve_structure(user, structure)
    return _dump(structure)
