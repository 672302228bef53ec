"""Appointment requests as plain values: validate a form post, read campaign parameters."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from seo.core import urls
from seo.core.interface import ENGLISH, N_, Interface
from seo.core.locations import normalize_phone

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
PREFERRED_TIMES = {
    "": N_("Any time"),
    "morning": N_("Morning"),
    "midday": N_("Around midday"),
    "afternoon": N_("Afternoon"),
}
# Where a request stands with the clinic's team; every request starts as "new".
STATUSES = {
    "new": "New",
    "contacted": "Contacted",
    "booked": "Booked",
    "closed": "Closed",
}
HONEYPOT = "website"  # hidden from people; a bot that fills it is refused
LIMITS = {"name": 200, "phone": 40, "email": 254, "message": 2000}
UTM_MAX = 200
REFERRER_MAX = 500
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


@dataclass(frozen=True)
class AppointmentRequest:
    """A valid request: who to contact, how, and when they would like to come."""

    name: str
    phone: str  # E.164, or "" when only an email address was given
    email: str
    preferred_time: str  # a key of PREFERRED_TIMES
    message: str
    service: str = ""  # service slug, "" when the visitor did not choose one
    campaign: dict[str, str] = field(default_factory=dict)  # utm_* values that were given


@dataclass(frozen=True)
class PageTarget:
    """The clinic (and service) a public page is about."""

    location: str
    service: str = ""


def page_target(path: str) -> PageTarget | None:
    """The location and service a landing or location page path names, or None."""
    ref = urls.parse(path)
    if ref is None:
        return None
    if ref.kind == "location":
        return PageTarget(ref.key[0])
    if ref.kind == "landing":
        return PageTarget(ref.key[1], ref.key[0])
    return None


def campaign(query: Mapping[str, str]) -> dict[str, str]:
    """The utm_* parameters of a query, trimmed; empty ones left out."""
    values = {}
    for key in UTM_KEYS:
        value = " ".join(str(query.get(key) or "").split())[:UTM_MAX]
        if value:
            values[key] = value
    return values


def campaign_from_url(url: str) -> dict[str, str]:
    """The utm_* parameters in a URL's query string (e.g. a Referer header)."""
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return {}
    return campaign({key: values[0] for key, values in query.items() if values})


def clean_referrer(value: str) -> str:
    """An http(s) URL cut to a sane length, or ""."""
    value = (value or "").strip()
    if not value.startswith(("http://", "https://")):
        return ""
    return value[:REFERRER_MAX]


def is_spam(raw: Mapping[str, str]) -> bool:
    """True when the hidden honeypot field was filled in."""
    return bool(str(raw.get(HONEYPOT) or "").strip())


def validate_request(
    raw: Mapping[str, str], services: Collection[str] = (), ui: Interface = ENGLISH
) -> tuple[AppointmentRequest | None, dict[str, str]]:
    """Turn a form post into a request, or return {field: message} for each problem.

    `services` are the slugs the visitor may choose from (empty: the page fixes the service);
    the messages are in the language of `ui`."""
    _ = ui.gettext
    text = {name: str(raw.get(name) or "").strip() for name in (*LIMITS, "preferred_time")}
    errors: dict[str, str] = {}
    name = " ".join(text["name"].split())
    if not name:
        errors["name"] = _("Enter your name so the clinic knows whom to ask for.")
    for key, limit in LIMITS.items():
        if len(text[key]) > limit and key not in errors:
            errors[key] = _("Keep this under %(limit)s characters.", limit=limit)
    phone = ""
    if text["phone"] and "phone" not in errors:
        try:
            # A visitor may live anywhere in North America; the clinic calls back all the same.
            phone = normalize_phone(text["phone"], regions=None)
        except ValueError:
            errors["phone"] = _("Enter a US phone number, for example (314) 555-0101.")
    email = text["email"]
    if email and "email" not in errors and not EMAIL_RE.match(email):
        errors["email"] = _("Enter an email address such as name@example.com.")
    if not text["phone"] and not email:
        errors["phone"] = _("Enter a phone number or an email address (or both).")
    preferred = text["preferred_time"]
    if preferred not in PREFERRED_TIMES:
        errors["preferred_time"] = _("Choose one of the listed times.")
    service = str(raw.get("service") or "").strip()
    if service and services and service not in services:
        errors["service"] = _("Choose one of the listed treatments.")
    if str(raw.get("consent") or "") not in ("y", "on", "yes", "1"):
        errors["consent"] = _("Tick the box so the clinic may contact you about this request.")
    if errors:
        return None, errors
    request = AppointmentRequest(
        name=name,
        phone=phone,
        email=email,
        preferred_time=preferred,
        message=text["message"],
        service=service if services else "",
        campaign=campaign(raw),
    )
    return request, {}


def one_line(value: str, limit: int = 200) -> str:
    """Text fit for an email header or a line of its own: no line breaks, controls or
    invisible characters, runs of white space as one space, at most `limit` characters."""
    kept = "".join(c for c in value if c.isprintable() or c.isspace())
    return " ".join(kept.split())[:limit]


def notification_subject(location: str) -> str:
    """The staff email's subject line."""
    return one_line(f"Appointment request: {location}")


def notification_text(service: str, location: str, preferred_time: str, admin_url: str) -> str:
    """The staff email: what and where, but no patient details (email is not private)."""
    service, location = one_line(service), one_line(location)
    what = f"{service} at {location}" if service else location
    return (
        f"A new appointment request arrived for {what}.\n"
        f"Preferred time: {PREFERRED_TIMES.get(preferred_time, 'Any time')}.\n\n"
        f"Sign in to see the visitor's details: {admin_url}\n"
    )
