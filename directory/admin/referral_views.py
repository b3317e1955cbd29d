"""Referrals (orientations) as pages: an orienteur sends one from a service, the receiving
structure's editors find it in their inbox, read it and answer it. The service layer
(services.referrals) decides who may do what, audits reads and refuses stale answers."""

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from .. import referentials as ref
from ..models import Referral, Service, User
from ..schemas.messages import flatten_errors
from ..schemas.referrals import AnswerSchema, ReferralSchema
from ..services import listings, referrals
from ..services.permissions import PermissionDenied, can_answer_referral
from . import blueprint
from .access import signed_in_user

# The form's fields, in its order; the labels also name the errors of the summary.
LABELS = {
    "service_id": _l("Service"),
    "structure_id": _l("Structure qui oriente"),
    "frein": _l("Frein"),
    "prenom": _l("Prénom"),
    "contact": _l("Téléphone ou courriel"),
    "note": _l("Note"),
    "consentement": _l("Consentement"),
}
# What the answer buttons say, by the state they move the referral to.
ANSWER_BUTTONS = {
    referrals.ACCEPTED: _l("Accepter"),
    referrals.REFUSED: _l("Refuser"),
    referrals.KEPT: referrals.STATES[referrals.KEPT],
    referrals.MISSED: referrals.STATES[referrals.MISSED],
}
NOTE_MAX = Referral.__table__.c.note.type.length  # as the schema checks it


@dataclass
class SendForm:
    """The sending form as shown: the values typed, and the errors by field."""

    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)


def _submitted(form) -> dict:
    """A form's fields as the schemas load them: without the CSRF token, and without the
    fields left blank (a required one is then named as missing)."""
    return {name: value for name, value in form.items() if name != "csrf_token" and value.strip()}


def _sender() -> User:
    """The signed-in orienteur (403 for an account that may send no referral)."""
    user = signed_in_user()
    if not referrals.sending_structures(user):
        raise PermissionDenied
    return user


def _default_frein(service: Service) -> str:
    """The barrier asked for (``frein``: a catégorie or thématique), else the catégorie of the
    service's first thématique."""
    chosen = referrals.frein_of(request.args.get("frein"))
    first = service.thematiques[0] if service.thematiques else None
    return chosen or referrals.frein_of(first) or ""


def _send_page(user: User, service: Service | None, form: SendForm, status: int = 200):
    page = render_template(
        "admin/referral_form.html",
        service=service,
        structures=referrals.sending_structures(user),
        freins=ref.CATEGORIES,
        form=form,
        labels=LABELS,
        note_max=NOTE_MAX,
    )
    return page, status


@blueprint.route("/orientations/nouvelle", methods=["GET", "POST"])
def referral_new():
    user = _sender()
    if request.method == "GET":
        service = listings.visible_service(request.args.get("service", "")) or abort(404)
        structures = referrals.sending_structures(user)
        values = {
            "service_id": service.id,
            "structure_id": structures[0].id if len(structures) == 1 else "",
            "frein": _default_frein(service),
        }
        return _send_page(user, service, SendForm(values))
    data = _submitted(request.form)
    data.setdefault("consentement", "false")  # an unticked box sends nothing
    try:
        referral = referrals.create(user, ReferralSchema().load(data))
    except ValidationError as error:
        values = {name: value for name, value in data.items() if name != "consentement"}
        form = SendForm(values, flatten_errors(error.normalized_messages()))
        return _send_page(user, listings.visible_service(data.get("service_id", "")), form, 400)
    flash(
        _("Orientation envoyée à %(structure)s.", structure=referral.receiving_structure.nom),
        "success",
    )
    return redirect(url_for(".referral_inbox"), 303)


# -- inbox ---------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What an editor's structures received, in the order it is dealt with."""

    waiting: list[Referral]  # oldest first
    accepted: list[Referral]  # oldest first: the appointment to confirm
    answered: list[Referral]  # latest change first


def _inbox_of(user: User) -> Inbox:
    received = referrals.received(user)
    open_states = (*referrals.AWAITING_ANSWER, referrals.ACCEPTED)
    answered = [r for r in received if r.state not in open_states]
    return Inbox(
        waiting=referrals.waiting(received),
        accepted=[r for r in received if r.state == referrals.ACCEPTED],
        answered=sorted(answered, key=lambda r: r.state_changed_at, reverse=True),
    )


@blueprint.get("/orientations")
def referral_inbox():
    """Editors: what their structures received; orienteurs: what theirs sent. Never a
    person's data here; coordinators and readers have no inbox."""
    user = signed_in_user()
    if user.role == "editor":
        return render_template("admin/referral_inbox.html", inbox=_inbox_of(user), sent=None)
    if user.role == "orienteur":
        return render_template("admin/referral_inbox.html", inbox=None, sent=referrals.sent(user))
    raise PermissionDenied


# -- one referral --------------------------------------------------------------------------


def _referral_or_404(referral_id: int) -> Referral:
    return referrals.get(referral_id) or abort(404)


def _detail_page(
    referral: Referral, errors: dict | None = None, conflict: bool = False, status: int = 200
):
    """The referral with its personal fields: reading them is audited (services.referrals)."""
    user = signed_in_user()
    personal = referrals.read(user, referral)
    answerable = can_answer_referral(user, referral)
    page = render_template(
        "admin/referral.html",
        referral=referral,
        personal=personal,
        answers=referrals.ANSWERS.get(referral.state, ()) if answerable else (),
        answer_buttons=ANSWER_BUTTONS,
        refused=referrals.REFUSED,
        secondary_answers=(referrals.REFUSED, referrals.MISSED),
        motives=referrals.REFUSAL_MOTIVES,
        retention_days=referrals.retention_days(),
        errors=errors or {},
        conflict=conflict,
    )
    return page, status


@blueprint.get("/orientations/<int:referral_id>")
def referral_page(referral_id: int):
    return _detail_page(_referral_or_404(referral_id))


@blueprint.post("/orientations/<int:referral_id>/reponse")
def referral_answer(referral_id: int):
    referral = _referral_or_404(referral_id)
    data = _submitted(request.form)
    try:
        values = AnswerSchema().load(data)
        referrals.answer(
            signed_in_user(), referral, values["state"], values["revision"], values["motif"]
        )
    except referrals.ReferralConflict:
        return _detail_page(referral, conflict=True, status=409)
    except ValidationError as error:
        return _detail_page(referral, flatten_errors(error.normalized_messages()), status=400)
    flash(_("Réponse enregistrée : %(state)s.", state=referrals.STATES[referral.state]), "success")
    return redirect(url_for(".referral_page", referral_id=referral.id), 303)
