"""The write path for clinic photos: upload, alt text, order, main photo, delete.

Each write checks, records the clinic's photo list in history, gates the clinic's live pages
(a photo and its alt text are page content), refreshes page state and commits once. Files
are written before the rows that name them and removed only after the rows are gone, so a
page never names a missing file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from seo.core.photos import PHOTOS_PER_LOCATION, check_alt
from seo.services import gate, images
from seo.services.sources import DatabaseSource
from seo.store import history, media, models, queries


@dataclass
class PhotoProblems(Exception):
    """What is wrong with an upload or an edit, by form field; nothing was stored."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {message}" for name, message in self.errors.items())


def _record(
    session: Session,
    location: models.Location,
    before: dict,
    user: str,
    action: str,
    override: gate.Override | None,
) -> None:
    """History, the gate over the clinic's live pages, page state, one commit."""
    session.flush()
    after = history.photos_snapshot(queries.photos_of(session, location.id))
    history.record(
        session,
        user=user,
        entity="photo",
        entity_id=location.id,
        label=location.slug,
        action=action,
        before=before,
        after=after,
    )
    live = location.status == "published"
    refs = gate.location_pages(DatabaseSource(session), location.slug) if live else []
    gate.commit(session, refs, override, entity="location", row=location)


@dataclass(frozen=True)
class _Files:
    """The files of one photo, noted while its row is still loaded."""

    digest: str
    variants: tuple[str, ...]
    original: str

    @classmethod
    def of(cls, row: models.Photo) -> _Files:
        return cls(row.digest, tuple(row.to_core().files()), row.original)


def _remove_unused(session: Session, store: media.MediaStore, files: _Files) -> None:
    """Remove a photo's files unless a row still names them (another clinic may share them)."""
    if queries.digest_in_use(session, files.digest):
        return
    store.remove(store.variant(name) for name in files.variants)
    store.remove([store.originals / files.original])


def add_photo(
    session: Session,
    location: models.Location,
    data: bytes,
    alt: str,
    user: str,
    *,
    main: bool = False,
    override: gate.Override | None = None,
) -> models.Photo:
    """Check and store an uploaded photo with its alt text; raise PhotoProblems (nothing
    stored) or gate.Refused (nothing stored)."""
    problems: dict[str, str] = {}
    alt_text, alt_problem = check_alt(alt)
    if alt_problem:
        problems["alt"] = alt_problem
    rows = queries.photos_of(session, location.id)
    if len(rows) >= PHOTOS_PER_LOCATION:
        problems["file"] = (
            f"{location.name} has {len(rows)} photos, the most a clinic keeps; delete one first"
        )
        raise PhotoProblems(problems)
    try:
        processed = images.process(data, images.limits_from_app())
    except images.PhotoRefused as refused:
        problems["file"] = str(refused)
    else:
        if any(r.digest == processed.digest for r in rows):
            problems["file"] = f"this photo is already one of {location.name}'s photos"
    if problems:
        raise PhotoProblems(problems)
    store = media.current()
    before = history.photos_snapshot(rows)
    store.write(store.photos, processed.variants)
    store.write(store.originals, {processed.original_name: processed.original})
    main = main or not any(r.main for r in rows)
    if main:
        for other in rows:
            other.main = False
    row = models.Photo(
        location_id=location.id,
        digest=processed.digest,
        original=processed.original_name,
        alt=alt_text,
        width=processed.width,
        height=processed.height,
        widths=";".join(str(w) for w in processed.widths),
        position=max((r.position for r in rows), default=0) + 1,
        main=main,
        created_at=models.utcnow(),
    )
    session.add(row)
    files = _Files.of(row)
    try:
        _record(session, location, before, user, "upload", override)
    except BaseException:
        session.rollback()
        _remove_unused(session, store, files)
        raise
    return row


def update_alt(
    session: Session,
    photo: models.Photo,
    alt: str,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """Change a photo's alt text; raise PhotoProblems when it is refused."""
    alt_text, problem = check_alt(alt)
    if problem:
        raise PhotoProblems({"alt": problem})
    if alt_text == photo.alt:
        return
    location = photo.location
    before = history.photos_snapshot(queries.photos_of(session, location.id))
    photo.alt = alt_text
    _record(session, location, before, user, "alt text", override)


def move(
    session: Session,
    photo: models.Photo,
    step: int,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """Move a photo `step` places earlier (negative) or later in the clinic's order."""
    location = photo.location
    rows = queries.photos_of(session, location.id)
    before = history.photos_snapshot(rows)
    index = rows.index(photo)
    target = min(max(index + step, 0), len(rows) - 1)
    if target == index:
        return
    rows.insert(target, rows.pop(index))
    for position, row in enumerate(rows, start=1):
        row.position = position
    _record(session, location, before, user, "reorder", override)


def make_main(
    session: Session, photo: models.Photo, user: str, override: gate.Override | None = None
) -> None:
    """Make this the photo pages show."""
    location = photo.location
    rows = queries.photos_of(session, location.id)
    if photo.main:
        return
    before = history.photos_snapshot(rows)
    for row in rows:
        row.main = row.id == photo.id
    _record(session, location, before, user, "main photo", override)


def delete(
    session: Session, photo: models.Photo, user: str, override: gate.Override | None = None
) -> None:
    """Delete a photo and, once no row names them, its files."""
    location = photo.location
    rows = queries.photos_of(session, location.id)
    before = history.photos_snapshot(rows)
    rest = [r for r in rows if r.id != photo.id]
    if photo.main and rest:
        rest[0].main = True
    files = _Files.of(photo)
    session.delete(photo)
    _record(session, location, before, user, "delete", override)
    _remove_unused(session, media.current(), files)


def load_demo(session: Session, folder: Path, user: str = "cli") -> int:
    """Give demo clinics the photos listed in `folder`/photos.csv (slug, file, alt)."""
    listing = Path(folder) / "photos.csv"
    if not listing.exists():
        return 0
    count = 0
    with open(listing, encoding="utf-8", newline="") as handle:
        for entry in csv.DictReader(handle):
            location = queries.location_by_slug(session, entry["slug"])
            if location is None:
                continue
            data = (Path(folder) / entry["file"]).read_bytes()
            add_photo(session, location, data, entry["alt"], user)
            count += 1
    return count
