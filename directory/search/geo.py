"""Great-circle distance, as Elasticsearch computes it (haversine, mean Earth radius)."""

from collections.abc import Callable
from math import asin, cos, pi, radians, sin, sqrt

EARTH_MEAN_RADIUS_KM = 6371.0087714


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    half_dphi, half_dlambda = radians(lat2 - lat1) / 2, radians(lon2 - lon1) / 2
    h = sin(half_dphi) ** 2 + cos(phi1) * cos(phi2) * sin(half_dlambda) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * asin(min(1.0, sqrt(h)))


def within_km(lat1: float, lon1: float, radius_km: float) -> Callable[[float, float], bool]:
    """Whether a point is at most ``radius_km`` from (lat1, lon1), by distance_km's formula
    with its constant parts computed once and the arcsine left out (the haversine grows with
    the distance): the many points of a radius filter are checked several times faster."""
    cos_phi1 = cos(radians(lat1))
    limit = sin(min(radius_km / (2 * EARTH_MEAN_RADIUS_KM), pi / 2)) ** 2

    def near(lat2: float, lon2: float) -> bool:
        half_dphi, half_dlambda = radians(lat2 - lat1) / 2, radians(lon2 - lon1) / 2
        return sin(half_dphi) ** 2 + cos_phi1 * cos(radians(lat2)) * sin(half_dlambda) ** 2 <= limit

    return near
