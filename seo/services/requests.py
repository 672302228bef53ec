"""The write path for appointment requests' status: who moved a request, when, and where to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from seo.core.appointments import STATUSES
from seo.store import models


class StatusError(ValueError):
    """A status change that cannot be made; the message says why."""


def set_status(
    session: Session, row: models.AppointmentRequest, status: str, user: str
) -> models.RequestStatusChange | None:
    """Move a request to `status`, kept in its history with who and when; commit once.
    Nothing happens (None) when the request already has that status."""
    if status not in STATUSES:
        raise StatusError(f"{status!r} is not a request status; use {', '.join(STATUSES)}")
    if row.status == status:
        return None
    change = models.RequestStatusChange(
        request=row, at=models.utcnow(), user=user, before=row.status, after=status
    )
    row.status = status
    session.add(change)
    session.commit()
    return change
