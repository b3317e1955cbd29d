"""Addresses to coordinates through the Base Adresse Nationale (BAN), with geopy's BANFrance.

The BAN address is configurable (DIRECTORY_BAN_URL) so that tests and air-gapped
deployments can point at a local server speaking the same API.
"""

import logging
from urllib.parse import urlsplit

from flask import current_app
from geopy.exc import GeopyError
from geopy.geocoders import BANFrance

logger = logging.getLogger(__name__)

USER_AGENT = "annuaire-partenaires-paris"
TIMEOUT_SECONDS = 5
# The BAN answers every query with its best guess; below this score the guess is noise.
MIN_SCORE = 0.4
# The BAN refuses queries shorter than this.
MIN_QUERY_LENGTH = 3


def geocoder() -> BANFrance:
    """A BANFrance geocoder for the configured BAN_URL (scheme, host, port and path)."""
    url = urlsplit(current_app.config["BAN_URL"])
    return BANFrance(
        domain=url.netloc + url.path.rstrip("/"),
        scheme=url.scheme or "https",
        user_agent=USER_AGENT,
        timeout=TIMEOUT_SECONDS,
    )


def _score(raw: dict) -> float:
    try:
        return float(raw.get("properties", {}).get("score", 1.0))
    except (TypeError, ValueError):
        return 0.0


def geocode(address: str, postcode: str | None = None) -> tuple[float, float, str] | None:
    """(latitude, longitude, the BAN's label) of an address, or None when the BAN does not
    know it well enough or cannot be reached (the reason is logged)."""
    query = " ".join(part.strip() for part in (address or "", postcode or "") if part.strip())
    if len(query) < MIN_QUERY_LENGTH:
        return None
    try:
        location = geocoder().geocode(query, limit=1)
    except GeopyError as error:
        logger.warning("BAN geocoding of %r failed: %s", query, error)
        return None
    if location is None or _score(location.raw) < MIN_SCORE:
        return None
    return location.latitude, location.longitude, location.address
