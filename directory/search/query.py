"""The search query and result objects shared by every backend (no Flask here)."""

from dataclasses import dataclass, field

# Derived from the registry of filters and sorts (filters.py), re-exported for the backends.
from .filters import DEDICATED_FIELDS as DEDICATED_FIELDS
from .filters import INDEX_FIELDS as INDEX_FIELDS
from .filters import TERM_FILTERS as TERM_FILTERS

DEFAULT_SIZE = 20
MAX_SIZE = 100


@dataclass(frozen=True)
class GeoFilter:
    lat: float
    lon: float
    rayon_km: float | None = None


@dataclass(frozen=True)
class SearchQuery:
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    age: int | None = None
    geo: GeoFilter | None = None
    q: str | None = None
    sort: str | None = None
    page: int = 1
    size: int = DEFAULT_SIZE
    # False when only the hits and the total are wanted (no facet counts to compute).
    facets: bool = True
    # publics_dedies: only the services dedicated to the chosen publics (or to RQTH holders).
    dedicated: bool = False

    def index_field(self, name: str) -> str:
        """The index field that a term filter, and its facet, reads for this query."""
        return DEDICATED_FIELDS.get(name, name) if self.dedicated else name

    @property
    def effective_sort(self) -> str:
        """The requested sort, else pertinence with text, distance with a point, else name."""
        if self.sort == "pertinence" and not self.q:
            return "nom"
        if self.sort:
            return self.sort
        if self.q:
            return "pertinence"
        return "distance" if self.geo else "nom"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Hit:
    service_id: str
    distance_km: float | None = None


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    # True when the configured backend was unreachable and the embedded index answered.
    degraded: bool = False
    # Elasticsearch's own time for the search (its `took`, in ms), when it answered.
    took_ms: int | None = None


class SearchUnavailable(Exception):
    """The search backend cannot be reached (down, timing out, or failing)."""
