"""Referrals (orientations) between partners: an orienteur sends a person, with her consent,
to a service; the editors of its structure answer. Issue 11, DESIGN.md axis 3.

A referral holds the least personal data (a first name, a contact, a short note), erased by
`purge` a set number of days after its last change of state; every read of it is audited.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from .. import referentials as ref
from ..extensions import db
from ..models import AuditEntry, Membership, Referral, ReferralEvent, Structure, User, utcnow
from . import listings
from .mail import mail_configured, send_mail
from .permissions import (
    PermissionDenied,
    can_answer_referral,
    can_read_referral,
    can_send_referral,
    require_referral_sender,
)

log = logging.getLogger(__name__)

SENT, RECEIVED, ACCEPTED, REFUSED = "envoyee", "recue", "acceptee", "refusee"
KEPT, MISSED = "rdv-honore", "rdv-non-honore"
STATES = {
    SENT: _l("Envoyée"),
    RECEIVED: _l("Reçue"),
    ACCEPTED: _l("Acceptée"),
    REFUSED: _l("Refusée"),
    KEPT: _l("Premier rendez-vous honoré"),
    MISSED: _l("Premier rendez-vous non honoré"),
}
# The answers the receiving structure gives, from each state (receipt is recorded by reading).
ANSWERS = {RECEIVED: (ACCEPTED, REFUSED), ACCEPTED: (KEPT, MISSED)}
AWAITING_ANSWER = (SENT, RECEIVED)
REFUSAL_MOTIVES = {
    "complet": _l("Plus de place disponible"),
    "hors-public": _l("La personne ne correspond pas au public du service"),
    "hors-zone": _l("Hors de la zone d'intervention du service"),
    "injoignable": _l("Personne injoignable"),
    "deja-accompagnee": _l("Personne déjà accompagnée"),
    "renoncement": _l("La personne a renoncé"),
    "autre": _l("Autre motif"),
}
# The personal fields: erased by the purge, their every read audited.
PERSONAL_FIELDS = ("prenom", "contact", "note")
PERSONAL_READ = "lecture-donnees-personnelles"
# Ids are 32-bit integers in PostgreSQL.
MAX_ID = 2**31 - 1


class ReferralConflict(Exception):
    """Someone answered the referral since the page was shown (HTTP 409)."""


def frein_of(slug: str | None) -> str | None:
    """The catégorie a barrier belongs to: a thématique's, or the catégorie itself."""
    categorie = (slug or "").split("--")[0]
    return categorie if categorie in ref.CATEGORIES else None


def sending_structures(user: User | None) -> list[Structure]:
    """The structures ``user`` may send referrals from (none: it may not send any)."""
    if user is None:
        return []
    return [structure for structure in user.structures if can_send_referral(user, structure.id)]


def create(user: User | None, data: dict) -> Referral:
    """Record the referral ``data`` (loaded by schemas.referrals) sent by ``user`` from its
    structure, then tell the receiving structure. Raises PermissionDenied, ValidationError."""
    require_referral_sender(user, data["structure_id"])
    service = listings.visible_service(data["service_id"])
    if service is None:
        raise ValidationError({"service_id": [_("Service inconnu ou non publié.")]})
    now = utcnow()
    referral = Referral(
        service_id=service.id,
        receiving_structure_id=service.structure_id,
        sending_structure_id=data["structure_id"],
        sender_id=user.id,
        frein=data["frein"],
        state=SENT,
        state_changed_at=now,
        consent_at=now,
        prenom=data["prenom"],
        contact=data["contact"],
        note=data.get("note") or None,
    )
    referral.events.append(ReferralEvent(at=now, state=SENT, user_id=user.id, actor=user.email))
    db.session.add(referral)
    db.session.commit()
    notify_receiving_structure(referral)
    return referral


def recipients(referral: Referral) -> list[str]:
    """Who is told of a new referral: the editors of the receiving structure, else the
    structure's own address."""
    editors = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.structure_id == referral.receiving_structure_id,
            User.role == "editor",
            User.active,
        )
        .order_by(User.email)
    ).all()
    fallback = referral.receiving_structure.courriel
    return list(editors) or ([fallback] if fallback else [])


def notify_receiving_structure(referral: Referral) -> None:
    """An e-mail with no personal data, only the service and a link to sign in. A failure is
    logged (without the person) and loses nothing: the referral waits in the inbox."""
    if not mail_configured():
        return
    with force_locale("fr"):
        subject = _("Nouvelle orientation vers « %(service)s »", service=referral.service.nom)
        body = _(
            "Bonjour,\n\n%(structure)s vous oriente une personne vers « %(service)s ».\n"
            "Connectez-vous pour la lire et y répondre : %(url)s\n\n"
            "Ce message ne contient aucune donnée personnelle.\n",
            structure=referral.sending_structure.nom,
            service=referral.service.nom,
            url=current_app.config["BASE_URL"].rstrip("/") + url_for("admin.referral_inbox"),
        )
    for address in recipients(referral):
        try:
            send_mail(address, subject, body)
        except OSError as error:
            log.warning("referral %s: notice not sent (%s)", referral.id, type(error).__name__)


def get(referral_id: int) -> Referral | None:
    """The referral, or None; an id past the column's range is nobody's (no database error)."""
    if not 0 < referral_id <= MAX_ID:
        return None
    return db.session.get(Referral, referral_id)


def read(user: User | None, referral: Referral) -> dict:
    """The personal fields of a referral for who may read them, the read written to the audit
    trail; the receiving structure's first read records the referral as received."""
    if not can_read_referral(user, referral):
        raise PermissionDenied
    db.session.add(
        AuditEntry(
            user_id=user.id,
            actor=user.email,
            entity_type="referral",
            entity_id=str(referral.id),
            revision=referral.revision,
            field=PERSONAL_READ,
        )
    )
    if referral.state == SENT and can_answer_referral(user, referral):
        _record(referral, RECEIVED, user)
    db.session.commit()
    return {field: getattr(referral, field) for field in PERSONAL_FIELDS}


def answer(
    user: User | None, referral: Referral, state: str, revision: int, motive: str | None = None
) -> Referral:
    """Move the referral to ``state`` (with the refusal's ``motive``), as of ``revision``.
    Raises PermissionDenied, ValidationError, ReferralConflict."""
    if not can_answer_referral(user, referral):
        raise PermissionDenied
    if revision != referral.revision:
        raise ReferralConflict
    allowed = ANSWERS.get(referral.state, ())
    if state not in allowed:
        raise ValidationError(
            {"state": [_("Réponse impossible depuis l'état « %(s)s ».", s=STATES[referral.state])]}
        )
    if state == REFUSED and motive not in REFUSAL_MOTIVES:
        raise ValidationError({"motif": [_("Choisissez le motif du refus.")]})
    _record(referral, state, user, motive if state == REFUSED else None)
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise ReferralConflict from error
    return referral


def _record(referral: Referral, state: str, user: User, motive: str | None = None) -> None:
    now = utcnow()
    referral.state, referral.state_changed_at = state, now
    if motive:
        referral.refusal_motive = motive
    referral.events.append(
        ReferralEvent(at=now, state=state, motive=motive, user_id=user.id, actor=user.email)
    )


def received(user: User) -> list[Referral]:
    """What the structures ``user`` edits received, oldest first (the inbox)."""
    return _of_member(user, "editor", Referral.receiving_structure_id)


def sent(user: User) -> list[Referral]:
    """What the structures ``user`` orients from sent, newest first."""
    return _of_member(user, "orienteur", Referral.sending_structure_id)[::-1]


def _of_member(user: User, role: str, column) -> list[Referral]:
    if not (user.active and user.role == role and user.structure_ids):
        return []
    query = select(Referral).where(column.in_(user.structure_ids)).order_by(Referral.created_at)
    return list(db.session.scalars(query))


def waiting_count(user: User) -> int:
    """How many referrals await an answer of the structures ``user`` edits (one count)."""
    if not (user.active and user.role == "editor" and user.structure_ids):
        return 0
    return db.session.scalar(
        select(func.count(Referral.id)).where(
            Referral.receiving_structure_id.in_(user.structure_ids),
            Referral.state.in_(AWAITING_ANSWER),
        )
    )


def waiting(referrals: list[Referral]) -> list[Referral]:
    return [referral for referral in referrals if referral.state in AWAITING_ANSWER]


def retention_days() -> int:
    return current_app.config["REFERRAL_RETENTION_DAYS"]


def purge(now: datetime | None = None, days: int | None = None) -> int:
    """Erase the personal fields of the referrals whose last change of state is more than
    ``days`` old (the setting by default); the rows stay for the figures. Idempotent.
    Returns how many referrals were erased."""
    now = now or utcnow()
    limit = now - timedelta(days=retention_days() if days is None else days)
    erased = db.session.execute(
        update(Referral)
        .where(
            Referral.purged_at.is_(None),
            Referral.state_changed_at < limit,
            or_(*(getattr(Referral, field).is_not(None) for field in PERSONAL_FIELDS)),
        )
        .values(**dict.fromkeys(PERSONAL_FIELDS), purged_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if erased:
        _overwrite_freed_space()
    log.info("referrals purge: %s erased", erased)
    return erased


def _overwrite_freed_space() -> None:
    """Leave no copy of the erased values in the database's files: SQLite overwrites freed
    space (secure_delete) and its log is emptied; PostgreSQL rewrites the table."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            connection.exec_driver_sql("VACUUM FULL referrals")


def init_app(app) -> None:
    """The first request a process serves runs the purge once (operators also schedule
    `directory referrals purge` daily)."""
    state = {"purged": False}

    @app.before_request
    def purge_once() -> None:
        if state["purged"]:
            return
        try:
            purge()
        except SQLAlchemyError:  # the database is down: the next request tries again
            db.session.rollback()
            log.exception("referrals purge failed")
        else:
            state["purged"] = True
