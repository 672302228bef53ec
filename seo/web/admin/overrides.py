"""Per-page overrides of one service at one location, and previews of any page."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for

from seo.core.urls import PageRef
from seo.services import gate, lookup, rendering
from seo.services.overrides import save_override
from seo.store import queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import OverrideForm
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import location_or_404, staff_email


@bp.route("/pages/<service_slug>/<int:location_id>/", methods=["GET", "POST"])
def page_override(service_slug: str, location_id: int):
    db = get_session()
    service = queries.service_by_slug(db, service_slug)
    if service is None:
        abort(404)
    row = location_or_404(location_id)
    current = queries.page_override(db, service.id, row.id)
    form = OverrideForm(obj=current)
    if form.validate_on_submit():
        try:
            problems = save_override(db, service, row, form.data, staff_email(), override())
        except gate.Refused as refused:
            flash_blockers(refused.findings)
            page = render_template(
                "admin/override.html",
                form=form,
                service=service,
                row=row,
                blockers=refused.findings,
            )
            return page, 422
        if not problems:
            flash(f"Saved the {service.name} page of {row.name}.", "success")
            return redirect(
                url_for("admin.page_override", service_slug=service.slug, location_id=row.id)
            )
        form.questions.errors = problems
        return render_template("admin/override.html", form=form, service=service, row=row), 422
    return render_template("admin/override.html", form=form, service=service, row=row)


@bp.route("/preview/<service_slug>/<location_slug>/")
def preview(service_slug: str, location_slug: str):
    ref = PageRef("landing", (service_slug, location_slug))
    page = lookup.preview(get_session(), ref)
    if page is None:
        abort(404)
    return Response(rendering.render(page), mimetype="text/html")
