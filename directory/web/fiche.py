"""The referral sheet: ``GET /fiche`` (HTML to print, or ``format=pdf``) and
``POST /fiche/envoyer`` (the PDF by e-mail). Its parameters come from the orientation page."""

import logging
import smtplib
from urllib.parse import urlencode

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..schemas.fiche import parse_mail_address, parse_sheet
from ..schemas.messages import flatten_errors
from ..services import fiche as sheets
from ..services.mail import Attachment, mail_configured, send_mail
from . import blueprint
from .links import filled_args
from .orientation import PROFILE_TITLES

logger = logging.getLogger(__name__)

ORIENTATION_PATH = "/orientation"
SHEET_ONLY = ("services", "langue_fiche", "format")  # parameters of the sheet, not of the profile
FORM_ONLY = ("csrf_token", "courriel")  # fields of the e-mail form, not of the sheet
PARAMETER_TITLES = {
    **PROFILE_TITLES,
    "services": _l("Services de la fiche"),
    "format": _l("Format"),
    "_schema": _l("Demande"),
}
# The sheet's URL holds the interview's profile: keep it out of caches and Referer headers.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _query(args: MultiDict, drop=(), **extra) -> str:
    pairs = [(name, value) for name, value in args.items(multi=True) if name not in drop]
    return urlencode(pairs + list(extra.items()))


def _described_errors(args: MultiDict, error: ValidationError) -> list[tuple[str, str, list]]:
    """(title, offending value of a list, messages) for each refused parameter."""
    described = []
    for key, messages in flatten_errors(error.messages).items():
        name, _dot, index = key.partition(".")
        values = args.getlist(name)
        value = values[int(index)] if index.isdigit() and int(index) < len(values) else None
        described.append((str(PARAMETER_TITLES.get(name, name)), value, messages))
    return described


def _orientation_url(args: MultiDict) -> str:
    """The orientation page of the same interview (the profile, without the sheet's
    choices)."""
    query = _query(args, drop=SHEET_ONLY + FORM_ONLY)
    return request.script_root + ORIENTATION_PATH + (f"?{query}" if query else "")


def _private(response, status: int = 200):
    response = make_response(response, status)
    response.headers.update(PRIVATE_HEADERS)
    return response


def _invalid(args: MultiDict, error: ValidationError):
    page = render_template(
        "fiche_invalide.html",
        errors=_described_errors(args, error),
        orientation_url=_orientation_url(args),
    )
    return _private(page, 400)


def _render_sheet(sheet: sheets.Sheet, args: MultiDict, pdf: bool = False, **mail) -> str:
    """The sheet's HTML: for the screen and printing, or (``pdf``) for WeasyPrint."""
    return render_template(
        "fiche.html",
        sheet=sheet,
        bi=sheet.bi,
        pdf=pdf,
        orientation_url=_orientation_url(args),
        pdf_url=url_for("web.fiche")
        + "?"
        + _query(args, drop=("format", *FORM_ONLY), format="pdf"),
        hidden_fields=[
            (name, value)
            for name, value in args.items(multi=True)
            if name not in ("format", *FORM_ONLY)
        ],
        mail_offered=mail_configured(),
        how_to_get_in=sheets.how_to_get_in,
        professionals_only=sheets.professionals_only,
        **mail,
    )


def _pdf(sheet: sheets.Sheet, args: MultiDict) -> bytes:
    return sheets.pdf_of(_render_sheet(sheet, args, pdf=True))


@blueprint.get("/fiche")
def fiche():
    args = filled_args(request.args)
    try:
        wanted = parse_sheet(args)
        sheet = sheets.build_sheet(wanted)
    except ValidationError as error:
        return _invalid(args, error)
    if wanted.format == "pdf":
        response = _private(_pdf(sheet, args))
        response.mimetype = "application/pdf"
        response.headers["Content-Disposition"] = f"inline; filename={sheet.filename}"
        return response
    return _private(_render_sheet(sheet, args))


@blueprint.post("/fiche/envoyer")
def send_fiche():
    """E-mails the sheet's PDF to the address typed on it: never stored, never logged."""
    if not mail_configured():
        page = render_template(
            "errors/error.html",
            code=404,
            title=_("Envoi par courriel indisponible"),
            explanation=_(
                "L'envoi de courriels n'est pas configuré sur ce serveur : imprimez la fiche "
                "ou téléchargez-la en PDF."
            ),
        )
        return _private(page, 404)
    form = [
        (name, value) for name, value in request.form.items(multi=True) if name not in FORM_ONLY
    ]
    args = filled_args(MultiDict(form))
    try:
        sheet = sheets.build_sheet(parse_sheet(args))
    except ValidationError as error:
        return _invalid(args, error)
    typed = request.form.get("courriel", "")
    try:
        address = parse_mail_address(request.form)
    except ValidationError as error:
        message = " ".join(flatten_errors(error.messages)["courriel"])
        page = _render_sheet(sheet, args, mail_error=message, mail_value=typed)
        return _private(page, 400)
    bi = sheet.bi
    attachment = Attachment(sheet.filename, _pdf(sheet, args), "application/pdf")
    try:
        send_mail(address, sheets.mail_subject(bi), sheets.mail_body(bi), attachment)
    except (smtplib.SMTPException, OSError) as error:
        # The error's text may hold the address: only its kind is logged.
        logger.warning("Could not e-mail a referral sheet: %s", type(error).__name__)
        page = _render_sheet(sheet, args, mail_failed=True, mail_value=typed)
        return _private(page, 502)
    flash(_("La fiche a été envoyée par courriel."), "success")
    return redirect(url_for("web.fiche") + "?" + _query(args, drop=("format",)), 303)
