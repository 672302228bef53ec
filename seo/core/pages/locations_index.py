"""The locations index: the clinic finder's form and every published clinic, by state."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import locator, schema_org, urls
from seo.core.pages.kind import Key, PageKind, Source
from seo.core.pages.model import (
    DESCRIPTION_MAX,
    Link,
    Members,
    Page,
    Service,
    Site,
    group_by_state,
    shorten,
    shorten_title,
)


@dataclass(frozen=True)
class Inputs:
    site: Site
    services: tuple[Service, ...]  # the finder's treatment choices
    locations: Members


def inputs(source: Source, key: Key) -> Inputs:
    return Inputs(source.site, tuple(source.services()), source.locations())


def compose(given: Inputs) -> Page:
    site, locations = given.site, given.locations
    path = site.urls.locations_index()
    groups = group_by_state(locations)
    page = Page(
        kind="locations",
        path=path,
        canonical=site.absolute(path),
        title=shorten_title(site.text.gettext("Clinic Locations | %(brand)s", brand=site.brand)),
        description=shorten(
            site.text.gettext(
                "Find a %(brand)s clinic: %(clinics)s locations in %(states)s states, with "
                "addresses, phone numbers and opening hours.",
                brand=site.brand,
                clinics=len(locations),
                states=len(groups),
            ),
            DESCRIPTION_MAX,
        ),
        h1=site.text.gettext("Our clinic locations"),
        breadcrumbs=(Link("Home", site.urls.home()), Link("Locations", path)),
        graph={},
        data={"groups": groups, "finder": locator.finder(given.services)},
    )
    return schema_org.with_graph(page, schema_org.simple_graph(site, page))


KIND = PageKind(
    name="locations",
    path=lambda key: urls.locations_index(),
    keys=lambda source: [()],
    inputs=inputs,
    compose=compose,
    sitemap=lambda given: "locations",
    depends=lambda given: frozenset({("list", "all"), ("services", "")}),
)
