"""The values pages are made of, and the small helpers every page kind shares."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlencode

from babel import Locale

from seo.core import urls
from seo.core.articles import Question
from seo.core.hours import (
    Closure,
    SpecialHours,
    closure,
    upcoming_special_hours,
    week_spans,
)
from seo.core.interface import ENGLISH, N_, Interface
from seo.core.locations import Location, display_phone
from seo.core.states import STATE_NAMES
from seo.core.timezones import state_zone

TITLE_MAX = 60  # characters search results usually show
DESCRIPTION_MAX = 160
DESCRIPTION_MIN = 70
DISCLAIMER = N_(
    "This page is general information, not medical advice. Treatment depends on an "
    "examination by a licensed clinician; call 911 in an emergency."
)


@dataclass(frozen=True)
class Site:
    url: str  # SITE_URL, no trailing slash
    brand: str = "Gateway Pain Relief"
    language: str = "en"  # the language of the pages composed with it
    default_language: str = "en"  # SITE_LANGUAGE: its pages keep the unprefixed paths
    text: Interface = ENGLISH  # the interface text of `language`: what pages write around content

    def absolute(self, path: str) -> str:
        return self.url + path

    @property
    def segment(self) -> str:
        """The path prefix of this language: "" for the default language."""
        return "" if self.language == self.default_language else self.language

    @property
    def urls(self) -> urls.InLanguage:
        """Paths of the pages in this language."""
        return urls.InLanguage(self.segment)


def language_name(language: str) -> str:
    """A language's name as its speakers write it: English, Español, Deutsch."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def og_locale(language: str) -> str:
    """The Open Graph locale of a language (language_TERRITORY): the clinics are in the US."""
    return f"{language}_US"


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
    preview: bool = False  # a staff preview: noindex, with a banner; otherwise the same bytes
    language: str = "en"
    # Every language version of the page, itself included, as (hreflang, path), x-default
    # last; empty when the page exists in one language only.
    alternates: tuple[tuple[str, str], ...] = ()


class Members(tuple):
    """A tuple of values whose repr is a digest of its items, worked out once.

    Page inputs are digested through repr: a list of 100,000 locations shared by several
    pages is digested once, not once per page."""

    def __repr__(self) -> str:
        digest = self.__dict__.get("digest")
        if digest is None:
            text = tuple.__repr__(self).encode()
            digest = self.__dict__["digest"] = hashlib.blake2b(text, digest_size=16).hexdigest()
        return f"Members({digest})"


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


def directions_url(location: Location) -> str:
    address = f"{location.street_address}, {location.city}, {location.state} {location.postal_code}"
    return _directions(address)


@functools.lru_cache(maxsize=4096)
def _directions(address: str) -> str:
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": address})


def share_links(url: str, title: str) -> tuple[Link, ...]:
    u, t = quote(url, safe=""), quote(title, safe="")
    return (
        Link("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        Link("X", f"https://twitter.com/intent/tweet?url={u}&text={t}"),
        Link("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        Link("Email", f"mailto:?subject={t}&body={u}"),
    )


def closed(location: Location, today: date) -> Closure | None:
    """The temporary closure a page composed on `today` shows, if any."""
    return closure(location.closed_until, today)


def upcoming(location: Location, today: date) -> tuple[SpecialHours, ...]:
    """The dated exceptions a page shows: those of the coming year, from the reopening day
    on while the clinic is temporarily closed."""
    start = max(today, location.closed_until or today)
    return tuple(
        s for s in upcoming_special_hours(location.special_hours, today, days=366) if s.day >= start
    )


def location_facts(
    location: Location, special: Sequence[SpecialHours], closure: Closure | None = None
) -> dict:
    """The NAP block, hours and links shown wherever a location appears."""
    hours = location.opening_hours
    return {
        "location": location,
        "phone_display": display_phone(location.phone),
        "tel": "tel:" + location.phone,
        "directions": directions_url(location),
        "hours_spans": week_spans(hours) if hours else [],
        "special": tuple(special),
        "closure": closure,
        # The browser marks today's row and "open now" in the clinic's zone (static/site.js).
        "time_zone": location.time_zone or state_zone(location.state),
    }


def group_by_state(locations: Iterable[Location]) -> list[tuple[str, str, list[Location]]]:
    """Return (code, name, locations) per state, by state name then city."""
    groups: dict[str, list[Location]] = {}
    for location in locations:
        groups.setdefault(location.state, []).append(location)
    return [
        (code, STATE_NAMES.get(code, code), sorted(groups[code], key=lambda x: (x.city, x.slug)))
        for code in sorted(groups, key=lambda c: STATE_NAMES.get(c, c))
    ]
