"""The embedded index in memory, at one generation: postings as bitmaps, per-document arrays.

A snapshot never changes once built. A newer generation is a new snapshot that shares the
unchanged bitmaps with the old one, so searches still running on the old one are unharmed.
Memory per document: its service id, two floats, and its bits in the postings.
"""

import math
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyroaring import BitMap, FrozenBitMap

from .embedded_store import CELL, EVERY_DOCUMENT, Changes
from .geo import distance_km
from .grid import Grid

NOWHERE = math.nan
NOTHING = FrozenBitMap()


@dataclass(frozen=True)
class Snapshot:
    generation: int
    # field -> value -> the numbers of the documents having that value.
    postings: dict[str, dict[str, BitMap]]
    # By document number: its service id, and its point (NaN without one).
    service_ids: list[str | None]
    latitudes: array
    longitudes: array
    # Computed on first use, for this generation only (orders, ranks, the grid).
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def empty(cls) -> "Snapshot":
        return cls(-1, {}, [], array("d"), array("d"))

    def updated(self, generation: int, changes: Changes) -> "Snapshot":
        """A snapshot at ``generation``: this one with the changed rows read since."""
        postings = dict(self.postings)
        copied = set()
        for name, value, docs in changes.postings:
            if name not in copied:
                postings[name] = dict(postings.get(name, {}))
                copied.add(name)
            if docs:
                postings[name][value] = docs
            else:
                postings[name].pop(value, None)
        size = max([len(self.service_ids), *(row[0] + 1 for row in changes.documents)])
        missing = size - len(self.service_ids)
        service_ids = self.service_ids + [None] * missing
        latitudes = self.latitudes + array("d", [NOWHERE]) * missing
        longitudes = self.longitudes + array("d", [NOWHERE]) * missing
        for doc, service_id, latitude, longitude in changes.documents:
            service_ids[doc] = service_id
            latitudes[doc] = NOWHERE if latitude is None else latitude
            longitudes[doc] = NOWHERE if longitude is None else longitude
        return Snapshot(generation, postings, service_ids, latitudes, longitudes)

    # -- reading -------------------------------------------------------------------------

    def docs(self, name: str, value: str) -> BitMap:
        return self.postings.get(name, {}).get(value, NOTHING)

    def any_of(self, name: str, values: Iterable[str]) -> BitMap:
        return BitMap().union(*(self.docs(name, value) for value in values))

    @property
    def every_document(self) -> BitMap:
        return self.docs(*EVERY_DOCUMENT)

    def distance_km(self, doc: int, latitude: float, longitude: float) -> float | None:
        own_latitude = self.latitudes[doc]
        if math.isnan(own_latitude):
            return None
        return distance_km(own_latitude, self.longitudes[doc], latitude, longitude)

    def grid(self) -> Grid:
        return self.derived(
            "grid", lambda: Grid(self.postings.get(CELL, {}), self.latitudes, self.longitudes)
        )

    def derived(self, key, compute: Callable):
        """A value computed once for this generation (two threads may both compute it)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]
