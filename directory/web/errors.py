"""Error pages in French.

Registered for the HTTPException class rather than per status code, so that a blueprint's
own class handler (the JSON API's) still wins for its views: Flask looks for handlers by code
everywhere before looking by class.
"""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from . import blueprint


def _wording(code: int) -> tuple[str, str]:
    """The title and explanation of an error page."""
    if code == 401:
        return _("Connexion requise"), _(
            "L'annuaire est réservé aux comptes des partenaires : connectez-vous depuis "
            "l'espace partenaires."
        )
    if code == 404:
        return _("Page introuvable"), _(
            "La page demandée n'existe pas, ou n'est pas publiée. "
            "Vérifiez l'adresse, ou repartez de la recherche."
        )
    if code == 400:
        return _("Demande invalide"), _(
            "Les paramètres de la demande ne sont pas valides. Repartez de la recherche."
        )
    if code == 405:
        return _("Méthode non autorisée"), _("Cette adresse ne s'utilise pas ainsi.")
    if code >= 500:
        return _("Erreur inattendue"), _(
            "Le service a rencontré un problème. Réessayez dans quelques instants."
        )
    return _("Erreur"), _("La demande n'a pas pu aboutir.")


@blueprint.app_errorhandler(HTTPException)
def error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        # Addresses under /api/ that match no API route still answer in JSON.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return jsonify(message=_wording(error.code)[0]), error.code, headers
    title, explanation = _wording(error.code)
    page = render_template(
        "errors/error.html", code=error.code, title=title, explanation=explanation
    )
    # get_headers keeps what the error says about itself, such as Allow for a 405.
    return page, error.code, error.get_headers()
