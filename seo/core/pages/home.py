"""The home page: services and every clinic, by state."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import schema_org, urls
from seo.core.pages.kind import Key, PageKind, Source
from seo.core.pages.model import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Link,
    Members,
    Page,
    Service,
    Site,
    group_by_state,
    shorten,
)


@dataclass(frozen=True)
class Inputs:
    site: Site
    services: tuple[Service, ...]
    locations: Members


def inputs(source: Source, key: Key) -> Inputs:
    return Inputs(source.site, tuple(source.services()), source.locations())


def compose(given: Inputs) -> Page:
    site, locations = given.site, given.locations
    groups = group_by_state(locations)
    path = site.urls.home()
    page = Page(
        kind="home",
        path=path,
        canonical=site.absolute(path),
        title=shorten(
            site.text.gettext("%(brand)s – Pain Treatment Clinics", brand=site.brand), TITLE_MAX
        ),
        description=shorten(
            site.text.gettext(
                "%(brand)s treats chronic and nerve pain at %(clinics)s clinics in %(states)s "
                "states. Find your nearest clinic, its hours and phone number.",
                brand=site.brand,
                clinics=len(locations),
                states=len(groups),
            ),
            DESCRIPTION_MAX,
        ),
        h1=site.brand,
        breadcrumbs=(Link("Home", path),),
        graph={},
        data={
            "services": [
                Link(s.name, site.urls.service(s.slug), s.summary) for s in given.services
            ],
            "groups": groups,
        },
    )
    return schema_org.with_graph(page, schema_org.simple_graph(site, page))


KIND = PageKind(
    name="home",
    path=lambda key: urls.home(),
    keys=lambda source: [()],
    inputs=inputs,
    compose=compose,
    sitemap=lambda given: "locations",
    depends=lambda given: frozenset({("list", "all"), ("services", "")}),
)
