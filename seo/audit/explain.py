"""Findings in staff words: one entry per thing to fix (a clinic, an article or a page) and
problem, naming the field to change; the rule ids stay as secondary detail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from seo.audit.model import LEVELS, Finding
from seo.core import urls

# What each rule means, as a heading a marketing team reads.
PROBLEMS = {
    "title-missing": "The page has no title",
    "title-too-short": "The page title is too short",
    "title-too-long": "The page title is too long for search results",
    "title-duplicate": "Two pages share one title",
    "description-missing": "The page has no search description",
    "description-too-short": "The search description is too short",
    "description-too-long": "The search description is too long",
    "description-duplicate": "Two pages share one search description",
    "h1-missing": "The page has no main heading",
    "h1-multiple": "The page has more than one main heading",
    "name-missing": "The clinic has no name",
    "address-missing": "The clinic's address is incomplete",
    "phone-missing": "The clinic has no phone number",
    "coordinates-missing": "The clinic has no map position",
    "hours-missing": "The clinic has no opening hours",
    "closure-mismatch": "The page does not match the clinic's temporary closure",
    "nap-mismatch": "Name, address or phone differ between the page and its data",
    "nap-differs-between-pages": "The clinic's details differ between its pages",
    "broken-internal-link": "A link leads nowhere",
    "internal-link-redirect": "A link goes through a redirect",
    "orphan-page": "No other page links here",
    "canonical-missing": "The page does not name its own address",
    "canonical-mismatch": "The page names another address as its own",
    "noindex-in-sitemap": "A hidden page is listed for search engines",
    "missing-from-sitemap": "Search engines are not told about the page",
    "keyword-stuffing": "The search phrase is repeated too often",
    "near-me-in-text": "The text says “near me”",
    "image-alt-missing": "A picture has no description",
    "medical-review-missing": "The article has no medical reviewer",
    "medical-review-expired": "The article's medical review is out of date",
    "disclaimer-missing": "The medical disclaimer is missing",
    "jsonld-missing": "The search-engine data is missing",
    "schema-vocabulary": "The search-engine data uses an unknown term",
    "local-business-required": "The clinic's search-engine data lacks required details",
    "local-business-recommended": "The clinic's search-engine data lacks recommended details",
    "near-duplicate-page": "Too little text of the clinic's own",
    "near-duplicate-local-text": "The clinic's introduction copies another clinic's",
    "page-render-failed": "The page cannot be built",
}

# The location form's fields, by the names findings use.
LOCATION_FIELDS = {
    "name": "Name",
    "street_address": "Street address",
    "city": "City",
    "state": "State",
    "postal_code": "ZIP code",
    "phone": "Phone",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "opening_hours": "Opening hours",
    "special_hours": "Special hours",
    "closed_until": "Temporarily closed until",
    "time_zone": "Time zone",
    "intro": "Introduction",
    "services": "Services",
}
# Page parts a service's article editor writes: (the editor's field, its label).
SERVICE_FIELDS = {
    "title": ("title_pattern", "Title pattern"),
    "description": ("description_pattern", "Description pattern"),
    "h1": ("heading_pattern", "H1 pattern"),
    "reviewed_by": ("", "Medical reviewer"),
    "last_reviewed": ("", "Review date"),
    "disclaimer": ("", "Article"),
}
PAGE_PARTS = {
    "links": "Links on the page",
    "json-ld": "Search-engine data",
    "canonical": "Page address",
    "noindex": "Search-engine visibility",
    "sitemap": "Sitemap",
    "page": "The whole page",
}


@dataclass(frozen=True)
class Fix:
    """Where staff fix a finding: a clinic or article editor field, or only the page."""

    editor: str  # "location", "service" or "page"
    subject: str  # a location or service slug, or the page path
    field: str = ""  # the editor's field (its form name), "" for the editor as a whole
    label: str = ""  # the field in staff words


@dataclass
class Problem:
    """One problem of one subject, with every page it shows on."""

    level: str
    headline: str
    fix: Fix
    rules: list[str]
    messages: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # the pages a comparing rule named


def clinic_of(path: str) -> str:
    """The slug of the clinic a location or landing page shows ("" for other pages)."""
    ref = urls.parse(path)
    return ref.key[-1] if ref and ref.kind in ("location", "landing") else ""


def where_to_fix(finding: Finding) -> Fix:
    """The editor and field that fix a finding, worked out from its page and field."""
    ref = urls.parse(finding.path)
    location = clinic_of(finding.path)
    service = ref.key[0] if ref and ref.kind in ("service", "landing") else ""
    if location and finding.field in LOCATION_FIELDS:
        return Fix("location", location, finding.field, LOCATION_FIELDS[finding.field])
    if service and finding.field in SERVICE_FIELDS:
        name, label = SERVICE_FIELDS[finding.field]
        return Fix("service", service, name, label)
    label = PAGE_PARTS.get(finding.field, finding.field.replace("_", " ").capitalize())
    return Fix("page", finding.path, "", label)


def group_findings(findings: Iterable[Finding]) -> list[Problem]:
    """One Problem per field to fix (or per page and rule where no field fixes it), worst
    first: a copied intro seen on four landing pages is one problem of one clinic, and a
    missing map position is one problem however many rules notice it."""
    problems: dict[tuple, Problem] = {}
    for finding in sorted(findings, key=lambda f: LEVELS.index(f.level)):
        fix = where_to_fix(finding)
        key = (fix,) if fix.field else (fix, finding.rule)
        problem = problems.get(key)
        if problem is None:
            headline = PROBLEMS.get(finding.rule, finding.rule.replace("-", " ").capitalize())
            problem = problems[key] = Problem(finding.level, headline, fix, [])
        for values, value in (
            (problem.rules, finding.rule),
            (problem.messages, finding.message),
            (problem.paths, finding.path),
            (problem.related, finding.related),
        ):
            if value and value not in values:
                values.append(value)
    order = {"location": 0, "service": 1, "page": 2}
    return sorted(
        problems.values(),
        key=lambda p: (LEVELS.index(p.level), order[p.fix.editor], p.fix.subject, p.headline),
    )
