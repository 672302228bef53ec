"""Record every change to locations, articles and page overrides, and read it back."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from seo.core import locations as core
from seo.core.locations import COLUMNS, format_coordinate, format_date
from seo.store import models, queries
from seo.store.models import Change

INITIAL = "initial"  # the action of the version recorded before a thing's first change

RESTORABLE = ("location", "service", "override")

SERVICE_FIELDS = (
    "name",
    "status",
    "summary",
    "heading_pattern",
    "keyword_pattern",
    "title_pattern",
    "description_pattern",
    "article_title",
    "article_intro",
)


def location_snapshot(row: models.Location) -> dict[str, str]:
    """A location's cells as the CSV holds them (unprotected), and its time zone, ready for
    validate_location."""
    return value_snapshot(row.to_core())


def value_snapshot(value: core.Location) -> dict[str, str]:
    """A core Location's cells as the CSV holds them (unprotected), and its time zone."""
    snapshot = {column: getattr(value, column) for column in COLUMNS}
    snapshot["latitude"] = format_coordinate(value.latitude)
    snapshot["longitude"] = format_coordinate(value.longitude)
    snapshot["services"] = ";".join(value.services)
    snapshot["closed_until"] = format_date(value.closed_until)
    snapshot["time_zone"] = value.time_zone
    for language, text in value.intros:
        snapshot[core.intro_column(language)] = text
    return snapshot


def service_snapshot(service: models.Service) -> dict:
    """A service's patterns and its article, sections in order."""
    snapshot: dict = {f: getattr(service, f) for f in SERVICE_FIELDS}
    snapshot["sections"] = [
        {"heading": s.heading, "level": s.level, "body": s.body} for s in service.sections
    ]
    return snapshot


def override_snapshot(row: models.PageOverride) -> dict[str, str]:
    return {
        "intro": row.intro,
        "questions": row.questions,
        "noindex": "yes" if row.noindex else "no",
        "excluded": "yes" if row.excluded else "no",
    }


def photos_snapshot(rows: list[models.Photo]) -> dict[str, str]:
    """A clinic's photos in order: alt text, file and which one is the main photo."""
    return {
        f"photo {number}": f"{row.alt} [{row.digest}{', main' if row.main else ''}]"
        for number, row in enumerate(rows, start=1)
    }


def flatten(snapshot: dict) -> dict[str, str]:
    """One readable key per value, sections numbered from 1."""
    flat = {k: str(v) for k, v in snapshot.items() if k != "sections"}
    for number, section in enumerate(snapshot.get("sections", ()), start=1):
        flat[f"section {number} heading"] = section["heading"]
        flat[f"section {number} level"] = str(section["level"])
        flat[f"section {number} body"] = section["body"]
    return flat


def diff(before: dict | None, after: dict) -> dict[str, list[str]]:
    """{field: [old, new]} for every field that differs."""
    old, new = flatten(before or {}), flatten(after)
    return {
        key: [old.get(key, ""), new.get(key, "")]
        for key in list(old) + [k for k in new if k not in old]
        if old.get(key, "") != new.get(key, "")
    }


def change_row(
    *, at, user: str, entity_id: int, label: str, action: str, before: dict | None, after: dict
) -> dict:
    """The column values of one location change, for set-based inserts."""
    return {
        "at": at,
        "user": user,
        "entity": "location",
        "entity_id": entity_id,
        "label": label,
        "action": action,
        "fields": json.dumps(diff(before, after), ensure_ascii=False),
        "snapshot": json.dumps(after, ensure_ascii=False),
    }


def record(
    session: Session,
    *,
    user: str,
    entity: str,
    entity_id: int,
    label: str,
    action: str,
    before: dict | None,
    after: dict,
) -> Change | None:
    """Add a change row (the caller commits); nothing when nothing changed. The first change
    of something history has never seen (a database from before history kept the first
    version) records the state before it as the initial version, so it can be restored."""
    fields = diff(before, after)
    if before is not None and not fields and action == "update":
        return None

    def version(action: str, fields: dict, snapshot: dict) -> Change:
        return Change(
            at=models.utcnow(),
            user=user,
            entity=entity,
            entity_id=entity_id,
            label=label,
            action=action,
            fields=json.dumps(fields, ensure_ascii=False),
            snapshot=json.dumps(snapshot, ensure_ascii=False),
        )

    first = before is not None and entity in RESTORABLE
    page = label if entity == "override" else None
    if first and not queries.has_history(session, entity, entity_id, page):
        session.add(version(INITIAL, {}, before))
    change = version(action, fields, after)
    session.add(change)
    return change


def fields_of(change: Change) -> dict[str, list[str]]:
    return json.loads(change.fields)


def snapshot_of(change: Change) -> dict:
    return json.loads(change.snapshot)
