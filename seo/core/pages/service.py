"""A service's hub: the article's summary and the clinics offering it."""

from __future__ import annotations

from dataclasses import dataclass

from seo.core import schema_org, urls
from seo.core.articles import CompiledArticle
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
    service: Service
    article: CompiledArticle
    locations: Members


def inputs(source: Source, key: Key) -> Inputs | None:
    service = source.service(key[0])
    if service is None:
        return None
    return Inputs(source.site, service, source.article(service.slug), source.offering(service.slug))


def compose(given: Inputs) -> Page:
    site, service, article, locations = given.site, given.service, given.article, given.locations
    path = site.urls.service(service.slug)
    groups = group_by_state(locations)
    summary = service.summary or article.article.title
    page = Page(
        kind="service",
        path=path,
        canonical=site.absolute(path),
        title=shorten_title(f"{service.name} | {site.brand}"),
        description=shorten(
            site.text.gettext(
                "%(service)s at %(clinics)s %(brand)s clinics. %(summary)s",
                service=service.name,
                clinics=len(locations),
                brand=site.brand,
                summary=summary,
            ),
            DESCRIPTION_MAX,
        ),
        h1=service.name,
        breadcrumbs=(Link("Home", site.urls.home()), Link(service.name, path)),
        graph={},
        data={
            "service": service,
            "summary": summary,
            "article_title": article.article.title,
            "headings": [
                s.heading for s in article.article.sections if s.level == 2 and "{" not in s.heading
            ],
            "groups": [
                (
                    code,
                    name,
                    [Link(x.name, site.urls.landing(service.slug, x.slug), x.city) for x in locs],
                )
                for code, name, locs in groups
            ],
        },
    )
    return schema_org.with_graph(page, schema_org.simple_graph(site, page))


KIND = PageKind(
    name="service",
    path=lambda key: urls.service(key[0]),
    keys=lambda source: [(s.slug,) for s in source.services()],
    inputs=inputs,
    compose=compose,
    sitemap=lambda given: given.service.slug,
    depends=lambda given: frozenset(
        {("service", given.service.slug), ("list", f"offering/{given.service.slug}")}
    ),
    exists=lambda source, key: source.service(key[0]) is not None,
)
