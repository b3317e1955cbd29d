"""Addresses to coordinates through the Base Adresse Nationale (BAN), with geopy's BANFrance.

The BAN address is configurable (DIRECTORY_BAN_URL) so that tests and air-gapped
deployments can point at a local server speaking the same API. Addresses typed here may be
a person's (the interview assistant): they are never logged.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from geopy.exc import GeopyError
from geopy.geocoders import BANFrance

from .. import referentials as ref

logger = logging.getLogger(__name__)

USER_AGENT = "annuaire-partenaires-paris"
TIMEOUT_SECONDS = 5
# The BAN answers every query with its best guess; below this score the guess is noise.
MIN_SCORE = 0.4
# The BAN refuses queries shorter than this.
MIN_QUERY_LENGTH = 3


class GeocodingUnavailable(Exception):
    """The BAN could not be reached or did not answer properly."""


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str
    citycode: str | None = None

    @property
    def arrondissement(self) -> int | None:
        """The Paris arrondissement of the place, None outside Paris."""
        return ref.INSEE_ARRONDISSEMENT.get(self.citycode or "")


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


def geocode(address: str, postcode: str | None = None) -> Place | None:
    """The place of an address, or None when the BAN does not know it well enough.

    Raises GeocodingUnavailable when the BAN cannot be reached.
    """
    query = " ".join(part.strip() for part in (address or "", postcode or "") if part.strip())
    if len(query) < MIN_QUERY_LENGTH:
        return None
    try:
        location = geocoder().geocode(query, limit=1)
    except GeopyError as error:
        # The error's text can quote the address: only its kind is logged.
        logger.warning("BAN geocoding failed: %s", type(error).__name__)
        raise GeocodingUnavailable from error
    if location is None or _score(location.raw) < MIN_SCORE:
        return None
    citycode = location.raw.get("properties", {}).get("citycode")
    return Place(location.latitude, location.longitude, location.address, citycode)
