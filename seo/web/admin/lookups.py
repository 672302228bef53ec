"""The signed-in account, and the rows an admin URL names (or 404)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from seo.store import models, queries
from seo.store.db import get_session


def staff_email() -> str:
    """The signed-in account, as the history records it."""
    return current_user.email


def location_or_404(location_id: int) -> models.Location:
    row = queries.location_by_id(get_session(), location_id)
    if row is None:
        abort(404, f"no location has the id {location_id}")
    return row


def service_or_404(slug: str) -> models.Service:
    service = queries.service_by_slug(get_session(), slug)
    if service is None:
        abort(404, f"no service has the slug {slug!r}")
    return service
