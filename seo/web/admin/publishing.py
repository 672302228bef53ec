"""Publish a location or an article, unless the audit finds errors on its pages."""

from __future__ import annotations

from flask import flash, redirect, url_for

from seo.services import gate
from seo.services.articles import set_service_status
from seo.services.locations import check_location, save_location
from seo.store import history
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.locations import refused_page
from seo.web.admin.lookups import location_or_404, service_or_404, staff_email


@bp.route("/locations/<int:location_id>/publish", methods=["POST"])
def location_publish(location_id: int):
    db = get_session()
    row = location_or_404(location_id)
    raw = history.location_snapshot(row)
    raw["status"], raw["redirect_to"] = "published", ""
    value, errors = check_location(db, raw, row)
    if value is None:
        flash("Cannot publish: " + "; ".join(f"{e.column} {e.message}" for e in errors), "error")
        return redirect(url_for("admin.location_edit", location_id=row.id))
    try:
        save_location(db, row, value, staff_email(), "publish", override())
    except gate.Refused as refused:
        flash_blockers(refused.findings)
        return refused_page(location_id, publish_blockers=refused.findings), 422
    flash(f"Published {row.name}: its pages are live.", "success")
    return redirect(url_for("admin.location_edit", location_id=row.id))


@bp.route("/services/<slug>/publish", methods=["POST"])
def service_publish(slug: str):
    db = get_session()
    service = service_or_404(slug)
    try:
        set_service_status(db, service, "published", staff_email(), override())
    except gate.Refused as refused:
        flash_blockers(refused.findings)
        return redirect(url_for("admin.services"))
    flash(f"Published {service.name}: its pages are live.", "success")
    return redirect(url_for("admin.services"))
