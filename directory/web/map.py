"""The data of a results map: the services received on site that have a point, and the
person's point; plain dicts for the `results_map` macro of templates/_map.html."""

from collections.abc import Iterable
from typing import Protocol

from flask import url_for

from ..models import Service
from ..search.documents import on_site_point


class MapItem(Protocol):
    """A search result or any object with a service and its distance (km, or None)."""

    service: Service
    distance_km: float | None


def map_points(items: Iterable[MapItem]) -> list[dict]:
    """One point per service received on site with coordinates, by the search documents' rule."""
    points = []
    for item in items:
        located = on_site_point(item.service)
        if located is None:
            continue
        point = {
            "lat": located[0],
            "lon": located[1],
            "label": item.service.nom,
            "url": url_for("web.service", service_id=item.service.id),
        }
        if item.distance_km is not None:
            point["distance_km"] = item.distance_km
        points.append(point)
    return points


def map_origin(lat: float, lon: float, label: str) -> dict:
    """The person's point, drawn apart from the services."""
    return {"lat": lat, "lon": lon, "label": label}
