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
    # One of the parts a run of SITEMAP_URL_LIMIT pages was cut into to fit the byte limit:
    # the cut moves with its entries' sizes.
    halved: bool = False


def sitemap_files(session: Session, site_url: str, limits: sitemaps.Limits) -> list[SitemapFile]:
    """Every sitemap file: one group per service (plus one for location pages), in chunks
    of at most `limits.urls` pages, each halved until its file holds at most `limits.bytes`
    (images and language versions make entries long)."""
    files = []
    for name in queries.sitemap_groups(session):
        chunks: list[tuple[str, str | None, bool]] = []
        start = queries.path_at(session, name, "", 0)
        while start is not None:  # runs of limits.urls pages, each found from the last
            end = queries.path_at(session, name, start, limits.urls)
            parts = _within_bytes(session, site_url, limits.bytes, name, (start, end))
            chunks += [(first, after, len(parts) > 1) for first, after in parts]
            start = end
        for number, (start, end, halved) in enumerate(chunks, start=1):
            files.append(SitemapFile(f"{name}-{number}", name, start, end, halved))
    return files


def _within_bytes(
    session: Session, site_url: str, limit: int, group: str, chunk: tuple[str, str | None]
) -> list[tuple[str, str | None]]:
    """The chunk [start, end) of a group, or its halves, and theirs, until each file holds
    at most `limit` bytes (one entry is never split, whatever its size)."""
    start, end = chunk
    lengths = queries.chunk_lengths(session, group, start, end)
    if lengths.rows < 2 or sitemaps.urlset_bytes(site_url, lengths) <= limit:
        return [chunk]
    middle = queries.path_at(session, group, start, lengths.rows // 2)
    if middle is None:  # the pages were deleted meanwhile (another transaction)
        return [chunk]
    return [
        *_within_bytes(session, site_url, limit, group, (start, middle)),
        *_within_bytes(session, site_url, limit, group, (middle, end)),
    ]


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
