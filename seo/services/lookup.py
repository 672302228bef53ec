"""Find the page at a path for the server, or where it went; compose staff previews."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from seo.core import pages, urls
from seo.core.articles import CompiledArticle
from seo.core.locations import SLUG_RE, Location
from seo.core.pages.model import Override, Page, Service
from seo.services import rendering
from seo.services.page_state import Planned
from seo.services.sources import DatabaseSource, Preview
from seo.store import models, queries


@dataclass(frozen=True)
class Redirect:
    path: str
    closed: str = ""  # the retired clinic whose page this was, when it closed


@dataclass(frozen=True)
class Gone:
    reason: str


Outcome = Planned | Redirect | Gone | None  # a page to show, where it went, or nothing


def _moved(
    session: Session, source: DatabaseSource, ref: urls.PageRef
) -> Redirect | Gone | None | bool:
    """Where a location's page went (renamed, retired); None when it is no page; True when
    the location is published under this slug."""
    service_slug = ref.key[0] if ref.kind == "landing" else None

    def target_path(target: models.Location) -> str:
        # In the page's language when the target clinic has an intro in it, else the default.
        view = source.in_language(ref.language or source.site.default_language)
        language = ref.language if view.location(target.slug) is not None else ""
        if service_slug and source.adjust(target.to_core()).offers(service_slug):
            return urls.in_language(urls.landing(service_slug, target.slug), language)
        return urls.in_language(urls.location(target.slug), language)

    row = queries.location_by_slug(session, ref.key[-1])
    if row is None:
        moved = queries.redirect_for_slug(session, ref.key[-1])
        row = queries.location_by_id(session, moved.location_id) if moved else None
        if row is None:
            return None
        if row.status == "published":
            return Redirect(target_path(row))
    if row.status == "draft":
        return None
    if row.status == "retired":
        target = queries.location_by_slug(session, row.redirect_to) if row.redirect_to else None
        if target is not None and target.status == "published":
            return Redirect(target_path(target), closed=row.slug)
        return Gone(f"{row.name} has closed.")
    return True


def closed_predecessor(session: Session, path: str, slug: str) -> models.Location | None:
    """The retired clinic `slug` when its page redirects to the page at `path`, else None."""
    ref = urls.parse(path)
    row = queries.location_by_slug(session, slug) if SLUG_RE.match(slug) else None
    if ref is None or ref.kind not in ("location", "landing") or row is None:
        return None
    if row.status != "retired":
        return None
    old = urls.landing(ref.key[0], slug) if ref.kind == "landing" else urls.location(slug)
    moved = _moved(session, DatabaseSource(session), urls.parse(old))
    return row if moved == Redirect(path, closed=slug) else None


def resolve(session: Session, path: str) -> Outcome:
    """Compose the page at a canonical path, or say where it went."""
    ref = urls.parse(path)
    if ref is None:
        return None
    source = DatabaseSource(session)
    if ref.kind in ("location", "landing"):
        where = _moved(session, source, ref)
        if where is not True:
            return where
    inputs = pages.gather(source, ref)
    if inputs is None:
        return None
    return Planned(ref, pages.path_of(ref), inputs, rendering.inputs_key(inputs))


def preview(
    session: Session,
    ref: urls.PageRef,
    *,
    location: Location | None = None,
    service: tuple[Service, CompiledArticle] | None = None,
    override: tuple[str, str, Override] | None = None,
) -> Page | None:
    """The page the public would get with these unpublished changes: composed by the same
    path as the live page, then marked noindex and given a preview banner."""
    if location is None and ref.kind in ("location", "landing"):
        row = queries.location_by_slug(session, ref.key[-1])
        location = row.to_core() if row is not None else None  # drafts included
    if service is None and ref.kind in ("service", "landing"):
        draft = queries.service_by_slug(session, ref.key[0])
        if draft is not None and draft.status != "published":
            service = (draft.to_core(), rendering.compiled(draft))
    base = DatabaseSource(session)
    source = Preview(base, location=location, service=service, override=override)
    inputs = pages.gather(source, ref)
    return pages.as_preview(pages.compose(ref, inputs)) if inputs is not None else None
