"""Compose and render public pages: the one rendering path of server, build and page state."""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from seo.core import pages
from seo.core.articles import CompiledArticle, compile_article
from seo.core.hours import upcoming_special_hours
from seo.core.locations import STATE_NAMES, Location
from seo.core.schema_org import script_json
from seo.store import models, queries

LOCATIONS_SITEMAP = "locations"
RESERVED_SLUGS = {"locations", "sitemaps", "admin", "static", "sitemap.xml", "robots.txt"}

_compiled: dict[tuple[str, str, str], CompiledArticle] = {}


def current_site() -> pages.Site:
    return pages.Site(current_app.config["SITE_URL"], current_app.config["BRAND_NAME"])


def today() -> date:
    """The date pages are composed for (tests pin it with the TODAY setting)."""
    return current_app.config.get("TODAY") or date.today()


def compiled(service: models.Service) -> CompiledArticle:
    """A service's article, compiled once per version."""
    # updated_at has one-second precision: the content itself keeps quick edits apart.
    content = hashlib.sha256(repr(service.to_article()).encode()).hexdigest()
    key = (service.slug, service.updated_at.isoformat(), content)
    if key not in _compiled:
        if len(_compiled) > 256:
            _compiled.clear()
        _compiled[key] = compile_article(service.to_article())
    return _compiled[key]


def render(page: pages.Page) -> bytes:
    """Render a composed page to the bytes every client receives."""
    html = render_template(
        f"public/{page.kind}.html",
        page=page,
        site=current_site(),
        jsonld=Markup(script_json(page.graph)),
    )
    return html.encode("utf-8")


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def sitemap_for(page: pages.Page) -> str:
    """The sitemap group a page is listed in; "" for a noindex page, listed nowhere."""
    if page.noindex:
        return ""
    if page.kind in ("landing", "service"):
        return page.path.strip("/").split("/")[0]
    return LOCATIONS_SITEMAP


def page_overrides(session: Session) -> dict[tuple[str, str], pages.Override]:
    """Every page override by (service slug, location slug)."""
    return {
        (row.service.slug, row.location.slug): row.to_core()
        for row in queries.page_overrides(session)
    }


def exclusions(overrides: dict[tuple[str, str], pages.Override]) -> dict[str, set[str]]:
    """Excluded service slugs by location slug."""
    found: dict[str, set[str]] = {}
    for (service_slug, location_slug), override in overrides.items():
        if override.excluded:
            found.setdefault(location_slug, set()).add(service_slug)
    return found


# --- whole-site view, for page state and the static build --------------------------

GRID_CELL = 0.5  # degrees


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / GRID_CELL), math.floor(longitude / GRID_CELL)


@functools.lru_cache(maxsize=1)
def render_version() -> str:
    """A digest of the templates, static files and code that turn data into bytes."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("templates", "seo", "static"):
        for file in sorted((root / folder).rglob("*")):
            if file.is_file() and file.suffix in (".html", ".py", ".css", ".js", ".svg", ".json"):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


class Catalog:
    """Published services and locations held in memory, to compose every page."""

    def __init__(self, session: Session):
        self.site = current_site()
        self.today = today()
        rows = queries.services(session)
        self.services = [s.to_core() for s in rows]
        self.articles = {s.slug: compiled(s) for s in rows}
        self.overrides = page_overrides(session)
        excluded = exclusions(self.overrides)
        slugs = queries.service_slugs(session)
        self.locations = [
            pages.without_excluded(loc, excluded[loc.slug], slugs) if loc.slug in excluded else loc
            for loc in queries.published_location_values(session)
        ]
        self._index_locations()

    def _index_locations(self) -> None:
        """Index the located locations for box searches: by latitude, and on a grid."""
        self._by_latitude = sorted(
            (loc for loc in self.locations if loc.latitude is not None),
            key=lambda loc: loc.latitude,
        )
        self._latitudes = [loc.latitude for loc in self._by_latitude]
        # A grid of GRID_CELL-degree squares: a small box reads a few cells, not a band.
        self._grid: dict[tuple[int, int], list[Location]] = {}
        for loc in self._by_latitude:
            self._grid.setdefault(_cell(loc.latitude, loc.longitude), []).append(loc)

    def offering(self, service_slug: str) -> list[Location]:
        return [loc for loc in self.locations if loc.offers(service_slug)]

    def _box(self, location: Location, radius: float) -> list[Location]:
        lat, lon = location.latitude, location.longitude
        if radius <= 4 * GRID_CELL:
            reach = math.ceil(radius / GRID_CELL)
            row, column = _cell(lat, lon)
            return [
                o
                for i in range(row - reach, row + reach + 1)
                for j in range(column - reach, column + reach + 1)
                for o in self._grid.get((i, j), ())
                if abs(o.latitude - lat) <= radius and abs(o.longitude - lon) <= radius
            ]
        lo = bisect.bisect_left(self._latitudes, location.latitude - radius)
        hi = bisect.bisect_right(self._latitudes, location.latitude + radius)
        return [
            o for o in self._by_latitude[lo:hi] if abs(o.longitude - location.longitude) <= radius
        ]

    def neighbours(self, service_slug: str, location: Location) -> list[Location]:
        """The nearest other locations offering the service (cached per location when every
        location offers every service, the common case)."""
        if not hasattr(self, "_neighbour_cache"):
            self._neighbour_cache: dict = {}
            self._unrestricted = all(not loc.services for loc in self.locations)
        key = location.slug if self._unrestricted else (service_slug, location.slug)
        if key not in self._neighbour_cache:
            self._neighbour_cache[key] = self._find_neighbours(service_slug, location)
        return self._neighbour_cache[key]

    def _find_neighbours(self, service_slug: str, location: Location) -> list[Location]:
        if location.latitude is None:
            return pages.nearest(location, self.offering(service_slug))
        for radius in pages.SEARCH_RADII:
            box = [o for o in self._box(location, radius) if o.offers(service_slug)]
            found = pages.nearest(location, box)
            if pages.box_is_enough(location, found, radius, pages.NEARBY_COUNT):
                return found
        return found

    @staticmethod
    def spec_path(spec: tuple[str, ...]) -> str:
        """The URL path of the page a spec names."""
        kind = spec[0]
        if kind == "home":
            return "/"
        if kind == "locations":
            return "/locations/"
        if kind == "state":
            return pages.state_path(spec[1])
        if kind == "location":
            return f"/locations/{spec[1]}/"
        if kind == "service":
            return f"/{spec[1]}/"
        return pages.landing_path(spec[1], spec[2])

    def inputs_key(self, spec: tuple[str, ...]) -> str:
        """A digest of everything a page's bytes are made from, without composing it.

        Equal keys mean equal bytes, so a rebuild can skip the page. Conservative:
        templates and code are in RENDER_VERSION, and whole lists go in for index pages."""
        kind = spec[0]
        if kind in ("home", "locations"):
            parts: tuple = (self.services, self._all_digest())
        elif kind == "state":
            parts = ([loc for loc in self.locations if loc.state == spec[1]],)
        elif kind == "location":
            location = self.location(spec[1])
            parts = (location, self.services, self._upcoming(location))
        else:
            service = self.service(spec[1])
            article = self._article_digest(service.slug)
            if kind == "service":
                parts = (service, article, self.offering(service.slug))
            else:
                location = self.location(spec[2])
                parts = (
                    service,
                    article,
                    location,
                    self.neighbours(service.slug, location),
                    self.overrides.get((service.slug, location.slug)),
                    self._upcoming(location),
                )
        text = repr((render_version(), self.site, spec, parts))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _upcoming(self, location: Location) -> tuple:
        return tuple(upcoming_special_hours(location.special_hours, self.today, days=366))

    def _all_digest(self) -> str:
        if not hasattr(self, "_all"):
            text = repr(self.locations).encode()
            self._all = hashlib.blake2b(text, digest_size=16).hexdigest()
        return self._all

    def _article_digest(self, slug: str) -> str:
        if not hasattr(self, "_article_digests"):
            self._article_digests = {
                key: hashlib.blake2b(repr(a.article).encode(), digest_size=16).hexdigest()
                for key, a in self.articles.items()
            }
        return self._article_digests[slug]

    def page_specs(self) -> list[tuple[str, ...]]:
        """A cheap list naming every public page, in a stable order, to split work by."""
        specs: list[tuple[str, ...]] = [("home",), ("locations",)]
        specs += [("state", code) for code, _name, _members in pages.group_by_state(self.locations)]
        specs += [("location", loc.slug) for loc in self.locations]
        for service in self.services:
            specs.append(("service", service.slug))
            specs += [("landing", service.slug, loc.slug) for loc in self.offering(service.slug)]
        return specs

    def compose(self, spec: tuple[str, ...]) -> pages.Page:
        """Compose the page a spec names."""
        site, locations = self.site, self.locations
        kind = spec[0]
        if kind == "home":
            return pages.compose_home(site, self.services, locations)
        if kind == "locations":
            return pages.compose_locations_index(site, locations)
        if kind == "state":
            members = [loc for loc in locations if loc.state == spec[1]]
            return pages.compose_state(site, spec[1], members)
        if kind == "location":
            return pages.compose_location(site, self.location(spec[1]), self.services, self.today)
        service = self.service(spec[1])
        article = self.articles[service.slug]
        if kind == "service":
            return pages.compose_service(site, service, article, self.offering(service.slug))
        location = self.location(spec[2])
        nearby = self.neighbours(service.slug, location)
        override = self.overrides.get((service.slug, location.slug))
        return pages.compose_landing(site, service, location, article, nearby, self.today, override)

    def location(self, slug: str) -> Location:
        if not hasattr(self, "_location_index"):
            self._location_index = {loc.slug: loc for loc in self.locations}
        return self._location_index[slug]

    def service(self, slug: str) -> pages.Service:
        return next(s for s in self.services if s.slug == slug)

    def pages(self) -> Iterator[pages.Page]:
        """Compose every public page."""
        for spec in self.page_specs():
            yield self.compose(spec)


def refresh_page_state(session: Session) -> tuple[int, int]:
    """Re-fingerprint the pages whose inputs changed; move changed_at only where bytes did.

    Returns (pages whose content changed or appeared, pages removed)."""
    states = queries.page_states(session)
    now = models.utcnow()
    changed = 0
    seen: set[str] = set()
    catalog = Catalog(session)
    for spec in catalog.page_specs():
        path = catalog.spec_path(spec)
        inputs = catalog.inputs_key(spec)
        seen.add(path)
        state = states.get(path)
        if state is not None and state.inputs == inputs:
            continue  # same inputs, same bytes: nothing to render
        page = catalog.compose(spec)
        digest = fingerprint(render(page))
        if state is None:
            session.add(
                models.PageState(
                    path=path,
                    sitemap=sitemap_for(page),
                    fingerprint=digest,
                    changed_at=now,
                    inputs=inputs,
                )
            )
            changed += 1
            continue
        if state.fingerprint != digest:
            state.fingerprint, state.changed_at = digest, now
            changed += 1
        state.sitemap, state.inputs = sitemap_for(page), inputs
    removed = [s for path, s in states.items() if path not in seen]
    for state in removed:
        session.delete(state)
    session.commit()
    return changed, len(removed)


# --- one page, for the server -------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    path: str


@dataclass(frozen=True)
class Gone:
    reason: str


Outcome = pages.Page | Redirect | Gone | None


class _Adjust:
    """Turns location rows into core values that honour the excluded pages."""

    def __init__(self, session: Session):
        self.overrides = page_overrides(session)
        self.excluded = exclusions(self.overrides)
        self.slugs = queries.service_slugs(session) if self.excluded else []

    def __call__(self, row: models.Location) -> Location:
        return pages.without_excluded(row.to_core(), self.excluded.get(row.slug, set()), self.slugs)

    def all(self, rows) -> list[Location]:
        return [self(r) for r in rows]


def _neighbours_from_db(
    session: Session, service_slug: str, location: Location, adjust: _Adjust
) -> list[Location]:
    if location.latitude is None:
        rows = adjust.all(queries.published_locations(session))
        return pages.nearest(location, [r for r in rows if r.offers(service_slug)])
    found: list[Location] = []
    for radius in pages.SEARCH_RADII:
        rows = queries.published_in_box(session, location.latitude, location.longitude, radius)
        box = [o for o in adjust.all(rows) if o.offers(service_slug)]
        found = pages.nearest(location, box)
        if pages.box_is_enough(location, found, radius, pages.NEARBY_COUNT):
            break
    return found


def _location_outcome(
    session: Session, slug: str, service_slug: str | None, adjust: _Adjust
) -> Outcome | Location:
    """A published location, or where its URL now points."""

    def target_path(target: Location) -> str:
        if service_slug and target.offers(service_slug):
            return pages.landing_path(service_slug, target.slug)
        return pages.location_path(target)

    row = queries.location_by_slug(session, slug)
    if row is None:
        moved = queries.redirect_for_slug(session, slug)
        row = queries.location_by_id(session, moved.location_id) if moved else None
        if row is None or row.status == "draft":
            return None
        if row.status == "published":
            return Redirect(target_path(adjust(row)))
    if row.status == "draft":
        return None
    if row.status == "retired":
        target = queries.location_by_slug(session, row.redirect_to) if row.redirect_to else None
        if target is not None and target.status == "published":
            return Redirect(target_path(adjust(target)))
        return Gone(f"{row.name} has closed.")
    return adjust(row)


def resolve(session: Session, path: str) -> Outcome:
    """Compose the page at a canonical path, or say where it went."""
    site, parts = current_site(), [p for p in path.split("/") if p]
    published = queries.services(session)
    by_slug = {s.slug: s for s in published}
    core_services = [s.to_core() for s in published]
    adjust = _Adjust(session)
    if not parts:
        locations = adjust.all(queries.published_locations(session))
        return pages.compose_home(site, core_services, locations)
    if parts[0] == "locations":
        if len(parts) == 1:
            locations = adjust.all(queries.published_locations(session))
            return pages.compose_locations_index(site, locations)
        if len(parts) != 2:
            return None
        code = parts[1].upper()
        if code in STATE_NAMES and parts[1] == code.lower():
            members = adjust.all(queries.published_locations(session, code))
            return pages.compose_state(site, code, members) if members else None
        outcome = _location_outcome(session, parts[1], None, adjust)
        if isinstance(outcome, Location):
            return pages.compose_location(site, outcome, core_services, today())
        return outcome
    service = by_slug.get(parts[0])
    if service is None or len(parts) > 2:
        return None
    if len(parts) == 1:
        offering = [
            loc
            for loc in adjust.all(queries.published_locations(session))
            if loc.offers(service.slug)
        ]
        return pages.compose_service(site, service.to_core(), compiled(service), offering)
    outcome = _location_outcome(session, parts[1], service.slug, adjust)
    if not isinstance(outcome, Location):
        return outcome
    if not outcome.offers(service.slug):
        return None
    nearby = _neighbours_from_db(session, service.slug, outcome, adjust)
    override = adjust.overrides.get((service.slug, outcome.slug))
    return pages.compose_landing(
        site, service.to_core(), outcome, compiled(service), nearby, today(), override
    )


def page_state_for(session: Session, page: pages.Page, body: bytes) -> models.PageState:
    """The page's state row, brought up to date if its bytes moved since the last refresh."""
    digest = fingerprint(body)
    state = queries.page_state(session, page.path)
    if state is None:
        state = models.PageState(
            path=page.path,
            sitemap=sitemap_for(page),
            fingerprint=digest,
            changed_at=models.utcnow(),
        )
        session.add(state)
        session.commit()
    elif state.fingerprint != digest:
        state.fingerprint, state.changed_at = digest, models.utcnow()
        state.sitemap = sitemap_for(page)
        state.inputs = ""  # the bytes moved without a refresh: let the next one look again
        session.commit()
    return state


def preview(session: Session, service_slug: str, location_slug: str) -> pages.Page | None:
    """Compose a landing page for staff, drafts included, always noindex."""
    from dataclasses import replace

    service = queries.service_by_slug(session, service_slug)
    row = queries.location_by_slug(session, location_slug)
    if service is None or row is None:
        return None
    adjust = _Adjust(session)
    location = row.to_core()
    nearby = _neighbours_from_db(session, service.slug, location, adjust)
    override = adjust.overrides.get((service.slug, location.slug))
    page = pages.compose_landing(
        current_site(), service.to_core(), location, compiled(service), nearby, today(), override
    )
    return replace(page, noindex=True)


def last_modified(state: models.PageState) -> datetime:
    return models.as_utc(state.changed_at)
