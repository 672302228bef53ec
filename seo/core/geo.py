"""Distances and the one nearest-neighbour search, over any index that answers box queries."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Sequence

from seo.core.locations import Location

NEARBY_COUNT = 4
KM_PER_DEGREE = 111.19  # one degree of latitude on the mean-radius Earth
# Degrees, widened until the nearest are certain; the first box holds a few dozen clinics
# even where 100,000 are spread over the country.
SEARCH_RADII = (0.125, 0.5, 2.0, 8.0, 32.0, 180.0)

GRID_CELL = 0.5  # degrees

# (latitude, longitude, radius in degrees) -> the locations inside that box
BoxQuery = Callable[[float, float, float], Iterable[Location]]


def point_distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in degrees (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12_742 * math.asin(math.sqrt(h))


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance between two located locations."""
    return point_distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def nearest(
    location: Location, others: Iterable[Location], count: int = NEARBY_COUNT
) -> list[Location]:
    """Return the closest other locations, nearest first (by slug when unknown)."""
    candidates = [o for o in others if o.slug != location.slug]
    if location.latitude is None:
        return sorted(candidates, key=lambda o: o.slug)[:count]
    located = [o for o in candidates if o.latitude is not None]
    return sorted(located, key=lambda o: (distance_km(location, o), o.slug))[:count]


def safe_km(latitude: float, radius: float) -> float:
    """How far from a point at `latitude` everything outside its +/-radius box lies, at least."""
    edge_lat = min(89.9, abs(latitude) + radius)
    return radius * KM_PER_DEGREE * math.cos(math.radians(edge_lat))


def box_is_enough(location: Location, found: Sequence[Location], radius: float, count: int) -> bool:
    """True when no location outside the +/-radius box can be nearer than the count-th found."""
    if radius >= 180 or location.latitude is None:
        return True
    if len(found) < count:
        return False
    return distance_km(location, found[count - 1]) <= safe_km(location.latitude, radius)


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


MAX_COVERED_CELLS = 64  # past this a page depends on every cell ("*")


def cell_name(latitude: float, longitude: float) -> str:
    """The grid square (GRID_CELL degrees) a point lies in, as text."""
    return f"{math.floor(latitude / GRID_CELL)},{math.floor(longitude / GRID_CELL)}"


def covered_cells(location: Location, found: Sequence[Location]) -> tuple[str, ...]:
    """The grid squares a clinic appearing in would change `found`, the nearest of
    `location`: every square within the distance of the farthest found. ("*",) when that is
    not a small area (too few found, no position, or a box past the date line)."""
    if location.latitude is None or location.longitude is None or len(found) < NEARBY_COUNT:
        return ("*",)
    reach_km = distance_km(location, found[-1])
    dlat = reach_km / KM_PER_DEGREE
    edge = min(89.9, abs(location.latitude) + dlat)
    dlon = reach_km / (KM_PER_DEGREE * math.cos(math.radians(edge)))
    west, east = location.longitude - dlon, location.longitude + dlon
    if west < -180 or east >= 180:
        return ("*",)
    rows = range(
        math.floor((location.latitude - dlat) / GRID_CELL),
        math.floor((location.latitude + dlat) / GRID_CELL) + 1,
    )
    columns = range(math.floor(west / GRID_CELL), math.floor(east / GRID_CELL) + 1)
    if len(rows) * len(columns) > MAX_COVERED_CELLS:
        return ("*",)
    return tuple(f"{i},{j}" for i in rows for j in columns)


def nearest_to_point(
    latitude: float,
    longitude: float,
    keep: Callable[[Location], bool],
    box: BoxQuery,
    count: int,
    radii: Sequence[float] = SEARCH_RADII,
) -> list[tuple[float, Location]]:
    """(km, location) of the `count` located locations nearest a point that `keep` accepts,
    nearest first, searching ever wider boxes as `find_neighbours` does."""
    found: list[tuple[float, Location]] = []
    for radius in radii:
        inside = (
            (point_distance_km(latitude, longitude, o.latitude, o.longitude), o)
            for o in box(latitude, longitude, radius)
            if keep(o)
        )
        found = heapq.nsmallest(count, inside, key=lambda pair: (pair[0], pair[1].slug))
        if radius >= 180 or (len(found) == count and found[-1][0] <= safe_km(latitude, radius)):
            break
    return found


def nearest_of(
    points: Sequence[tuple[float, float]],
    keep: Callable[[Location], bool],
    box: BoxQuery,
    radii: Sequence[float] = SEARCH_RADII,
) -> int:
    """The index of the point with the nearest accepted location (0 when none has one).

    The boxes around every point are widened together, and the search stops as soon as one
    point's nearest location is certain and no other point can have a nearer one: asking
    each point for its own nearest would widen the far ones to half the map."""
    best: int | None = None
    best_km = math.inf
    remaining = list(range(len(points)))
    for radius in radii:
        bounds = {}
        for i in remaining:
            latitude, longitude = points[i]
            near = min(
                (
                    point_distance_km(latitude, longitude, o.latitude, o.longitude)
                    for o in box(latitude, longitude, radius)
                    if keep(o)
                ),
                default=math.inf,
            )
            safe = math.inf if radius >= 180 else safe_km(latitude, radius)
            if near <= safe and near < best_km:
                best, best_km = i, near  # certain: nothing outside the box is nearer
            bounds[i] = min(near, safe)  # no location is nearer this point than that
        remaining = [i for i in remaining if i != best and bounds[i] < best_km]
        if not remaining:
            break
    return best or 0


class Grid:
    """Located locations on a grid of squares (GRID_CELL degrees unless told): a small box
    reads a few cells, not a band of the whole map."""

    def __init__(self, locations: Iterable[Location], cell: float = GRID_CELL):
        self._size = cell
        self._cells: dict[tuple[int, int], list[Location]] = {}
        for x in locations:
            if x.latitude is not None:
                self._cells.setdefault(self._cell(x.latitude, x.longitude), []).append(x)

    def _cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self._size), math.floor(longitude / self._size)

    def box(self, latitude: float, longitude: float, radius: float) -> list[Location]:
        """The locations within +/-radius degrees of a point."""
        reach = math.ceil(radius / self._size)
        if (2 * reach + 1) ** 2 > len(self._cells):
            cells: Iterable[list[Location]] = self._cells.values()
        else:
            row, column = self._cell(latitude, longitude)
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
