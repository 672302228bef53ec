"""A clinic's own page: address, phone, hours and the services offered there."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import photos, schema_org, urls
from seo.core.hours import Closure, SpecialHours
from seo.core.locations import Location
from seo.core.pages.kind import Key, PageKind, Source
from seo.core.pages.model import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Link,
    Page,
    Service,
    Site,
    closed,
    location_facts,
    shorten,
    upcoming,
)
from seo.core.photos import Photo


@dataclass(frozen=True)
class Inputs:
    site: Site
    location: Location
    services: tuple[Service, ...]
    special: tuple[SpecialHours, ...]
    closure: Closure | None
    photos: tuple[Photo, ...] = ()


def inputs(source: Source, key: Key) -> Inputs | None:
    location = source.location(key[0])
    if location is None:
        return None
    return Inputs(
        source.site,
        location,
        tuple(source.services()),
        upcoming(location, source.today),
        closed(location, source.today),
        source.photos(location.slug),
    )


def compose(given: Inputs) -> Page:
    site, location = given.site, given.location
    path = site.urls.location(location.slug)
    offered = [s for s in given.services if location.offers(s.slug)]
    title = shorten(f"{location.name} – {location.city}, {location.state}", TITLE_MAX)
    names = ", ".join(s.name.lower() for s in offered) or site.text.gettext("pain care")
    description = shorten(
        site.text.gettext(
            "%(name)s at %(street)s, %(city)s, %(state)s: hours, directions and phone for "
            "%(services)s.",
            name=location.name,
            street=location.street_address,
            city=location.city,
            state=location.state,
            services=names,
        ),
        DESCRIPTION_MAX,
    )
    crumbs = (
        Link("Home", site.urls.home()),
        Link("Locations", site.urls.locations_index()),
        Link(location.state_name, site.urls.state(location.state)),
        Link(location.name, path),
    )
    main = photos.main_photo(given.photos)
    page = Page(
        kind="location",
        path=path,
        canonical=site.absolute(path),
        title=title,
        description=description,
        h1=location.name,
        breadcrumbs=crumbs,
        graph={},
        data={
            **location_facts(location, given.special, given.closure),
            "services": [Link(s.name, site.urls.landing(s.slug, location.slug)) for s in offered],
            "photo": photos.view(main) if main is not None else None,
        },
    )
    images = [site.absolute(p.largest) for p in photos.in_order(given.photos)]
    place = (location, given.special, given.closure, images)
    graph = schema_org.simple_graph(site, page, place=place)
    return schema_org.with_graph(page, graph)


KIND = PageKind(
    name="location",
    path=lambda key: urls.location(key[0]),
    keys=lambda source: [(loc.slug,) for loc in source.locations()],
    inputs=inputs,
    compose=compose,
    sitemap=lambda given: "locations",
    depends=lambda given: frozenset({("clinic", given.location.slug), ("services", "")}),
    images=lambda given: photos.sitemap_paths(given.photos),
    exists=lambda source, key: source.location(key[0]) is not None,
)
