"""Sitemap and robots.txt documents from the page state table: shared by server and build."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from seo.core import sitemaps, urls
from seo.store import models, queries


@dataclass(frozen=True)
class SitemapFile:
    name: str  # e.g. "neuropathic-pain-treatment-1"
    group: str
    start: str  # first path in the file
    end: str | None  # first path of the next file


def sitemap_files(session: Session, limit: int = sitemaps.SITEMAP_URL_LIMIT) -> list[SitemapFile]:
    """Every sitemap file: one group per service (plus one for location pages), chunked."""
    files = []
    for group, count, _newest in queries.sitemap_groups(session):
        starts = queries.chunk_starts(session, group, limit, count)
        ends = [*starts[1:], None]
        for number, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
            files.append(SitemapFile(f"{group}-{number}", group, start, end))
    return files


# A sitemap file and the newest change inside it (None: it lists no page with a date).
Listed = tuple[SitemapFile, datetime | None]


def newest_changes(session: Session, files: list[SitemapFile]) -> list[Listed]:
    """Each file with the newest change of a page inside it."""
    return [(f, queries.chunk_newest(session, f.group, f.start, f.end)) for f in files]


def index_document(site_url: str, listed: list[Listed]) -> str:
    """The sitemap index: one entry per file, its lastmod the newest change inside it."""
    entries = [
        sitemaps.Entry(
            site_url + urls.sitemap_file(f.name), models.as_utc(newest) if newest else None
        )
        for f, newest in listed
    ]
    return "".join(sitemaps.write_index(entries))


def sitemap_index(session: Session, site_url: str, files: list[SitemapFile]) -> str:
    return index_document(site_url, newest_changes(session, files))


def sitemap_document(engine: Engine, site_url: str, item: SitemapFile) -> Iterator[str]:
    """Stream one sitemap file from its own session, holding a connection only while read."""
    with Session(engine) as session:
        rows = queries.sitemap_rows(session, item.group, item.start, item.end)
        yield from sitemaps.write_urlset_rows(site_url, rows)
