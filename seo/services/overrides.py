"""The write path for page overrides: staff choices for one service at one location."""

from __future__ import annotations

from sqlalchemy.orm import Session

from seo.core.pages.model import parse_questions
from seo.core.text import normalize_newlines
from seo.core.urls import PageRef
from seo.services import gate
from seo.store import history, models, queries


def save_override(
    session: Session,
    service: models.Service,
    location: models.Location,
    values: dict,
    user: str,
    override: gate.Override | None = None,
) -> list[str]:
    """Write one page's override; return problems instead, or raise gate.Refused when the
    live page would fail the audit."""
    values = {**values, **{k: normalize_newlines(values[k]) for k in ("intro", "questions")}}
    _questions, problems = parse_questions(values["questions"])
    if problems:
        return problems
    row = queries.page_override(session, service.id, location.id)
    before = history.override_snapshot(row) if row is not None else None
    if row is None:
        row = models.PageOverride(service_id=service.id, location_id=location.id)
        session.add(row)
    row.intro = values["intro"].strip()
    row.questions = values["questions"].strip()
    row.noindex, row.excluded = bool(values["noindex"]), bool(values["excluded"])
    row.updated_at = models.utcnow()
    after = history.override_snapshot(row)
    history.record(
        session,
        user=user,
        entity="override",
        entity_id=location.id,
        label=service.slug,
        action="update" if before else "create",
        before=before,
        after=after,
    )
    live = location.status == "published" and service.status == "published"
    refs = [PageRef("landing", (service.slug, location.slug))] if live else []
    gate.commit(session, refs, override, entity="location", row=location)
    return []
