"""The staff overview: location counts, pending drafts, services and the latest changes."""

from __future__ import annotations

from flask import render_template

from seo.store import queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.revisions import edit_url


@bp.route("/")
def dashboard():
    db = get_session()
    return render_template(
        "admin/dashboard.html",
        counts=queries.location_counts(db),
        pending=queries.pending_revisions(db),
        edit_url=edit_url,
        services=queries.services(db, published_only=False),
        changes=queries.recent_changes(db),
    )
