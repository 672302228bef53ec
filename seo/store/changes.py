"""Which clinics and services a transaction touched, noted as the session flushes them.

Page state reads this to refresh only the pages those rows feed. A session that flushed
nothing since its last commit or rollback has no note, and page state walks every page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

KEY = "seo.touched"
# The tables page content is read from: a statement writing them in bulk is noted too.
CONTENT = {"locations", "services", "sections", "page_overrides", "photos", "service_translations"}


@dataclass
class Touched:
    locations: set[str] = field(default_factory=set)  # slugs, old and new
    location_ids: set[int] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    service_ids: set[int] = field(default_factory=set)
    # A statement changed rows in ways not noted here (a bulk update without slugs).
    unknown: bool = False


def touched(session: Session) -> Touched | None:
    """What this transaction touched so far; None when nothing was noted."""
    return session.info.get(KEY)


def _slugs(row: object) -> set[str]:
    slug = inspect(row).attrs.slug.history
    return {s for s in (*slug.unchanged, *slug.added, *slug.deleted) if s}


def _owner(row: object, name: str, ids: set[int], slugs: set[str]) -> None:
    """Note the clinic or service a dependent row (section, override, photo) belongs to."""
    if getattr(row, f"{name}_id", None) is not None:
        ids.add(getattr(row, f"{name}_id"))
    owner = row.__dict__.get(name)  # only if loaded: no queries while flushing
    if owner is not None:
        slugs |= _slugs(owner)


def _note(session: Session, _context: object, _instances: object) -> None:
    # Rows are told apart by their table, not their class: the engine (and this module) is
    # made without importing the models, which a command reading no content never needs.
    note = session.info.setdefault(KEY, Touched())
    for row in (*session.new, *session.dirty, *session.deleted):
        table = getattr(row, "__tablename__", None)
        if table == "locations":
            note.locations |= _slugs(row)
        elif table == "services":
            note.services |= _slugs(row)
        if table in ("sections", "page_overrides"):
            _owner(row, "service", note.service_ids, note.services)
        if table in ("page_overrides", "photos"):
            _owner(row, "location", note.location_ids, note.locations)
        if table == "service_translations":
            if row in session.dirty:
                _owner(row, "service", note.service_ids, note.services)
            else:  # a language of the whole site may come or go: the site is walked once
                note.unknown = True


def _note_statement(state: ORMExecuteState) -> None:
    """Note clinics written by a bulk insert or update (the CSV import); any other bulk
    write to content tables leaves the change unknown."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in CONTENT:
        return
    note = state.session.info.setdefault(KEY, Touched())
    given = state.parameters
    rows = given if isinstance(given, list) else [given or {}]
    slugs = {row.get("slug") for row in rows}
    if table.name != "locations" or state.is_delete or None in slugs:
        note.unknown = True
    else:
        note.locations |= slugs


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(KEY, None)


def track() -> None:
    """Note touched rows in every session from now on (once per process)."""
    if not event.contains(Session, "before_flush", _note):
        event.listen(Session, "before_flush", _note)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_soft_rollback", _forget)
