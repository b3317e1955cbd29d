"""Referrals through the API: send (orienteurs), list and read (the sending and receiving
structures), answer (the receiving structure's editors). Authenticated like writes
(writes.py): HTTP Basic, or a signed-in session (with its CSRF token on a POST)."""

from flask import abort, jsonify, url_for
from flask_babel import gettext as _

from ..auth import current_user
from ..models import Referral, User
from ..schemas.referrals import AnswerSchema, ReferralListSchema, ReferralSchema, dump_referral
from ..services import referrals
from . import blueprint
from .writes import api_user, json_body


def _reader() -> User:
    """A GET needs no CSRF token: the session's user, else HTTP Basic."""
    return current_user() or api_user()


def _referral_or_404(referral_id: int) -> Referral:
    return referrals.get(referral_id) or abort(404, _("Orientation introuvable."))


@blueprint.errorhandler(referrals.ReferralConflict)
def answered_meanwhile(_error):
    message = _("L'orientation a changé entre-temps : rechargez-la avant de répondre.")
    return jsonify(message=message), 409


@blueprint.post("/referrals")
def send_referral():
    user, body = api_user(), json_body()
    referral = referrals.create(user, ReferralSchema().load(body))
    location = url_for("api.referral", referral_id=referral.id)
    return dump_referral(referral), 201, {"Location": location}


@blueprint.get("/referrals")
def list_referrals():
    """What the account's structures received (oldest first) and sent (newest first)."""
    user = _reader()
    if user.role not in ("editor", "orienteur"):
        abort(403)
    return ReferralListSchema().dump(
        {"recues": referrals.received(user), "envoyees": referrals.sent(user)}
    )


@blueprint.get("/referrals/<int:referral_id>")
def referral(referral_id: int):
    user, found = _reader(), _referral_or_404(referral_id)
    return dump_referral(found, referrals.read(user, found))


@blueprint.post("/referrals/<int:referral_id>/answer")
def answer_referral(referral_id: int):
    user, body = api_user(), json_body()
    found = _referral_or_404(referral_id)
    values = AnswerSchema().load(body)
    referrals.answer(user, found, values["state"], values["revision"], values["motif"])
    return dump_referral(found)
