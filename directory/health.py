"""/healthz: whether the database and the search index answer, as JSON."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .services.indexing import pending_count, search_backend

blueprint = Blueprint("health", __name__)


def _database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "error"
    return "ok"


@blueprint.get("/healthz")
def healthz():
    indexes = search_backend()
    database = _database_status()
    search = {"backend": indexes.name, "status": indexes.primary.health()}
    if indexes.fallback is not None:
        search["fallback"] = {"backend": indexes.fallback.name, "status": indexes.fallback.health()}
    searchable = search["status"] in ("green", "yellow") or (
        search.get("fallback", {}).get("status") == "green"
    )
    body = {
        "status": "ok" if search["status"] in ("green", "yellow") else "degraded",
        "database": database,
        "search": search,
        "index_queue": pending_count() if database == "ok" else None,
    }
    if database != "ok" or not searchable:
        body["status"] = "error"
        return jsonify(body), 503
    return jsonify(body)
