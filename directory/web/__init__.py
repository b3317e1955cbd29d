"""Public pages (server-rendered, usable without JavaScript)."""

from flask import Blueprint, request

from ..auth import require_search_access

blueprint = Blueprint("web", __name__)


@blueprint.before_request
def directory_access() -> None:
    """The directory's pages need an account when search is not public (assets never do)."""
    if request.endpoint not in {"web.dsfr_asset", "web.dsfr_chart_asset", "web.leaflet_asset"}:
        require_search_access()


from . import assets, basket, errors, fiche, figures, orientation, views, wording  # noqa: E402, F401  (routes register on import)
