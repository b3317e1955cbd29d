"""Great-circle distance, as Elasticsearch computes it (haversine, mean Earth radius)."""

from math import asin, cos, radians, sin, sqrt

EARTH_MEAN_RADIUS_KM = 6371.0087714


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    half_dphi, half_dlambda = radians(lat2 - lat1) / 2, radians(lon2 - lon1) / 2
    h = sin(half_dphi) ** 2 + cos(phi1) * cos(phi2) * sin(half_dlambda) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * asin(min(1.0, sqrt(h)))
