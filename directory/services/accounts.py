"""Accounts: argon2 password hashes, throttled logins, one-time password-reset links."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import ROLES, LoginAttempt, PasswordResetToken, User, utcnow

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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {"password": [_("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH)]}
        )


def create_user(email: str, password: str | None, role: str, nom: str = "") -> User:
    address = normalise_email(email)
    if not EMAIL_PATTERN.fullmatch(address):
        raise ValidationError({"email": [_("Adresse électronique invalide.")]})
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


def _failures(column, value) -> tuple[int, datetime | None]:
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        column == value, LoginAttempt.at >= _window_start()
    )
    count, oldest = db.session.execute(query).one()
    return count, oldest


def _retry_after(oldest: datetime) -> int:
    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=utcnow().tzinfo)
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return max(1, int((oldest + window - utcnow()).total_seconds()))


def _check_limit(column, value: str, limit: int) -> None:
    count, oldest = _failures(column, value)
    if count >= limit:
        raise LoginThrottled(_retry_after(oldest))


def check_address(address: str) -> None:
    """Refuse a client address that failed too often (logins, reset requests)."""
    _check_limit(
        LoginAttempt.address, address, current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def check_throttle(email: str, address: str) -> None:
    """Refuse to even try a password when this account or address failed too often."""
    limit = current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    _check_limit(LoginAttempt.email, normalise_email(email), limit)
    check_address(address)


def authenticate(email: str, password: str, address: str) -> User:
    check_throttle(email, address)
    user = find_user(email)
    try:
        hasher().verify(
            user.password_hash if user and user.password_hash else _dummy_hash(), password
        )
        if user is None or not user.active or not user.password_hash:
            raise VerifyMismatchError
    except (VerifyMismatchError, InvalidHashError) as error:
        db.session.add(LoginAttempt(email=normalise_email(email), address=address))
        db.session.commit()
        raise InvalidCredentials from error
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    db.session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


MAX_RESET_LINKS_PER_WINDOW = 3


def start_password_reset(email: str, address: str | None = None) -> str | None:
    """A one-time token for the account, or None when there is no such active account.

    Requested from the web (``address`` given), requests count against that address like
    failed logins, and an account gets at most a few links per window (no mail bombing).
    """
    if address is not None:
        check_address(address)
        db.session.add(LoginAttempt(email=f"reset:{normalise_email(email)}", address=address))
        db.session.commit()
    user = find_user(email)
    if user is None or not user.active or _recent_links(user) >= MAX_RESET_LINKS_PER_WINDOW:
        return None
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["PASSWORD_RESET_SECONDS"])
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + lifetime
        )
    )
    db.session.commit()
    return token


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
    expires = (
        row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    )
    if expires < utcnow():
        raise InvalidResetToken
    return row


def reset_token_usable(token: str) -> bool:
    """Whether a reset link can still be used (not spent, not expired)."""
    try:
        _usable_token(token)
    except InvalidResetToken:
        return False
    return True


def reset_password(token: str, password: str) -> User:
    """Set a new password with a valid token; the token and the account's failures are spent."""
    row = _usable_token(token)
    _check_password(password)
    user = db.session.get(User, row.user_id)
    user.password_hash = hasher().hash(password)
    row.used_at = utcnow()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    db.session.commit()
    return user
