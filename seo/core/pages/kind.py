"""What a page kind declares once, and the source of data every kind reads from."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from seo.core.articles import CompiledArticle
from seo.core.locations import Location
from seo.core.pages.model import Members, Override, Page, Service, Site
from seo.core.photos import Photo

Key = tuple[str, ...]
# One thing a page reads, as (what, which): ("clinic", slug) a clinic's own record, photos
# and overrides; ("near", slug) a clinic as a neighbour link; ("cell", "i,j") a map square a
# neighbour search covered; ("list", "all" | "state/MO" | "offering/<service>") a member
# list; ("service", slug) a service and its article; ("services", "") the list of services.
Dependency = tuple[str, str]


class Source(Protocol):
    """Published content as page kinds read it: the whole site in memory (build, page state,
    audit) or a few rows per request (server, previews) answer the same questions."""

    site: Site
    today: date

    def services(self) -> Sequence[Service]: ...

    def service(self, slug: str) -> Service | None: ...

    def article(self, slug: str) -> CompiledArticle: ...

    def locations(self) -> Members:
        """Every published location, offering only the services whose pages exist."""
        ...

    def in_state(self, code: str) -> Members: ...

    def location(self, slug: str) -> Location | None:
        """A published location by slug."""
        ...

    def offering(self, service_slug: str) -> Members: ...

    def neighbours(self, service_slug: str, location: Location) -> tuple[Location, ...]: ...

    def override(self, service_slug: str, location_slug: str) -> Override | None: ...

    def photos(self, location_slug: str) -> tuple[Photo, ...]:
        """A location's photos in the order staff gave them."""
        ...

    def languages(self) -> Sequence[str]:
        """The site's languages: the default first, then every language a published
        service has an article in."""
        ...

    def in_language(self, language: str) -> Source:
        """The same content as pages in `language` read it: only what is written in it."""
        ...


def always(source: Source, key: Key) -> bool:
    return True


def no_images(inputs: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class PageKind:
    """One kind of public page: its path, its pages, its inputs, its composer, its sitemap.

    `inputs` gathers everything `compose` reads into one frozen record; the record's digest
    is the page's rebuild key, so equal keys mean equal bytes by construction. `depends`
    names where that record came from, so a change finds the pages it affects."""

    name: str
    path: Callable[[Key], str]
    keys: Callable[[Source], Iterable[Key]]
    inputs: Callable[[Source, Key], Any]  # None when no such page exists
    compose: Callable[[Any], Page]
    sitemap: Callable[[Any], str]  # the sitemap group of a page's inputs; "" for none
    # What a page's inputs were read from: a change to any of them may change the page.
    depends: Callable[[Any], frozenset[Dependency]]
    # Whether the page exists, cheaper than gathering its inputs (for hreflang versions).
    exists: Callable[[Source, Key], bool] = always
    # Paths of the images its sitemap entry lists (Google's image extension).
    images: Callable[[Any], tuple[str, ...]] = no_images
