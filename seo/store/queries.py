"""Every select() statement of the application."""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

from sqlalchemy import (
    Connection,
    Text,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, selectinload

from seo.core import locations as core_locations
from seo.core import sitemaps
from seo.store.models import (
    INTRO_OPENING,
    AppointmentRequest,
    Change,
    DependencyMark,
    Location,
    PageChange,
    PageDependency,
    PageOverride,
    PageState,
    Photo,
    Revision,
    Service,
    SlugRedirect,
    Translation,
    Upload,
    User,
)


def services(session: Session, published_only: bool = True) -> Sequence[Service]:
    stmt = select(Service).options(selectinload(Service.sections))
    if published_only:
        stmt = stmt.where(Service.status == "published")
    return session.scalars(stmt.order_by(Service.position, Service.slug)).all()


def service_by_slug(session: Session, slug: str) -> Service | None:
    stmt = select(Service).options(selectinload(Service.sections)).where(Service.slug == slug)
    return session.scalars(stmt).one_or_none()


def service_slugs(session: Session) -> list[str]:
    return list(session.scalars(select(Service.slug).order_by(Service.slug)))


def translations(session: Session, published_only: bool = True) -> Sequence[Translation]:
    """Services' articles in other languages, by service position then language."""
    stmt = select(Translation).join(Translation.service).options(selectinload(Translation.service))
    if published_only:
        stmt = stmt.where(Service.status == "published")
    return session.scalars(stmt.order_by(Service.position, Translation.language)).all()


def translation(session: Session, service_id: int, language: str) -> Translation | None:
    stmt = select(Translation).where(
        Translation.service_id == service_id, Translation.language == language
    )
    return session.scalars(stmt).one_or_none()


def location_by_slug(session: Session, slug: str) -> Location | None:
    return session.scalars(select(Location).where(Location.slug == slug)).one_or_none()


def location_by_id(session: Session, location_id: int) -> Location | None:
    return session.get(Location, location_id)


def redirecting_to(session: Session, slug: str) -> Sequence[Location]:
    """The retired locations whose pages redirect to the location `slug`."""
    stmt = select(Location).where(Location.redirect_to == slug, Location.status == "retired")
    return session.scalars(stmt.order_by(Location.slug)).all()


def redirect_for_slug(session: Session, old_slug: str) -> SlugRedirect | None:
    return session.get(SlugRedirect, old_slug)


def all_locations(session: Session) -> Iterator[Location]:
    """Every location by slug, read in batches."""
    stmt = select(Location).order_by(Location.slug).execution_options(yield_per=2000)
    yield from session.scalars(stmt)


def published_locations(session: Session, state: str | None = None) -> Sequence[Location]:
    stmt = select(Location).where(Location.status == "published")
    if state:
        stmt = stmt.where(Location.state == state)
    return session.scalars(stmt.order_by(Location.state, Location.city, Location.slug)).all()


def published_in_box(
    session: Session, latitude: float, longitude: float, radius: float
) -> Sequence[Location]:
    """Published locations within +/-radius degrees (a cheap pre-filter for distances)."""
    stmt = select(Location).where(
        Location.status == "published",
        Location.latitude.between(latitude - radius, latitude + radius),
        Location.longitude.between(longitude - radius, longitude + radius),
    )
    return session.scalars(stmt).all()


def first_published(session: Session, limit: int) -> Sequence[Location]:
    """The first published locations by slug, read in slug order a page at a time (a
    filter on status would have the planner sort every published location first)."""
    found: list[Location] = []
    after = ""
    while len(found) < limit:
        stmt = select(Location).where(Location.slug > after).order_by(Location.slug)
        rows = session.scalars(stmt.limit(limit * 2)).all()
        if not rows:
            break
        found += [row for row in rows if row.status == "published"]
        after = rows[-1].slug
    return found[:limit]


def picker_locations(session: Session, limit: int) -> Sequence[Location]:
    """Published locations by name, for the name pickers staff search."""
    stmt = select(Location).where(Location.status == "published").order_by(Location.name)
    return session.scalars(stmt.limit(limit)).all()


def location_by_name(session: Session, name: str) -> Location | None:
    """The one location with exactly this name (letter case aside), if only one has it."""
    stmt = select(Location).where(func.lower(Location.name) == name.lower()).limit(2)
    rows = session.scalars(stmt).all()
    return rows[0] if len(rows) == 1 else None


def locations_opening_alike(session: Session, intro: str, limit: int = 20) -> Sequence[Location]:
    """Published locations whose intro opens with the same words (likely copies), found
    through the index on the intro's opening characters."""
    # Written out, not bound: the planners match it to the index expression.
    opening = literal_column(f"substr(locations.intro, 1, {INTRO_OPENING})")
    stmt = select(Location).where(opening == intro[:INTRO_OPENING], Location.status == "published")
    return session.scalars(stmt.order_by(Location.slug).limit(limit)).all()


def locations_opening_alike_in(
    session: Session, language: str, intro: str, limit: int = 20
) -> Sequence[Location]:
    """Published locations whose intro in `language` opens with the same words. A scan of
    the stored intros: only a clinic with an intro in another language pays for it."""
    opening = json.dumps(intro[:INTRO_OPENING], ensure_ascii=False)[1:-1]
    opening = opening.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f'%"{language}": "{opening}%'
    stored = type_coerce(Location.intros, Text)
    stmt = select(Location).where(stored.like(pattern, escape="\\"), Location.status == "published")
    return session.scalars(stmt.limit(limit)).all()


def page_state(session: Session, path: str) -> PageState | None:
    return session.get(PageState, path)


def page_states(session: Session) -> dict[str, PageState]:
    return {p.path: p for p in session.scalars(select(PageState))}


def page_paths(session: Session) -> list[str]:
    return list(session.scalars(select(PageState.path)))


IN_CHUNK = 500  # values per IN (...) list: well under every database's parameter limit


def _chunks(values: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def page_states_at(session: Session, paths: Sequence[str]) -> dict[str, PageState]:
    found: dict[str, PageState] = {}
    for part in _chunks(sorted(set(paths))):
        stmt = select(PageState).where(PageState.path.in_(part))
        found |= {p.path: p for p in session.scalars(stmt)}
    return found


# --- the dependency index of page state ---------------------------------------------


def dependent_paths(session: Session, tokens: Sequence[str]) -> set[str]:
    """The pages that read any of these inputs."""
    found: set[str] = set()
    for part in _chunks(sorted(set(tokens))):
        stmt = select(PageDependency.path).where(PageDependency.token.in_(part)).distinct()
        found.update(session.scalars(stmt))
    return found


def _insert_dependencies(session: Session, edges: dict[str, frozenset[str]]) -> None:
    # Made a part at a time (a whole site's rows at once took 20 MB per 10,000 pages), and
    # through the table, not the class: no ORM work per row.
    rows = ({"token": t, "path": path} for path, tokens in edges.items() for t in tokens)
    while part := list(itertools.islice(rows, 10_000)):
        session.execute(insert(PageDependency.__table__), part)


def set_dependencies(session: Session, edges: dict[str, frozenset[str]]) -> None:
    """Replace what these pages read (an empty set for a page that is gone)."""
    for part in _chunks(sorted(edges)):
        session.execute(delete(PageDependency).where(PageDependency.path.in_(part)))
    _insert_dependencies(session, edges)


def replace_dependencies(session: Session, edges: dict[str, frozenset[str]]) -> None:
    """The whole index anew: what every page reads."""
    session.execute(delete(PageDependency))
    _insert_dependencies(session, edges)


def dependency_marks(session: Session, tokens: Sequence[str]) -> dict[str, DependencyMark]:
    found: dict[str, DependencyMark] = {}
    for part in _chunks(sorted(set(tokens))):
        stmt = select(DependencyMark).where(DependencyMark.token.in_(part))
        found |= {m.token: m for m in session.scalars(stmt)}
    return found


def set_marks(session: Session, marks: dict[str, tuple[str, str] | None]) -> None:
    """Store (digest, note) per input; None removes the mark."""
    for part in _chunks(sorted(marks)):
        session.execute(delete(DependencyMark).where(DependencyMark.token.in_(part)))
    rows = [{"token": t, "digest": m[0], "note": m[1]} for t, m in marks.items() if m]
    for part in _chunks(rows, 20_000):
        session.execute(insert(DependencyMark), list(part))


def replace_marks(session: Session, prefix: str, marks: dict[str, tuple[str, str]]) -> None:
    """Every mark whose token starts with `prefix`, anew."""
    session.execute(delete(DependencyMark).where(DependencyMark.token.startswith(prefix)))
    rows = [{"token": t, "digest": d, "note": n} for t, (d, n) in marks.items()]
    for part in _chunks(rows, 20_000):
        session.execute(insert(DependencyMark), list(part))


def page_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PageState)) or 0


def log_page_changes(session: Session, paths: Sequence[str]) -> None:
    if paths:
        session.execute(insert(PageChange), [{"path": p} for p in paths])


def last_page_change(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(PageChange.id), 0))) or 0


def prune_page_changes(session: Session, keep: int) -> None:
    """Forget all but the newest `keep` change numbers (an index range: cheap when none go)."""
    newest = select(func.max(PageChange.id)).scalar_subquery()
    session.execute(delete(PageChange).where(PageChange.id <= newest - keep))


def page_changes_kept_after(session: Session, after: int) -> bool:
    """Whether every change after number `after` is still logged (none was pruned)."""
    first = session.scalar(select(func.min(PageChange.id)))
    # Numbers are only ever removed from the start, so a gap there means pruning.
    return first is None or first <= after + 1


def page_changes_after(session: Session, after: int) -> set[str]:
    """The paths of pages added, changed or removed since change number `after`."""
    return set(session.scalars(select(PageChange.path).where(PageChange.id > after)))


def location_slugs(session: Session, ids: Sequence[int]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(sorted(set(ids))):
        found.update(session.scalars(select(Location.slug).where(Location.id.in_(part))))
    return found


def service_slugs_of(session: Session, ids: Sequence[int]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(sorted(set(ids))):
        found.update(session.scalars(select(Service.slug).where(Service.id.in_(part))))
    return found


def sitemap_groups(session: Session) -> list[str]:
    """The name of every sitemap group."""
    stmt = (
        select(PageState.sitemap)
        .where(PageState.sitemap != "")  # noindex pages have no sitemap
        .group_by(PageState.sitemap)
        .order_by(PageState.sitemap)
    )
    return list(session.scalars(stmt))


def path_at(session: Session, sitemap: str, start: str, offset: int) -> str | None:
    """The path `offset` places after `start` (or the first after it) in a sitemap group;
    None past its end. An index range read of `offset` entries."""
    stmt = (
        select(PageState.path)
        .where(PageState.sitemap == sitemap, PageState.path >= start)
        .order_by(PageState.path)
        .offset(offset)
        .limit(1)
    )
    return session.scalar(stmt)


def _chunk_filter(stmt, sitemap: str, start: str, end: str | None):
    stmt = stmt.where(PageState.sitemap == sitemap, PageState.path >= start)
    return stmt if end is None else stmt.where(PageState.path < end)


def chunk_lengths(session: Session, sitemap: str, start: str, end: str | None) -> sitemaps.Lengths:
    """What the rows of a sitemap chunk add up to, for the size of its file."""

    def breaks(column):
        return func.length(column) - func.length(func.replace(column, "\n", ""))

    def total(value):
        return func.coalesce(func.sum(value), 0)

    def having(column):
        return total(case((column != "", 1), else_=0))

    columns = select(
        func.count(),
        total(func.length(PageState.path)),
        total(func.length(PageState.images)),
        total(breaks(PageState.images)),
        having(PageState.images),
        total(func.length(PageState.alternates)),
        total(breaks(PageState.alternates)),
        having(PageState.alternates),
    )
    row = session.execute(_chunk_filter(columns, sitemap, start, end)).one()
    return sitemaps.Lengths(*map(int, row))


# changed_at is naive UTC to the second; sitemaps show it as a W3C datetime in UTC.
W3C_FORMAT = {
    "postgresql": lambda column: func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
    "sqlite": lambda column: func.strftime("%Y-%m-%dT%H:%M:%S+00:00", column),
}


def sitemap_rows(
    session: Session, sitemap: str, start: str, end: str | None
) -> Iterator[tuple[str, str, str, str]]:
    """(path, lastmod as W3C text, images, alternates) of one sitemap chunk, by key range,
    streamed in batches. A Core read with the date formatted by the database: at a million
    URLs, ORM rows and Python date parsing cost more than writing the XML."""
    connection = session.connection()
    lastmod = W3C_FORMAT[connection.dialect.name](PageState.changed_at)
    columns = select(PageState.path, lastmod, PageState.images, PageState.alternates)
    stmt = _chunk_filter(columns, sitemap, start, end).order_by(PageState.path)
    result = connection.execution_options(stream_results=True, yield_per=5000).execute(stmt)
    for partition in result.partitions():
        yield from partition


def chunk_newest(session: Session, sitemap: str, start: str, end: str | None) -> datetime | None:
    stmt = _chunk_filter(select(func.max(PageState.changed_at)), sitemap, start, end)
    return session.scalar(stmt)


# --- staff workspace ----------------------------------------------------------------

LOCATION_SORTS = {
    "name": Location.name,
    "city": Location.city,
    "state": Location.state,
    "slug": Location.slug,
    "status": Location.status,
    "updated": Location.updated_at,
}


def page_overrides(session: Session) -> Sequence[PageOverride]:
    stmt = select(PageOverride).options(
        selectinload(PageOverride.service), selectinload(PageOverride.location)
    )
    return session.scalars(stmt).all()


def page_override(session: Session, service_id: int, location_id: int) -> PageOverride | None:
    stmt = select(PageOverride).where(
        PageOverride.service_id == service_id, PageOverride.location_id == location_id
    )
    return session.scalars(stmt).one_or_none()


def overrides_for_location(session: Session, location_id: int) -> Sequence[PageOverride]:
    stmt = select(PageOverride).where(PageOverride.location_id == location_id)
    return session.scalars(stmt.options(selectinload(PageOverride.service))).all()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def _location_filters(q: str, state: str, status: str, service: str) -> list:
    conditions = []
    if q:
        pattern = (
            "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        conditions.append(
            func.lower(Location.name).like(pattern, escape="\\")
            | func.lower(Location.city).like(pattern, escape="\\")
            | Location.slug.like(pattern, escape="\\")
        )
    if state:
        conditions.append(Location.state == state)
    if status:
        conditions.append(Location.status == status)
    if service:
        # services is ";"-joined; empty means every service.
        conditions.append(
            (Location.services == "") | ((";" + Location.services + ";").like(f"%;{service};%"))
        )
    return conditions


def location_page(
    session: Session,
    *,
    q: str = "",
    state: str = "",
    status: str = "",
    service: str = "",
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[Location], int]:
    """One page of the admin location list and the number of matching locations.

    Every sort key has an index ending in id, so LIMIT/OFFSET walks an index."""
    conditions = _location_filters(q, state, status, service)
    column = LOCATION_SORTS.get(sort, Location.name)
    order = (column.desc(), Location.id.desc()) if descending else (column, Location.id)
    stmt = select(Location).where(*conditions).order_by(*order).offset(offset).limit(limit)
    total = session.scalar(select(func.count(Location.id)).where(*conditions)) or 0
    return session.scalars(stmt).all(), total


def location_counts(session: Session) -> dict[str, int]:
    stmt = select(Location.status, func.count()).group_by(Location.status)
    return {status: count for status, count in session.execute(stmt)}


def changes_for(
    session: Session, entities: tuple[str, ...], entity_id: int, limit: int = 200
) -> Sequence[Change]:
    stmt = (
        select(Change)
        .where(Change.entity.in_(entities), Change.entity_id == entity_id)
        .order_by(Change.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()


def version_count(
    session: Session, entities: tuple[str, ...], entity_id: int, up_to: int | None = None
) -> int:
    """How many changes the history of one clinic or article holds (up to a change id)."""
    stmt = select(func.count(Change.id)).where(
        Change.entity.in_(entities), Change.entity_id == entity_id
    )
    if up_to is not None:
        stmt = stmt.where(Change.id <= up_to)
    return session.scalar(stmt) or 0


def has_history(session: Session, entity: str, entity_id: int, label: str | None = None) -> bool:
    """Whether history holds any change of a location or service (by id: a renamed slug is
    the same one), or of one page override (a location id and a service slug as label)."""
    stmt = select(Change.id).where(Change.entity == entity, Change.entity_id == entity_id)
    if label is not None:
        stmt = stmt.where(Change.label == label)
    return session.scalar(stmt.limit(1)) is not None


def intro_written(session: Session, slugs: Collection[str]) -> dict[str, tuple[datetime, int]]:
    """When each clinic's intro was last written (created, edited, imported or restored), as
    (time, change id), per history; the clinic's last update where history has no record."""
    when: dict[str, tuple[datetime, int]] = {}
    stmt = (
        select(Location.slug, Change.at, Change.id)
        .join(Change, (Change.entity_id == Location.id) & (Change.entity == "location"))
        .where(Location.slug.in_(slugs), Change.fields.like('%"intro": [%'))
    )
    for slug, at, change_id in session.execute(stmt):
        when[slug] = max(when.get(slug, (at, change_id)), (at, change_id))
    for slug, updated in session.execute(
        select(Location.slug, Location.updated_at).where(Location.slug.in_(slugs))
    ):
        when.setdefault(slug, (updated, 0))
    return when


def recent_changes(session: Session, limit: int = 20) -> Sequence[Change]:
    return session.scalars(select(Change).order_by(Change.id.desc()).limit(limit)).all()


def change_by_id(session: Session, change_id: int) -> Change | None:
    return session.get(Change, change_id)


def pending_revisions(session: Session) -> Sequence[Revision]:
    """Every pending revision, the latest saved first."""
    stmt = select(Revision).order_by(Revision.updated_at.desc(), Revision.id.desc())
    return session.scalars(stmt).all()


def revision_for(session: Session, entity: str, entity_id: int) -> Revision | None:
    stmt = select(Revision).where(Revision.entity == entity, Revision.entity_id == entity_id)
    return session.scalar(stmt)


def revision_by_id(session: Session, revision_id: int) -> Revision | None:
    return session.get(Revision, revision_id)


def upload_by_token(session: Session, token: str) -> Upload | None:
    return session.get(Upload, token)


def uploads_before(session: Session, moment: datetime) -> Sequence[Upload]:
    return session.scalars(select(Upload).where(Upload.created_at < moment)).all()


def location_values(session: Session) -> dict[str, tuple[int, core_locations.Location]]:
    """slug -> (id, value) for every location, read as plain rows (no ORM objects)."""
    from seo.store.models import location_from_columns

    columns = [getattr(Location, f) for f in (*Location.VALUE_FIELDS, "services")]
    stmt = select(Location.id, *columns).execution_options(yield_per=5000)
    return {row.slug: (row.id, location_from_columns(row)) for row in session.execute(stmt)}


def page_fingerprint(connection: Connection, path: str) -> tuple[str, datetime] | None:
    """(fingerprint, changed_at) of one page, read without the ORM (the hot path)."""
    stmt = select(PageState.fingerprint, PageState.changed_at).where(PageState.path == path)
    row = connection.execute(stmt).first()
    return None if row is None else (row[0], row[1])


def page_inputs(connection: Connection, path: str) -> str | None:
    """The rebuild key of one page as page state holds it, read without the ORM."""
    return connection.scalar(select(PageState.inputs).where(PageState.path == path))


def location_names(session: Session, slugs: Collection[str]) -> dict[str, tuple[int, str]]:
    """slug -> (id, name) of the locations named."""
    stmt = select(Location.slug, Location.id, Location.name).where(Location.slug.in_(slugs))
    return {slug: (id_, name) for slug, id_, name in session.execute(stmt)}


def location_ids(session: Session) -> dict[str, int]:
    """slug -> id for every location."""
    return {slug: id_ for slug, id_ in session.execute(select(Location.slug, Location.id))}


# --- appointment requests -----------------------------------------------------------


def _request_filters(
    location_id: int | None,
    service_id: int | None,
    start: datetime | None,
    end: datetime | None,
    status: str | None = None,
) -> list:
    conditions = []
    if status is not None:
        conditions.append(AppointmentRequest.status == status)
    if location_id is not None:
        conditions.append(AppointmentRequest.location_id == location_id)
    if service_id is not None:
        conditions.append(AppointmentRequest.service_id == service_id)
    if start is not None:
        conditions.append(AppointmentRequest.created_at >= start)
    if end is not None:
        conditions.append(AppointmentRequest.created_at < end)
    return conditions


def appointment_requests(
    session: Session,
    *,
    location_id: int | None = None,
    service_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
):
    """Matching requests, newest first, with their location, service and status history,
    and how many match."""
    conditions = _request_filters(location_id, service_id, start, end, status)
    stmt = (
        select(AppointmentRequest)
        .where(*conditions)
        .options(
            selectinload(AppointmentRequest.location),
            selectinload(AppointmentRequest.service),
            selectinload(AppointmentRequest.status_changes),
        )
        .order_by(AppointmentRequest.created_at.desc(), AppointmentRequest.id.desc())
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    total = session.scalar(select(func.count(AppointmentRequest.id)).where(*conditions)) or 0
    return session.scalars(stmt).all(), total


def appointment_request(session: Session, request_id: int) -> AppointmentRequest | None:
    return session.get(AppointmentRequest, request_id)


def new_request_count(session: Session) -> int:
    """How many requests nobody has answered yet (an indexed count, for every staff page)."""
    count = (
        select(func.count())
        .select_from(AppointmentRequest)
        .where(AppointmentRequest.status == "new")
    )
    return session.scalar(count) or 0


def request_locations(session: Session) -> Sequence[Location]:
    """The locations that have received at least one request, by name."""
    ids = (
        select(AppointmentRequest.location_id)
        .where(AppointmentRequest.location_id.is_not(None))
        .distinct()
    )
    return session.scalars(
        select(Location).where(Location.id.in_(ids)).order_by(Location.name)
    ).all()


def published_location_values(
    session: Session, *, intro: bool = True
) -> list[core_locations.Location]:
    """Every published location as a core value, read as plain rows (fast at 100,000);
    with intro=False, the intros are left in the database (read as "")."""
    from seo.store.models import location_from_columns

    columns = [getattr(Location, f) for f in (*Location.VALUE_FIELDS, "services")]
    if not intro:
        columns = [literal("").label("intro") if c.key == "intro" else c for c in columns]
    stmt = (
        select(*columns)
        .where(Location.status == "published")
        .order_by(Location.state, Location.city, Location.slug)
        .execution_options(yield_per=5000)
    )
    return [location_from_columns(row) for row in session.execute(stmt)]


# --- clinic photos ------------------------------------------------------------------


def photos_of(session: Session, location_id: int) -> list[Photo]:
    """A location's photos in the order staff gave them."""
    stmt = select(Photo).where(Photo.location_id == location_id)
    return list(session.scalars(stmt.order_by(Photo.position, Photo.id)))


def photo_by_id(session: Session, photo_id: int) -> Photo | None:
    return session.get(Photo, photo_id)


def photos_by_slug(session: Session, slug: str) -> list[Photo]:
    stmt = select(Photo).join(Location).where(Location.slug == slug)
    return list(session.scalars(stmt.order_by(Photo.position, Photo.id)))


def published_photos(session: Session) -> dict[str, list[Photo]]:
    """location slug -> its photos in order, for every published location with photos."""
    stmt = (
        select(Location.slug, Photo)
        .join(Photo, Photo.location_id == Location.id)
        .where(Location.status == "published")
        .order_by(Location.slug, Photo.position, Photo.id)
    )
    found: dict[str, list[Photo]] = {}
    for slug, photo in session.execute(stmt):
        found.setdefault(slug, []).append(photo)
    return found


def published_digests(session: Session, digests: Collection[str]) -> set[str]:
    """Which of these digests name a photo of a published location."""
    found: set[str] = set()
    for part in _chunks(sorted(digests)):
        stmt = (
            select(Photo.digest)
            .join(Location, Photo.location_id == Location.id)
            .where(Location.status == "published", Photo.digest.in_(part))
        )
        found.update(session.scalars(stmt))
    return found


def digest_in_use(session: Session, digest: str) -> bool:
    """Whether any photo row still names files with this digest."""
    return session.scalar(select(func.count()).where(Photo.digest == digest)) > 0
