"""The one write path for locations: check (with the rules that need the database), gate,
write with history, refresh page state; used by the admin, CSV imports and restores."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seo.core import urls
from seo.core.locations import (
    COLUMNS,
    FieldError,
    Location,
    RowError,
    intro_column,
    parse_locations,
    validate_location,
    write_locations,
)
from seo.services import gate, page_state
from seo.services.sources import DatabaseSource
from seo.store import history, models, queries


def database_problems(
    session: Session,
    value: Location,
    *,
    own_id: int | None = None,
    pending: Mapping[str, Location] | None = None,
    owner_checked: bool = False,
    redirected: Sequence[str] = (),
) -> list[FieldError]:
    """The rules a location value must meet that need the database: a slug that is no state
    code or reserved word and no other location's, a redirect to a published location, and
    no retired location left redirecting to it when it closes.

    `pending` holds the other values of the same import (they win over stored ones);
    `owner_checked` is for the form, where a slug may belong to another location;
    `redirected` names the retired locations that redirect to it now."""
    errors = []
    clash = urls.slug_clash(value.slug)
    if clash:
        errors.append(FieldError("slug", f"{clash}: add the city, as in florissant-mo"))
    if owner_checked:
        other = queries.location_by_slug(session, value.slug)
        if other is not None and other.id != own_id:
            errors.append(
                FieldError("slug", f"{value.slug!r} is used by {other.name}; choose another")
            )
    if value.redirect_to:
        target = (pending or {}).get(value.redirect_to)
        row = queries.location_by_slug(session, value.redirect_to) if target is None else None
        status = target.status if target is not None else row.status if row else None
        if value.redirect_to == value.slug:
            errors.append(FieldError("redirect_to", "a location cannot redirect to itself"))
        elif status is None:
            errors.append(
                FieldError("redirect_to", f"no location has the slug {value.redirect_to!r}")
            )
        elif status == "retired":
            errors.append(
                FieldError("redirect_to", f"{value.redirect_to!r} is retired too; pick an open one")
            )
        elif status == "draft":  # no page of it is live: the redirect would lead to a 404
            errors.append(
                FieldError(
                    "redirect_to",
                    f"{value.redirect_to!r} is a draft; publish it first or pick a published one",
                )
            )
    if value.status != "published":
        # A retired location's pages lead to a published one: not to this one any more.
        pointing = [
            slug
            for slug in redirected
            if not pending or slug not in pending or _leads_here(pending[slug], value)
        ]
        if pointing:
            message = (
                f"retired locations redirect to {value.slug!r} ({', '.join(pointing)}): "
                "point their redirect_to at a published location first"
            )
            errors.append(FieldError("status", message))
    return errors


def _leads_here(other: Location, value: Location) -> bool:
    """Whether the retired `other` (as the same import writes it) still redirects to `value`."""
    return other.status == "retired" and other.redirect_to == value.slug


def check_location(
    session: Session, raw: Mapping[str, str], row: models.Location | None
) -> tuple[Location | None, list[FieldError]]:
    """validate_location plus the checks that need the database (the admin form's path)."""
    value, errors = validate_location(raw, known_services=queries.service_slugs(session))
    if value is None:
        return None, errors
    # Its redirects follow a rename (save_location): those naming its stored slug count.
    redirected = [o.slug for o in queries.redirecting_to(session, row.slug)] if row else []
    errors = database_problems(
        session,
        value,
        own_id=row.id if row is not None else None,
        owner_checked=True,
        redirected=redirected,
    )
    return (None, errors) if errors else (value, [])


def keep_time_zone(value: Location, existing: Mapping[str, tuple[int, Location]]) -> Location:
    """A CSV row carries no time zone: a clinic keeps the one it has (perhaps chosen by staff)
    while its coordinates and state stay the same; a moved clinic gets the zone of its new
    place."""
    current = existing.get(value.slug)
    if current is None:
        return value
    before = current[1]
    same_place = (before.latitude, before.longitude, before.state) == (
        value.latitude,
        value.longitude,
        value.state,
    )
    if same_place and before.time_zone and before.time_zone != value.time_zone:
        return replace(value, time_zone=before.time_zone)
    return value


def save_location(
    session: Session,
    row: models.Location | None,
    value: Location,
    user: str,
    action: str,
    override: gate.Override | None = None,
) -> models.Location:
    """Write a checked location, keep its old slug as a redirect, record the change, gate
    the pages it puts live, refresh page state, commit; or raise gate.Refused and write
    nothing."""
    now = models.utcnow()
    before = None
    old_slug = None
    if row is None:
        row = models.Location(created_at=now)
        session.add(row)
    else:
        before = history.location_snapshot(row)
        old_slug = row.slug
    row.assign(value)
    row.updated_at = now
    session.flush()
    if old_slug and old_slug != value.slug:
        reclaimed = queries.redirect_for_slug(session, value.slug)
        if reclaimed is not None:  # the live location now owns this slug again
            session.delete(reclaimed)
        session.add(models.SlugRedirect(old_slug=old_slug, location_id=row.id, created_at=now))
        _follow_rename(session, old_slug, value.slug, user)
    session.flush()
    _record(session, row, before, user, action if before is not None else "create")
    live = value.status == "published"
    refs = gate.location_pages(DatabaseSource(session), value.slug) if live else []
    gate.commit(session, refs, override, entity="location", row=row)
    return row


def _redirects_left_to_retired(
    existing: Mapping[str, tuple[int, Location]], in_file: Mapping[str, Location]
) -> list[RowError]:
    """Retired locations whose redirect target --retire-missing would retire (it is missing
    from the file): their pages would lead to a closed clinic."""
    errors = []
    for slug, (_id, stored) in sorted(existing.items()):
        value = in_file.get(slug, stored)
        target = value.redirect_to
        if value.status == "retired" and target and target not in in_file:
            if target in existing and existing[target][1].status != "retired":
                errors.append(
                    RowError(
                        1,
                        "status",
                        f"--retire-missing would retire {target!r}, which the retired "
                        f"{slug!r} redirects to: keep {target!r} in the file or point "
                        f"{slug!r} at another location",
                    )
                )
    return errors


def _follow_rename(session: Session, old_slug: str, new_slug: str, user: str) -> None:
    """Retired locations redirecting to a renamed one name its new slug (an export of them
    imports again, and their pages lead there in one step)."""
    for other in queries.redirecting_to(session, old_slug):
        before = history.location_snapshot(other)
        other.redirect_to = new_slug
        _record(session, other, before, user, "update")


def _record(
    session: Session, row: models.Location, before: dict[str, str] | None, user: str, action: str
) -> None:
    """Record a location's change in history."""
    history.record(
        session,
        user=user,
        entity="location",
        entity_id=row.id,
        label=row.slug,
        action=action,
        before=before,
        after=history.location_snapshot(row),
    )


# An import may retire at most this share of the published clinics without a second,
# deliberate step (an admin in the admin, --allow-mass-retire on the command line): a
# two-row file with "retire the rest" must not take the whole chain offline.
MASS_RETIRE_SHARE = 0.5


@dataclass(frozen=True)
class RowOutcome:
    """What an import does to one location: created, updated, unchanged or retired."""

    action: str
    slug: str
    name: str
    row: int | None = None  # file line; None for a location the file leaves out
    changes: tuple[tuple[str, str, str], ...] = ()  # (column, old, new) for each change
    live: bool = False  # published before the import


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    published: int = 0  # published clinics before the import
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    gated: bool = False  # the errors are the publishing gate's: an admin may override them
    mass_retire: bool = False  # refused: it would retire too many published clinics

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, retired {self.retired}"
        )

    @property
    def retiring_live(self) -> list[RowOutcome]:
        """The published clinics this import takes offline."""
        return [o for o in self.outcomes if o.action == "retired" and o.live]

    @property
    def too_many_retired(self) -> bool:
        return len(self.retiring_live) > self.published * MASS_RETIRE_SHARE

    def digest(self) -> str:
        """A fingerprint of every change the import makes: a confirmation applies exactly
        what its preview showed, or nothing."""
        listed = [(o.action, o.slug, o.row, o.changes) for o in self.outcomes]
        return hashlib.sha256(json.dumps(listed, ensure_ascii=False).encode()).hexdigest()


def _changes(before: dict | None, after: dict) -> tuple[tuple[str, str, str], ...]:
    return tuple((column, old, new) for column, (old, new) in history.diff(before, after).items())


def import_locations(
    session: Session,
    text: str,
    *,
    dry_run: bool = False,
    retire_missing: bool = False,
    user: str = "cli",
    override: gate.Override | None = None,
    allow_mass_retire: bool = False,
    expected: str | None = None,
    confirm_retire: int | None = None,
) -> ImportReport:
    """Validate a whole locations file, then upsert it by slug in one transaction.

    An import that would retire more than half of the published clinics is refused unless
    `allow_mass_retire`; with `expected` (a preview's digest) it is refused unless it makes
    exactly the changes that preview showed; with `confirm_retire` (the count staff ticked)
    it is refused unless that is the number of published clinics it retires.

    Set-based: one read of the current values, then executemany INSERT and UPDATE
    statements (and history rows), not one ORM object per row. Every written
    location is recorded in the change history under `user`. Rows that would put pages
    with audit errors live are refused like any bad cell, unless `override` is given.
    Page state is refreshed in the same transaction."""
    # Versions first, values second: a save landing between the two reads leaves a version
    # older than the values, so the UPDATE below finds it changed and nothing is lost.
    versions = dict(session.execute(select(models.Location.slug, models.Location.version)).all())
    existing = queries.location_values(session)
    parsed = parse_locations(
        text, known_services=queries.service_slugs(session), existing_slugs=existing.keys()
    )
    report = ImportReport(errors=parsed.errors)
    if parsed.errors:
        return report
    parsed.rows = [(row_no, keep_time_zone(value, existing)) for row_no, value in parsed.rows]
    in_file_values = {value.slug: value for _row, value in parsed.rows}
    redirected: dict[str, list[str]] = {}  # location -> the retired ones redirecting to it
    for slug, (_id, stored) in sorted(existing.items()):
        if stored.status == "retired" and stored.redirect_to:
            redirected.setdefault(stored.redirect_to, []).append(slug)
    report.errors = [
        RowError(row_no, e.column, e.message)
        for row_no, value in parsed.rows
        for e in database_problems(
            session, value, pending=in_file_values, redirected=redirected.get(value.slug, ())
        )
    ]
    if retire_missing:
        report.errors += _redirects_left_to_retired(existing, in_file_values)
    if report.errors:
        return report
    now = models.utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    changes: list[tuple[str, str, dict | None, dict]] = []  # action, slug, before, after
    in_file = set()
    rows_of: dict[str, int] = {}
    for row_no, value in parsed.rows:
        in_file.add(value.slug)
        current = existing.get(value.slug)
        if current is None:
            inserts.append({**models.location_columns(value), "created_at": now, "updated_at": now})
            report.created += 1
            after = history.value_snapshot(value)
            report.outcomes.append(
                RowOutcome("created", value.slug, value.name, row_no, _changes(None, after))
            )
            changes.append(("create", value.slug, None, after))
            continue
        location_id, before = current
        if before == value:
            report.unchanged += 1
            report.outcomes.append(RowOutcome("unchanged", value.slug, value.name, row_no))
            continue
        updates.append(
            {
                **models.location_columns(value),
                "_id": location_id,
                "_version": versions.get(value.slug),
                "updated_at": now,
            }
        )
        rows_of[value.slug] = row_no
        old, new = history.value_snapshot(before), history.value_snapshot(value)
        retiring = value.status == "retired" and before.status != "retired"
        report.retired += retiring
        report.updated += not retiring
        report.outcomes.append(
            RowOutcome(
                "retired" if retiring else "updated",
                value.slug,
                before.name,
                row_no,
                _changes(old, new),
                before.status == "published",
            )
        )
        changes.append(("import", value.slug, old, new))
    if retire_missing:
        for slug, (location_id, before) in existing.items():
            if slug not in in_file and before.status != "retired":
                columns = {**models.location_columns(before), "status": "retired"}
                updates.append(
                    {
                        **columns,
                        "_id": location_id,
                        "_version": versions.get(slug),
                        "updated_at": now,
                    }
                )
                report.retired += 1
                report.outcomes.append(
                    RowOutcome(
                        "retired",
                        slug,
                        before.name,
                        None,
                        (("status", before.status, "retired"),),
                        before.status == "published",
                    )
                )
                old = history.value_snapshot(before)
                changes.append(("retire", slug, old, {**old, "status": "retired"}))
    report.published = sum(1 for _id, v in existing.values() if v.status == "published")
    if expected is not None and report.digest() != expected:
        report.errors = [
            RowError(
                1,
                "-",
                "the file or the data changed since the preview; nothing was "
                "written; check the new preview",
            )
        ]
        return report
    retiring = len(report.retiring_live)
    if confirm_retire is not None and retiring and confirm_retire != retiring:
        report.errors = [
            RowError(
                1,
                "status",
                f"confirm that {retiring} clinics are to be retired; nothing was written",
            )
        ]
        return report
    if report.too_many_retired and not allow_mass_retire:
        report.mass_retire = True
        report.errors = [
            RowError(
                1,
                "status",
                f"this file would retire {retiring} of the {report.published} "
                f"published clinics (more than {MASS_RETIRE_SHARE:.0%}); nothing was written",
            )
        ]
        return report
    table = models.Location.__table__
    try:
        if inserts:
            session.execute(table.insert(), inserts)
    except IntegrityError:  # another writer created one of these slugs meanwhile
        session.rollback()
        taken = set(queries.location_ids(session))
        report.errors = [
            RowError(
                row_no,
                "slug",
                f"{value.slug!r} was created by someone else during "
                "this import; nothing was written; run the import again",
            )
            for row_no, value in parsed.rows
            if value.slug in taken and value.slug not in existing
        ] or [RowError(1, "-", "the import collided with another change; run it again")]
        return report
    if updates:
        columns = {k: bindparam(k) for k in updates[0] if k not in ("_id", "_version")}
        statement = (
            table.update()
            .where(table.c.id == bindparam("_id"), table.c.version == bindparam("_version"))
            .values(**columns, version=table.c.version + 1)
        )
        if session.execute(statement, updates).rowcount != len(updates):
            # Optimistic locking, as the ORM does for staff edits: never overwrite a save
            # made after this import read the location.
            session.rollback()
            now_versions = dict(
                session.execute(select(models.Location.slug, models.Location.version)).all()
            )
            report.errors = [
                RowError(
                    rows_of.get(u["slug"], 1),
                    "-",
                    f"location {u['slug']!r} was changed "
                    "by someone else during this import; nothing was written; run it again",
                )
                for u in updates
                if now_versions.get(u["slug"]) != u["_version"]
            ] or [RowError(1, "-", "the import collided with another change; run it again")]
            return report
    if changes:
        ids = queries.location_ids(session) if inserts else {}
        rows = [
            history.change_row(
                at=now,
                user=user,
                entity_id=ids[slug] if action == "create" else existing[slug][0],
                label=slug,
                action=action,
                before=before,
                after=after,
            )
            for action, slug, before, after in changes
        ]
        session.execute(models.Change.__table__.insert(), rows)
    live = {value.slug: row_no for row_no, value in parsed.rows if value.status == "published"}
    touched = {o.slug for o in report.outcomes if o.action in ("created", "updated")}
    try:
        _gate_rows(session, {s: r for s, r in live.items() if s in touched}, override)
    except gate.Refused as refused:
        session.rollback()
        report.errors = _row_errors(refused.findings, live)
        report.gated = True
        return report
    if dry_run:
        session.rollback()
        return report
    page_state.refresh(session, commit=False)
    session.commit()
    return report


def _gate_rows(session: Session, live: dict[str, int], override: gate.Override | None) -> None:
    """Audit the pages the imported rows put live; refuse or record an override."""
    if not live:
        return
    source = DatabaseSource(session)
    refs = [ref for slug in live for ref in gate.location_pages(source, slug)]
    found = gate.findings(session, refs)
    if not found:
        return
    if override is None:
        raise gate.Refused(found)
    by_slug: dict[str, list] = {}
    for finding in found:
        by_slug.setdefault(_slug_of(finding.path), []).append(finding)
    for slug, findings in by_slug.items():
        row = queries.location_by_slug(session, slug)
        if row is not None:
            gate.record_override(session, override, entity="location", row=row, found=findings)


def _slug_of(path: str) -> str:
    ref = urls.parse(path)
    return ref.key[-1] if ref is not None and ref.key else ""


# The audit names what it reads; a CSV row names its columns.
AUDIT_COLUMNS = {"address": "street_address", "telephone": "phone", "geo": "latitude"}


def _row_errors(findings: list, rows: dict[str, int]) -> list[RowError]:
    errors = []
    for finding in findings:
        column = AUDIT_COLUMNS.get(finding.field, finding.field)
        if column not in COLUMNS:
            column = "status"  # the cell that puts the page live
        ref = urls.parse(finding.path)
        if column == "intro" and ref is not None and ref.language:
            column = intro_column(ref.language)  # the intro that page shows
        errors.append(
            RowError(
                rows.get(_slug_of(finding.path), 1),
                column,
                f"{finding.rule}: {finding.message} (on {finding.path})",
            )
        )
    return sorted(errors, key=lambda e: (e.row, e.column, e.message))


def export_locations(session: Session) -> str:
    """Every location in the locations.csv format."""
    return write_locations(row.to_core() for row in queries.all_locations(session))
