"""The change history of a location or an article, and restoring an earlier version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from seo.core.text import word_diff
from seo.services import gate
from seo.services.restore import current_snapshot
from seo.services.restore import restore as restore_change
from seo.store import history, models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import location_or_404, service_or_404, staff_email

LOCATION_ENTITIES = ("location", "override", "photo")
SERVICE_ENTITIES = ("service",)
LONG_TEXT = 80  # characters from which a changed value is shown word by word


def field_rows(fields: dict[str, list[str]]) -> list[dict]:
    """Each changed field with its old and new value; long text as runs of changed words."""
    rows = []
    for name, (old, new) in fields.items():
        long = max(len(old), len(new)) > LONG_TEXT or "\n" in old + new
        old_runs, new_runs = word_diff(old, new) if long and old and new else ([], [])
        rows.append(
            {
                "name": name.replace("_", " "),
                "old": old,
                "new": new,
                "old_runs": old_runs,
                "new_runs": new_runs,
            }
        )
    return rows


def _entities(change: models.Change) -> tuple[str, ...]:
    return SERVICE_ENTITIES if change.entity == "service" else LOCATION_ENTITIES


def _history_page(title: str, back: str, entities: tuple[str, ...], entity_id: int):
    db = get_session()
    changes = queries.changes_for(db, entities, entity_id)
    total = queries.version_count(db, entities, entity_id)
    return render_template(
        "admin/history.html",
        title=title,
        back=back,
        versions=[
            (total - i, change, field_rows(history.fields_of(change)))
            for i, change in enumerate(changes)
        ],
        restorable=history.RESTORABLE,
    )


@bp.route("/locations/<int:location_id>/history")
def location_history(location_id: int):
    row = location_or_404(location_id)
    back = url_for("admin.location_edit", location_id=row.id)
    return _history_page(f"History of {row.name}", back, LOCATION_ENTITIES, row.id)


@bp.route("/services/<slug>/history")
def service_history(slug: str):
    service = service_or_404(slug)
    back = url_for("admin.service_edit", slug=service.slug)
    return _history_page(
        f"History of the {service.name} article", back, SERVICE_ENTITIES, service.id
    )


def _history_url(change: models.Change) -> str:
    if change.entity == "service":
        return url_for("admin.service_history", slug=change.label)
    return url_for("admin.location_history", location_id=change.entity_id)


@bp.route("/history/<int:change_id>/restore", methods=["GET", "POST"])
def restore(change_id: int):
    """Ask first (what the restore changes, version by number), then restore on a post."""
    if not current_user.is_admin:
        abort(403)
    db = get_session()
    change = queries.change_by_id(db, change_id)
    if change is None or change.entity not in history.RESTORABLE:
        abort(404)
    version = queries.version_count(db, _entities(change), change.entity_id, up_to=change.id)
    when = f"{change.at:%Y-%m-%d %H:%M}"
    if request.method == "GET":
        current = current_snapshot(db, change)
        fields = history.diff(current, history.snapshot_of(change))
        return render_template(
            "admin/restore.html",
            change=change,
            version=version,
            when=when,
            rows=field_rows(fields),
            back=_history_url(change),
        )
    try:
        problems = restore_change(db, change, staff_email(), override())
    except gate.Refused as refused:
        flash_blockers(refused.findings)
    else:
        if problems:
            flash("Not restored: " + "; ".join(problems), "error")
        else:
            flash(
                f"Restored {change.label} to v{version}: the state after the change of {when}.",
                "success",
            )
    return redirect(_history_url(change))
