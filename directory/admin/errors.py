"""Error pages of the admin area, and the header every admin answer carries (the security
headers of every answer: directory/security.py)."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from . import blueprint


def _error_page(code: int, title: str, explanation: str):
    page = render_template("admin/error.html", code=code, title=title, explanation=explanation)
    return page, code


@blueprint.errorhandler(CSRFError)
def csrf_refused(_error: CSRFError):
    return _error_page(
        400,
        _("Formulaire refusé"),
        _(
            "Le formulaire a expiré ou ne vient pas de cette page (jeton de sécurité absent ou "
            "invalide). Rechargez la page, puis recommencez."
        ),
    )


@blueprint.errorhandler(403)
def forbidden(_error):
    return _error_page(
        403,
        _("Accès refusé"),
        _(
            "Votre compte ne permet pas cette action : son rôle ou les structures dont il est "
            "membre ne la permettent pas."
        ),
    )


@blueprint.errorhandler(404)
def not_found(_error):
    return _error_page(404, _("Page introuvable"), _("Cette fiche n'existe pas ou plus."))


@blueprint.after_request
def private_answers(response):
    """Admin pages hold personal and unpublished data: no cache."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response
