"""Sitemap XML written as a stream, and robots.txt text."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from xml.sax.saxutils import escape

from seo.core import urls

# sitemaps.org: a sitemap file lists at most 50,000 URLs and holds at most 50 MB
# (52,428,800 bytes) uncompressed.
SITEMAP_URL_LIMIT = 50_000
SITEMAP_BYTE_LIMIT = 50 * 1024 * 1024


class Limits(NamedTuple):
    """How much one sitemap file may hold: URLs and bytes."""

    urls: int = SITEMAP_URL_LIMIT
    bytes: int = SITEMAP_BYTE_LIMIT


XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Google's image sitemap extension: <image:image><image:loc> inside a <url>.
IMAGE_XMLNS = "http://www.google.com/schemas/sitemap-image/1.1"
# Language versions of a URL: <xhtml:link rel="alternate" hreflang="es" href="..."/>.
XHTML_XMLNS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class Entry:
    loc: str  # absolute URL
    lastmod: datetime | None = None


@functools.lru_cache(maxsize=65_536)  # pages refreshed together share one moment
def w3c_datetime(moment: datetime) -> str:
    """Format a moment as a W3C datetime in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@functools.lru_cache(maxsize=65_536)
def _utc_stamp(moment: datetime) -> str:
    return w3c_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _images(base: str, images: str) -> str:
    """<image:image> entries for newline-separated image paths."""
    return "".join(
        f"<image:image><image:loc>{escape(base + path)}</image:loc></image:image>"
        for path in images.split("\n")
    )


def _alternates(base: str, alternates: str) -> str:
    """<xhtml:link> entries for "<hreflang> <path>" lines."""
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(base + path)}"/>'
        for code, _, path in (line.partition(" ") for line in alternates.split("\n"))
    )


def write_urlset_rows(base: str, rows: Iterable[tuple], batch: int = 2000) -> Iterator[str]:
    """Yield a <urlset> from (path, lastmod[, images[, alternates]]) rows, in batches: the
    hot loop of big sitemaps. `lastmod` is a moment, or its W3C text already made by the
    database (a million rows parse no dates); `images` holds image paths, one a line;
    `alternates` the page's language versions, "<hreflang> <path>" a line."""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{XMLNS}" xmlns:image="{IMAGE_XMLNS}" xmlns:xhtml="{XHTML_XMLNS}">\n'
    )
    lines: list[str] = []
    for path, moment, *rest in rows:
        images = _images(base, rest[0]) if rest and rest[0] else ""
        versions = _alternates(base, rest[1]) if len(rest) > 1 and rest[1] else ""
        lines.append(
            f"<url><loc>{escape(base + path)}</loc>"
            f"<lastmod>{moment if type(moment) is str else _utc_stamp(moment)}</lastmod>"
            f"{versions}{images}</url>\n"
        )
        if len(lines) >= batch:
            yield "".join(lines)
            lines.clear()
    lines.append("</urlset>\n")
    yield "".join(lines)


# The text of a lastmod: "2026-12-03T05:27:02+00:00".
W3C_LENGTH = 25


@dataclass(frozen=True)
class Lengths:
    """What a run of sitemap rows (path, lastmod, images, alternates) adds up to: the
    number of rows, the characters of their paths, and for `images` and `alternates` the
    characters (line breaks included), the line breaks and the rows with any."""

    rows: int
    paths: int
    image_text: int
    image_breaks: int
    with_images: int
    alternate_text: int
    alternate_breaks: int
    with_alternates: int


@functools.cache
def _fixed_parts() -> tuple[int, int, int, int]:
    """The bytes write_urlset_rows adds around the data: the document's, each row's (its
    lastmod included), each image's and each language version's (less the space of its
    "<hreflang> <path>" line). Measured on the writer itself, so the two cannot disagree."""

    def size(*rows: tuple) -> int:
        return sum(len(piece.encode()) for piece in write_urlset_rows("", rows))

    document = size()
    row = size(("", "x" * W3C_LENGTH)) - document
    image = size(("", "x" * W3C_LENGTH, "x")) - document - row - 1
    version = size(("", "x" * W3C_LENGTH, "", " ")) - document - row
    return document, row, image, version


def urlset_bytes(base: str, lengths: Lengths) -> int:
    """The size in bytes of write_urlset_rows(base, rows) for rows of these lengths, with
    lastmod given as W3C text. Exact while paths are ASCII with nothing XML escapes, as
    seo.core.urls makes them (slugs, photo names, language codes)."""
    document, row, image, version = _fixed_parts()
    base_size = len(escape(base).encode())
    images = lengths.image_breaks + lengths.with_images
    versions = lengths.alternate_breaks + lengths.with_alternates
    return (
        document
        + lengths.rows * (row + base_size)
        + lengths.paths
        + images * (image + base_size)
        + lengths.image_text
        - lengths.image_breaks
        + versions * (version + base_size - 1)
        + lengths.alternate_text
        - lengths.alternate_breaks
    )


def write_index(entries: Iterable[Entry]) -> Iterator[str]:
    """Yield a <sitemapindex> document."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">\n'
    for entry in entries:
        lastmod = f"<lastmod>{w3c_datetime(entry.lastmod)}</lastmod>" if entry.lastmod else ""
        yield f"<sitemap><loc>{escape(entry.loc)}</loc>{lastmod}</sitemap>\n"
    yield "</sitemapindex>\n"


def robots_txt(site_url: str) -> str:
    """Allow public pages, keep crawlers out of staff and per-visitor pages, name the index."""
    return (
        "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /appointments/\n\n"
        f"Sitemap: {site_url}{urls.SITEMAP_INDEX}\n"
    )
