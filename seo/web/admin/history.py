"""The change history of a location or an article, and restoring an earlier version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from seo.services import gate
from seo.services.restore import restore as restore_change
from seo.store import history, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import location_or_404, service_or_404, staff_email


@bp.route("/locations/<int:location_id>/history")
def location_history(location_id: int):
    db = get_session()
    row = location_or_404(location_id)
    changes = queries.changes_for(db, ("location", "override", "photo"), row.id)
    return render_template(
        "admin/history.html",
        title=f"History of {row.name}",
        back=url_for("admin.location_edit", location_id=row.id),
        changes=[(c, history.fields_of(c)) for c in changes],
    )


@bp.route("/services/<slug>/history")
def service_history(slug: str):
    db = get_session()
    service = service_or_404(slug)
    changes = queries.changes_for(db, ("service",), service.id)
    return render_template(
        "admin/history.html",
        title=f"History of the {service.name} article",
        back=url_for("admin.service_edit", slug=service.slug),
        changes=[(c, history.fields_of(c)) for c in changes],
    )


@bp.route("/history/<int:change_id>/restore", methods=["POST"])
def restore(change_id: int):
    if not current_user.is_admin:
        abort(403)
    db = get_session()
    change = queries.change_by_id(db, change_id)
    if change is None:
        abort(404)
    try:
        problems = restore_change(db, change, staff_email(), override())
    except gate.Refused as refused:
        flash_blockers(refused.findings)
    else:
        if problems:
            flash("Not restored: " + "; ".join(problems), "error")
        else:
            when = f"{change.at:%Y-%m-%d %H:%M}"
            flash(f"Restored {change.label} to the version of {when}.", "success")
    if change.entity == "service":
        return redirect(url_for("admin.service_history", slug=change.label))
    return redirect(url_for("admin.location_history", location_id=change.entity_id))
