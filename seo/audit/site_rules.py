"""Site rules: pages reduced to what they share, then compared with one another."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from seo.audit.model import AuditConfig, AuditPage, Finding, SiteIssue
from seo.audit.nap_rules import clinic_node, nap_of, needs_clinic
from seo.audit.similarity import AuditText, near_duplicates
from seo.core import urls

OTHER_SCHEMES = ("#", "mailto:", "tel:", "sms:", "javascript:", "data:")
# Files the site serves besides pages; links to them are not page links.
NON_PAGE_PREFIXES = ("/static/", "/sitemaps/", "/admin/")
NON_PAGE_PATHS = {"/robots.txt", "/sitemap.xml", "/admin"}


@dataclass
class Summary:
    """What the site rules keep of each page once its page rules have run."""

    path: str
    kind: str
    title: str
    description: str
    links: frozenset[str]  # internal paths linked from the page
    nap: dict[str, str] | None  # the clinic's NAP from the JSON-LD
    location: str = ""
    url: str = ""
    hreflangs: tuple[tuple[str, str], ...] = ()  # the page's language versions
    language: str = ""


@dataclass
class SiteView:
    """Every audited page, reduced to what the site rules compare."""

    pages: dict[str, Summary] = field(default_factory=dict)
    origins: set[str] = field(default_factory=set)
    texts: dict[str, list[AuditText]] = field(default_factory=lambda: defaultdict(list))

    def internal_path(self, href: str, base: str) -> str | None:
        """The site path a link points to, or None for an external or non-page link."""
        if (
            href.startswith("/")
            and not href.startswith("//")
            and "?" not in href
            and "#" not in href
        ):
            return href  # the common case, without a full URL parse
        if href.startswith(OTHER_SCHEMES):
            return None
        if href.startswith(("http://", "https://", "//")) and not any(
            href == origin or href.startswith(origin + "/") for origin in self.origins
        ):
            return None
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" not in self.origins:
            return None
        path = parts.path
        if not path:
            return None
        if not path.startswith("/"):
            path = base.rsplit("/", 1)[0] + "/" + path
        return path

    def link_targets(self, paths: Iterable[str]) -> set[str]:
        """The page paths the given pages link to that this view does not hold (and their
        canonical forms): what a view of only some pages must look up elsewhere."""
        found: set[str] = set()
        for path in paths:
            summary = self.pages.get(path)
            for target in summary.links if summary is not None else ():
                if target in NON_PAGE_PATHS or target.startswith(NON_PAGE_PREFIXES):
                    continue
                found |= {target, urls.canonical(target)} - self.pages.keys()
        return found

    def know(self, path: str) -> None:
        """Know a page that exists but was not audited, so links to it are not broken."""
        self.pages.setdefault(path, Summary(path, "", "", "", frozenset(), None))

    def add_unrendered(self, page: AuditPage) -> None:
        """Know a page that failed to render, so links to it are not reported as broken."""
        self.pages[page.path] = Summary(page.path, page.kind, "", "", frozenset(), None)

    def add(self, page: AuditPage) -> None:
        if page.error:
            self.add_unrendered(page)
            return
        parts = urlsplit(page.url)
        self.origins.add(f"{parts.scheme}://{parts.netloc}")
        links = {self.internal_path(href, page.path) for href in page.html.links}
        node = clinic_node(page) if needs_clinic(page) else None
        self.pages[page.path] = Summary(
            path=page.path,
            kind=page.kind,
            title=page.html.titles[0] if page.html.titles else "",
            description=page.html.descriptions[0].strip() if page.html.descriptions else "",
            links=frozenset(p for p in links if p),
            nap=nap_of(node) if node else None,
            location=page.location.slug if page.location else "",
            url=page.url,
            hreflangs=page.html.hreflangs,
            language=page.language,
        )
        if page.kind == "landing" and page.service:
            # Near-duplicates are compared among one service's pages in one language.
            self.texts[f"{page.service} {page.language}"].append(AuditText.of(page))


def _duplicates(site: SiteView, key: Callable[[Summary], str]) -> Iterator[tuple[Summary, list]]:
    """Pages of one language sharing a value (a page's versions in other languages are
    one page to search engines, told apart by hreflang)."""
    groups: dict[tuple[str, str], list[Summary]] = defaultdict(list)
    for summary in site.pages.values():
        if key(summary):
            groups[(summary.language, key(summary))].append(summary)
    for members in groups.values():
        if len(members) > 1:
            for summary in members:
                yield summary, [m.path for m in members if m is not summary]


def _others(paths: list[str]) -> str:
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def title_duplicate(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """No two pages share a title."""
    for summary, others in _duplicates(site, lambda s: s.title):
        yield (
            summary.path,
            "title",
            f"The title {summary.title!r} is also used by {_others(others)}: give each page "
            "its own title naming its service and city.",
        )


def description_duplicate(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """No two pages share a meta description."""
    for summary, others in _duplicates(site, lambda s: s.description):
        yield (
            summary.path,
            "description",
            f"The meta description is also used by {_others(others)}: write one for this page.",
        )


def broken_internal_link(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Every internal link points at a published page."""
    known = site.pages
    for summary in site.pages.values():
        for target in sorted(summary.links):
            if target in known or target in NON_PAGE_PATHS or target.startswith(NON_PAGE_PREFIXES):
                continue
            if urls.canonical(target) in known:
                continue  # answered by internal-link-redirect
            yield (
                summary.path,
                "links",
                f"The link to {target} leads to no published page: fix or remove the link.",
            )


def internal_link_redirect(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Internal links use the canonical path, not one that redirects."""
    for summary in site.pages.values():
        for target in sorted(summary.links):
            if target not in site.pages and urls.canonical(target) in site.pages:
                yield (
                    summary.path,
                    "links",
                    f"The link to {target} redirects to {urls.canonical(target)}: link to "
                    "the canonical path directly.",
                )


def orphan_page(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Every page except the home page is linked from another page."""
    linked: set[str] = set()
    for summary in site.pages.values():
        linked.update(p for p in summary.links if p != summary.path)
    for summary in site.pages.values():
        if summary.path != "/" and summary.path not in linked:
            yield (
                summary.path,
                "links",
                "No other page links here (an orphan page): link to it from its hub, state "
                "or location page.",
            )


def nap_differs_between_pages(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """A landing page shows the same NAP as its clinic's location page."""
    location_naps = {
        s.location: s.nap for s in site.pages.values() if s.kind == "location" and s.nap
    }
    for summary in site.pages.values():
        reference = location_naps.get(summary.location)
        if summary.kind != "landing" or not summary.nap or not reference:
            continue
        for name, value in summary.nap.items():
            if value != reference[name]:
                yield (
                    summary.path,
                    name,
                    f"The {name.replace('_', ' ')} {value!r} differs from {reference[name]!r} "
                    f"on the location page {urls.location(summary.location)}: make them the same.",
                )


def near_duplicate_findings(site: SiteView, config: AuditConfig) -> Iterator[Finding]:
    for service in sorted(site.texts):
        yield from near_duplicates(site.texts[service], config)


def hreflang_not_reciprocal(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """A page's language versions list itself and each list the page back (hreflang)."""
    by_url = {summary.url: summary for summary in site.pages.values() if summary.url}
    for summary in site.pages.values():
        versions = [(code, url) for code, url in summary.hreflangs if code != "x-default"]
        if not versions:
            continue
        if summary.url not in {url for _code, url in versions}:
            yield (
                summary.path,
                "hreflang",
                "The page's language versions do not include the page itself: list its own "
                "URL with its language.",
            )
        for code, url in versions:
            other = by_url.get(url)
            if other is None:
                yield (summary.path, "hreflang", f"The {code} version {url} is no published page.")
            elif summary.url not in {u for c, u in other.hreflangs if c != "x-default"}:
                yield (
                    summary.path,
                    "hreflang",
                    f"The {code} version {url} does not list this page back as a version of "
                    "itself (hreflang must be reciprocal).",
                )
