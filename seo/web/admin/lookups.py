"""The signed-in account, and the rows an admin URL names (or 404)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp


def staff_email() -> str:
    """The signed-in account, as the history records it."""
    return current_user.email


PICKER_LIMIT = 5_000  # clinics a name picker lists; a typed slug or name always works


def picker_locations() -> list[models.Location]:
    """The published clinics a name picker offers (name, with the slug beneath)."""
    return list(queries.picker_locations(get_session(), PICKER_LIMIT))


@bp.context_processor
def pickers() -> dict:
    """Name pickers for every staff template; the clinics are read only where one is shown."""
    return {"picker_clinics": picker_locations}


def clinic_slug(typed: str) -> str:
    """A clinic's slug from what staff typed or picked: the slug itself, or a clinic's
    exact name; anything else is returned as typed for the validator to name."""
    typed = typed.strip()
    db = get_session()
    if not typed or queries.location_by_slug(db, typed) is not None:
        return typed
    row = queries.location_by_name(db, typed)
    return row.slug if row is not None else typed


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
