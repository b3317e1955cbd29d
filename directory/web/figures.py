"""The steering committee's figures at /statistiques: coverage for whoever may search,
freshness, use and referrals for signed-in accounts (usage_figures.py); each table also as
CSV and as a chart; the COPIL report as a PDF for signed-in accounts."""

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from .. import referentials as ref
from ..auth import current_user
from ..schemas.messages import flatten_errors
from ..services import charts, copil, figures
from ..services.fiche import today
from . import blueprint
from .usage_figures import CSV_TABLES as ACCOUNT_TABLES
from .usage_figures import account_csv, account_figures, parsed_range

CSV_TABLES = ("couverture", "fraicheur")
# The form's fields, under the names of the search parameters they become.
FIELD_TITLES = {
    "niveau": _l("Niveau de français de la personne"),
    "langues": _l("Langues parlées"),
}


def _coverage(niveau: str | None) -> tuple[dict[str, dict[int, int]], list[str]]:
    """Coverage for the level and language asked, or what is wrong with them (each message
    naming its field)."""
    try:
        return figures.coverage(niveau, request.args.get("langue")), []
    except ValidationError as error:
        return {}, _problems(error)


def _problems(error: ValidationError) -> list[str]:
    """Each refused parameter's title and what is wrong with it."""
    problems = flatten_errors(error.messages).items()
    return [f"{_field_title(key)} : {' '.join(messages)}" for key, messages in problems]


def _field_title(key: str) -> str:
    """ "langues.0" -> "Langues parlées" """
    return str(FIELD_TITLES.get(key.split(".")[0], key))


@blueprint.get("/statistiques")
def statistics():
    signed_in = current_user() is not None
    rows, total = figures.freshness() if signed_in else ([], None)
    # For a person of the level chosen, A1 unless said: "no childcare for A1 in the 19e".
    niveau = request.args.get("niveau") or figures.DEFAULT_LEVEL
    coverage, errors = _coverage(niveau)
    coverage_all = figures.coverage()
    person_title = _("Pour une personne de niveau %(niveau)s", niveau=niveau)
    accounts, range_errors = account_figures(request.args)
    page = render_template(
        "statistics.html",
        coverage_all=coverage_all,
        coverage=coverage,
        person_title=person_title,
        coverage_chart=charts.coverage_gaps(coverage, person_title) if coverage else None,
        coverage_all_chart=charts.coverage_gaps(coverage_all, _("Tous les services publiés")),
        freshness_chart=charts.freshness_total(total, _("Fraîcheur des fiches")) if total else None,
        errors=errors,
        cell_state=figures.cell_state,
        thin_max=figures.THIN_MAX,
        categories=ref.CATEGORIES,
        arrondissement_label=ref.arrondissement_label,
        niveaux=ref.NIVEAUX_FRANCAIS,
        langues=ref.langues(),
        chosen={"niveau": niveau, "langue": request.args.get("langue")},
        freshness=rows,
        freshness_total=total,
        **accounts,
    )
    return page, 400 if errors or range_errors else 200


@blueprint.get("/statistiques/<table>.csv")
def statistics_csv(table: str):
    if table in ACCOUNT_TABLES:
        return account_csv(table, request.args)
    if table not in CSV_TABLES:
        abort(404)
    if table == "couverture":
        coverage, errors = _coverage(request.args.get("niveau"))
        if errors:
            return Response("\n".join(errors) + "\n", 400, mimetype="text/plain")
        body = figures.coverage_csv(coverage)
    elif current_user() is None:
        abort(401)
    else:
        body = figures.freshness_csv(*figures.freshness())
    disposition = f'attachment; filename="{table}.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})


@blueprint.get("/statistiques/copil.pdf")
def copil_report():
    """The steering committee's report for the period `du` … `au` (default: the last six
    months), for signed-in accounts."""
    if current_user() is None:
        abort(401)
    parsed, errors = parsed_range(request.args)
    if parsed is None:
        return Response("\n".join(errors) + "\n", 400, mimetype="text/plain")
    period, _grouping = parsed
    disposition = f'inline; filename="{copil.filename(period)}"'
    return Response(
        copil.report_pdf(period, today()),
        mimetype="application/pdf",
        headers={"Content-Disposition": disposition},
    )
