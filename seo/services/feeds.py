"""Sitemap and robots.txt documents from the page state table: shared by server and build."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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


def sitemap_index(session: Session, site_url: str, files: list[SitemapFile]) -> str:
    """The sitemap index: one entry per file, its lastmod the newest change inside it."""
    entries = []
    for item in files:
        newest = queries.chunk_newest(session, item.group, item.start, item.end)
        entries.append(
            sitemaps.Entry(
                site_url + urls.sitemap_file(item.name), models.as_utc(newest) if newest else None
            )
        )
    return "".join(sitemaps.write_index(entries))


def sitemap_document(engine: Engine, site_url: str, item: SitemapFile) -> Iterator[str]:
    """Stream one sitemap file from its own session, holding a connection only while read."""
    with Session(engine) as session:
        rows = queries.sitemap_rows(session, item.group, item.start, item.end)
        yield from sitemaps.write_urlset_rows(site_url, rows)
