"""SQLAlchemy models and their converters to the core values."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from seo.core import articles
from seo.core import locations as core
from seo.core import photos as core_photos
from seo.core.pages import model as pages
from seo.store import changes


def utcnow() -> datetime:
    """Now in UTC, naive, to the second (HTTP dates have no finer precision)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Intros(TypeDecorator):
    """A location's intros in other languages: (language, text) pairs, stored as JSON."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect) -> str:
        return json.dumps(dict(value or ()), sort_keys=True, ensure_ascii=False)

    def process_result_value(self, value, dialect) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(json.loads(value or "{}").items()))


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(String(200), default="")
    heading_pattern: Mapped[str] = mapped_column(String(300))
    keyword_pattern: Mapped[str] = mapped_column(String(300))
    title_pattern: Mapped[str] = mapped_column(String(300))
    description_pattern: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    business_type: Mapped[str] = mapped_column(String(60), default="MedicalClinic")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="published")
    position: Mapped[int] = mapped_column(Integer, default=0)
    article_title: Mapped[str] = mapped_column(String(300), default="")
    article_intro: Mapped[str] = mapped_column(Text, default="")
    article_keyword: Mapped[str] = mapped_column(String(300), default="")
    article_share: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="service", order_by="Section.position", cascade="all, delete-orphan"
    )

    def to_core(self) -> pages.Service:
        return pages.Service(
            slug=self.slug,
            name=self.name,
            condition=self.condition,
            heading_pattern=self.heading_pattern,
            keyword_pattern=self.keyword_pattern,
            title_pattern=self.title_pattern,
            description_pattern=self.description_pattern,
            summary=self.summary,
            business_type=self.business_type,
            reviewed_by=self.reviewed_by,
            last_reviewed=self.last_reviewed,
            status=self.status,
        )

    def to_article(self) -> articles.Article:
        return articles.Article(
            title=self.article_title,
            intro=self.article_intro,
            keyword=self.article_keyword,
            share=self.article_share,
            sections=tuple(articles.Section(s.heading, s.level, s.body) for s in self.sections),
        )


class Translation(Base):
    """A service's article and patterns in another language than the site's default."""

    __tablename__ = "service_translations"
    __table_args__ = (UniqueConstraint("service_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    heading_pattern: Mapped[str] = mapped_column(String(300))
    keyword_pattern: Mapped[str] = mapped_column(String(300))
    title_pattern: Mapped[str] = mapped_column(String(300))
    description_pattern: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    article_title: Mapped[str] = mapped_column(String(300), default="")
    article_intro: Mapped[str] = mapped_column(Text, default="")
    article_keyword: Mapped[str] = mapped_column(String(300), default="")
    # [[heading, level, body], ...]
    sections: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    service: Mapped[Service] = relationship()

    def to_core(self) -> pages.Service:
        """The service as its pages in this language show it."""
        from dataclasses import replace

        return replace(
            self.service.to_core(),
            name=self.name,
            heading_pattern=self.heading_pattern,
            keyword_pattern=self.keyword_pattern,
            title_pattern=self.title_pattern,
            description_pattern=self.description_pattern,
            summary=self.summary,
        )

    def to_article(self) -> articles.Article:
        return articles.Article(
            title=self.article_title,
            intro=self.article_intro,
            keyword=self.article_keyword,
            share=self.service.article_share,
            sections=tuple(
                articles.Section(heading, level, body)
                for heading, level, body in json.loads(self.sections)
            ),
        )


class Section(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300))
    level: Mapped[int] = mapped_column(Integer, default=2)
    body: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="sections")


INTRO_OPENING = 64  # characters of an intro that the copy index holds


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2), index=True)
    postal_code: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    opening_hours: Mapped[str] = mapped_column(String(500), default="")
    special_hours: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[str] = mapped_column(String(1000), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    redirect_to: Mapped[str] = mapped_column(String(100), default="")
    closed_until: Mapped[date | None] = mapped_column(Date)
    # The IANA zone pages and the admin show the clinic's local time in (not a CSV column).
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    intros: Mapped[tuple] = mapped_column(Intros, default=(), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped by every UPDATE, which also checks the version it loaded (optimistic locking):
    # a save based on a stale copy matches no row and raises StaleDataError.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_locations_name_id", "name", "id"),
        Index("ix_locations_city_id", "city", "id"),
        Index("ix_locations_updated_at_id", "updated_at", "id"),
        # Box searches for the nearest published clinics: status, then a range on latitude.
        Index("ix_locations_status_latitude", "status", "latitude", "longitude"),
        # The publishing gate looks for intros that open alike (copies).
        Index("ix_locations_intro_opening", text(f"substr(intro, 1, {INTRO_OPENING})")),
    )

    VALUE_FIELDS = (*(c for c in core.COLUMNS if c != "services"), "time_zone", "intros")

    def to_core(self) -> core.Location:
        return core.Location(
            **{f: getattr(self, f) for f in self.VALUE_FIELDS},
            services=tuple(s for s in self.services.split(";") if s),
        )

    def assign(self, value: core.Location) -> None:
        for f in self.VALUE_FIELDS:
            setattr(self, f, getattr(value, f))
        self.services = ";".join(value.services)


class SlugRedirect(Base):
    """An old location slug and the location it now belongs to."""

    __tablename__ = "slug_history"

    old_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PageState(Base):
    """A public page's content fingerprint and when its content last changed."""

    __tablename__ = "page_state"
    # Sitemaps read one group in path order, chunk by chunk.
    __table_args__ = (Index("ix_page_state_sitemap_path", "sitemap", "path"),)

    # In code point order on every database (migration 0016): sitemap files are ranges of
    # paths, and a build compares paths in Python.
    path: Mapped[str] = mapped_column(
        String(300).with_variant(String(300, collation="C"), "postgresql"), primary_key=True
    )
    sitemap: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    # Digest of what the page is made from (services.rendering.inputs_key): unchanged inputs
    # mean unchanged bytes, so a refresh skips the page without rendering it.
    inputs: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The paths of the images its sitemap entry lists, one a line (Google's image extension).
    images: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The page's language versions, itself included, for hreflang: "<code> <path>" a line.
    alternates: Mapped[str] = mapped_column(Text, default="", server_default="")


# --- staff workspace ----------------------------------------------------------------

ROLES = ("editor", "admin")


class PageDependency(Base):
    """One thing a page reads (a clinic, a service, a member list, a map cell), so that a
    change names the pages it affects without walking all pages."""

    __tablename__ = "page_dependencies"
    __table_args__ = (Index("ix_page_dependencies_path", "path"),)

    token: Mapped[str] = mapped_column(String(200), primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)


class DependencyMark(Base):
    """The digest a shared input had when page state last read it (a clinic as lists and
    neighbours show it, a service record, the site's settings), and where it was listed."""

    __tablename__ = "dependency_marks"

    token: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class PageChange(Base):
    """A page added, changed or removed, in order: a static build applies the changes after
    the last one it wrote."""

    __tablename__ = "page_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(String(300))


class User(Base):
    """A staff account; the password is stored only as a werkzeug hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="editor")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of every session's user id: a new token ends all sessions opened with the old one.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    # The four members Flask-Login expects, without importing it here.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """Flask-Login's alternative id: the account and its current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Sign this account out everywhere: sessions holding the old token no longer load it."""
        self.session_token = new_session_token()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Change(Base):
    """One recorded change: who, when, which fields from what to what, and the result."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(254))
    entity: Mapped[str] = mapped_column(String(20))  # location | service | override
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str] = mapped_column(String(20))
    fields: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: [old, new]}
    snapshot: Mapped[str] = mapped_column(Text, default="{}")  # JSON state after the change


class PageOverride(Base):
    """Staff choices for one service at one location: intro, extra Q&A, noindex, excluded."""

    __tablename__ = "page_overrides"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    intro: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")  # "Question?\nAnswer" blocks
    noindex: Mapped[bool] = mapped_column(Boolean, default=False)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    service: Mapped[Service] = relationship()
    location: Mapped[Location] = relationship()

    def to_core(self) -> pages.Override:
        return pages.Override(
            intro=self.intro,
            questions=pages.parse_questions(self.questions)[0],
            noindex=self.noindex,
            excluded=self.excluded,
        )


class Photo(Base):
    """A clinic photo: its files are named by `digest` in the media folder."""

    __tablename__ = "photos"
    __table_args__ = (
        UniqueConstraint("location_id", "digest"),
        Index("ix_photos_location_position", "location_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    original: Mapped[str] = mapped_column(String(100))  # the uploaded file, kept privately
    alt: Mapped[str] = mapped_column(String(300))
    width: Mapped[int] = mapped_column(Integer)  # of the largest variant
    height: Mapped[int] = mapped_column(Integer)
    widths: Mapped[str] = mapped_column(String(100))  # "480;960;1600"
    position: Mapped[int] = mapped_column(Integer, default=0)
    main: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    location: Mapped[Location] = relationship()

    def to_core(self) -> core_photos.Photo:
        return core_photos.Photo(
            digest=self.digest,
            alt=self.alt,
            width=self.width,
            height=self.height,
            widths=tuple(int(w) for w in self.widths.split(";")),
            main=self.main,
        )


class Revision(Base):
    """A pending change to a published clinic or article: its validated payload waits here,
    the live page unchanged, until someone publishes or discards it."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id"),
        Index("ix_revisions_updated_at", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))  # location | service
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")  # the name staff know it by
    user: Mapped[str] = mapped_column(String(254))
    payload: Mapped[str] = mapped_column(Text)  # JSON: the form's values, validated
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Upload(Base):
    """An uploaded locations file kept between its dry-run preview and the confirmation."""

    __tablename__ = "uploads"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    retire_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AppointmentRequest(Base):
    """A visitor's request for an appointment, sent from a landing or location page."""

    __tablename__ = "appointment_requests"
    __table_args__ = (
        Index("ix_appointment_requests_created_at", "created_at", "id"),
        Index("ix_appointment_requests_location", "location_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # SET NULL: a request outlives the location or service rows it was made for.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    preferred_time: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    page_url: Mapped[str] = mapped_column(String(500), default="")
    referrer: Mapped[str] = mapped_column(String(500), default="")
    utm_source: Mapped[str] = mapped_column(String(200), default="")
    utm_medium: Mapped[str] = mapped_column(String(200), default="")
    utm_campaign: Mapped[str] = mapped_column(String(200), default="")
    utm_term: Mapped[str] = mapped_column(String(200), default="")
    utm_content: Mapped[str] = mapped_column(String(200), default="")
    # new, contacted, booked or closed; indexed so the header's count of new ones is cheap.
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)

    location: Mapped[Location | None] = relationship()
    service: Mapped[Service | None] = relationship()
    status_changes: Mapped[list[RequestStatusChange]] = relationship(
        back_populates="request",
        order_by="RequestStatusChange.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class RequestStatusChange(Base):
    """One step of a request's history: who moved it from which status to which, and when."""

    __tablename__ = "request_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(254))
    before: Mapped[str] = mapped_column(String(20))
    after: Mapped[str] = mapped_column(String(20))

    request: Mapped[AppointmentRequest] = relationship(back_populates="status_changes")


def location_columns(value: core.Location) -> dict:
    """A core Location as the locations table's column values."""
    columns = {f: getattr(value, f) for f in Location.VALUE_FIELDS}
    columns["services"] = ";".join(value.services)
    return columns


def location_from_columns(row) -> core.Location:
    """A core Location from a row holding the value columns."""
    mapping = row._mapping
    return core.Location(
        **{f: mapping[f] for f in Location.VALUE_FIELDS},
        services=tuple(s for s in mapping["services"].split(";") if s),
    )


# Request-limit counters are not content: they live outside Base.metadata, so `seo dump`
# and `seo restore` leave them alone. Migration 0006 creates the table.
counters_metadata = MetaData()
rate_limits = Table(
    "rate_limits",
    counters_metadata,
    Column("key", String(255), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),  # Unix time, seconds
)


# IndexNow notices waiting to be sent (seo.services.indexnow). Not content either, so they
# stay out of `seo dump` and `seo restore` (outside Base.metadata): each row is an absolute
# URL under the SITE_URL of the day it was queued, due at a moment that passes. A backup
# restored on another host (staging) or months later must not announce that site's or that
# day's changes again; a restored site's next writes queue what changes from then on.
# Only rows not yet sent are kept, one per URL: a page changed twice before a send is
# announced once. Migration 0007 creates the table.
outbox_metadata = MetaData()
indexnow_outbox = Table(
    "indexnow_outbox",
    outbox_metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("queued_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),  # failed sends so far
    Column("next_attempt_at", DateTime, nullable=False, index=True),
)

# Sessions note the clinics and services each transaction touches from the moment rows can
# be written (store/changes.py); an engine made to read the site generation alone starts
# without the ORM.
changes.track()
