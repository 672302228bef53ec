"""Compose public pages as plain values: no database, no web framework."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlencode

from seo.core.articles import CompiledArticle, Question, fill
from seo.core.hours import SpecialHours, upcoming_special_hours, week_table
from seo.core.locations import STATE_NAMES, Location, display_phone

TITLE_MAX = 60  # characters search results usually show
DESCRIPTION_MAX = 160
DESCRIPTION_MIN = 70
NEARBY_COUNT = 4
DISCLAIMER = (
    "This page is general information, not medical advice. Treatment depends on an "
    "examination by a licensed clinician; call 911 in an emergency."
)


@dataclass(frozen=True)
class Site:
    url: str  # SITE_URL, no trailing slash
    brand: str = "Gateway Pain Relief"

    def absolute(self, path: str) -> str:
        return self.url + path


@dataclass(frozen=True)
class Service:
    slug: str
    name: str
    condition: str
    heading_pattern: str
    keyword_pattern: str
    title_pattern: str
    description_pattern: str
    summary: str = ""
    business_type: str = "MedicalClinic"
    reviewed_by: str = ""
    last_reviewed: date | None = None
    status: str = "published"


@dataclass(frozen=True)
class Override:
    """Staff choices for one landing page (one service at one location)."""

    intro: str = ""  # replaces the location's intro on this page
    questions: tuple[Question, ...] = ()  # shown on the page and in FAQPage
    noindex: bool = False
    excluded: bool = False  # the page does not exist


def parse_questions(text: str) -> tuple[tuple[Question, ...], list[str]]:
    """Read "Question?" lines each followed by answer lines, blocks split by blank lines."""
    questions, problems = [], []
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, start=1):
        question, _, answer = block.partition("\n")
        question, answer = question.strip(), " ".join(answer.split())
        if not question.endswith("?"):
            problems.append(f"question {number}: the first line must be a question ending in ?")
        elif not answer:
            problems.append(f"question {number}: write the answer on the lines below it")
        else:
            questions.append(Question(question, answer))
    return tuple(questions), problems


def without_excluded(
    location: Location, excluded: set[str], all_services: Sequence[str]
) -> Location:
    """The location as offering only the services whose pages are not excluded."""
    if not excluded:
        return location
    from dataclasses import replace

    offered = location.services or tuple(all_services)
    kept = tuple(s for s in offered if s not in excluded)
    # An empty tuple means "every service"; ("",) offers none (no service has an empty slug).
    return replace(location, services=kept or ("",))


@dataclass(frozen=True)
class Link:
    name: str
    path: str
    note: str = ""


@dataclass(frozen=True)
class Page:
    """Everything a template needs for one public page."""

    kind: str
    path: str
    canonical: str
    title: str
    description: str
    h1: str
    breadcrumbs: tuple[Link, ...]
    graph: dict
    og_type: str = "website"
    noindex: bool = False
    data: dict = field(default_factory=dict)


def location_path(location: Location) -> str:
    return f"/locations/{location.slug}/"


def state_path(state: str) -> str:
    return f"/locations/{state.lower()}/"


def landing_path(service_slug: str, location_slug: str) -> str:
    return f"/{service_slug}/{location_slug}/"


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary so it fits `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–|")
    return cut + "…"


def shorten_title(text: str, limit: int = TITLE_MAX) -> str:
    """Fit a title: drop trailing ` | suffix` parts first, then cut at a word boundary."""
    text = " ".join(text.split())
    while len(text) > limit and " | " in text:
        text = text.rsplit(" | ", 1)[0]
    return shorten(text, limit)


def pattern_values(service: Service | None, location: Location) -> dict[str, str]:
    """The placeholder values of one location (for patterns and article text)."""
    return {
        "city": location.city,
        "state": location.state,
        "state_name": location.state_name,
        "location_name": location.name,
        "street_address": location.street_address,
        "postal_code": location.postal_code,
        "phone": display_phone(location.phone),
        "service_name": service.name if service else "",
    }


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_pattern(pattern: str, values: dict[str, str]) -> str:
    """Fill a `{city}`-style pattern; unknown names stay visible rather than vanish."""
    return pattern.format_map(_KeepUnknown(values))


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12_742 * math.asin(math.sqrt(h))


def nearest(
    location: Location, others: Iterable[Location], count: int = NEARBY_COUNT
) -> list[Location]:
    """Return the closest other locations, nearest first (by slug when unknown)."""
    candidates = [o for o in others if o.slug != location.slug]
    if location.latitude is None:
        return sorted(candidates, key=lambda o: o.slug)[:count]
    located = [o for o in candidates if o.latitude is not None]
    return sorted(located, key=lambda o: (distance_km(location, o), o.slug))[:count]


KM_PER_DEGREE = 111.19  # one degree of latitude on the mean-radius Earth
SEARCH_RADII = (0.5, 2.0, 8.0, 32.0, 180.0)  # degrees, widened until the nearest are certain


def box_is_enough(location: Location, found: Sequence[Location], radius: float, count: int) -> bool:
    """True when no location outside the +/-radius box can be nearer than the count-th found."""
    if radius >= 180 or location.latitude is None:
        return True
    if len(found) < count:
        return False
    edge_lat = min(89.9, abs(location.latitude) + radius)
    safe_km = radius * KM_PER_DEGREE * math.cos(math.radians(edge_lat))
    return distance_km(location, found[count - 1]) <= safe_km


def directions_url(location: Location) -> str:
    address = f"{location.street_address}, {location.city}, {location.state} {location.postal_code}"
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": address})


def share_links(url: str, title: str) -> tuple[Link, ...]:
    u, t = quote(url, safe=""), quote(title, safe="")
    return (
        Link("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        Link("X", f"https://twitter.com/intent/tweet?url={u}&text={t}"),
        Link("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        Link("Email", f"mailto:?subject={t}&body={u}"),
    )


def location_facts(location: Location, today: date) -> dict:
    """The NAP block, hours and links shown wherever a location appears."""
    return {
        "location": location,
        "phone_display": display_phone(location.phone),
        "tel": "tel:" + location.phone,
        "directions": directions_url(location),
        "hours": week_table(location.opening_hours) if location.opening_hours else [],
        "special": upcoming_special_hours(location.special_hours, today, days=366),
    }


def compose_landing(
    site: Site,
    service: Service,
    location: Location,
    article: CompiledArticle,
    neighbours: Sequence[Location],
    today: date,
    override: Override | None = None,
) -> Page:
    """Compose the landing page of one service at one location."""
    from seo.core.schema_org import landing_graph

    values = pattern_values(service, location)
    path = landing_path(service.slug, location.slug)
    canonical = site.absolute(path)
    title = shorten_title(format_pattern(service.title_pattern, values))
    description = shorten(format_pattern(service.description_pattern, values), DESCRIPTION_MAX)
    h1 = format_pattern(service.heading_pattern, values)
    crumbs = (
        Link("Home", "/"),
        Link("Locations", "/locations/"),
        Link(location.state_name, state_path(location.state)),
        Link(location.name, location_path(location)),
        Link(service.name, path),
    )
    facts = location_facts(location, today)
    override = override or Override()
    page = Page(
        kind="landing",
        path=path,
        canonical=canonical,
        title=title,
        description=description,
        h1=h1,
        breadcrumbs=crumbs,
        graph={},
        og_type="article",
        noindex=override.noindex,
        data={
            **facts,
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
                Link(n.name, landing_path(service.slug, n.slug), f"{n.city}, {n.state}")
                for n in neighbours
            ],
            "share": share_links(canonical, title),
            "disclaimer": DISCLAIMER,
        },
    )
    return _with_graph(page, landing_graph(site, page, service, location, facts["special"]))


def _with_graph(page: Page, graph: dict) -> Page:
    from dataclasses import replace

    return replace(page, graph=graph)


def compose_location(
    site: Site, location: Location, services: Sequence[Service], today: date
) -> Page:
    """Compose a location's own page: address, phone, hours, services offered."""
    from seo.core.schema_org import simple_graph

    path = location_path(location)
    offered = [s for s in services if location.offers(s.slug)]
    title = shorten(f"{location.name} – {location.city}, {location.state}", TITLE_MAX)
    names = ", ".join(s.name.lower() for s in offered) or "pain care"
    description = shorten(
        f"{location.name} at {location.street_address}, {location.city}, {location.state}: "
        f"hours, directions and phone for {names}.",
        DESCRIPTION_MAX,
    )
    crumbs = (
        Link("Home", "/"),
        Link("Locations", "/locations/"),
        Link(location.state_name, state_path(location.state)),
        Link(location.name, path),
    )
    facts = location_facts(location, today)
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
            **facts,
            "services": [Link(s.name, landing_path(s.slug, location.slug)) for s in offered],
        },
    )
    return _with_graph(page, simple_graph(site, page, place=(location, facts["special"])))


def group_by_state(locations: Iterable[Location]) -> list[tuple[str, str, list[Location]]]:
    """Return (code, name, locations) per state, by state name then city."""
    groups: dict[str, list[Location]] = {}
    for location in locations:
        groups.setdefault(location.state, []).append(location)
    return [
        (code, STATE_NAMES.get(code, code), sorted(groups[code], key=lambda x: (x.city, x.slug)))
        for code in sorted(groups, key=lambda c: STATE_NAMES.get(c, c))
    ]


def compose_locations_index(site: Site, locations: Sequence[Location]) -> Page:
    from seo.core.schema_org import simple_graph

    path = "/locations/"
    groups = group_by_state(locations)
    page = Page(
        kind="locations",
        path=path,
        canonical=site.absolute(path),
        title=shorten_title(f"Clinic Locations | {site.brand}"),
        description=shorten(
            f"Find a {site.brand} clinic: {len(locations)} locations in "
            f"{len(groups)} states, with addresses, phone numbers and opening hours.",
            DESCRIPTION_MAX,
        ),
        h1="Our clinic locations",
        breadcrumbs=(Link("Home", "/"), Link("Locations", path)),
        graph={},
        data={"groups": groups},
    )
    return _with_graph(page, simple_graph(site, page))


def compose_state(site: Site, state: str, locations: Sequence[Location]) -> Page:
    from seo.core.schema_org import simple_graph

    name = STATE_NAMES.get(state, state)
    path = state_path(state)
    cities = ", ".join(sorted({loc.city for loc in locations}))
    page = Page(
        kind="state",
        path=path,
        canonical=site.absolute(path),
        title=shorten(f"{site.brand} Clinics in {name}", TITLE_MAX),
        description=shorten(
            f"{site.brand} clinics in {name}: {cities}. Addresses, opening hours, "
            "directions and one-tap calling for each clinic.",
            DESCRIPTION_MAX,
        ),
        h1=f"Clinics in {name}",
        breadcrumbs=(Link("Home", "/"), Link("Locations", "/locations/"), Link(name, path)),
        graph={},
        data={"state": state, "state_name": name, "locations": locations},
    )
    return _with_graph(page, simple_graph(site, page))


def compose_service(
    site: Site, service: Service, article: CompiledArticle, locations: Sequence[Location]
) -> Page:
    from seo.core.schema_org import simple_graph

    path = f"/{service.slug}/"
    groups = group_by_state(locations)
    summary = service.summary or article.article.title
    page = Page(
        kind="service",
        path=path,
        canonical=site.absolute(path),
        title=shorten_title(f"{service.name} | {site.brand}"),
        description=shorten(
            f"{service.name} at {len(locations)} {site.brand} clinics. {summary}",
            DESCRIPTION_MAX,
        ),
        h1=service.name,
        breadcrumbs=(Link("Home", "/"), Link(service.name, path)),
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
                    [Link(x.name, landing_path(service.slug, x.slug), x.city) for x in locs],
                )
                for code, name, locs in groups
            ],
        },
    )
    return _with_graph(page, simple_graph(site, page))


def compose_home(site: Site, services: Sequence[Service], locations: Sequence[Location]) -> Page:
    from seo.core.schema_org import simple_graph

    groups = group_by_state(locations)
    page = Page(
        kind="home",
        path="/",
        canonical=site.absolute("/"),
        title=shorten(f"{site.brand} – Pain Treatment Clinics", TITLE_MAX),
        description=shorten(
            f"{site.brand} treats chronic and nerve pain at {len(locations)} clinics in "
            f"{len(groups)} states. Find your nearest clinic, its hours and phone number.",
            DESCRIPTION_MAX,
        ),
        h1=site.brand,
        breadcrumbs=(Link("Home", "/"),),
        graph={},
        data={
            "services": [Link(s.name, f"/{s.slug}/", s.summary) for s in services],
            "groups": groups,
        },
    )
    return _with_graph(page, simple_graph(site, page))


def special_label(item: SpecialHours) -> str:
    return f"{item.day.strftime('%a %b')} {item.day.day}: {item.label}"
