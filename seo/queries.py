"""Every select() statement of the application."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from seo.models import Location, PageState, Service, SlugRedirect


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


def location_by_slug(session: Session, slug: str) -> Location | None:
    return session.scalars(select(Location).where(Location.slug == slug)).one_or_none()


def location_by_id(session: Session, location_id: int) -> Location | None:
    return session.get(Location, location_id)


def redirect_for_slug(session: Session, old_slug: str) -> SlugRedirect | None:
    return session.get(SlugRedirect, old_slug)


def all_locations(session: Session) -> Iterator[Location]:
    """Every location by slug, read in batches."""
    stmt = select(Location).order_by(Location.slug).execution_options(yield_per=2000)
    yield from session.scalars(stmt)


def location_slugs(session: Session) -> set[str]:
    return set(session.scalars(select(Location.slug)))


def locations_by_slug(session: Session) -> dict[str, Location]:
    return {loc.slug: loc for loc in session.scalars(select(Location))}


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
    stmt = select(Location).where(Location.status == "published").order_by(Location.slug)
    return session.scalars(stmt.limit(limit)).all()


def published_states(session: Session) -> list[str]:
    stmt = select(Location.state).where(Location.status == "published").distinct()
    return sorted(session.scalars(stmt))


def page_state(session: Session, path: str) -> PageState | None:
    return session.get(PageState, path)


def page_states(session: Session) -> dict[str, PageState]:
    return {p.path: p for p in session.scalars(select(PageState))}


def sitemap_groups(session: Session) -> list[tuple[str, int, datetime]]:
    """(sitemap name, URL count, newest change) for every sitemap group."""
    stmt = (
        select(PageState.sitemap, func.count(), func.max(PageState.changed_at))
        .group_by(PageState.sitemap)
        .order_by(PageState.sitemap)
    )
    return [(name, count, newest) for name, count, newest in session.execute(stmt)]


def sitemap_rows(
    session: Session, sitemap: str, offset: int, limit: int
) -> Iterator[tuple[str, datetime]]:
    """(path, changed_at) of one sitemap chunk, streamed in batches."""
    stmt = (
        select(PageState.path, PageState.changed_at)
        .where(PageState.sitemap == sitemap)
        .order_by(PageState.path)
        .offset(offset)
        .limit(limit)
        .execution_options(yield_per=5000)
    )
    yield from session.execute(stmt)


def chunk_newest(session: Session, sitemap: str, offset: int, limit: int) -> datetime | None:
    inner = (
        select(PageState.changed_at)
        .where(PageState.sitemap == sitemap)
        .order_by(PageState.path)
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    return session.scalar(select(func.max(inner.c.changed_at)))
