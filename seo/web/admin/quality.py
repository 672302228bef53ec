"""Audit findings for staff, and the publishing gate that refuses pages with errors."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy.orm import Session

from seo import audit
from seo.services import quality as auditing
from seo.store import history, models
from seo.store.db import get_session
from seo.web.admin.views import bp


def publish_blockers(
    session: Session,
    *,
    location: models.Location | None = None,
    service: models.Service | None = None,
) -> list[audit.Finding]:
    """Errors the audit would report on the pages this publication makes live.

    The status is changed inside the open transaction, audited, then rolled back:
    the caller publishes for real only when the answer allows it."""
    if location is not None:
        location.status, location.redirect_to = "published", ""
        slug = location.slug

        def concerns(path: str) -> bool:
            parts = path.strip("/").split("/")
            return len(parts) == 2 and parts[1] == slug
    else:
        assert service is not None
        service.status = "published"
        prefix = f"/{service.slug}/"

        def concerns(path: str) -> bool:
            return path.startswith(prefix)

    session.flush()
    try:
        findings, _pages = auditing.run_audit(session, workers=1)
    finally:
        session.rollback()
    return [f for f in findings if f.level == audit.ERROR and concerns(f.path)]


def record_override(
    session: Session,
    *,
    user: str,
    entity: str,
    row: models.Location | models.Service,
    findings: list[audit.Finding],
) -> None:
    """Keep in the history that an admin published despite audit errors (caller commits)."""
    if isinstance(row, models.Location):
        snapshot = history.location_snapshot(row)
    else:
        snapshot = history.service_snapshot(row)
    history.record(
        session,
        user=user,
        entity=entity,
        entity_id=row.id,
        label=row.slug,
        action="audit-override",
        before={**snapshot, "audit errors": ""},
        after={**snapshot, "audit errors": "; ".join(f"{f.path} {f.rule}" for f in findings)},
    )


@bp.route("/audit/")
def audit_report():
    """Every finding of the audit, filterable by level and rule."""
    findings, pages = auditing.run_audit(get_session())
    level = request.args.get("level", "")
    rule = request.args.get("rule", "")
    shown = [
        f for f in findings if (not level or f.level == level) and (not rule or f.rule == rule)
    ]
    summary = audit.summarize(findings, pages)
    return render_template(
        "admin/audit.html",
        findings=shown,
        summary=summary,
        rules=sorted({f.rule for f in findings}),
        level=level,
        rule=rule,
        pages=pages,
    )
