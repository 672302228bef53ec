"""The publishing gate: no change puts a page with audit errors live unless an admin says so.

The gate audits the pages a change makes live, composed with the change applied (flushed in
the open transaction, not committed), and compares their landing pages with a handful of
pages of the same service: the clinics nearest to each, a fixed sample of the site, and any
clinic whose intro opens with the same words. The page rules run on its pages, and the
site rules at level error (near-duplicates, duplicate titles, NAP that differs between a
clinic's pages, links to no page) among those pages and the ones they link to. So one save
costs a few page renders, not a site audit. Copies of a far-away clinic's intro that change
its opening, or a title shared with a far-away page, are left to `seo audit`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from seo import audit
from seo.audit import Finding
from seo.core import pages, urls
from seo.core.urls import PageRef
from seo.services import page_state, quality, rendering, site_settings
from seo.services.sources import DatabaseSource
from seo.store import history, models, queries

SAMPLE = 8  # other clinics' pages a landing page is compared with, besides its neighbours
SERVICE_SAMPLE = 25  # landing pages audited for a change to a whole service's article
# Past this many pages, one audit of the whole site (in worker processes) is quicker than
# auditing each page with its own comparison pages.
WHOLE_SITE_FROM = 400
# The site rules at level error, run over a change's pages and those they are compared
# with: a clinic in the same city is among a page's nearest, so shares its title there.
# (hreflang reciprocity holds by construction: every language version lists the same set.)
SITE_RULES = (
    "near-duplicate-page",
    "near-duplicate-local-text",
    "title-duplicate",
    "nap-differs-between-pages",
    "broken-internal-link",
)


@dataclass(frozen=True)
class Override:
    """An admin's decision to publish despite audit errors, and why."""

    user: str
    reason: str


class Refused(Exception):
    """The change would put pages with audit errors live; nothing was written."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} audit errors")
        self.findings = findings


def location_pages(source: DatabaseSource, slug: str) -> list[PageRef]:
    """The pages a published location has, in every language it has an intro in: its own
    page and one landing page per service."""
    refs = []
    for language in source.languages():
        view = source.in_language(language)
        location = view.location(slug)
        if location is None:
            continue
        segment = view.site.segment
        refs.append(PageRef("location", (slug,), segment))
        refs += [
            PageRef("landing", (s.slug, slug), segment)
            for s in view.services()
            if location.offers(s.slug)
        ]
    return refs


def service_pages(
    source: DatabaseSource, session: Session, slug: str, language: str = ""
) -> list[PageRef]:
    """The hub of a service and its landing pages at a sample of its clinics, in one
    language ("" for the default)."""
    view = source.in_language(language or source.site.default_language)
    rows = queries.first_published(session, SERVICE_SAMPLE * 2)
    offering = [r.slug for r in rows if view.location(r.slug) is not None]
    offering = [x for x in offering if source.adjust(view.location(x)).offers(slug)]
    refs = [PageRef("service", (slug,), language)]
    return refs + [PageRef("landing", (slug, x), language) for x in offering[:SERVICE_SAMPLE]]


def _comparisons(
    session: Session, source: DatabaseSource, refs: Iterable[PageRef]
) -> list[PageRef]:
    """Landing pages of the same service to tell shared text from local text."""
    found: list[PageRef] = []
    sample = [r.slug for r in queries.first_published(session, SAMPLE)]
    for ref in refs:
        if ref.kind != "landing":
            continue
        service_slug, slug = ref.key
        location = source.location(slug)
        if location is None:
            continue
        others = [n.slug for n in source.neighbours(service_slug, location)] + sample
        if ref.language and location.intro_in(ref.language):
            intro = location.intro_in(ref.language)
            alike = queries.locations_opening_alike_in(session, ref.language, intro)
            others += [r.slug for r in alike]
        elif location.intro:
            others += [r.slug for r in queries.locations_opening_alike(session, location.intro)]
        found += [PageRef("landing", (service_slug, x), ref.language) for x in others if x != slug]
    return list(dict.fromkeys(found))


def findings(session: Session, refs: list[PageRef]) -> list[Finding]:
    """The audit errors of these pages as the open transaction would publish them."""
    session.flush()
    if len(refs) >= WHOLE_SITE_FROM:
        paths = {pages.path_of(ref) for ref in refs}
        found, _count = quality.run_audit(session)
        return [f for f in found if f.level == audit.ERROR and f.path in paths]
    source = DatabaseSource(session)
    config = quality.config_from_app()
    today = site_settings.today()
    mine = set(refs)
    errors: list[Finding] = []
    site = audit.SiteView()  # these pages and those they are compared with
    pool: dict[str, str] = {}
    for ref in dict.fromkeys([*refs, *_comparisons(session, source, refs)]):
        inputs = pages.gather(source, ref)
        if inputs is None:
            continue
        page = pages.compose(ref, inputs)
        listed = bool(pages.sitemap_group(ref, inputs))
        item = quality.audit_page(page, rendering.render(page), listed, pool)
        if ref in mine:
            errors += [f for f in audit.check(item, config, today) if f.level == audit.ERROR]
        site.add(item)
    paths = {pages.path_of(ref) for ref in mine}
    for path in _existing(session, source, site.link_targets(paths)):
        site.know(path)
    errors += [
        f
        for f in audit.site_findings(site, config, SITE_RULES)
        if f.level == audit.ERROR and f.path in paths
    ]
    return sorted(set(errors), key=audit.sort_key)


def _existing(session: Session, source: DatabaseSource, paths: set[str]) -> set[str]:
    """The paths that name a page: already in page state, or one the open transaction
    makes (a new clinic's state page, say)."""
    found = set(queries.page_states_at(session, sorted(paths)))
    for path in paths - found:
        ref = urls.parse(path)
        if ref is not None and pages.gather(source, ref) is not None:
            found.add(path)
    return found


def check(
    session: Session,
    refs: list[PageRef],
    override: Override | None,
    *,
    entity: str,
    row: models.Location | models.Service,
) -> list[Finding]:
    """Refuse (raise Refused) when the pages have audit errors, unless an admin overrides;
    an override is recorded in history with who, why and which findings (caller commits)."""
    found = findings(session, refs)
    if not found:
        return []
    if override is None:
        raise Refused(found)
    record_override(session, override, entity=entity, row=row, found=found)
    return found


def commit(
    session: Session,
    refs: list[PageRef],
    override: Override | None,
    *,
    entity: str,
    row: models.Location | models.Service,
) -> None:
    """The end of every write: gate the pages it puts live (rolling everything back when
    refused), refresh page state in the same transaction, commit once."""
    if refs:
        try:
            check(session, refs, override, entity=entity, row=row)
        except Refused:
            session.rollback()
            raise
    page_state.refresh(session, commit=False)
    session.commit()


def record_override(
    session: Session,
    override: Override,
    *,
    entity: str,
    row: models.Location | models.Service,
    found: list[Finding],
) -> None:
    """Keep in history that an admin published despite audit errors, and why."""
    if isinstance(row, models.Location):
        snapshot = history.location_snapshot(row)
    else:
        snapshot = history.service_snapshot(row)
    listed = "; ".join(f"{f.path} {f.rule}" for f in found)
    history.record(
        session,
        user=override.user,
        entity=entity,
        entity_id=row.id,
        label=row.slug,
        action="audit-override",
        before={**snapshot, "audit errors": "", "reason": ""},
        after={**snapshot, "audit errors": listed, "reason": override.reason},
    )
