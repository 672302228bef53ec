"""Every public page kind, declared once: path, pages, inputs, composer, sitemap group.

The server, the static build, page state, the audit, sitemaps and staff previews all go
through these declarations."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace

from seo.core.pages import home, landing, location, locations_index, service, state
from seo.core.pages.kind import PageKind, Source
from seo.core.pages.model import Page
from seo.core.urls import PageRef

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


def path_of(ref: PageRef) -> str:
    """The URL path of the page a reference names."""
    return KINDS[ref.kind].path(ref.key)


def every_page(source: Source) -> Iterator[PageRef]:
    """A reference to every public page the source's content makes, in a stable order."""
    for kind in KINDS.values():
        for key in kind.keys(source):
            yield PageRef(kind.name, key)


def gather(source: Source, ref: PageRef):
    """The inputs record of one page, or None when the source has no such page."""
    return KINDS[ref.kind].inputs(source, ref.key)


def digest(inputs: object, version: str) -> str:
    """The rebuild key of a page: a digest of its very inputs record and of the code and
    templates (`version`) that turn it into bytes."""
    text = repr((version, inputs)).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def compose(ref: PageRef, inputs: object) -> Page:
    return KINDS[ref.kind].compose(inputs)


def sitemap_group(ref: PageRef, inputs: object) -> str:
    """The sitemap a page is listed in; "" for a page listed in none."""
    return KINDS[ref.kind].sitemap(inputs)


def depends(ref: PageRef, inputs: object) -> frozenset[tuple[str, str]]:
    """What a page's inputs were read from (see PageKind.depends)."""
    return KINDS[ref.kind].depends(inputs)


def sitemap_images(ref: PageRef, inputs: object) -> tuple[str, ...]:
    """The paths of the images a page's sitemap entry lists."""
    return KINDS[ref.kind].images(inputs)


def as_preview(page: Page) -> Page:
    """A staff preview of a page: the same page, noindex, with a banner."""
    return replace(page, noindex=True, preview=True)
