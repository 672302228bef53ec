"""The audit's plain values: levels, findings, thresholds and the audited page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seo.audit.html_reader import Html
from seo.core.locations import Location

ERROR, WARNING, INFO = "error", "warning", "info"
LEVELS = (ERROR, WARNING, INFO)

Issue = tuple[str, str]  # (field, message) from a page rule
SiteIssue = tuple[str, str, str]  # (path, field, message) from a site rule


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one page: what is wrong, where, and what to do."""

    level: str
    rule: str
    path: str
    field: str
    message: str
    related: str = ""  # the other page a comparing rule found (the page a text copies)


@dataclass(frozen=True)
class AuditConfig:
    """Thresholds of the audit; docs/AUDIT.md explains each default."""

    title_min: int = 30  # shorter titles waste the search-result line
    title_max: int = 60  # search results cut titles at about 60 characters (~600 px)
    description_min: int = 70
    description_max: int = 160  # search results cut snippets at about 160 characters
    shingle_words: int = 5
    boilerplate_share: float = 0.5  # a shingle on >= half a service's pages is shared text
    min_local_words: int = 50  # words of location-specific text each landing page needs
    max_similarity: float = 0.5  # Jaccard of two pages' location-specific shingles
    num_perm: int = 128  # MinHash permutations: about +/-0.04 error on the estimate
    keyword_max_density: float = 0.03  # share of the main text's words spent on the keyword
    keyword_max_repeats: int = 2  # times the keyword may appear in one paragraph
    review_max_age_days: int = 365  # medical content is re-reviewed at least yearly


@dataclass(frozen=True)
class AuditPage:
    """One published page as the audit sees it: where it lives, its data and its HTML."""

    path: str
    url: str  # the absolute URL the site publishes for this path (and the sitemap lists)
    kind: str  # home, locations, state, location, service, landing
    html: Html
    service: str = ""  # service slug of a service hub or landing page
    location: Location | None = None  # the clinic a location or landing page shows
    keyword: str = ""  # the target search phrase, e.g. "... near me florissant mo"
    in_sitemap: bool = True
    medical: bool = False  # carries medical content (landing pages)
    reviewed_by: str = ""
    last_reviewed: date | None = None
    disclaimer: str = ""  # the disclaimer text the page must show
    closure_text: str = "Temporarily closed"  # a temporary closure's notice, in its language
    error: str = ""  # why the page could not be rendered; only its data is then checked
    language: str = ""  # the page's language code
