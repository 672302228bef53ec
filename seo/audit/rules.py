"""The one RULES table and the runner: page rules page by page, then the site rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from seo.audit.jsonld_rules import (
    jsonld_missing,
    local_business_recommended,
    local_business_required,
    schema_vocabulary,
)
from seo.audit.language_rules import (
    Translation,
    translation_patterns_missing,
    translation_stale,
)
from seo.audit.model import ERROR, WARNING, AuditConfig, AuditPage, Finding
from seo.audit.nap_rules import (
    address_missing,
    closure_mismatch,
    coordinates_missing,
    hours_missing,
    name_missing,
    nap_mismatch,
    phone_missing,
)
from seo.audit.page_rules import (
    canonical_mismatch,
    canonical_missing,
    description_missing,
    description_too_long,
    description_too_short,
    disclaimer_missing,
    h1_missing,
    h1_multiple,
    image_alt_missing,
    keyword_stuffing,
    medical_review_expired,
    medical_review_missing,
    missing_from_sitemap,
    near_me_in_text,
    noindex_in_sitemap,
    page_render_failed,
    title_missing,
    title_too_long,
    title_too_short,
)
from seo.audit.report import sort_key
from seo.audit.site_rules import (
    SiteView,
    broken_internal_link,
    description_duplicate,
    hreflang_not_reciprocal,
    internal_link_redirect,
    nap_differs_between_pages,
    near_duplicate_findings,
    orphan_page,
    title_duplicate,
)


@dataclass(frozen=True)
class Rule:
    id: str  # stable, kebab-case: staff filter by it
    level: str
    scope: str  # "page": sees one page; "site": compares pages; "translation": one article
    check: Callable
    summary: str


RULES: tuple[Rule, ...] = (
    Rule("title-missing", ERROR, "page", title_missing, "no <title>, or several"),
    Rule("title-too-short", WARNING, "page", title_too_short, "title under 30 characters"),
    Rule("title-too-long", WARNING, "page", title_too_long, "title over 60 characters"),
    Rule("title-duplicate", ERROR, "site", title_duplicate, "two pages share a title"),
    Rule("description-missing", ERROR, "page", description_missing, "no meta description"),
    Rule("description-too-short", WARNING, "page", description_too_short, "under 70 chars"),
    Rule("description-too-long", WARNING, "page", description_too_long, "over 160 chars"),
    Rule("description-duplicate", WARNING, "site", description_duplicate, "shared description"),
    Rule("h1-missing", ERROR, "page", h1_missing, "no <h1>"),
    Rule("h1-multiple", ERROR, "page", h1_multiple, "more than one <h1>"),
    Rule("name-missing", ERROR, "page", name_missing, "clinic without a name"),
    Rule("address-missing", ERROR, "page", address_missing, "clinic without a full address"),
    Rule("phone-missing", ERROR, "page", phone_missing, "clinic without a phone number"),
    Rule("coordinates-missing", WARNING, "page", coordinates_missing, "clinic without geo"),
    Rule("hours-missing", WARNING, "page", hours_missing, "clinic without opening hours"),
    Rule("nap-mismatch", ERROR, "page", nap_mismatch, "JSON-LD NAP differs from page or data"),
    Rule(
        "closure-mismatch",
        ERROR,
        "page",
        closure_mismatch,
        "temporary closure not shown, or shown for an open clinic",
    ),  # fmt: skip
    Rule(
        "nap-differs-between-pages",
        ERROR,
        "site",
        nap_differs_between_pages,
        "landing page NAP differs from the location page",
    ),  # fmt: skip
    Rule("broken-internal-link", ERROR, "site", broken_internal_link, "link to no page"),
    Rule(
        "internal-link-redirect",
        WARNING,
        "site",
        internal_link_redirect,
        "link to a redirecting path",
    ),  # fmt: skip
    Rule("orphan-page", WARNING, "site", orphan_page, "no other page links here"),
    Rule(
        "hreflang-not-reciprocal",
        ERROR,
        "site",
        hreflang_not_reciprocal,
        "language versions missing, not listing themselves, or not listing each other",
    ),  # fmt: skip
    Rule("canonical-missing", ERROR, "page", canonical_missing, "no canonical URL"),
    Rule(
        "canonical-mismatch",
        ERROR,
        "page",
        canonical_mismatch,
        "canonical differs from the URL in the sitemap",
    ),  # fmt: skip
    Rule("noindex-in-sitemap", ERROR, "page", noindex_in_sitemap, "noindex page in a sitemap"),
    Rule(
        "missing-from-sitemap",
        WARNING,
        "page",
        missing_from_sitemap,
        "indexable page in no sitemap",
    ),  # fmt: skip
    Rule("keyword-stuffing", ERROR, "page", keyword_stuffing, "target keyword repeated"),
    Rule("near-me-in-text", ERROR, "page", near_me_in_text, "'near me' pasted into text"),
    Rule("image-alt-missing", WARNING, "page", image_alt_missing, "image without alt"),
    Rule(
        "medical-review-missing",
        ERROR,
        "page",
        medical_review_missing,
        "article without reviewer or review date",
    ),  # fmt: skip
    Rule(
        "medical-review-expired",
        ERROR,
        "page",
        medical_review_expired,
        "article reviewed over 12 months ago",
    ),  # fmt: skip
    Rule("disclaimer-missing", ERROR, "page", disclaimer_missing, "no medical disclaimer"),
    Rule("jsonld-missing", ERROR, "page", jsonld_missing, "no or unreadable JSON-LD"),
    Rule(
        "schema-vocabulary",
        ERROR,
        "page",
        schema_vocabulary,
        "JSON-LD type, property or value not in schema.org",
    ),  # fmt: skip
    Rule(
        "local-business-required",
        ERROR,
        "page",
        local_business_required,
        "LocalBusiness without name or address",
    ),  # fmt: skip
    Rule(
        "local-business-recommended",
        WARNING,
        "page",
        local_business_recommended,
        "LocalBusiness without telephone, url, geo, hours or address parts",
    ),  # fmt: skip
    Rule(
        "near-duplicate-page",
        ERROR,
        "site",
        near_duplicate_findings,
        "landing page with too little location-specific text",
    ),  # fmt: skip
    Rule(
        "near-duplicate-local-text",
        ERROR,
        "site",
        near_duplicate_findings,
        "landing page whose local text copies another's",
    ),  # fmt: skip
    Rule("page-render-failed", ERROR, "page", page_render_failed, "page could not be built"),
    Rule(
        "translation-stale",
        WARNING,
        "translation",
        translation_stale,
        "translated article older than the original",
    ),  # fmt: skip
    Rule(
        "translation-patterns-missing",
        ERROR,
        "translation",
        translation_patterns_missing,
        "translated article without its title, heading or description pattern",
    ),  # fmt: skip
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
PAGE_RULES = [rule for rule in RULES if rule.scope == "page"]


# Rules that read the location's data only, so they also explain a page that failed to render.
DATA_RULES = ("page-render-failed", "name-missing", "address-missing", "phone-missing",
              "coordinates-missing", "hours-missing")  # fmt: skip


def check_page(
    page: AuditPage, config: AuditConfig, today: date, rule_ids: Iterable[str] | None = None
) -> list[Finding]:
    """Run the page rules (or the named ones) over one page."""
    rules = [RULES_BY_ID[r] for r in rule_ids] if rule_ids is not None else PAGE_RULES
    return [
        Finding(rule.level, rule.id, page.path, name, message)
        for rule in rules
        for name, message in rule.check(page, config, today)
    ]


def check_translations(items: Iterable[Translation]) -> list[Finding]:
    """Run the rules on services' articles in other languages."""
    rules = [rule for rule in RULES if rule.scope == "translation"]
    return [
        Finding(rule.level, rule.id, *issue) for item in items for rule in rules
        for issue in rule.check(item)
    ]  # fmt: skip


def check(page: AuditPage, config: AuditConfig, today: date) -> list[Finding]:
    """Run the page rules that apply: all of them, or only the data rules for an unrendered page."""
    return check_page(page, config, today, DATA_RULES if page.error else None)


def audit(
    pages: Iterable[AuditPage], config: AuditConfig | None = None, today: date | None = None
) -> list[Finding]:
    """Run every rule over the pages (read once, page by page) and return sorted findings."""
    config = config or AuditConfig()
    today = today or date.today()
    return finish_audit(((check(page, config, today), page) for page in pages), config)


def finish_audit(
    checked: Iterable[tuple[list[Finding], AuditPage]], config: AuditConfig
) -> list[Finding]:
    """Compare pages whose page rules already ran (perhaps in other processes); sort it all."""
    site = SiteView()
    findings: list[Finding] = []
    for page_findings, page in checked:
        findings += page_findings
        site.add(page)
    findings += site_findings(site, config)
    return sorted(set(findings), key=sort_key)


def site_findings(
    site: SiteView, config: AuditConfig, rule_ids: Iterable[str] | None = None
) -> list[Finding]:
    """Run the site rules (or the named ones) over the pages a site view holds."""
    if rule_ids is None:
        wanted = [rule for rule in RULES if rule.scope == "site"]
    else:
        wanted = [RULES_BY_ID[r] for r in rule_ids]
    findings: list[Finding] = []
    for site_check, rule in {rule.check: rule for rule in wanted}.items():
        for item in site_check(site, config):
            if isinstance(item, Finding):
                findings.append(item)
            else:
                findings.append(Finding(rule.level, rule.id, *item))
    return findings
