"""Accounts: argon2 password hashes, throttled logins, one-time password-reset links, and
the session generation that ends every session of an account at once."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import ROLES, LoginAttempt, PasswordResetToken, User, as_utc, utcnow
from ..security import security_event

MIN_PASSWORD_LENGTH = 12
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def hasher() -> PasswordHasher:
    """argon2id with the configured cost (tests lower it; production keeps the defaults)."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_KIB"], parallelism=1
    )


def _dummy_hash() -> str:
    """Verified when the account does not exist, so that timing does not reveal it."""
    config = current_app.config
    if "ARGON2_DUMMY_HASH" not in config:
        config["ARGON2_DUMMY_HASH"] = hasher().hash(secrets.token_hex(16))
    return config["ARGON2_DUMMY_HASH"]


class InvalidCredentials(Exception):
    pass


class LoginThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class InvalidResetToken(Exception):
    pass


def normalise_email(address: str) -> str:
    return address.strip().lower()


def _longest(column) -> int:
    """The length of a String(n) column: PostgreSQL refuses a longer value."""
    return column.property.columns[0].type.length


def _failed_attempt(email: str, address: str) -> LoginAttempt:
    """A failed attempt's row; a typed address longer than any account's is cut to fit."""
    return LoginAttempt(email=email[: _longest(LoginAttempt.email)], address=address)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {"password": [_("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH)]}
        )


def create_user(email: str, password: str | None, role: str, nom: str = "") -> User:
    address = normalise_email(email)
    if not EMAIL_PATTERN.fullmatch(address) or len(address) > _longest(User.email):
        raise ValidationError({"email": [_("Adresse électronique invalide.")]})
    if len(nom) > _longest(User.nom):
        raise ValidationError({"nom": [_("%(max)s caractères au plus.", max=_longest(User.nom))]})
    if role not in ROLES:
        raise ValidationError({"role": [_("Rôle inconnu : %(role)s.", role=role)]})
    if db.session.scalar(select(User).where(User.email == address)):
        raise ValidationError({"email": [_("Un compte existe déjà pour cette adresse.")]})
    user = User(email=address, role=role, nom=nom)
    if password is not None:
        _check_password(password)
        user.password_hash = hasher().hash(password)
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def _window_start() -> datetime:
    return utcnow() - _window()


def _retry_after(oldest: datetime) -> int:
    return max(1, int((as_utc(oldest) + _window() - utcnow()).total_seconds()))


def _check_limit(limit: int, *conditions) -> None:
    """Refuse when the failures matching ``conditions`` reached ``limit`` in the window."""
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        LoginAttempt.at >= _window_start(), *conditions
    )
    count, oldest = db.session.execute(query).one()
    if count >= limit:
        raise LoginThrottled(_retry_after(oldest))


def check_address(address: str) -> None:
    """Refuse a client address that failed too often (logins, reset requests)."""
    limit = current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    _check_limit(limit, LoginAttempt.address == address)


def check_throttle(email: str, address: str) -> None:
    """Refuse to even try a password when this account failed too often from this address,
    or this address too often whatever the account. Failures from one address never lock
    the account for the others: the owner signs in from her own while someone guesses."""
    limit = current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    _check_limit(
        limit, LoginAttempt.email == normalise_email(email), LoginAttempt.address == address
    )
    check_address(address)


def authenticate(email: str, password: str, address: str) -> User:
    """The active account with this password; a success forgets this address's failures on
    the account and revokes its pending reset links (the owner remembered her password)."""
    try:
        check_throttle(email, address)
    except LoginThrottled:
        security_event("login.throttled", email=normalise_email(email), address=address)
        raise
    user = find_user(email)
    try:
        hasher().verify(
            user.password_hash if user and user.password_hash else _dummy_hash(), password
        )
        if user is None or not user.active or not user.password_hash:
            raise VerifyMismatchError
    except (VerifyMismatchError, InvalidHashError) as error:
        db.session.add(_failed_attempt(normalise_email(email), address))
        db.session.commit()
        security_event("login.failed", email=normalise_email(email), address=address)
        raise InvalidCredentials from error
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.email == user.email, LoginAttempt.address == address
        )
    )
    _revoke_reset_links(user)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """End every session of the account, in every browser (the next request is signed out)."""
    user.session_generation = (user.session_generation or 0) + 1


def sign_out(user: User, address: str) -> None:
    end_sessions(user)
    db.session.commit()
    security_event("logout", email=user.email, address=address)


def change_password(user: User, current: str, new: str, address: str) -> None:
    """Replace the password after checking the current one (throttled like a sign-in);
    every session of the account ends: the caller signs the current browser in again."""
    authenticate(user.email, current, address)
    _check_password(new)
    user.password_hash = hasher().hash(new)
    end_sessions(user)
    db.session.commit()
    security_event("password.changed", email=user.email, address=address)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


MAX_RESET_LINKS_PER_WINDOW = 3


def start_password_reset(email: str, address: str | None = None) -> str | None:
    """A one-time token for the account, or None when there is no such active account.

    Requested from the web (``address`` given), requests count against that address like
    failed logins, and an account gets at most a few links per window (no mail bombing).
    A new link revokes the account's earlier ones.
    """
    if address is not None:
        try:
            check_address(address)
        except LoginThrottled:
            security_event(
                "password_reset.throttled", email=normalise_email(email), address=address
            )
            raise
        db.session.add(_failed_attempt(f"reset:{normalise_email(email)}", address))
        db.session.commit()
    user = find_user(email)
    if user is None or not user.active or _recent_links(user) >= MAX_RESET_LINKS_PER_WINDOW:
        outcome = "unknown account" if user is None or not user.active else "too many links"
        security_event(
            "password_reset.refused", email=normalise_email(email), address=address, reason=outcome
        )
        return None
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["PASSWORD_RESET_SECONDS"])
    _revoke_reset_links(user)
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + lifetime
        )
    )
    db.session.commit()
    security_event("password_reset.requested", email=user.email, address=address)
    return token


def _revoke_reset_links(user: User) -> None:
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _recent_links(user: User) -> int:
    lifetime = timedelta(seconds=current_app.config["PASSWORD_RESET_SECONDS"])
    query = select(func.count()).where(
        PasswordResetToken.user_id == user.id,
        PasswordResetToken.expires_at > utcnow() + lifetime - _window(),
    )
    return db.session.scalar(query)


def _usable_token(token: str) -> PasswordResetToken:
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    if row is None or row.used_at is not None:
        raise InvalidResetToken
    if as_utc(row.expires_at) < utcnow():
        raise InvalidResetToken
    return row


def reset_token_usable(token: str) -> bool:
    """Whether a reset link can still be used (not spent, revoked or expired)."""
    try:
        _usable_token(token)
    except InvalidResetToken:
        return False
    return True


def reset_password(token: str, password: str, address: str | None = None) -> User:
    """Set a new password with a valid token: the token, the account's failures and every
    session of the account end."""
    try:
        row = _usable_token(token)
    except InvalidResetToken:
        security_event("password_reset.invalid_link", address=address)
        raise
    _check_password(password)
    user = db.session.get(User, row.user_id)
    user.password_hash = hasher().hash(password)
    _revoke_reset_links(user)
    end_sessions(user)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    db.session.commit()
    security_event("password_reset.completed", email=user.email, address=address)
    return user
