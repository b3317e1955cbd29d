"""The steering committee's figures at /statistiques: coverage for whoever may search,
freshness for signed-in accounts; each table also as CSV."""

from flask import Response, abort, render_template, request
from marshmallow import ValidationError

from .. import referentials as ref
from ..auth import current_user
from ..services import figures
from . import blueprint

CSV_TABLES = ("couverture", "fraicheur")


def _coverage() -> dict[str, dict[int, int]]:
    """Coverage for the level and language the form chose; 400 for values search refuses."""
    try:
        return figures.coverage(request.args.get("niveau"), request.args.get("langue"))
    except ValidationError:
        abort(400)


@blueprint.get("/statistiques")
def statistics():
    signed_in = current_user() is not None
    rows, total = figures.freshness() if signed_in else ([], None)
    return render_template(
        "statistics.html",
        coverage=_coverage(),
        cell_state=figures.cell_state,
        thin_max=figures.THIN_MAX,
        categories=ref.CATEGORIES,
        arrondissement_label=ref.arrondissement_label,
        niveaux=ref.NIVEAUX_FRANCAIS,
        langues=ref.langues(),
        chosen=request.args,
        freshness=rows,
        freshness_total=total,
    )


@blueprint.get("/statistiques/<table>.csv")
def statistics_csv(table: str):
    if table not in CSV_TABLES:
        abort(404)
    if table == "couverture":
        body = figures.coverage_csv(_coverage())
    elif current_user() is None:
        abort(401)
    else:
        body = figures.freshness_csv(*figures.freshness())
    disposition = f'attachment; filename="{table}.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
