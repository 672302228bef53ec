"""SQLAlchemy models and their converters to the core values."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from seo import articles, pages
from seo import locations as core


def utcnow() -> datetime:
    """Now in UTC, naive, to the second (HTTP dates have no finer precision)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    pass


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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    VALUE_FIELDS = tuple(c for c in core.COLUMNS if c != "services")

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

    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    sitemap: Mapped[str] = mapped_column(String(100), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
