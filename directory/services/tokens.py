"""API tokens: a machine acts as an account, with that account's permissions.

A token is shown once, at its creation; only its SHA-256 is stored (a random 256-bit
secret needs no slow hash). Revoking keeps the row, so the list says when it last served.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User, as_utc, utcnow
from ..security import security_event

LAST_USE_STEP = timedelta(minutes=1)


class UnknownToken(Exception):
    """No active token of an active account has this value."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, label: str) -> tuple[ApiToken, str]:
    """A new token of ``user``: the row, and the token itself (never stored)."""
    label = label.strip()
    limit = ApiToken.label.type.length
    if not 1 <= len(label) <= limit:
        raise ValidationError({"label": [_("Entre 1 et %(max)s caractères.", max=limit)]})
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label, token_hash=_hash(token))
    db.session.add(row)
    db.session.commit()
    security_event("token.created", email=user.email, token_id=row.id)
    return row, token


def tokens(user: User | None = None) -> list[ApiToken]:
    """Every token (of ``user``), the newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def revoke_token(token_id: int) -> ApiToken | None:
    """Revoke a token for good (None when there is no such token)."""
    row = db.session.get(ApiToken, token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
        security_event("token.revoked", email=row.user.email, token_id=row.id)
    return row


def token_user(token: str) -> User:
    """The account a presented token acts as; its last use is now. Raises UnknownToken for
    an unknown or revoked token, or the token of a deactivated account."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        raise UnknownToken
    now = utcnow()
    # Its last use to the minute: a script's burst of reads is not a burst of writes.
    if row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USE_STEP:
        row.last_used_at = now
        db.session.commit()
    return row.user
