"""The staff overview: location counts, services and the latest changes."""

from __future__ import annotations

from flask import render_template

from seo.store import queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp


@bp.route("/")
def dashboard():
    db = get_session()
    return render_template(
        "admin/dashboard.html",
        counts=queries.location_counts(db),
        services=queries.services(db, published_only=False),
        changes=queries.recent_changes(db),
    )
