"""Page state: each public page's fingerprint, sitemap group and rebuild key, kept current.

`changed_at` moves only when a page's bytes do: it is the page's Last-Modified and its
sitemap <lastmod>."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from seo.core import pages
from seo.core.pages.kind import Source
from seo.core.pages.model import Page
from seo.core.urls import PageRef
from seo.services import indexnow, rendering
from seo.services.sources import Catalog
from seo.store import models, queries


class PathClash(ValueError):
    """Two pages would live at one path: neither could be reached or written safely."""


@dataclass(frozen=True)
class Planned:
    """A page to show: where it lives and the key of its inputs."""

    ref: PageRef
    path: str
    inputs: object
    key: str


def placed(source: Source) -> list[tuple[PageRef, str]]:
    """Every public page with its path; two pages at one path stop it, both named."""
    seen: dict[str, PageRef] = {}
    for ref in pages.every_page(source):
        path = pages.path_of(ref)
        if path in seen:
            raise PathClash(f"two pages at {path}: {_name(seen[path])} and {_name(ref)}")
        seen[path] = ref
    return [(ref, path) for path, ref in seen.items()]


def prepare(source: Source, ref: PageRef, path: str) -> Planned:
    """A page's inputs and rebuild key, gathered without composing it."""
    inputs = pages.gather(source, ref)
    return Planned(ref, path, inputs, rendering.inputs_key(inputs))


def _name(ref: PageRef) -> str:
    return f"the {ref.kind} page " + " / ".join(ref.key) if ref.key else f"the {ref.kind} page"


@dataclass(frozen=True)
class Rendered:
    path: str
    sitemap: str
    fingerprint: str
    inputs: str  # the rebuild key; "" when unknown (the server rendered it outside a refresh)
    images: str = ""  # the paths of the images its sitemap entry lists, one a line
    alternates: str = ""  # its language versions (hreflang), "<code> <path>" a line


def sitemap_alternates(item: Planned) -> str:
    return "\n".join(f"{code} {path}" for code, path in pages.alternates(item.inputs))


def sitemap_images(item: Planned) -> str:
    return "\n".join(pages.sitemap_images(item.ref, item.inputs))


def render(item: Planned) -> tuple[Page, bytes, Rendered]:
    page = pages.compose(item.ref, item.inputs)
    body = rendering.render(page)
    group = pages.sitemap_group(item.ref, item.inputs)
    digest = rendering.fingerprint(body)
    rendered = Rendered(
        item.path, group, digest, item.key, sitemap_images(item), sitemap_alternates(item)
    )
    return page, body, rendered


def save(session: Session, rendered: Iterable[Rendered], *, complete: bool) -> tuple[int, int]:
    """Write page states (the caller commits); with `complete`, states of pages not given
    are removed. The URLs of pages added, changed or removed are queued for IndexNow in the
    same transaction (while a key is set); a noindex page only when it goes or becomes one.

    Returns (pages whose bytes changed or appeared, pages removed)."""
    states = queries.page_states(session)
    now = models.utcnow()
    changed = 0
    seen: set[str] = set()
    announce: list[str] = []
    for item in rendered:
        seen.add(item.path)
        state = states.get(item.path)
        if state is None:
            state = models.PageState(
                path=item.path,
                sitemap=item.sitemap,
                fingerprint=item.fingerprint,
                changed_at=now,
                inputs=item.inputs,
                images=item.images,
                alternates=item.alternates,
            )
            session.add(state)
            states[item.path] = state
            changed += 1
            if item.sitemap:
                announce.append(item.path)
            continue
        if state.fingerprint != item.fingerprint:
            state.fingerprint, state.changed_at = item.fingerprint, now
            changed += 1
            if item.sitemap or state.sitemap:  # indexed, or was until this change
                announce.append(item.path)
        known = (state.sitemap, state.inputs, state.images, state.alternates)
        if known != (item.sitemap, item.inputs, item.images, item.alternates):
            state.sitemap, state.inputs = item.sitemap, item.inputs
            state.images, state.alternates = item.images, item.alternates
    removed = [s for path, s in states.items() if path not in seen] if complete else []
    for state in removed:
        session.delete(state)
        announce.append(state.path)
    indexnow.queue(session, announce)
    session.flush()
    return changed, len(removed)


def refresh(session: Session, *, commit: bool = True) -> tuple[int, int]:
    """Re-fingerprint the pages whose inputs changed; move changed_at only where bytes did.

    A write calls it before its own commit (commit=False), so data and page state land in
    one transaction. Returns (pages whose content changed or appeared, pages removed)."""
    states = queries.page_states(session)

    def current() -> Iterator[Rendered]:
        catalog = Catalog(session)
        for ref, path in placed(catalog):
            item = prepare(catalog, ref, path)
            state = states.get(item.path)
            if state is not None and state.inputs == item.key:
                # Same inputs, same bytes: nothing to render.
                yield Rendered(
                    item.path,
                    state.sitemap,
                    state.fingerprint,
                    state.inputs,
                    state.images,
                    state.alternates,
                )
            else:
                yield render(item)[2]

    counts = save(session, list(current()), complete=True)
    if commit:
        session.commit()
    return counts


def state_for(session: Session, item: Planned, body: bytes) -> models.PageState:
    """The page's state row, brought up to date if its bytes moved since the last refresh."""
    digest = rendering.fingerprint(body)
    state = queries.page_state(session, item.path)
    if state is None or state.fingerprint != digest:
        group = pages.sitemap_group(item.ref, item.inputs)
        rendered = Rendered(
            item.path, group, digest, item.key, sitemap_images(item), sitemap_alternates(item)
        )
        save(session, [rendered], complete=False)
        session.commit()
        state = queries.page_state(session, item.path)
    return state


def last_modified(state: models.PageState) -> datetime:
    return models.as_utc(state.changed_at)
