"""Run the audit over the published site: compose, render and read every page, then check."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.orm import Session

from seo import audit
from seo.audit import AuditConfig, AuditPage, Finding
from seo.audit.explain import clinic_of
from seo.core import urls
from seo.core.articles import TRANSLATED_FIELDS
from seo.core.interface import CLOSURE_NOTICE
from seo.core.pages.model import Page
from seo.core.urls import PageRef
from seo.services import catalogs, forking, page_state, site_settings
from seo.services.sources import Catalog
from seo.store import queries

Progress = Callable[[int, int], None]  # (pages done, pages in all)


def config_from_app() -> AuditConfig:
    """Audit thresholds; each may be overridden by an AUDIT_<NAME> setting."""
    overrides = {
        f.name: current_app.config[f"AUDIT_{f.name.upper()}"]
        for f in dataclasses.fields(AuditConfig)
        if f"AUDIT_{f.name.upper()}" in current_app.config
    }
    return AuditConfig(**overrides)


def audit_page(page: Page, body: bytes, in_sitemap: bool, pool: dict) -> AuditPage:
    """The audit's view of one composed and rendered page."""
    data = page.data
    service = data.get("service")
    location = data.get("location")
    medical = page.kind == "landing"
    return AuditPage(
        path=page.path,
        url=current_app.config["SITE_URL"] + page.path,
        kind=page.kind,
        html=audit.parse_html(body, pool),
        service=service.slug if service is not None else "",
        location=location,
        keyword=data.get("keyword", ""),
        in_sitemap=in_sitemap,
        medical=medical,
        reviewed_by=service.reviewed_by if medical else "",
        last_reviewed=service.last_reviewed if medical else None,
        disclaimer=_disclaimer(page) if medical else "",
        closure_text=_closure_text(page.language),
        language=page.language,
    )


def _disclaimer(page: Page) -> str:
    """The disclaimer a page must show, as its language writes it."""
    message = page.data.get("disclaimer", "")
    return catalogs.interface(page.language).gettext(message) if message else ""


def _closure_text(language: str) -> str:
    """The words a temporarily closed clinic's pages show in a language (the notice's
    emphasised part)."""
    notice = catalogs.interface(language).gettext(CLOSURE_NOTICE, day="")
    return notice.split("<strong>", 1)[-1].split("</strong>", 1)[0]


def unrendered_page(catalog: Catalog, ref: PageRef, path: str, error: str) -> AuditPage:
    """A page that could not be composed or rendered, with the location data it would show."""
    location = catalog.location(ref.key[-1]) if ref.kind in ("location", "landing") else None
    url = current_app.config["SITE_URL"] + path
    return AuditPage(path, url, ref.kind, audit.Html(), location=location, error=error)


@dataclass
class _Reader:
    catalog: Catalog
    placed: list[tuple[PageRef, str]]
    listed: set[str]
    config: AuditConfig
    today: date


Checked = tuple[list[Finding], AuditPage]


CHUNK = 250  # pages per task
PARALLEL_FROM = 1_000  # below this many pages one process is quicker than forking


def _read_chunk(span: tuple[int, int]) -> list[Checked]:
    """Compose, render, read and check pages; keep what the site-wide rules compare."""
    reader: _Reader = forking.prepared()
    pool: dict[str, str] = {}  # equal text blocks are kept once across pages
    out = []
    for ref, path in reader.placed[span[0] : span[1]]:
        try:
            page, body, _state = page_state.render(page_state.prepare(reader.catalog, ref, path))
        except Exception as exc:  # one broken page must not hide the others' findings
            error = f"{type(exc).__name__}: {exc}"
            item = unrendered_page(reader.catalog, ref, path, error)
        else:
            item = audit_page(page, body, page.path in reader.listed, pool)
        findings = audit.check(item, reader.config, reader.today)
        # The visible text is only read by the page rules, which have run: drop it.
        out.append((findings, dataclasses.replace(item, html=item.html.without_text())))
    return out


def checked_pages(
    session: Session,
    config: AuditConfig,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Iterator[Checked]:
    """Every published page with its page-rule findings, read in worker processes on big sites."""
    catalog = Catalog(session)
    listed = {path for path, state in queries.page_states(session).items() if state.sitemap}
    placed = page_state.placed(catalog)
    total = len(placed)
    chunks = [(i, min(i + CHUNK, total)) for i in range(0, total, CHUNK)]
    processes = (workers or os.cpu_count() or 1) if total >= PARALLEL_FROM else 1
    reader = _Reader(catalog, placed, listed, config, site_settings.today())
    parts = forking.fork_map(reader, _read_chunk, chunks, processes)
    yield from _counted(parts, total, progress)


def _counted(
    parts: Iterator[list[Checked]], total: int, progress: Progress | None
) -> Iterator[Checked]:
    """Yield checked pages from chunks, sharing equal text blocks, reporting progress."""
    pool: dict[str, str] = {}
    done = 0
    for part in parts:
        for findings, page in part:
            blocks = tuple(pool.setdefault(b, b) for b in page.html.blocks)
            yield (
                findings,
                dataclasses.replace(page, html=dataclasses.replace(page.html, blocks=blocks)),
            )
        done += len(part)
        if progress is not None:
            progress(done, total)


def run_audit(
    session: Session,
    config: AuditConfig | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> tuple[list[Finding], int]:
    """Audit every published page; return the findings and the number of pages read."""
    config = config or config_from_app()
    counted = 0

    def counting() -> Iterator[Checked]:
        nonlocal counted
        for item in checked_pages(session, config, progress, workers):
            counted += 1
            yield item

    found = audit.finish_audit(counting(), config)
    found += audit.check_translations(translation_items(session))
    return sorted(set(found), key=audit.sort_key), counted


def translation_items(session: Session) -> list[audit.Translation]:
    """Every published service's articles in other languages, as the audit's rules read them."""
    return [
        audit.Translation(
            path=urls.in_language(urls.service(row.service.slug), row.language),
            service=row.service.name,
            language=row.language,
            edited=row.updated_at,
            original_edited=row.service.updated_at,
            missing=tuple(
                name for name in TRANSLATED_FIELDS if name != "summary" and not getattr(row, name)
            ),
        )
        for row in queries.translations(session)
    ]


def blocking_findings(session: Session) -> list[Finding]:
    """The findings that must stop a publish or a strict build (errors only)."""
    findings, _pages = run_audit(session)
    return [f for f in findings if f.level == audit.ERROR]


COPIED_INTRO = "near-duplicate-local-text"


def blame_later_copies(session: Session, findings: list[Finding]) -> list[Finding]:
    """Of two clinics whose intros copy each other, keep the finding of the one whose intro
    was written later (per history): the earlier clinic wrote its own text."""
    copies = {(f.path, f.related) for f in findings if f.rule == COPIED_INTRO and f.related}
    if not copies:
        return findings

    written = queries.intro_written(session, {clinic_of(p) for pair in copies for p in pair})

    def is_original(finding: Finding) -> bool:
        if finding.rule != COPIED_INTRO or (finding.related, finding.path) not in copies:
            return False
        mine, theirs = written.get(clinic_of(finding.path)), written.get(clinic_of(finding.related))
        return mine is not None and theirs is not None and mine < theirs

    return [f for f in findings if not is_original(f)]
