"""Pending revisions of published content: save a draft (the live page and page state stay
as they are), preview it as the real page, publish it through the one write path (checked
again, gated, recorded in history), or discard it."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy.orm import Session

from seo.core.articles import Section, compile_article
from seo.core.locations import FieldError, Location
from seo.core.pages.model import Page
from seo.core.urls import PageRef
from seo.services import gate, lookup
from seo.services.articles import ArticleDraft, check_article, save_service
from seo.services.locations import check_location, save_location
from seo.store import history, models, queries


class Invalid(Exception):
    """The revision no longer passes the rules (the live data changed); nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def is_live(row: models.Location | models.Service) -> bool:
    """Published content changes through revisions; drafts are saved as they are."""
    return row.status == "published"


def _still_live(row: models.Location | models.Service) -> None:
    """A draft of live content must not bring back content retired or withdrawn since."""
    if not is_live(row):
        raise Invalid(
            [f"status: {row.name} is {row.status} now, not published; discard this draft"]
        )


def _keep(session: Session, entity: str, row, label: str, payload: dict, user: str):
    """Store (or replace) the one pending revision of a clinic or article; commit."""
    revision = queries.revision_for(session, entity, row.id)
    now = models.utcnow()
    if revision is None:
        revision = models.Revision(entity=entity, entity_id=row.id, created_at=now)
        session.add(revision)
    revision.label, revision.user, revision.updated_at = label[:300], user, now
    revision.payload = json.dumps(payload, ensure_ascii=False)
    session.commit()
    return revision


def payload_of(revision: models.Revision) -> dict:
    return json.loads(revision.payload)


def discard(session: Session, revision: models.Revision) -> None:
    """Drop a pending revision; the live content was never touched."""
    session.delete(revision)
    session.commit()


def _publish_now(session: Session, entity: str, row, write, keep_draft) -> None:
    """Write a change straight to the live site, superseding any pending draft in the same
    transaction; when the gate refuses a live page, keep the change as its draft."""
    pending = queries.revision_for(session, entity, row.id)
    if pending is not None:
        session.delete(pending)
    try:
        write()
    except gate.Refused:
        if is_live(row):
            keep_draft()
        raise


# --- clinics ------------------------------------------------------------------------------


def save_and_publish_location(
    session: Session,
    row: models.Location,
    value: Location,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """An admin's "Save and publish" (or any save of a draft clinic): the one write path,
    with the edit's own optimistic lock, then no pending draft."""
    _publish_now(
        session,
        "location",
        row,
        lambda: save_location(session, row, value, user, "update", override),
        lambda: save_location_draft(session, row, value, user),
    )


def save_location_draft(
    session: Session, row: models.Location, value: Location, user: str
) -> models.Revision:
    """Keep a checked value as the clinic's pending revision; its pages stay as they are."""
    return _keep(session, "location", row, value.name, history.value_snapshot(value), user)


def location_value(
    session: Session, row: models.Location, revision: models.Revision
) -> tuple[Location | None, list[FieldError]]:
    """The revision's value checked again with today's data (another clinic may have taken
    its slug or retired the clinic it redirects to since it was saved)."""
    return check_location(session, payload_of(revision), row)


def publish_location(
    session: Session,
    row: models.Location,
    revision: models.Revision,
    user: str,
    override: gate.Override | None = None,
) -> models.Location:
    """Make a clinic's revision live through the one write path; raise Invalid or
    gate.Refused and keep the revision when it cannot go live."""
    _still_live(row)
    value, errors = location_value(session, row, revision)
    if value is None:
        raise Invalid([f"{e.column}: {e.message}" for e in errors])
    session.delete(revision)  # in the write's transaction: a refused publish keeps it
    return save_location(session, row, value, user, "publish", override)


def preview_location(
    session: Session, row: models.Location, revision: models.Revision, service_slug: str = ""
) -> Page | None:
    """The clinic's page (or one landing page) as publishing the revision would make it."""
    value, _errors = location_value(session, row, revision)
    if value is None:
        return None
    key = (service_slug, value.slug) if service_slug else (value.slug,)
    ref = PageRef("landing" if service_slug else "location", key)
    return lookup.preview(session, ref, location=value)


# --- articles ------------------------------------------------------------------------------


def save_and_publish_service(
    session: Session,
    service: models.Service,
    draft: ArticleDraft,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """An admin's "Save and publish" of an article (or any save of a draft service)."""
    _publish_now(
        session,
        "service",
        service,
        lambda: save_service(session, service, draft, user, override),
        lambda: save_service_draft(session, service, draft, user),
    )


def save_service_draft(
    session: Session, service: models.Service, draft: ArticleDraft, user: str
) -> models.Revision:
    """Keep a checked article as the service's pending revision; its pages stay as they are."""
    article = draft.article
    payload = {
        "patterns": draft.patterns,
        "title": article.title,
        "intro": article.intro,
        "sections": [
            {"heading": s.heading, "level": s.level, "body": s.body} for s in article.sections
        ],
    }
    return _keep(session, "service", service, service.name, payload, user)


def service_draft(service: models.Service, revision: models.Revision) -> ArticleDraft:
    """The revision's article checked again with the same rules as the editor's."""
    payload = payload_of(revision)
    sections = [Section(s["heading"], int(s["level"]), s["body"]) for s in payload["sections"]]
    return check_article(service, payload["patterns"], payload["title"], payload["intro"], sections)


def publish_service(
    session: Session,
    service: models.Service,
    revision: models.Revision,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """Make an article's revision live through the one write path; raise Invalid or
    gate.Refused and keep the revision when it cannot go live."""
    _still_live(service)
    draft = service_draft(service, revision)
    if draft.problems:
        raise Invalid(draft.problems)
    session.delete(revision)
    save_service(session, service, draft, user, override, action="publish")


def preview_service(
    session: Session, service: models.Service, revision: models.Revision, location_slug: str
) -> Page | None:
    """A landing page of the service at one clinic as publishing the revision would make it."""
    draft = service_draft(service, revision)
    if draft.problems:
        return None
    core = replace(service.to_core(), **{k: v.strip() for k, v in draft.patterns.items()})
    ref = PageRef("landing", (service.slug, location_slug))
    return lookup.preview(session, ref, service=(core, compile_article(draft.article)))
