"""Every public page kind, declared once: path, pages, inputs, composer, sitemap group.

The server, the static build, page state, the audit, sitemaps and staff previews all go
through these declarations."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from seo.core.pages import home, landing, location, locations_index, service, state
from seo.core.pages.kind import PageKind, Source
from seo.core.pages.model import Page, Site
from seo.core.urls import PageRef, in_language

KINDS: dict[str, PageKind] = {
    kind.name: kind
    for kind in (
        home.KIND,
        locations_index.KIND,
        state.KIND,
        location.KIND,
        service.KIND,
        landing.KIND,
    )
}


@dataclass(frozen=True)
class Localized:
    """A page's inputs record with its language and its language versions: (code, path)
    of every language the page exists in, itself included, the default language first."""

    inputs: object
    site: Site
    versions: tuple[tuple[str, str], ...]


def path_of(ref: PageRef) -> str:
    """The URL path of the page a reference names."""
    return in_language(KINDS[ref.kind].path(ref.key), ref.language)


def every_page(source: Source) -> Iterator[PageRef]:
    """A reference to every public page the source's content makes, in a stable order:
    every page of the default language, then of each other language."""
    for language in source.languages():
        view = source.in_language(language)
        for kind in KINDS.values():
            for key in kind.keys(view):
                yield PageRef(kind.name, key, view.site.segment)


def gather(source: Source, ref: PageRef) -> Localized | None:
    """The inputs record of one page, or None when the source has no such page."""
    kind = KINDS[ref.kind]
    if ref.language and ref.language not in source.languages():
        return None  # not a language of the site: no such page
    view = source.in_language(ref.language or source.site.default_language)
    if ref.language == view.site.default_language:
        return None  # the default language's pages have no prefix
    inputs = kind.inputs(view, ref.key)
    if inputs is None:
        return None
    versions = []
    for language in source.languages():
        other = source.in_language(language)
        if language == view.site.language or kind.exists(other, ref.key):
            versions.append((language, path_of(PageRef(ref.kind, ref.key, other.site.segment))))
    return Localized(inputs, view.site, tuple(versions))


def alternates(given: Localized) -> tuple[tuple[str, str], ...]:
    """A page's hreflang versions as (hreflang, path), x-default last; none for a page in
    one language only. Every version lists the same set: reciprocal by construction."""
    if len(given.versions) < 2:
        return ()
    default = dict(given.versions).get(given.site.default_language)
    return given.versions + ((("x-default", default),) if default else ())


def digest(inputs: object, version: str) -> str:
    """The rebuild key of a page: a digest of its very inputs record and of the code and
    templates (`version`) that turn it into bytes."""
    text = repr((version, inputs)).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def compose(ref: PageRef, given: Localized) -> Page:
    page = KINDS[ref.kind].compose(given.inputs)
    return replace(page, language=given.site.language, alternates=alternates(given))


def sitemap_group(ref: PageRef, given: Localized) -> str:
    """The sitemap a page is listed in; "" for a page listed in none."""
    return KINDS[ref.kind].sitemap(given.inputs)


def depends(ref: PageRef, given: Localized) -> frozenset[tuple[str, str]]:
    """What a page's inputs were read from (see PageKind.depends); its language versions
    exist by the same clinics, services and lists, so they add nothing."""
    return KINDS[ref.kind].depends(given.inputs)


def sitemap_images(ref: PageRef, given: Localized) -> tuple[str, ...]:
    """The paths of the images a page's sitemap entry lists."""
    return KINDS[ref.kind].images(given.inputs)


def as_preview(page: Page) -> Page:
    """A staff preview of a page: the same page, noindex, with a banner."""
    return replace(page, noindex=True, preview=True)
