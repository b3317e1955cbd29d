"""The sheet basket: services ticked from the search results or a service page, kept in a
cookie (service ids only, nothing of the person), until the sheet is printed."""

import re

from flask import current_app, redirect, render_template, request, url_for

from ..admin.access import safe_next
from ..services import listings
from ..services.fiche import sheet_language_names
from . import blueprint

COOKIE = "fiche"
MAX_SERVICES = 20
COOKIE_DAYS = 1
ID = re.compile(r"^[A-Za-z0-9][\w.:\-]{0,199}$")


@blueprint.app_template_global()
def basket_ids() -> list[str]:
    """The ids in the basket cookie, well-formed, once each, at most MAX_SERVICES."""
    raw = request.cookies.get(COOKIE, "")
    ids = [value for value in raw.split(",") if ID.match(value)]
    return list(dict.fromkeys(ids))[:MAX_SERVICES]


def _updated(ids: list[str]) -> list[str]:
    form = request.form
    if form.get("vider"):
        return []
    removed = form.get("retirer")
    ids = [value for value in ids if value != removed]
    added = form.get("ajouter")
    if added and listings.visible_service(added) and added not in ids:
        ids.append(added)
    return ids[:MAX_SERVICES]


@blueprint.post("/panier")
def update_basket():
    """Add (``ajouter``), remove (``retirer``) or empty (``vider``), then go back."""
    ids = _updated(basket_ids())
    target = safe_next(request.form.get("next"), prefix="/") or url_for("web.basket")
    response = redirect(target, 303)
    response.set_cookie(
        COOKIE,
        ",".join(ids),
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@blueprint.get("/panier")
def basket():
    services = [found for found in map(listings.visible_service, basket_ids()) if found]
    return render_template("basket.html", services=services, languages=sheet_language_names())
