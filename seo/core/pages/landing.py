"""The landing page of one service at one clinic: the shared article with the clinic's data."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import geo, photos, schema_org, urls
from seo.core.articles import CompiledArticle, Question, fill
from seo.core.hours import Closure, SpecialHours
from seo.core.locations import Location
from seo.core.pages.kind import Dependency, Key, PageKind, Source
from seo.core.pages.model import (
    DESCRIPTION_MAX,
    DISCLAIMER,
    Link,
    Override,
    Page,
    Service,
    Site,
    closed,
    format_pattern,
    location_facts,
    pattern_values,
    share_links,
    shorten,
    shorten_title,
    upcoming,
)
from seo.core.photos import Photo


@dataclass(frozen=True)
class Inputs:
    site: Site
    service: Service
    article: CompiledArticle
    location: Location
    neighbours: tuple[Location, ...]
    special: tuple[SpecialHours, ...]
    closure: Closure | None
    override: Override | None
    photos: tuple[Photo, ...] = ()


def keys(source: Source) -> list[Key]:
    return [
        (service.slug, location.slug)
        for service in source.services()
        for location in source.offering(service.slug)
    ]


def exists(source: Source, key: Key) -> bool:
    service, location = source.service(key[0]), source.location(key[1])
    return service is not None and location is not None and location.offers(service.slug)


def inputs(source: Source, key: Key) -> Inputs | None:
    if not exists(source, key):
        return None
    service, location = source.service(key[0]), source.location(key[1])
    return Inputs(
        site=source.site,
        service=service,
        article=source.article(service.slug),
        location=location,
        neighbours=tuple(source.neighbours(service.slug, location)),
        special=upcoming(location, source.today),
        closure=closed(location, source.today),
        override=source.override(service.slug, location.slug),
        photos=source.photos(location.slug),
    )


def compose(given: Inputs) -> Page:
    site, service, location, article = given.site, given.service, given.location, given.article
    values = pattern_values(service, location)
    path = site.urls.landing(service.slug, location.slug)
    canonical = site.absolute(path)
    title = shorten_title(format_pattern(service.title_pattern, values))
    description = shorten(format_pattern(service.description_pattern, values), DESCRIPTION_MAX)
    crumbs = (
        Link("Home", site.urls.home()),
        Link("Locations", site.urls.locations_index()),
        Link(location.state_name, site.urls.state(location.state)),
        Link(location.name, site.urls.location(location.slug)),
        Link(service.name, path),
    )
    override = given.override or Override()
    main = photos.main_photo(given.photos)
    page = Page(
        kind="landing",
        path=path,
        canonical=canonical,
        title=title,
        description=description,
        h1=format_pattern(service.heading_pattern, values),
        breadcrumbs=crumbs,
        graph={},
        og_type="article",
        noindex=override.noindex,
        data={
            **location_facts(location, given.special, given.closure),
            "intro": override.intro or location.intro,
            "service": service,
            "keyword": format_pattern(service.keyword_pattern, values).lower(),
            "article_title": fill(article.article.title, values),
            "article_html": article.render(values),
            "questions": [
                Question(fill(q.question, values), fill(q.answer, values))
                for q in article.questions
            ]
            + list(override.questions),
            "extra_questions": list(override.questions),
            "nearby": [
                Link(n.name, site.urls.landing(service.slug, n.slug), f"{n.city}, {n.state}")
                for n in given.neighbours
            ],
            "share": share_links(canonical, title),
            "disclaimer": DISCLAIMER,
            "photo": photos.view(main) if main is not None else None,
        },
    )
    images = [site.absolute(p.largest) for p in photos.in_order(given.photos)]
    graph = schema_org.landing_graph(
        site, page, service, location, given.special, given.closure, images
    )
    return schema_org.with_graph(page, graph)


def sitemap(given: Inputs) -> str:
    return "" if given.override and given.override.noindex else given.service.slug


def depends(given: Inputs) -> frozenset[Dependency]:
    """Its clinic and service, its neighbours, and the map squares whose clinics could
    become neighbours."""
    found = {("clinic", given.location.slug), ("service", given.service.slug)}
    found |= {("near", n.slug) for n in given.neighbours}
    found |= {("cell", c) for c in geo.covered_cells(given.location, given.neighbours)}
    return frozenset(found)


KIND = PageKind(
    name="landing",
    path=lambda key: urls.landing(*key),
    keys=keys,
    inputs=inputs,
    compose=compose,
    sitemap=sitemap,
    depends=depends,
    images=lambda given: photos.sitemap_paths(given.photos),
    exists=exists,
)
