"""The security headers every answer carries, and the security events' log lines.

Security events (sign-ins, failures, reset requests, password changes, refusals) go to the
``directory.security`` logger as one line each, ``event key="value" …``, for an operator to
grep: never a password, a token or a reset link.
"""

import json
import logging
from urllib.parse import urlsplit

from flask import Flask, Response, current_app

logger = logging.getLogger("directory.security")

# Powerful browser features no page uses.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS_SECONDS = 2 * 365 * 24 * 3600
# The longest value a security line shows (an e-mail address has at most 320 characters).
LOGGED_VALUE_CHARS = 320


def security_event(event: str, **fields) -> None:
    """Log one security event; values are quoted, so a typed CR/LF cannot forge a line, and
    cut, so a typed megabyte does not fill the log."""
    details = " ".join(
        f"{name}={json.dumps(str(value)[:LOGGED_VALUE_CHARS], ensure_ascii=False)}"
        for name, value in fields.items()
        if value is not None
    )
    logger.info("%s %s", event, details)


def _tile_source(tiles_url: str | None) -> str:
    """The origin of the map's background tiles, as a CSP source ({s} subdomains: *)."""
    if not tiles_url:
        return ""
    parts = urlsplit(tiles_url.replace("{s}", "*"))
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(config) -> str:
    """Scripts, styles and fonts from this site only (no inline script or style attribute);
    images also as data: URIs (the design system's icons) and from the map's tile server."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
        f"img-src 'self' data:{_tile_source(config.get('MAP_TILES_URL'))}; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def security_headers(response: Response) -> Response:
    """Set on every answer, pages, API and files alike (a view may set its own first)."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(config))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if config["SESSION_COOKIE_SECURE"]:
        # Only where the site is served over HTTPS (the cookies would not work otherwise).
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    if logger.level == logging.NOTSET:
        # Security events are INFO lines: shown unless the operator sets this logger's level.
        logger.setLevel(logging.INFO)
