"""Bring a location, article or page override back to a version recorded in history,
through the same checks, gate and history as any other write."""

from __future__ import annotations

from sqlalchemy.orm import Session

from seo.core.articles import Section
from seo.services import gate
from seo.services.articles import PATTERNS, check_article, save_service
from seo.services.locations import check_location, save_location
from seo.services.overrides import save_override
from seo.store import history, models, queries


def restore(
    session: Session, change: models.Change, user: str, override: gate.Override | None = None
) -> list[str]:
    """Bring a location, article or override back to the state a change recorded; return
    the problems instead when it cannot (gate.Refused when its pages fail the audit)."""
    snapshot = history.snapshot_of(change)
    label = f"restore of change {change.id}"
    if change.entity == "location":
        row = queries.location_by_id(session, change.entity_id)
        if row is None:
            return ["that location no longer exists"]
        value, errors = check_location(session, snapshot, row)
        if value is None:
            return [f"{e.column}: {e.message}" for e in errors]
        if value == row.to_core():
            return ["the location already has exactly these values"]
        save_location(session, row, value, user, "restore", override)
        return []
    if change.entity == "service":
        service = session.get(models.Service, change.entity_id)
        if service is None:
            return ["that service no longer exists"]
        sections = [Section(s["heading"], s["level"], s["body"]) for s in snapshot["sections"]]
        draft = check_article(
            service,
            {name: snapshot[name] for name in PATTERNS},
            snapshot["article_title"],
            snapshot["article_intro"],
            sections,
        )
        if draft.problems:
            return draft.problems
        save_service(session, service, draft, user, override, action="restore")
        return []
    if change.entity == "override":
        location = queries.location_by_id(session, change.entity_id)
        service = queries.service_by_slug(session, change.label)
        if location is None or service is None:
            return ["that page no longer exists"]
        values = {
            "intro": snapshot["intro"],
            "questions": snapshot["questions"],
            "noindex": snapshot["noindex"] == "yes",
            "excluded": snapshot["excluded"] == "yes",
        }
        return save_override(session, service, location, values, user, override)
    return [f"cannot restore {change.entity} changes ({label})"]


def current_snapshot(session: Session, change: models.Change) -> dict | None:
    """What the location, article or override a change belongs to holds now, as history
    records it (None when it no longer exists)."""
    if change.entity == "location":
        row = queries.location_by_id(session, change.entity_id)
        return history.location_snapshot(row) if row is not None else None
    if change.entity == "service":
        service = session.get(models.Service, change.entity_id)
        return history.service_snapshot(service) if service is not None else None
    location = queries.location_by_id(session, change.entity_id)
    service = queries.service_by_slug(session, change.label)
    if location is None or service is None:
        return None
    row = queries.page_override(session, service.id, location.id)
    return history.override_snapshot(row) if row is not None else None
