"""A state's page: its published clinics."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import schema_org, urls
from seo.core.locations import STATE_NAMES
from seo.core.pages.kind import Key, PageKind, Source
from seo.core.pages.model import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Link,
    Members,
    Page,
    Site,
    group_by_state,
    shorten,
)


@dataclass(frozen=True)
class Inputs:
    site: Site
    state: str
    locations: Members


def keys(source: Source) -> list[Key]:
    return [(code,) for code, _name, _members in group_by_state(source.locations())]


def inputs(source: Source, key: Key) -> Inputs | None:
    members = source.in_state(key[0])
    return Inputs(source.site, key[0], members) if members else None


def compose(given: Inputs) -> Page:
    site, state, locations = given.site, given.state, given.locations
    name = STATE_NAMES.get(state, state)
    path = site.urls.state(state)
    cities = ", ".join(sorted({loc.city for loc in locations}))
    page = Page(
        kind="state",
        path=path,
        canonical=site.absolute(path),
        title=shorten(
            site.text.gettext("%(brand)s Clinics in %(state)s", brand=site.brand, state=name),
            TITLE_MAX,
        ),
        description=shorten(
            site.text.gettext(
                "%(brand)s clinics in %(state)s: %(cities)s. Addresses, opening hours, "
                "directions and one-tap calling for each clinic.",
                brand=site.brand,
                state=name,
                cities=cities,
            ),
            DESCRIPTION_MAX,
        ),
        h1=site.text.gettext("Clinics in %(state)s", state=name),
        breadcrumbs=(
            Link("Home", site.urls.home()),
            Link("Locations", site.urls.locations_index()),
            Link(name, path),
        ),
        graph={},
        data={"state": state, "state_name": name, "locations": locations},
    )
    return schema_org.with_graph(page, schema_org.simple_graph(site, page))


KIND = PageKind(
    name="state",
    path=lambda key: urls.state(key[0]),
    keys=keys,
    inputs=inputs,
    compose=compose,
    sitemap=lambda given: "locations",
    depends=lambda given: frozenset({("list", f"state/{given.state}")}),
    exists=lambda source, key: bool(source.in_state(key[0])),
)
