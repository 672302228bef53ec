"""Where page kinds read content from: the whole site in memory, a few rows per request,
or either with a staff member's unpublished change laid over it (a preview)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from seo.core import geo
from seo.core.articles import CompiledArticle
from seo.core.locations import Location
from seo.core.pages.model import Members, Override, Service, Site, without_excluded
from seo.core.photos import Photo
from seo.services import catalogs, rendering, site_settings
from seo.store import models, queries

# What a list holds in place of an intro in another language: lists show no intro, only
# whether the clinic has one in the list's language (so it is listed in it).
LISTED_INTRO = "-"


def listed(location: Location) -> Location:
    """A clinic as lists and neighbour links read it: without its intros, which only its
    own pages show, so an intro edit changes no other page's inputs (adding or removing a
    language's intro does: the clinic joins or leaves that language's lists)."""
    if not (location.intro or location.intros):
        return location
    present = tuple((language, LISTED_INTRO) for language, text in location.intros if text)
    return replace(location, intro="", intros=present)


class _Published:
    """What both sources share: exclusions applied once, lists derived once, one neighbour
    search. Subclasses say where rows come from."""

    def __init__(self, session: Session):
        self.site: Site = rendering.current_site()
        self.today: date = site_settings.today()
        rows = queries.services(session)
        self._services = [s.to_core() for s in rows]
        self._service_index = {s.slug: s for s in self._services}
        # Compiled when first asked for: a request composes one service's pages, not all.
        self._service_rows = {s.slug: s for s in rows}
        self._articles: dict[str, CompiledArticle] = {}
        self._overrides = {
            (row.service.slug, row.location.slug): row.to_core()
            for row in queries.page_overrides(session)
        }
        self._excluded: dict[str, set[str]] = {}
        for (service_slug, location_slug), override in self._overrides.items():
            if override.excluded:
                self._excluded.setdefault(location_slug, set()).add(service_slug)
        self._all_slugs = queries.service_slugs(session) if self._excluded else []
        self._members: dict[tuple[str, str], Members] = {}
        self.translations: Translations = {}  # language -> service slug -> row
        for row in queries.translations(session):
            self.translations.setdefault(row.language, {})[row.service.slug] = row
        self._views: dict[str, InLanguage] = {}

    def languages(self) -> Sequence[str]:
        return site_languages(self.site, self.translations)

    def in_language(self, language: str):
        return in_language(self, language, self.translations, self._views)

    def adjust(self, location: Location) -> Location:
        """The location as offering only the services whose pages are not excluded."""
        excluded = self._excluded.get(location.slug)
        return without_excluded(location, excluded, self._all_slugs) if excluded else location

    def services(self) -> Sequence[Service]:
        return self._services

    def service(self, slug: str) -> Service | None:
        return self._service_index.get(slug)

    def article(self, slug: str) -> CompiledArticle:
        if slug not in self._articles:
            self._articles[slug] = rendering.compiled(self._service_rows[slug])
        return self._articles[slug]

    def override(self, service_slug: str, location_slug: str) -> Override | None:
        return self._overrides.get((service_slug, location_slug))

    def locations(self) -> Members:
        raise NotImplementedError

    def _box(self, latitude: float, longitude: float, radius: float) -> Iterable[Location]:
        raise NotImplementedError

    def _once(self, key: tuple[str, str], make) -> Members:
        if key not in self._members:
            self._members[key] = Members(make())
        return self._members[key]

    def in_state(self, code: str) -> Members:
        return self._once(("state", code), lambda: [x for x in self.locations() if x.state == code])

    def offering(self, service_slug: str) -> Members:
        return self._once(
            ("offering", service_slug),
            lambda: [x for x in self.locations() if x.offers(service_slug)],
        )

    def neighbours(self, service_slug: str, location: Location) -> tuple[Location, ...]:
        return tuple(
            geo.find_neighbours(
                location, lambda o: o.offers(service_slug), self._box, self.locations
            )
        )


class Catalog(_Published):
    """The whole published site in memory, for page state, the static build and the audit."""

    def __init__(self, session: Session):
        super().__init__(session)
        for service in self._services:  # now, while the rows are loaded: workers fork later
            self.article(service.slug)
        full = [self.adjust(x) for x in queries.published_location_values(session)]
        self._index = {x.slug: x for x in full}
        self._locations = Members(listed(x) for x in full)
        self._grid = geo.Grid(self._locations)
        self._neighbour_cache: dict[tuple[str, str], tuple[Location, ...]] = {}
        self._unrestricted = all(not x.services for x in self._locations)
        self._photos = {
            slug: tuple(row.to_core() for row in rows)
            for slug, rows in queries.published_photos(session).items()
        }

    def locations(self) -> Members:
        return self._locations

    def photos(self, location_slug: str) -> tuple[Photo, ...]:
        return self._photos.get(location_slug, ())

    def every_photo(self) -> list[Photo]:
        """The photos of every published location (their files go into a static build)."""
        return [photo for photos in self._photos.values() for photo in photos]

    def location(self, slug: str) -> Location | None:
        return self._index.get(slug)

    def _box(self, latitude: float, longitude: float, radius: float) -> Iterable[Location]:
        return self._grid.box(latitude, longitude, radius)

    def neighbours(self, service_slug: str, location: Location) -> tuple[Location, ...]:
        # When every location offers every service, one search serves all of its pages.
        key = ("", location.slug) if self._unrestricted else (service_slug, location.slug)
        if key not in self._neighbour_cache:
            self._neighbour_cache[key] = super().neighbours(service_slug, location)
        return self._neighbour_cache[key]


class DatabaseSource(_Published):
    """Published content read a few rows at a time, for one request."""

    def __init__(self, session: Session):
        super().__init__(session)
        self._session = session
        self._locations: Members | None = None
        self._boxes: dict[tuple[float, float, float], list[Location]] = {}
        self._photos: dict[str, tuple[Photo, ...]] = {}

    def locations(self) -> Members:
        if self._locations is None:
            rows = queries.published_locations(self._session)
            self._locations = Members(listed(self.adjust(r.to_core())) for r in rows)
        return self._locations

    def in_state(self, code: str) -> Members:
        if self._locations is not None:
            return super().in_state(code)
        rows = queries.published_locations(self._session, code)
        return self._once(("state", code), lambda: [listed(self.adjust(r.to_core())) for r in rows])

    def location(self, slug: str) -> Location | None:
        row = queries.location_by_slug(self._session, slug)
        if row is None or row.status != "published":
            return None
        return self.adjust(row.to_core())

    def _box(self, latitude: float, longitude: float, radius: float) -> Iterable[Location]:
        # A clinic's pages for each service search the same boxes: read each once.
        key = (latitude, longitude, radius)
        if key not in self._boxes:
            rows = queries.published_in_box(self._session, latitude, longitude, radius)
            self._boxes[key] = [listed(self.adjust(r.to_core())) for r in rows]
        return self._boxes[key]

    def photos(self, location_slug: str) -> tuple[Photo, ...]:
        if location_slug not in self._photos:
            rows = queries.photos_by_slug(self._session, location_slug)
            self._photos[location_slug] = tuple(row.to_core() for row in rows)
        return self._photos[location_slug]


Translations = dict[str, dict[str, models.Translation]]  # language -> service slug -> row


def site_languages(site: Site, translations: Translations) -> tuple[str, ...]:
    """The default language, then every language a published service has an article in."""
    others = sorted(language for language in translations if language != site.default_language)
    return (site.default_language, *others)


def in_language(source, language: str, translations: Translations, views: dict):
    """The source itself for the default language, else its view in `language`."""
    if language == source.site.default_language:
        return source
    if language not in views:
        views[language] = InLanguage(source, language, translations.get(language, {}))
    return views[language]


class InLanguage:
    """A source as the pages of another language than the default read it: only services
    with an article in it and clinics with an intro in it, each showing that text. Nothing
    written in the default language shows through (page overrides' intros and questions are
    written in it, so they are left out; photos' alt text too, the clinic's name stands in)."""

    def __init__(self, base, language: str, translations: dict[str, models.Translation]):
        self._base = base
        self.site: Site = replace(base.site, language=language, text=catalogs.interface(language))
        self.today: date = base.today
        self._rows = translations
        self._services = {
            slug: row.to_core() for slug, row in translations.items() if base.service(slug)
        }
        self._articles: dict[str, CompiledArticle] = {}
        self._members: dict[tuple[str, str], Members] = {}

    def languages(self) -> Sequence[str]:
        return self._base.languages()

    def in_language(self, language: str):
        return self._base.in_language(language)

    def _local(self, location: Location | None) -> Location | None:
        if location is None or not location.intro_in(self.site.language):
            return None
        return replace(location, intro=location.intro_in(self.site.language))

    def services(self) -> Sequence[Service]:
        return [self._services[s.slug] for s in self._base.services() if s.slug in self._services]

    def service(self, slug: str) -> Service | None:
        return self._services.get(slug)

    def article(self, slug: str) -> CompiledArticle:
        if slug not in self._articles:
            self._articles[slug] = rendering.compiled(self._rows[slug])
        return self._articles[slug]

    def override(self, service_slug: str, location_slug: str) -> Override | None:
        override = self._base.override(service_slug, location_slug)
        return replace(override, intro="", questions=()) if override is not None else None

    def _once(self, key: tuple[str, str], make) -> Members:
        if key not in self._members:
            self._members[key] = Members(make())
        return self._members[key]

    def locations(self) -> Members:
        def local() -> list[Location]:
            return [x for x in map(self._local, self._base.locations()) if x is not None]

        return self._once(("all", ""), local)

    def in_state(self, code: str) -> Members:
        return self._once(("state", code), lambda: [x for x in self.locations() if x.state == code])

    def offering(self, service_slug: str) -> Members:
        return self._once(
            ("offering", service_slug),
            lambda: [x for x in self.locations() if x.offers(service_slug)],
        )

    def location(self, slug: str) -> Location | None:
        return self._local(self._base.location(slug))

    def neighbours(self, service_slug: str, location: Location) -> tuple[Location, ...]:
        found = map(self._local, self._base.neighbours(service_slug, location))
        return tuple(x for x in found if x is not None)

    def photos(self, location_slug: str) -> tuple[Photo, ...]:
        location = self._base.location(location_slug)
        if location is None:
            return ()
        return tuple(replace(p, alt=location.name) for p in self._base.photos(location_slug))


class Preview:
    """A source with unpublished changes laid over it: a draft or edited location, a service
    and article being edited, a page override being edited. The rest is the live site."""

    def __init__(
        self,
        base: _Published,
        *,
        location: Location | None = None,
        service: tuple[Service, CompiledArticle] | None = None,
        override: tuple[str, str, Override] | None = None,
    ):
        self._base = base
        self.site, self.today = base.site, base.today
        self._location = base.adjust(location) if location is not None else None
        self._service = service
        self._override = override
        self._views: dict[str, InLanguage] = {}

    def languages(self) -> Sequence[str]:
        return self._base.languages()

    def in_language(self, language: str):
        return in_language(self, language, self._base.translations, self._views)

    def services(self) -> Sequence[Service]:
        if self._service is None:
            return self._base.services()
        edited = self._service[0]
        return [edited if s.slug == edited.slug else s for s in self._base.services()]

    def service(self, slug: str) -> Service | None:
        if self._service is not None and self._service[0].slug == slug:
            return self._service[0]
        return self._base.service(slug)

    def article(self, slug: str) -> CompiledArticle:
        if self._service is not None and self._service[0].slug == slug:
            return self._service[1]
        return self._base.article(slug)

    def override(self, service_slug: str, location_slug: str) -> Override | None:
        if self._override is not None and self._override[:2] == (service_slug, location_slug):
            return self._override[2]
        return self._base.override(service_slug, location_slug)

    def locations(self) -> Members:
        return self._base.locations()

    def in_state(self, code: str) -> Members:
        return self._base.in_state(code)

    def offering(self, service_slug: str) -> Members:
        return self._base.offering(service_slug)

    def location(self, slug: str) -> Location | None:
        if self._location is not None and self._location.slug == slug:
            return self._location
        return self._base.location(slug)

    def neighbours(self, service_slug: str, location: Location) -> tuple[Location, ...]:
        return self._base.neighbours(service_slug, location)

    def photos(self, location_slug: str) -> tuple[Photo, ...]:
        return self._base.photos(location_slug)


def published_listing(session: Session) -> tuple[Sequence[Service], list[Location]]:
    """The published services and clinics as the /locations/ page reads them (exclusions
    applied), without the clinics' intros: what the store locator searches."""
    base = _Published(session)
    return base.services(), [
        base.adjust(x) for x in queries.published_location_values(session, intro=False)
    ]


def preview_location(session: Session, slug: str) -> Location | None:
    """A location of any status as staff see it, for previews."""
    row = queries.location_by_slug(session, slug)
    return row.to_core() if row is not None else None
