"""What every page reads besides content: the site's settings, the date pages are composed
for, and the code and templates that turn data into bytes.

Read without the renderer, the models or the templates: `seo build` compares their digest
and the site generation with the previous build's before it imports anything else."""

from __future__ import annotations

import functools
import hashlib
from datetime import date
from pathlib import Path

from flask import current_app

from seo.core import sitemaps


def site_values() -> tuple[str, str, str]:
    """The site's URL, brand name and language (seo.core.pages.model.Site is made of them)."""
    config = current_app.config
    return config["SITE_URL"], config["BRAND_NAME"], config["SITE_LANGUAGE"]


def today() -> date:
    """The date pages are composed for (tests pin it with the TODAY setting)."""
    return current_app.config.get("TODAY") or date.today()


@functools.lru_cache(maxsize=1)
def render_version() -> str:
    """A digest of the templates, static files and code that turn data into bytes."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("templates", "seo", "static"):
        for file in sorted((root / folder).rglob("*")):
            if file.is_file() and file.suffix in (
                ".html",
                ".py",
                ".css",
                ".js",
                ".svg",
                ".json",
                ".po",
            ):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def catalogs_version() -> str:
    """A digest of the interface catalogs' files. Those in the package are in
    render_version already; a TRANSLATIONS_DIR kept elsewhere is edited without a release."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(current_app.config["TRANSLATIONS_DIR"])
    for file in sorted(root.glob("*/LC_MESSAGES/messages.[mp]o")):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def digest() -> str:
    """A digest of what every page reads besides content: code, templates, interface text,
    site, today."""
    text = repr((site_values(), today(), render_version(), catalogs_version())).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def sitemap_limits() -> sitemaps.Limits:
    """How much one sitemap file may hold (SITEMAP_URL_LIMIT and SITEMAP_BYTE_LIMIT; tests
    set them low), read by the server and the build alike."""
    config = current_app.config
    return sitemaps.Limits(
        config.get("SITEMAP_URL_LIMIT", sitemaps.SITEMAP_URL_LIMIT),
        config.get("SITEMAP_BYTE_LIMIT", sitemaps.SITEMAP_BYTE_LIMIT),
    )


def build_digest() -> str:
    """What every file of a static build reads besides content: the pages' settings above,
    the IndexNow key, whose file the build holds, and how the sitemaps are split."""
    key = current_app.config.get("INDEXNOW_KEY") or ""
    return f"{digest()}:{key}:{tuple(sitemap_limits())}"
