"""Import and export, per structure for its editors and for everything for coordinators."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..services import partner_transfer
from ..services.permissions import require_admin
from ..services.transfer import ImportReport
from . import blueprint
from .access import editable_structure, signed_in_user

FORMATS = {
    "json": ("application/json; charset=utf-8", partner_transfer.export_json),
    "csv": ("text/csv; charset=utf-8", partner_transfer.export_csv),
}


def _download(text: str, filename: str, mimetype: str) -> Response:
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export(structure_id: str | None, extension: str, filename: str) -> Response:
    mimetype, export = FORMATS[extension]
    return _download(export(signed_in_user(), structure_id), filename, mimetype)


@blueprint.get("/structures/<structure_id>/export.<any(json, csv):extension>")
def structure_export(structure_id: str, extension: str):
    structure = editable_structure(structure_id)
    return _export(structure.id, extension, f"{structure.id}.{extension}")


@blueprint.get("/export.<any(json, csv):extension>")
def export_all(extension: str):
    return _export(None, extension, f"annuaire.{extension}")


def _summary(report: ImportReport) -> str:
    def counts(state: dict) -> str:
        return _(
            "%(structures)s structure(s), %(services)s service(s)",
            structures=state["structure"],
            services=state["service"],
        )

    text = _(
        "Import terminé. Créés : %(created)s. Modifiés : %(updated)s. Inchangés : %(unchanged)s.",
        created=counts(report.created),
        updated=counts(report.updated),
        unchanged=counts(report.unchanged),
    )
    if report.index_error:
        text += " " + _("La recherche sera à jour dans quelques instants.")
    return text


def _import(structure_id: str | None, back: str):
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        message = _("Choisissez un fichier JSON (data·inclusion) ou CSV à importer.")
        return render_template("admin/import_result.html", missing=message, back=back), 400
    outcome = partner_transfer.import_upload(
        signed_in_user(), upload.filename, upload.read(), structure_id
    )
    if outcome.report is None:
        page = render_template(
            "admin/import_result.html",
            refused=outcome.refused,
            errors=outcome.errors,
            back=back,
        )
        return page, 403 if outcome.refused else 400
    flash(_summary(outcome.report), "success")
    return redirect(back)


@blueprint.post("/structures/<structure_id>/import")
def structure_import(structure_id: str):
    structure = editable_structure(structure_id)
    return _import(structure.id, url_for(".structure_page", structure_id=structure.id))


@blueprint.route("/import", methods=["GET", "POST"])
def import_all():
    require_admin(signed_in_user())
    if request.method == "GET":
        return render_template("admin/import.html")
    return _import(None, url_for(".dashboard"))
