"""The store locator: the published clinics nearest a ZIP code, a city, a state or the
visitor's own position, the page that lists them, and the JSON index a static host searches.

Nothing here depends on the clock: today's hours and "open now" are worked out in the
visitor's browser from the data attributes of each result (static/locator.js)."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from seo.core import geo, schema_org, urls
from seo.core.hours import HoursError
from seo.core.interface import ENGLISH, Interface
from seo.core.locations import Location, display_phone
from seo.core.pages.model import Link, Page, Service, Site, directions_url, shorten_title
from seo.core.places import QUERY_MAX, Gazetteer, Place, fold, locate
from seo.core.states import STATE_NAMES

RESULTS = 10  # clinics listed per search
OTHERS = 5  # other places of the same name offered as links
KM_PER_MILE = 1.609344
# A finer grid and a first box of about 11 km than the page neighbours use: a search from a
# town among thousands of clinics reads a few dozen of them, not a few hundred.
GRID_CELL = 0.1  # degrees
RADII = (0.1, *geo.SEARCH_RADII)


@dataclass(frozen=True)
class Search:
    """What a visitor asked: a place in words, or a position from their browser."""

    text: str = ""
    service: str = ""
    near: tuple[float, float] | None = None


def is_search(args: Mapping[str, str]) -> bool:
    """True for a request of /locations/ that asks the locator (not the plain index page)."""
    return "q" in args or "near" in args


def read_search(args: Mapping[str, str], ui: Interface = ENGLISH) -> tuple[Search, str]:
    """The search in a request's parameters, and why it cannot be answered ("" when it can),
    in the language of `ui`."""
    text = " ".join(str(args.get("q", "")).split())
    service = str(args.get("service", "")).strip()
    if len(text) > QUERY_MAX or len(service) > QUERY_MAX:
        problem = ui.gettext(
            "Type at most %(limit)s characters: a ZIP code, a city or a state.", limit=QUERY_MAX
        )
        return Search(), problem
    near = None
    if args.get("near"):
        try:
            latitude, longitude = (float(p) for p in str(args["near"]).split(","))
        except ValueError:
            latitude = longitude = math.nan
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return Search(text, service), ui.gettext(
                "Your position could not be read; type a place."
            )
        near = (round(latitude, 3), round(longitude, 3))  # about 100 m: enough to rank by
    return Search(text, service, near), ""


@dataclass(frozen=True)
class Hit:
    location: Location
    km: float | None  # None when the list is a state's clinics (no distance is meaningful)
    timezone: str = ""


@dataclass(frozen=True)
class Answer:
    search: Search
    service: Service | None = None
    place: Place | None = None
    hits: tuple[Hit, ...] = ()
    message: str = ""
    suggestions: tuple[str, ...] = ()  # searches to try instead ("Florissant, MO")
    others: tuple[str, ...] = ()  # other places the search may mean
    state: str = ""  # the hits are this state's clinics
    state_total: int = 0


class Directory:
    """The published clinics on a grid, ready to be searched by place."""

    def __init__(self, locations: Iterable[Location], places: Gazetteer):
        self.places = places
        clinics = []
        self.timezones: dict[str, str] = {}
        for location in locations:
            # The ZIP table only for what the clinic's own record lacks.
            lacks = location.latitude is None or not location.time_zone
            record = places.zip(location.postal_code) if lacks else None
            if location.latitude is None and record is not None:
                # A clinic without coordinates is placed at its ZIP code.
                location = replace(location, latitude=record.latitude, longitude=record.longitude)
            clinics.append(replace(location, intro="") if location.intro else location)
            # The clinic's own zone (from its coordinates, or set by staff), else its ZIP's.
            fallback = record.timezone if record else ""
            self.timezones[location.slug] = location.time_zone or fallback
        self.clinics: tuple[Location, ...] = tuple(clinics)
        self._grid = geo.Grid(clinics, GRID_CELL)
        by_state: dict[str, list[Location]] = {}
        for clinic in clinics:
            by_state.setdefault(clinic.state, []).append(clinic)
        self._centres = {code: _centre(members) for code, members in by_state.items()}
        # Each state's clinics from their middle outwards, sorted once.
        self._by_state = {
            code: sorted(members, key=lambda x, c=self._centres[code]: _away(c, x))
            for code, members in by_state.items()
        }
        # Clinics' own spelling of their cities ("St. Louis", not USPS's "Saint Louis").
        self._spelling = {(fold(c.city), c.state): c.city for c in clinics}

    def search(
        self, search: Search, services: Sequence[Service], ui: Interface = ENGLISH
    ) -> Answer:
        """The clinics nearest what the visitor asked, nearest first; messages in the
        language of `ui`."""
        service = next((s for s in services if s.slug == search.service), None)
        if search.service and service is None:
            note = ui.gettext(
                'We offer no treatment called "%(name)s"; showing every clinic.',
                name=search.service,
            )
            everywhere = self.search(replace(search, service=""), services, ui)
            return replace(everywhere, message=note)
        keep = (lambda x: x.offers(service.slug)) if service else (lambda x: True)
        answer = self._answer(search, keep, ui)
        if service and not answer.hits and answer.place:
            message = ui.gettext("No clinic offers %(name)s there yet.", name=service.name)
            answer = replace(answer, message=answer.message or message)
        return replace(answer, search=search, service=service)

    def _answer(self, search: Search, keep, ui: Interface) -> Answer:
        if search.near is not None:
            place = Place("point", ui.gettext("your location"), *search.near)
            return self._around(search, (place,), keep)
        reading = locate(search.text, self.places, ui)
        if reading.places and reading.places[0].kind == "state":
            return self._in_state(search, reading.places[0], keep, ui, others=reading.suggestions)
        if reading.places:
            return self._around(search, reading.places, keep)
        if reading.state:
            return self._in_state(
                search,
                self.places.state(reading.state),
                keep,
                ui,
                message=reading.message,
                suggestions=reading.suggestions,
            )
        return Answer(search, message=reading.message, suggestions=reading.suggestions)

    def _around(self, search: Search, candidates: Sequence[Place], keep) -> Answer:
        """The clinics nearest a place; of several places with one name, the one with the
        nearest clinic (the others are offered as links)."""
        points = [(p.latitude, p.longitude) for p in candidates]
        place = candidates[geo.nearest_of(points, keep, self._grid.box, RADII)]
        found = self._nearest(place, keep)
        hits = tuple(Hit(x, km, self.timezones.get(x.slug, "")) for km, x in found)
        # Other places of that name, those in states with clinics first.
        rest = sorted(
            (p for p in candidates if p is not place),
            key=lambda p: (p.state not in self._by_state, p.state),
        )
        others = tuple(self._named(p).label for p in rest[:OTHERS])
        return Answer(search, place=self._named(place), hits=hits, others=others)

    def _nearest(self, place: Place, keep) -> list[tuple[float, Location]]:
        return geo.nearest_to_point(
            place.latitude, place.longitude, keep, self._grid.box, RESULTS, RADII
        )

    def _named(self, place: Place) -> Place:
        """The place with the city spelt as our clinics there spell it."""
        if place.kind != "city":
            return place
        city = self._spelling.get((fold(place.label.rsplit(", ", 1)[0]), place.state))
        return replace(place, label=f"{city}, {place.state}") if city else place

    def _in_state(
        self,
        search: Search,
        place: Place | None,
        keep,
        ui: Interface,
        *,
        message: str = "",
        suggestions: tuple[str, ...] = (),
        others: tuple[str, ...] = (),
    ) -> Answer:
        """A state's clinics, from the middle of them outwards; with none there, the clinics
        nearest the state's own middle."""
        if place is None:
            return Answer(search, message=message, suggestions=suggestions)
        code = place.state
        members = self._by_state.get(code, [])
        total = sum(1 for x in members if keep(x))
        if total:
            centre = self._centres[code]
            place = replace(place, latitude=centre[0], longitude=centre[1])
            ranked = itertools.islice(filter(keep, members), RESULTS)
            hits = tuple(Hit(x, None, self.timezones.get(x.slug, "")) for x in ranked)
            return Answer(
                search,
                place=place,
                hits=hits,
                message=message,
                suggestions=suggestions,
                others=others,
                state=code,
                state_total=total,
            )
        hits = tuple(
            Hit(x, None, self.timezones.get(x.slug, "")) for _km, x in self._nearest(place, keep)
        )
        name = STATE_NAMES.get(code, code)
        note = ui.gettext("We have no clinic in %(state)s yet. These are the nearest.", state=name)
        return Answer(
            search,
            place=place,
            hits=hits,
            message=f"{message} {note}".strip(),
            suggestions=suggestions,
            others=others,
        )

    def index_document(self, services: Sequence[Service]) -> str:
        """The clinics as compact JSON for the locator script on a static host."""
        rows = [
            [
                x.slug,
                x.name,
                x.street_address,
                x.city,
                x.state,
                x.postal_code,
                x.latitude,
                x.longitude,
                x.phone,
                display_phone(x.phone),
                x.opening_hours,
                x.special_hours,
                self.timezones.get(x.slug, ""),
                None if not x.services else [s for s in x.services if s],
            ]
            for x in self.clinics
        ]
        document = {
            "fields": INDEX_FIELDS,
            "paths": {
                "location": urls.location("{slug}"),
                "landing": urls.landing("{service}", "{slug}"),
            },
            "states": {code: [name, urls.state(code)] for code, name in STATE_NAMES.items()},
            "services": [[s.slug, s.name] for s in services],
            "clinics": rows,
        }
        return json.dumps(document, separators=(",", ":"))


# Each clinic of the JSON index is one array of these; "services" is null for every service.
# Paths come as patterns made by core/urls.py ("/locations/{slug}/"), so the script makes none.
INDEX_FIELDS = (
    "slug", "name", "street_address", "city", "state", "postal_code", "latitude", "longitude",
    "phone", "phone_display", "opening_hours", "special_hours", "timezone", "services",
)  # fmt: skip


def _away(centre: tuple[float, float], x: Location) -> tuple[float, str]:
    if x.latitude is None:
        return (math.inf, x.slug)
    return (geo.point_distance_km(*centre, x.latitude, x.longitude), x.slug)


def _centre(members: Sequence[Location]) -> tuple[float, float]:
    located = [x for x in members if x.latitude is not None]
    if not located:
        return (0.0, 0.0)
    return (
        sum(x.latitude for x in located) / len(located),
        sum(x.longitude for x in located) / len(located),
    )


def miles(km: float, ui: Interface = ENGLISH) -> str:
    value = km / KM_PER_MILE
    return ui.decimal(value, 1 if value < 10 else 0) + " mi"


def week_summary(opening_hours: str, ui: Interface = ENGLISH) -> str:
    """The week's hours in one line, days with equal hours joined: "Mon–Fri 8:00 AM – 5:00 PM"."""
    if not opening_hours:
        return ""
    try:
        table = [", ".join(ranges) for _day, ranges in ui.week_table(opening_hours)]
    except HoursError:
        return ""
    runs: list[list[int]] = []
    for day, hours in enumerate(table):
        if runs and table[runs[-1][-1]] == hours and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if not table[run[0]]:
            continue
        days = ui.short_day(run[0]) + (f"–{ui.short_day(run[-1])}" if len(run) > 1 else "")
        parts.append(f"{days} {table[run[0]]}")
    return "; ".join(parts) or ui.gettext("Closed every day")


def card(hit: Hit, service: Service | None, ui: Interface = ENGLISH) -> dict:
    """What one result shows, and the data its script reads."""
    x = hit.location
    offered = service is not None and x.offers(service.slug)
    return {
        "location": x,
        "path": urls.landing(service.slug, x.slug) if offered else urls.location(x.slug),
        "distance": miles(hit.km, ui) if hit.km is not None else "",
        "week": week_summary(x.opening_hours, ui),
        "hours": x.opening_hours,
        "special": x.special_hours,
        "timezone": hit.timezone,
        "tel": "tel:" + x.phone,
        "phone_display": display_phone(x.phone),
        "directions": directions_url(x),
    }


def finder(services: Sequence[Service], search: Search | None = None) -> dict:
    """The search form's values."""
    search = search or Search()
    return {
        "query": search.text,
        "service": search.service,
        "services": [(s.slug, s.name) for s in services],
    }


def heading(answer: Answer, ui: Interface = ENGLISH) -> str:
    what = answer.service.name if answer.service else ui.gettext("Clinics")
    if answer.state and answer.place is not None:
        state = STATE_NAMES.get(answer.state, answer.state)
        return ui.gettext("%(what)s in %(state)s", what=what, state=state)
    if answer.place is not None:
        return ui.gettext("%(what)s near %(place)s", what=what, place=answer.place.label)
    return ui.gettext("No place found")


def compose(
    site: Site,
    services: Sequence[Service],
    answer: Answer,
    problem: str = "",
    ui: Interface = ENGLISH,
) -> Page:
    """The locator's answer as a page, in the language of `ui`: noindex, and never listed
    in a sitemap."""
    path = urls.locations_index()
    find = ui.gettext("Find a clinic")
    title = heading(answer, ui) if not problem else find
    service = answer.search.service if answer.service else ""
    page = Page(
        kind="locator",
        path=path,
        canonical=site.absolute(path),
        title=shorten_title(f"{title} | {site.brand}"),
        description=ui.gettext(
            "The %(brand)s clinics nearest you, with distance, hours and phone.", brand=site.brand
        ),
        h1=find,
        breadcrumbs=(
            Link("Home", urls.home()),
            Link("Locations", path),
            Link("Search", urls.locator(answer.search.text, service)),
        ),
        graph={},
        noindex=True,
        language=ui.language,
        data={
            "finder": finder(services, answer.search),
            "answer": answer,
            "heading": title,
            "message": problem or answer.message,
            "suggestions": [Link(s, urls.locator(s, service)) for s in answer.suggestions],
            "others": [Link(s, urls.locator(s, service)) for s in answer.others],
            "cards": [card(hit, answer.service, ui) for hit in answer.hits],
            "state_name": STATE_NAMES.get(answer.state, ""),
        },
    )
    graph = {
        "@context": "https://schema.org",
        "@graph": [schema_org.organization(site), schema_org.website(site)],
    }
    return schema_org.with_graph(page, graph)
