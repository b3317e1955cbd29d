"""Located documents on a grid of small cells, for radius filters and nearest-first sorts.

Each document with a point is in the posting of its cell (``cell_key``). A circle first keeps
the cells of its bounding box, then takes whole the cells surely inside it, drops those surely
outside, and measures (haversine, ``geo.distance_km``) only the documents of the cells it
crosses.
"""

import heapq
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from pyroaring import BitMap

from .geo import EARTH_MEAN_RADIUS_KM, distance_km, within_km

CELL_DEGREES = 0.0025  # about 280 m by 180 m in Paris
# Rounding slack (km) when a whole cell is taken or dropped: far below any real distance.
SLACK_KM = 1e-6
# A nearest-first sort measures every candidate up to this many; beyond, it searches outwards
# from this first reach, doubling it until enough documents are within it.
MEASURE_ALL_UP_TO = 4000
FIRST_REACH_KM = 0.5


def cell_key(latitude: float, longitude: float) -> str:
    return f"{math.floor(latitude / CELL_DEGREES)}:{math.floor(longitude / CELL_DEGREES)}"


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    docs: BitMap
    # The cell's centre, and a bound on the distance from it to any point of the cell.
    latitude: float
    longitude: float
    reach_km: float

    @classmethod
    def from_key(cls, key: str, docs: BitMap) -> "Cell":
        row, column = map(int, key.split(":"))
        latitude, longitude = (row + 0.5) * CELL_DEGREES, (column + 0.5) * CELL_DEGREES
        half = math.radians(CELL_DEGREES / 2)
        # Along the centre's parallel, then along a meridian: a path no shorter than the arc.
        reach = EARTH_MEAN_RADIUS_KM * half * (1 + math.cos(math.radians(latitude)))
        return cls(row, column, docs, latitude, longitude, reach)


@dataclass(frozen=True)
class Box:
    """The rows and columns of cells that a circle can reach (columns: None for all)."""

    rows: range
    columns: range | None

    @classmethod
    def around(cls, latitude: float, longitude: float, radius_km: float) -> "Box | None":
        angle = radius_km / EARTH_MEAN_RADIUS_KM
        degrees = math.degrees(angle)
        if angle >= math.pi / 2 or abs(latitude) + degrees >= 90:
            return None
        rows = _cells_between(latitude - degrees, latitude + degrees)
        # The widest longitude difference within the circle (at its tangent points).
        span = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(latitude))))
        if abs(longitude) + span >= 180:
            return cls(rows, None)
        return cls(rows, _cells_between(longitude - span, longitude + span))

    def holds(self, cell: Cell) -> bool:
        return cell.row in self.rows and (self.columns is None or cell.column in self.columns)


def _cells_between(low: float, high: float) -> range:
    """Cell numbers from ``low`` to ``high`` degrees, and one more each side for rounding."""
    return range(math.floor(low / CELL_DEGREES) - 1, math.floor(high / CELL_DEGREES) + 2)


class Grid:
    """The cells of a snapshot, and the points of its documents (by document number)."""

    def __init__(self, cells: dict[str, BitMap], latitudes: array, longitudes: array):
        self.cells = [Cell.from_key(key, docs) for key, docs in cells.items()]
        self.located = BitMap().union(*cells.values())
        self.latitudes = latitudes
        self.longitudes = longitudes

    def distance(self, doc: int, latitude: float, longitude: float) -> float:
        return distance_km(self.latitudes[doc], self.longitudes[doc], latitude, longitude)

    def within(self, latitude: float, longitude: float, radius_km: float) -> BitMap:
        """The located documents at most ``radius_km`` from the point."""
        inside, crossing = self._reached(latitude, longitude, radius_km)
        near = within_km(latitude, longitude, radius_km)
        latitudes, longitudes = self.latitudes, self.longitudes
        inside.update(doc for doc in crossing if near(latitudes[doc], longitudes[doc]))
        return inside

    def nearest(
        self, latitude: float, longitude: float, among: BitMap, count: int, rank: Sequence[int]
    ) -> list[int]:
        """The ``count`` documents of ``among`` (located ones) nearest the point, nearest
        first, equal distances in ``rank`` order."""
        measured = self._measured_around(latitude, longitude, among, count)
        best = heapq.nsmallest(count, measured, key=lambda pair: (pair[0], rank[pair[1]]))
        return [doc for _, doc in best]

    def _measured_around(self, latitude: float, longitude: float, among: BitMap, count: int):
        """(distance, doc) for the ``count`` documents of ``among`` nearest the point, and for
        every other one as near."""
        if len(among) <= MEASURE_ALL_UP_TO:
            return self._measure(among, latitude, longitude)
        radius = FIRST_REACH_KM
        while True:
            inside, crossing = self._reached(latitude, longitude, radius)
            candidates = (inside | crossing) & among
            if len(candidates) == len(among):
                return self._measure(among, latitude, longitude)
            near = [m for m in self._measure(candidates, latitude, longitude) if m[0] <= radius]
            if len(near) >= count:
                return near
            radius *= 2

    def _measure(self, docs: BitMap, latitude: float, longitude: float):
        return [(self.distance(doc, latitude, longitude), doc) for doc in docs]

    def _reached(self, latitude: float, longitude: float, radius_km: float):
        """The documents of the cells surely inside the circle, and of those it crosses."""
        box = Box.around(latitude, longitude, radius_km)
        inside, crossing = [], []
        for cell in self.cells:
            if box is not None and not box.holds(cell):
                continue
            centre = distance_km(cell.latitude, cell.longitude, latitude, longitude)
            if centre + cell.reach_km + SLACK_KM <= radius_km:
                inside.append(cell.docs)
            elif centre - cell.reach_km - SLACK_KM <= radius_km:
                crossing.append(cell.docs)
        return BitMap().union(*inside), BitMap().union(*crossing)
