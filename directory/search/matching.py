"""Which filters of a query one document fails: the same membership rules as the backends.

The backends answer "which documents pass every filter"; this answers, for one document,
"which filters does it fail" — what a near miss lacks. Rules were expanded into terms once
(documents.py), so each check is plain membership, as in both backends.
"""

from .documents import SearchDocument
from .geo import distance_km
from .query import SearchQuery

AGE = "age"
RADIUS = "rayon_km"


def _passes_age(document: SearchDocument, age: int) -> bool:
    return (document.age_min is None or document.age_min <= age) and (
        document.age_max is None or age <= document.age_max
    )


def _passes_radius(document: SearchDocument, query: SearchQuery) -> bool:
    geo = query.geo
    if document.remote:
        return True
    if document.latitude is None:
        return False
    return distance_km(geo.lat, geo.lon, document.latitude, document.longitude) <= geo.rayon_km


def failed_filters(document: SearchDocument, query: SearchQuery) -> list[str]:
    """The names of the filters of ``query`` that ``document`` fails (text is not checked)."""
    failed = [
        name
        for name, values in query.terms.items()
        if values and not set(values) & set(document.terms.get(query.index_field(name), ()))
    ]
    if query.age is not None and not _passes_age(document, query.age):
        failed.append(AGE)
    if query.geo and query.geo.rayon_km is not None and not _passes_radius(document, query):
        failed.append(RADIUS)
    return failed
