"""The one place public paths are made and parsed, with the reserved first segments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from seo.core.states import STATE_NAMES

LOCATIONS = "locations"
MEDIA = "media"
# First path segments that are not service slugs, and location slugs that would clash with
# a page under /locations/ (a state code is one too: /locations/mo/ is the Missouri page).
RESERVED_SEGMENTS = frozenset(
    {LOCATIONS, MEDIA, "sitemaps", "admin", "static", "appointments", "sitemap.xml", "robots.txt"}
)
# A photo variant's file: the content hash of the upload, the width, the format. Nothing
# else under /media/ is ever served (the originals, with their metadata, stay private).
PHOTO_FILE_RE = re.compile(r"^[0-9a-f]{20}-[1-9][0-9]{0,4}\.(?:jpg|webp)$")
# A photo variant's path inside a page: (digest, width).
PHOTO_PATH_RE = re.compile(rf"/{MEDIA}/photos/([0-9a-f]{{20}})-([1-9][0-9]{{0,4}})\.(?:jpg|webp)")
# A first path segment of two lowercase letters names a language (ISO 639-1): /es/... is
# the Spanish site. No service slug may be two letters long.
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
SITEMAP_INDEX = "/sitemap.xml"
FILES = frozenset({"/robots.txt", SITEMAP_INDEX})  # answered at exactly these paths


class PathClash(ValueError):
    """Two pages would live at one path: neither could be reached or written safely."""


@dataclass(frozen=True)
class PageRef:
    """One public page: its kind and the slugs that name it."""

    kind: str
    key: tuple[str, ...] = ()
    language: str = ""  # "" for the site's default language, else its code (the path prefix)


def in_language(path: str, language: str) -> str:
    """A page's path in a language: the default language's path under /<language>/ ("" is
    the default language, whose paths have no prefix)."""
    return f"/{language}{path}" if language else path


PAGE_PATHS = frozenset({"home", "locations_index", "state", "location", "service", "landing"})


class InLanguage:
    """This module's functions for links on a page in one language: page paths get the
    language's prefix, every other path (files, the locator, photos) stays as it is."""

    def __init__(self, language: str):
        self.language = language

    def __getattr__(self, name: str):
        make = globals()[name]
        if name not in PAGE_PATHS:
            return make
        return lambda *args: in_language(make(*args), self.language)


def home() -> str:
    return "/"


def locations_index() -> str:
    return f"/{LOCATIONS}/"


def locator(query: str = "", service: str = "") -> str:
    """The store locator's answer for a search (a ZIP code, a city or a state)."""
    params = {"q": query, **({"service": service} if service else {})}
    return f"/{LOCATIONS}/?" + urlencode(params)


def locator_index() -> str:
    """The clinics as JSON, which the locator script searches on a static host."""
    return f"/{LOCATIONS}/index.json"


def state(code: str) -> str:
    return f"/{LOCATIONS}/{code.lower()}/"


def location(slug: str) -> str:
    return f"/{LOCATIONS}/{slug}/"


def appointment_form() -> str:
    """The private request form; the page asked from is its `page` parameter."""
    return "/appointments/new/"


def service(slug: str) -> str:
    return f"/{slug}/"


def landing(service_slug: str, location_slug: str) -> str:
    return f"/{service_slug}/{location_slug}/"


def sitemap_file(name: str) -> str:
    return f"/sitemaps/{name}.xml"


def indexnow_key_file(key: str) -> str:
    """The IndexNow key file, at the site's root (indexnow.org: keyLocation)."""
    return f"/{key}.txt"


def photo_file(digest: str, width: int, extension: str) -> str:
    """The file name of one variant of a photo."""
    return f"{digest}-{width}.{extension}"


def photo(digest: str, width: int, extension: str) -> str:
    """The public path of one variant of a photo (long-cached: its name holds a content hash)."""
    return f"/{MEDIA}/photos/{photo_file(digest, width, extension)}"


def parse_photo(path: str) -> str | None:
    """The variant file a /media/ path names, or None for anything else."""
    prefix = f"/{MEDIA}/photos/"
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    return name if PHOTO_FILE_RE.match(name) else None


def is_language_code(segment: str) -> bool:
    return bool(LANGUAGE_RE.match(segment))


def is_state_code(segment: str) -> bool:
    return segment.upper() in STATE_NAMES and len(segment) == 2


def slug_clash(slug: str) -> str | None:
    """Why a location slug cannot be used in a URL, or None when it can."""
    if is_state_code(slug):
        return f'"{slug}" is a state code (/{LOCATIONS}/{slug}/ is that state\'s page)'
    if slug in RESERVED_SEGMENTS:
        return f'"{slug}" is reserved for the site\'s own pages'
    return None


def is_page_path(path: str) -> bool:
    """True for a path that names a page (not a file, the admin, static files or sitemaps)."""
    if path in FILES or path.startswith(("/admin", "/static/", "/sitemaps/", f"/{MEDIA}/")):
        return False
    return "." not in path.rsplit("/", 1)[-1]


def canonical(path: str) -> str:
    """The canonical form of a page path: lower case, with a trailing slash."""
    path = path.lower()
    return path if path.endswith("/") else path + "/"


def parse(path: str) -> PageRef | None:
    """The page a canonical path names, by its shape; None for no page shape at all.

    Whether the page exists (a known service, a published location) is for its kind to say."""
    if not path.startswith("/") or not path.endswith("/") or "//" in path:
        return None
    parts = path.strip("/").split("/") if path != "/" else []
    language = parts.pop(0) if parts and is_language_code(parts[0]) else ""
    if not parts:
        return PageRef("home", (), language)
    if parts[0] == LOCATIONS:
        if len(parts) == 1:
            return PageRef("locations", (), language)
        if len(parts) == 2:
            if is_state_code(parts[1]):
                return PageRef("state", (parts[1].upper(),), language)
            return PageRef("location", (parts[1],), language)
        return None
    if parts[0] in RESERVED_SEGMENTS or len(parts) > 2:
        return None
    if len(parts) == 1:
        return PageRef("service", (parts[0],), language)
    return PageRef("landing", (parts[0], parts[1]), language)
