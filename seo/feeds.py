"""Sitemap and robots.txt documents from the page state table: shared by server and build."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from seo import models, queries, sitemaps


@dataclass(frozen=True)
class SitemapFile:
    name: str  # e.g. "neuropathic-pain-treatment-1"
    group: str
    offset: int
    limit: int


def sitemap_files(session: Session, limit: int = sitemaps.SITEMAP_URL_LIMIT) -> list[SitemapFile]:
    """Every sitemap file: one group per service (plus one for location pages), chunked."""
    files = []
    for group, count, _newest in queries.sitemap_groups(session):
        for number in range(1, sitemaps.chunk_count(count, limit) + 1):
            files.append(SitemapFile(f"{group}-{number}", group, (number - 1) * limit, limit))
    return files


def sitemap_index(session: Session, site_url: str, files: list[SitemapFile]) -> str:
    """The sitemap index: one entry per file, its lastmod the newest change inside it."""
    entries = []
    for item in files:
        newest = queries.chunk_newest(session, item.group, item.offset, item.limit)
        entries.append(
            sitemaps.Entry(
                f"{site_url}/sitemaps/{item.name}.xml", models.as_utc(newest) if newest else None
            )
        )
    return "".join(sitemaps.write_index(entries))


def sitemap_document(engine: Engine, site_url: str, item: SitemapFile) -> Iterator[str]:
    """Stream one sitemap file from its own session, holding a connection only while read."""
    with Session(engine) as session:
        rows = queries.sitemap_rows(session, item.group, item.offset, item.limit)
        entries = (sitemaps.Entry(site_url + path, models.as_utc(moment)) for path, moment in rows)
        yield from sitemaps.write_urlset(entries)
