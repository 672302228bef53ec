"""Build the schema.org JSON-LD graph of a page as plain dicts, and serialise it safely."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace

from seo.core import urls
from seo.core.hours import (
    DAY_CODES,
    DAY_END,
    DAY_NAMES,
    MIDNIGHT,
    Closure,
    SpecialHours,
    parse_opening_hours,
)
from seo.core.locations import Location
from seo.core.pages.model import Page, Service, Site


def organization_id(site: Site) -> str:
    return site.absolute(urls.home() + "#organization")


def website_id(site: Site) -> str:
    return site.absolute(urls.home() + "#website")


def clinic_id(site: Site, location: Location) -> str:
    return site.absolute(urls.location(location.slug) + "#clinic")


def with_graph(page: Page, graph: dict) -> Page:
    return replace(page, graph=graph)


def with_breadcrumbs(page: Page, site: Site, label: Callable[[str], str]) -> Page:
    """The page with its breadcrumb labels, on the page and in its BreadcrumbList, relabelled
    (the fixed ones put in the page's language)."""
    crumbs = tuple(replace(c, name=label(c.name)) for c in page.breadcrumbs)
    page = replace(page, breadcrumbs=crumbs)
    nodes = page.graph.get("@graph", [])
    if not any(node.get("@type") == "BreadcrumbList" for node in nodes):
        return page
    relabelled = [
        breadcrumb_list(site, page) if node.get("@type") == "BreadcrumbList" else node
        for node in nodes
    ]
    return with_graph(page, {**page.graph, "@graph": relabelled})


def organization(site: Site) -> dict:
    return {
        "@type": "Organization",
        "@id": organization_id(site),
        "name": site.brand,
        "url": site.absolute(urls.home()),
    }


def website(site: Site) -> dict:
    return {
        "@type": "WebSite",
        "@id": website_id(site),
        "url": site.absolute(urls.home()),
        "name": site.brand,
        "inLanguage": site.default_language,
        "publisher": {"@id": organization_id(site)},
    }


# Hours as Google's local business structured data documents them
# (developers.google.com/search/docs/appearance/structured-data/local-business, "Business
# hours"): a range past midnight is one OpeningHoursSpecification on the day it opens that
# closes at the earlier time ("opens": "18:00", "closes": "02:00"; schema.org: "If the value
# for the closes property is less than the value for the opens property then the hour range
# is assumed to span over the next day"); open all day is 00:00-23:59; closed all day is
# opens = closes = 00:00, with validFrom and validThrough for dated exceptions.
ALL_DAY_CLOSES = "23:59"


def _closes(closes: str) -> str:
    return ALL_DAY_CLOSES if closes == DAY_END else closes


def opening_hours_specification(opening_hours: str) -> list[dict]:
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [DAY_NAMES[DAY_CODES.index(code)] for code in rule.days],
            "opens": rule.opens,
            "closes": _closes(rule.closes),
        }
        for rule in parse_opening_hours(opening_hours)
    ]


def special_opening_hours(
    special: Sequence[SpecialHours], closure: Closure | None = None
) -> list[dict]:
    """Dated exceptions, and a temporary closure as the days from the page's date through
    the day before reopening, closed (Google's "closed all day" over a validFrom-validThrough
    period, as for seasonal hours)."""
    nodes = []
    if closure is not None:
        nodes.append(
            {
                "@type": "OpeningHoursSpecification",
                "name": "Temporarily closed",
                "validFrom": closure.since.isoformat(),
                "validThrough": closure.last_day.isoformat(),
                "opens": MIDNIGHT,
                "closes": MIDNIGHT,
            }
        )
    for item in special:
        node = {"@type": "OpeningHoursSpecification"}
        if item.name:
            node["name"] = item.name
        node |= {
            "validFrom": item.day.isoformat(),
            "validThrough": item.day.isoformat(),
            "opens": item.opens or MIDNIGHT,
            "closes": _closes(item.closes) if item.closes else MIDNIGHT,
        }
        nodes.append(node)
    return nodes


def clinic(
    site: Site,
    location: Location,
    special: Sequence[SpecialHours],
    business_type: str = "MedicalClinic",
    closure: Closure | None = None,
    images: Sequence[str] = (),
) -> dict:
    """The location as a LocalBusiness node (MedicalClinic by default); `images` are the
    absolute URLs of its photos, the main one first."""
    node: dict = {
        "@type": business_type,
        "@id": clinic_id(site, location),
        "name": location.name,
        "url": site.absolute(urls.location(location.slug)),
        "telephone": location.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.city,
            "addressRegion": location.state,
            "postalCode": location.postal_code,
            "addressCountry": "US",
        },
        "areaServed": {"@type": "City", "name": f"{location.city}, {location.state}"},
        "parentOrganization": {"@id": organization_id(site)},
    }
    if location.latitude is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    if location.opening_hours:
        node["openingHoursSpecification"] = opening_hours_specification(location.opening_hours)
    if special or closure is not None:
        node["specialOpeningHoursSpecification"] = special_opening_hours(special, closure)
    if images:
        node["image"] = list(images)
    return node


def breadcrumb_list(site: Site, page: Page) -> dict:
    return {
        "@type": "BreadcrumbList",
        "@id": page.canonical + "#breadcrumb",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "name": crumb.name,
                "item": site.absolute(crumb.path),
            }
            for i, crumb in enumerate(page.breadcrumbs, start=1)
        ],
    }


def web_page(site: Site, page: Page, page_type: str = "WebPage") -> dict:
    return {
        "@type": page_type,
        "@id": page.canonical + "#webpage",
        "url": page.canonical,
        "name": page.title,
        "description": page.description,
        "inLanguage": site.language,
        "isPartOf": {"@id": website_id(site)},
        "breadcrumb": {"@id": page.canonical + "#breadcrumb"},
    }


def simple_graph(
    site: Site,
    page: Page,
    place: tuple[Location, Sequence[SpecialHours], Closure | None, Sequence[str]] | None = None,
) -> dict:
    """The graph of a hub, state, index or location page (`place`: the clinic, its dated
    hours and its photos' URLs)."""
    nodes = [organization(site), website(site), web_page(site, page), breadcrumb_list(site, page)]
    if place is not None:
        location, special, closure, images = place
        nodes.append(clinic(site, location, special, closure=closure, images=images))
        nodes[2]["about"] = {"@id": clinic_id(site, location)}
    return {"@context": "https://schema.org", "@graph": nodes}


def landing_graph(
    site: Site,
    page: Page,
    service: Service,
    location: Location,
    special: Sequence[SpecialHours],
    closure: Closure | None = None,
    images: Sequence[str] = (),
) -> dict:
    """The graph of a landing page: organisation, site, clinic, medical page, breadcrumbs."""
    medical_page = web_page(site, page, "MedicalWebPage")
    medical_page["about"] = {"@type": "MedicalCondition", "name": service.condition}
    medical_page["mainEntity"] = {"@id": clinic_id(site, location)}
    if service.last_reviewed:
        medical_page["lastReviewed"] = service.last_reviewed.isoformat()
    if service.reviewed_by:
        medical_page["reviewedBy"] = {"@type": "Person", "name": service.reviewed_by}
    nodes = [
        organization(site),
        website(site),
        clinic(site, location, special, service.business_type, closure, images),
        medical_page,
        breadcrumb_list(site, page),
    ]
    questions = page.data.get("questions") or []
    if questions:
        nodes.append(
            {
                "@type": "FAQPage",
                "@id": page.canonical + "#faq",
                "url": page.canonical,
                "isPartOf": {"@id": website_id(site)},
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": q.question,
                        "acceptedAnswer": {"@type": "Answer", "text": q.answer},
                    }
                    for q in questions
                ],
            }
        )
    return {"@context": "https://schema.org", "@graph": nodes}


# Characters that could end the <script> element, open an HTML comment or end a
# JavaScript line are written as JSON escapes; the JSON value stays the same.
_SCRIPT_SAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_json(graph: dict) -> str:
    """Serialise JSON-LD so no data can break out of <script type="application/ld+json">."""
    text = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    # One replace per character: str.translate takes a slow path (milliseconds a page) as
    # soon as the text holds a character outside ASCII, as Spanish pages always do.
    for char, escape in _SCRIPT_SAFE:
        text = text.replace(char, escape)
    return text
