"""The listing editor: dashboard, structure pages, service and structure forms, and the
one-click actions (verified today, publish, archive, duplicate, approve)."""

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from .. import referentials as ref
from ..models import AuditEntry, Service, Structure
from ..schemas.dashboard import parse_structure_filter
from ..schemas.messages import flatten_errors
from ..services import dashboard as overview
from ..services import editing, geocoding, referrals
from ..services.audit import history
from ..services.permissions import require_admin, require_structure_creator
from ..web.links import filled_args
from . import blueprint, forms
from .access import (
    editable_service,
    editable_structure,
    editable_structures,
    may_moderate,
    safe_next,
    signed_in_user,
)

# How many listings due for review the dashboard shows before "and N more".
DUE_SHOWN = 50
SAVE, PUBLISH, GEOLOCATE, PREVIEW = "enregistrer", "publier", "geolocaliser", "apercu"
SAVE_VERIFIED = "enregistrer-verifie"


@dataclass
class FormState:
    """A form as shown: the values, the revision they were loaded at, and what to tell."""

    values: dict
    revision: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflict: list[AuditEntry] = field(default_factory=list)
    notice: tuple[str, str] | None = None  # (DSFR alert type, message) about the location

    @property
    def other_errors(self) -> dict[str, list[str]]:
        """Errors of fields the form does not show (id, dates…): listed in the summary."""
        return {name: messages for name, messages in self.errors.items() if name not in self.values}


def _submitted_revision() -> int:
    try:
        return int(request.form["revision"])
    except (KeyError, ValueError):
        abort(400)


def _submitted_state(fields, revision: int | None = None) -> FormState:
    """The form as submitted, the hours grid composed; its errors, if any, already told."""
    values = forms.values_from_form(request.form, fields)
    return FormState(values, revision, errors=forms.compose_hours(values))


def _verify_too(user, listing: Service | Structure) -> bool:
    """After a save with "… et marquer vérifié aujourd'hui": mark it verified."""
    if _action() != SAVE_VERIFIED:
        return False
    editing.mark_verified(user, listing)
    return True


def _action() -> str:
    return request.form.get("action", SAVE)


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


def _validation_errors(error: ValidationError) -> dict[str, list[str]]:
    return forms.errors_by_field(flatten_errors(error.normalized_messages()))


def _geolocate(state: FormState) -> None:
    """Fill latitude and longitude from the address, through the BAN."""
    values = state.values
    address = " ".join(
        part for part in (values.get("adresse", ""), values.get("commune", "")) if part.strip()
    )
    if not address.strip():
        state.notice = ("warning", _("Saisissez d'abord l'adresse à géolocaliser."))
        return
    try:
        place = geocoding.geocode(address, values.get("code_postal") or None)
    except geocoding.GeocodingUnavailable:
        state.notice = (
            "error",
            _(
                "Le service de géolocalisation est indisponible. Réessayez plus tard, ou "
                "saisissez la latitude et la longitude à la main."
            ),
        )
        return
    if place is None:
        state.notice = (
            "error",
            _(
                "Adresse introuvable dans la Base Adresse Nationale. Vérifiez l'adresse, ou "
                "saisissez la latitude et la longitude à la main."
            ),
        )
        return
    latitude, longitude, label = place.latitude, place.longitude, place.label
    values["latitude"], values["longitude"] = str(round(latitude, 6)), str(round(longitude, 6))
    state.notice = (
        "success",
        _(
            "Adresse trouvée : « %(label)s ». Latitude et longitude sont remplies : "
            "vérifiez-les, puis enregistrez.",
            label=label,
        ),
    )


def _assist(state: FormState) -> bool:
    """Handle the buttons that help fill the form without saving it."""
    action = _action()
    if action == GEOLOCATE:
        _geolocate(state)
    return action in (GEOLOCATE, PREVIEW)


# -- dashboard and moderation --------------------------------------------------------------


MODERATION_CHOICES = {
    overview.PENDING: _l("En attente d'approbation"),
    overview.APPROVED: _l("Approuvées"),
}
# The dashboard's filters by parameter, to name them in error messages.
FILTER_LABELS = {
    "nom": _l("Nom de la structure"),
    "signataire": _l("Signataire"),
    "a_verifier": _l("À vérifier"),
    "moderation": _l("Modération"),
}


@blueprint.get("/")
def dashboard():
    user = signed_in_user()
    if referrals.sending_structures(user):  # an orienteur edits nothing: its referrals
        return redirect(url_for("admin.referral_inbox"))
    structures = editable_structures(user)
    ids = {s.id for s in structures}
    due = editing.due_for_review(ids) if structures else []
    pending = editing.pending_structures() if may_moderate(user) else []
    errors: dict[str, list[str]] = {}
    try:
        chosen = parse_structure_filter(filled_args(request.args))
        shown = overview.filtered(structures, chosen, due)
    except ValidationError as error:
        chosen, shown, errors = None, [], flatten_errors(error.messages)
    page = render_template(
        "admin/dashboard.html",
        structures=structures,
        shown=shown,
        chosen=chosen,
        errors=errors,
        filter_labels=FILTER_LABELS,
        moderation_states=MODERATION_CHOICES,
        figures=overview.figures(ids, len(due)),
        service_counts=overview.service_counts(ids),
        due=due[:DUE_SHOWN],
        due_total=len(due),
        pending=pending,
    )
    return page, 400 if errors else 200


@blueprint.get("/moderation")
def moderation():
    user = signed_in_user()
    require_admin(user)
    return render_template("admin/moderation.html", pending=editing.pending_structures())


@blueprint.post("/structures/<structure_id>/approbation")
def approve(structure_id: str):
    structure = editable_structure(structure_id)
    editing.approve_structure(signed_in_user(), structure)
    flash(_("Structure « %(nom)s » approuvée : elle est publiée.", nom=structure.nom), "success")
    return redirect(_back(url_for(".moderation")))


# -- structures ----------------------------------------------------------------------------


def _structure_fields() -> tuple[str, ...]:
    if may_moderate(signed_in_user()):
        return forms.STRUCTURE_FIELDS + forms.STRUCTURE_ADMIN_FIELDS
    return forms.STRUCTURE_FIELDS


def _structure_page(structure: Structure, state: FormState | None = None, status: int = 200):
    page = render_template(
        "admin/structure.html",
        structure=structure,
        services=structure.services,
        due=editing.due_for_review({structure.id}),
        history=history("structure", structure.id),
        state=state,
    )
    return page, status


@blueprint.get("/structures/<structure_id>")
def structure_page(structure_id: str):
    return _structure_page(editable_structure(structure_id))


def _structure_form(structure: Structure | None, state: FormState, status: int = 200):
    page = render_template(
        "admin/structure_form.html",
        structure=structure,
        state=state,
        fields=_structure_fields(),
        history=history("structure", structure.id) if structure else [],
    )
    return page, status


@blueprint.route("/structures/nouvelle", methods=["GET", "POST"])
def structure_create():
    user = signed_in_user()
    require_structure_creator(user)  # before the form: never show one whose save is refused
    fields = _structure_fields()
    if request.method == "GET":
        return _structure_form(None, FormState(forms.new_structure_values(fields)))
    state = _submitted_state(fields)
    if _assist(state) or state.errors:
        return _structure_form(None, state, 400 if state.errors else 200)
    try:
        structure = editing.create_structure(user, forms.data_from_values(state.values, fields))
    except ValidationError as error:
        state.errors = _validation_errors(error)
        return _structure_form(None, state, 400)
    if structure.approuvee:
        flash(_("Structure créée."), "success")
    else:
        flash(
            _(
                "Structure créée. Elle sera visible du public quand un coordinateur l'aura "
                "approuvée ; vous pouvez déjà y ajouter des services."
            ),
            "info",
        )
    return redirect(url_for(".structure_page", structure_id=structure.id))


@blueprint.route("/structures/<structure_id>/modifier", methods=["GET", "POST"])
def structure_edit(structure_id: str):
    structure = editable_structure(structure_id)
    fields = _structure_fields()
    if request.method == "GET":
        values = forms.values_from_listing(structure, fields)
        return _structure_form(structure, FormState(values, structure.revision))
    state = _submitted_state(fields, _submitted_revision())
    if _assist(state) or state.errors:
        return _structure_form(structure, state, 400 if state.errors else 200)
    data = forms.data_from_values(state.values, fields)
    user = signed_in_user()
    try:
        editing.update_listing(user, structure, data, state.revision)
    except editing.EditConflict as conflict:
        state.conflict, state.revision = conflict.their_changes, conflict.listing.revision
        return _structure_form(structure, state, 409)
    except ValidationError as error:
        state.errors = _validation_errors(error)
        return _structure_form(structure, state, 400)
    if _verify_too(user, structure):
        flash(_("Structure enregistrée et marquée vérifiée aujourd'hui."), "success")
    else:
        flash(_("Structure enregistrée."), "success")
    return redirect(url_for(".structure_page", structure_id=structure.id))


@blueprint.post("/structures/<structure_id>/publication")
def structure_publication(structure_id: str):
    structure = editable_structure(structure_id)
    statut = request.form.get("statut", "")
    try:
        editing.set_publication(signed_in_user(), structure, statut, _submitted_revision())
    except editing.EditConflict as conflict:
        state = FormState({}, conflict.listing.revision, conflict=conflict.their_changes)
        return _structure_page(structure, state, 409)
    except ValidationError as error:
        return _structure_page(structure, FormState({}, errors=_validation_errors(error)), 400)
    flash(_publication_message(statut), "success")
    return redirect(_back(url_for(".structure_page", structure_id=structure.id)))


@blueprint.post("/structures/<structure_id>/verification")
def structure_verified(structure_id: str):
    structure = editable_structure(structure_id)
    editing.mark_verified(signed_in_user(), structure)
    flash(_("« %(nom)s » est marquée vérifiée aujourd'hui.", nom=structure.nom), "success")
    return redirect(_back(url_for(".structure_page", structure_id=structure.id)))


# -- services ------------------------------------------------------------------------------


def _service_form(
    structure: Structure, service: Service | None, state: FormState, status: int = 200
):
    page = render_template(
        "admin/service_form.html",
        structure=structure,
        service=service,
        state=state,
        history=history("service", service.id) if service else [],
    )
    return page, status


@blueprint.route("/structures/<structure_id>/services/nouveau", methods=["GET", "POST"])
def service_create(structure_id: str):
    structure = editable_structure(structure_id)
    if request.method == "GET":
        return _service_form(structure, None, FormState(forms.new_service_values()))
    state = _submitted_state(forms.SERVICE_FIELDS)
    if _assist(state) or state.errors:
        return _service_form(structure, None, state, 400 if state.errors else 200)
    data = forms.data_from_values(state.values, forms.SERVICE_FIELDS)
    if _action() == PUBLISH:
        data["statut_publication"] = ref.PUBLIE
    try:
        service = editing.create_service(signed_in_user(), structure.id, data)
    except ValidationError as error:
        state.errors = _validation_errors(error)
        return _service_form(structure, None, state, 400)
    flash(_("Service « %(nom)s » créé.", nom=service.nom), "success")
    return redirect(url_for(".service_edit", service_id=service.id))


@blueprint.route("/services/<service_id>", methods=["GET", "POST"])
def service_edit(service_id: str):
    service = editable_service(service_id)
    if request.method == "GET":
        values = forms.values_from_listing(service, forms.SERVICE_FIELDS)
        return _service_form(service.structure, service, FormState(values, service.revision))
    state = _submitted_state(forms.SERVICE_FIELDS, _submitted_revision())
    if _assist(state) or state.errors:
        return _service_form(service.structure, service, state, 400 if state.errors else 200)
    data = forms.data_from_values(state.values, forms.SERVICE_FIELDS)
    user = signed_in_user()
    try:
        editing.update_listing(user, service, data, state.revision)
    except editing.EditConflict as conflict:
        # The person's input stays; saving again, now knowingly, applies it.
        state.conflict, state.revision = conflict.their_changes, conflict.listing.revision
        return _service_form(service.structure, service, state, 409)
    except ValidationError as error:
        state.errors = _validation_errors(error)
        return _service_form(service.structure, service, state, 400)
    if _verify_too(user, service):
        flash(_("Service enregistré et marqué vérifié aujourd'hui."), "success")
    else:
        flash(_("Service enregistré."), "success")
    return redirect(url_for(".service_edit", service_id=service.id))


def _publication_message(statut: str) -> str:
    return {
        "publie": _("Fiche publiée."),
        "brouillon": _("Fiche repassée en brouillon : le public ne la voit plus."),
        "archive": _("Fiche archivée : le public ne la voit plus."),
    }.get(statut, _("Statut enregistré."))


@blueprint.post("/services/<service_id>/publication")
def service_publication(service_id: str):
    service = editable_service(service_id)
    statut = request.form.get("statut", "")
    try:
        editing.set_publication(signed_in_user(), service, statut, _submitted_revision())
    except editing.EditConflict as conflict:
        values = forms.values_from_listing(service, forms.SERVICE_FIELDS)
        state = FormState(values, conflict.listing.revision, conflict=conflict.their_changes)
        return _service_form(service.structure, service, state, 409)
    except ValidationError as error:
        values = forms.values_from_listing(service, forms.SERVICE_FIELDS)
        state = FormState(values, service.revision, errors=_validation_errors(error))
        return _service_form(service.structure, service, state, 400)
    flash(_publication_message(statut), "success")
    return redirect(_back(url_for(".service_edit", service_id=service.id)))


@blueprint.post("/services/<service_id>/verification")
def service_verified(service_id: str):
    service = editable_service(service_id)
    editing.mark_verified(signed_in_user(), service)
    flash(_("« %(nom)s » est marqué vérifié aujourd'hui.", nom=service.nom), "success")
    return redirect(_back(url_for(".service_edit", service_id=service.id)))


@blueprint.post("/services/<service_id>/duplication")
def service_duplicate(service_id: str):
    service = editable_service(service_id)
    copy = editing.duplicate_service(signed_in_user(), service)
    flash(
        _("Copie créée en brouillon : « %(nom)s ». Modifiez-la puis publiez-la.", nom=copy.nom),
        "success",
    )
    return redirect(url_for(".service_edit", service_id=copy.id))
