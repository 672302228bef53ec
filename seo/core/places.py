"""Where a visitor's search is: a ZIP code, a city ("Florissant", "Florissant, MO") or a state
("MO", "Missouri"), placed with the offline ZIP table of the `zipcodes` package.

The table is read once per process, on first use, one state at a time (reading all 42,000
records at once as dictionaries would hold about 170 MB at its peak; one state at a time,
under 90 MB). Nothing is downloaded: the package carries its data."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import zipcodes

from seo.core.interface import ENGLISH, Interface
from seo.core.states import STATE_NAMES

QUERY_MAX = 100  # characters; a longer query is refused
SUGGESTIONS = 5
# How alike a misspelt city name must be (difflib ratio) to be offered as "did you mean".
SIMILARITY = 0.8
ZIP_RE = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
# Words written short in city names: "St. Louis" is "Saint Louis" in the USPS table.
ABBREVIATIONS = {
    "st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount",
    "n": "north", "s": "south", "e": "east", "w": "west",
}  # fmt: skip


class ZipRecord(NamedTuple):
    code: str
    city: str
    state: str
    latitude: float
    longitude: float
    timezone: str
    aliases: tuple[str, ...] = ()  # other city names USPS accepts for this ZIP code


@dataclass(frozen=True)
class Place:
    """A point to search from and what to call it."""

    kind: str  # "zip", "city", "state" or "point"
    label: str  # "63031 (Florissant, MO)", "Florissant, MO", "Missouri", "your location"
    latitude: float
    longitude: float
    state: str = ""


@dataclass(frozen=True)
class Reading:
    """What a search names: the places to search from (several when a city name is found in
    several states), or a message and searches to try instead."""

    places: tuple[Place, ...] = ()
    message: str = ""
    suggestions: tuple[str, ...] = ()  # searches to try: "Florissant, MO"
    state: str = ""  # the state the search named when the place itself is unknown


_NOT_WORD_RE = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation: "O'Fallon" -> ["o", "fallon"]."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD_RE.sub(" ", text.lower()).split()


def fold(text: str) -> str:
    """The form city names are compared in: "St. Louis" and "saint louis" fold alike."""
    return " ".join(ABBREVIATIONS.get(w, w) for w in words(text))


_STATE_BY_NAME = {" ".join(words(name)): code for code, name in STATE_NAMES.items()}


def state_code(text: str) -> str | None:
    """The USPS code of a state named by code or by name ("mo", "Missouri"), else None."""
    plain = " ".join(words(text))
    if len(plain) == 2 and plain.upper() in STATE_NAMES:
        return plain.upper()
    return _STATE_BY_NAME.get(plain)


def split_state(text: str) -> tuple[str, str] | None:
    """(city, state code) of "Florissant, MO", "Florissant MO" or "Florissant, Missouri"."""
    if "," in text:
        head, tail = text.rsplit(",", 1)
        code = state_code(tail)
        return (head.strip(), code) if code and head.strip() else None
    parts = text.split()
    for size in (3, 2, 1):  # "District of Columbia", "New York", "MO"
        if len(parts) > size:
            code = state_code(" ".join(parts[-size:]))
            if code:
                return " ".join(parts[:-size]), code
    return None


def label(city: str, state: str) -> str:
    return f"{city}, {state}"


class _Tables:
    """The ZIP table read into the lookups a search uses."""

    def __init__(self, records: Iterable[ZipRecord]):
        self.zips: dict[str, ZipRecord] = {}
        primary: dict[tuple[str, str], list] = {}
        alias: dict[tuple[str, str], list] = {}
        states: dict[str, list] = {}
        prefixes: dict[str, set[str]] = {}
        for record in records:
            self.zips[record.code] = record
            point = (record.latitude, record.longitude)
            primary.setdefault((fold(record.city), record.state), [record.city]).append(point)
            for name in record.aliases:
                alias.setdefault((fold(name), record.state), [name]).append(point)
            states.setdefault(record.state, [STATE_NAMES[record.state]]).append(point)
            prefixes.setdefault(record.code[:3], set()).add(record.state)
        # A city's own ZIP codes place it; names USPS only accepts as aliases ("Overland
        # Park" for some Leawood codes) are placed by those.
        self.cities = {
            key: _centre("city", label(found[0], key[1]), found[1:], key[1])
            for key, found in {**alias, **primary}.items()
        }
        self.states = {
            code: _centre("state", found[0], found[1:], code) for code, found in states.items()
        }
        self.states_named: dict[str, list[str]] = {}
        for name, code in sorted(self.cities):
            self.states_named.setdefault(name, []).append(code)
        self.names = sorted(self.states_named)
        self.grams: dict[str, list[int]] = {}  # letter pair -> the names holding it
        for number, name in enumerate(self.names):
            for gram in _pairs(name):
                self.grams.setdefault(gram, []).append(number)
        self.prefix_state = {p: next(iter(s)) for p, s in prefixes.items() if len(s) == 1}


class Gazetteer:
    """ZIP codes, cities and states with their coordinates, and close names for typos.

    The table is read on first use: a caller that never looks a place up (the static
    build's locator index, when every clinic has its coordinates and time zone) pays nothing."""

    def __init__(self, records: Iterable[ZipRecord]):
        self._records = records

    @functools.cached_property
    def _t(self) -> _Tables:
        return _Tables(self._records)

    def zip(self, code: str) -> ZipRecord | None:
        return self._t.zips.get(code[:5])

    def timezone(self, postal_code: str) -> str:
        record = self._t.zips.get(postal_code[:5])
        return record.timezone if record else ""

    def city(self, name: str, state: str) -> Place | None:
        return self._t.cities.get((fold(name), state))

    def cities_named(self, name: str) -> tuple[Place, ...]:
        folded = fold(name)
        return tuple(self._t.cities[(folded, s)] for s in self._t.states_named.get(folded, ()))

    def state(self, code: str) -> Place | None:
        return self._t.states.get(code)

    def prefix_state(self, code: str) -> str | None:
        """The one state whose ZIP codes start like this code's, if only one does."""
        return self._t.prefix_state.get(code[:3])

    def _near(self, folded: str, state: str) -> list[str]:
        """Names sharing all but four of `folded`'s letter pairs: a typo changes at most two
        pairs, so names two typos away are among these, and difflib need not read the rest."""
        pairs = _pairs(folded)
        shared = Counter(n for gram in pairs for n in self._t.grams.get(gram, ()))
        least = max(1, len(pairs) - 4)
        names = (self._t.names[n] for n, count in shared.items() if count >= least)
        return [n for n in names if not state or state in self._t.states_named[n]]

    def similar(self, name: str, state: str = "") -> tuple[str, ...]:
        """Searches to try for a misspelt or unfinished city name: names it begins, then
        names close to it by edit ratio."""
        folded = fold(name)
        if not folded:
            return ()
        start = bisect.bisect_left(self._t.names, folded)
        found = []
        for other in self._t.names[start : start + 500]:
            if not other.startswith(folded) or len(found) >= SUGGESTIONS:
                break
            if not state or state in self._t.states_named[other]:
                found.append(other)
        near = self._near(folded, state)
        found += difflib.get_close_matches(folded, near, SUGGESTIONS, SIMILARITY)
        suggestions: list[str] = []
        for other in dict.fromkeys(found):
            codes = [state] if state else self._t.states_named[other]
            city = self._t.cities[(other, codes[0])]
            text = city.label if len(codes) == 1 else city.label.rsplit(", ", 1)[0]
            suggestions.append(text)
        return tuple(suggestions[:SUGGESTIONS])


def _pairs(name: str) -> set[str]:
    padded = f" {name} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _centre(kind: str, name: str, points: list[tuple[float, float]], state: str) -> Place:
    latitude = sum(p[0] for p in points) / len(points)
    longitude = sum(p[1] for p in points) / len(points)
    return Place(kind, name, round(latitude, 4), round(longitude, 4), state)


def zip_records() -> Iterable[ZipRecord]:
    """Every ZIP code in use in a state, DC or a territory with a USPS code, from `zipcodes`."""
    # One pass over the table (a filter per state reads it whole 56 times), by state.
    by_state: dict[str, list[dict]] = {state: [] for state in STATE_NAMES}
    for row in zipcodes.list_all():
        rows = by_state.get(row["state"])
        if rows is not None:
            rows.append(row)
    for state, rows in by_state.items():
        for row in rows:
            latitude, longitude = float(row["lat"] or 0), float(row["long"] or 0)
            if not row["active"] or (latitude, longitude) == (0, 0):  # 0, 0: not placed
                continue
            yield ZipRecord(
                row["zip_code"],
                row["city"],
                state,
                latitude,
                longitude,
                row["timezone"],
                tuple(row["acceptable_cities"]),
            )


@functools.cache
def gazetteer() -> Gazetteer:
    """The ZIP table, read once per process on first use."""
    return Gazetteer(zip_records())


def locate(text: str, places: Gazetteer, ui: Interface = ENGLISH) -> Reading:
    """Read a search: a ZIP code anywhere in it, a state, "City, ST", "City ST" or a city;
    its messages in the language of `ui`."""
    _ = ui.gettext
    text = " ".join(text.split())
    if not words(text):
        return Reading(message=_("Type a ZIP code, a city or a state."))
    found = ZIP_RE.search(text)
    if found:
        return _by_zip(found[1], places, ui)
    if text.replace(" ", "").replace("-", "").isdigit():
        return Reading(
            message=_("%(text)s is not a ZIP code: a ZIP code has five digits.", text=text)
        )
    code = state_code(text)
    if code:
        place = places.state(code)
        others = tuple(p.label for p in places.cities_named(text))[:SUGGESTIONS]
        return Reading(places=(place,), suggestions=others) if place else Reading()
    named = places.cities_named(text)
    if named:
        return Reading(places=named)
    split = split_state(text)
    if split:
        city, code = split
        place = places.city(city, code)
        if place:
            return Reading(places=(place,))
        return Reading(
            message=_(
                'We could not find "%(city)s" in %(state)s.', city=city, state=STATE_NAMES[code]
            ),
            suggestions=places.similar(city, code),
            state=code,
        )
    return Reading(
        message=_('We could not find a place called "%(text)s".', text=text),
        suggestions=places.similar(text),
    )


def _by_zip(code: str, places: Gazetteer, ui: Interface) -> Reading:
    record = places.zip(code)
    if record is None:
        return Reading(
            message=ui.gettext(
                "%(code)s is not a ZIP code in use. Check it, or type a city or a state.",
                code=code,
            ),
            state=places.prefix_state(code) or "",
        )
    name = f"{code} ({label(record.city, record.state)})"
    return Reading(places=(Place("zip", name, record.latitude, record.longitude, record.state),))
