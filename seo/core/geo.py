"""Distances and the one nearest-neighbour search, over any index that answers box queries."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from seo.core.locations import Location

NEARBY_COUNT = 4
KM_PER_DEGREE = 111.19  # one degree of latitude on the mean-radius Earth
SEARCH_RADII = (0.5, 2.0, 8.0, 32.0, 180.0)  # degrees, widened until the nearest are certain

GRID_CELL = 0.5  # degrees

# (latitude, longitude, radius in degrees) -> the locations inside that box
BoxQuery = Callable[[float, float, float], Iterable[Location]]


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12_742 * math.asin(math.sqrt(h))


def nearest(
    location: Location, others: Iterable[Location], count: int = NEARBY_COUNT
) -> list[Location]:
    """Return the closest other locations, nearest first (by slug when unknown)."""
    candidates = [o for o in others if o.slug != location.slug]
    if location.latitude is None:
        return sorted(candidates, key=lambda o: o.slug)[:count]
    located = [o for o in candidates if o.latitude is not None]
    return sorted(located, key=lambda o: (distance_km(location, o), o.slug))[:count]


def box_is_enough(location: Location, found: Sequence[Location], radius: float, count: int) -> bool:
    """True when no location outside the +/-radius box can be nearer than the count-th found."""
    if radius >= 180 or location.latitude is None:
        return True
    if len(found) < count:
        return False
    edge_lat = min(89.9, abs(location.latitude) + radius)
    safe_km = radius * KM_PER_DEGREE * math.cos(math.radians(edge_lat))
    return distance_km(location, found[count - 1]) <= safe_km


def find_neighbours(
    location: Location,
    keep: Callable[[Location], bool],
    box: BoxQuery,
    everyone: Callable[[], Iterable[Location]],
) -> list[Location]:
    """The nearest other locations that `keep` accepts, searching ever wider boxes."""
    if location.latitude is None:
        return nearest(location, filter(keep, everyone()))
    found: list[Location] = []
    for radius in SEARCH_RADII:
        inside = filter(keep, box(location.latitude, location.longitude, radius))
        found = nearest(location, inside)
        if box_is_enough(location, found, radius, NEARBY_COUNT):
            break
    return found


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / GRID_CELL), math.floor(longitude / GRID_CELL)


class Grid:
    """Located locations on a grid of GRID_CELL-degree squares: a small box reads a few
    cells, not a band of the whole map."""

    def __init__(self, locations: Iterable[Location]):
        self._cells: dict[tuple[int, int], list[Location]] = {}
        for x in locations:
            if x.latitude is not None:
                self._cells.setdefault(_cell(x.latitude, x.longitude), []).append(x)

    def box(self, latitude: float, longitude: float, radius: float) -> list[Location]:
        """The locations within +/-radius degrees of a point."""
        reach = math.ceil(radius / GRID_CELL)
        if (2 * reach + 1) ** 2 > len(self._cells):
            cells: Iterable[list[Location]] = self._cells.values()
        else:
            row, column = _cell(latitude, longitude)
            cells = (
                self._cells.get((i, j), [])
                for i in range(row - reach, row + reach + 1)
                for j in range(column - reach, column + reach + 1)
            )
        return [
            o
            for cell in cells
            for o in cell
            if abs(o.latitude - latitude) <= radius and abs(o.longitude - longitude) <= radius
        ]
