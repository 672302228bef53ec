"""Page state: each public page's fingerprint, sitemap group and rebuild key, kept current.

`changed_at` moves only when a page's bytes do: it is the page's Last-Modified and its
sitemap <lastmod>."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from seo.core import pages, urls
from seo.core.pages.kind import Source
from seo.core.pages.model import Page
from seo.core.urls import PageRef
from seo.services import dependencies, indexnow, rendering, site_settings
from seo.services.sources import Catalog, DatabaseSource
from seo.store import changes, generation, models, queries

# Page changes logged for the static build to apply, newest first; a build further behind
# than this is rebuilt whole, which then costs no more than applying them would.
CHANGES_KEPT = 500_000
FLUSH_EVERY = 2000  # page states written at a time


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
            raise urls.PathClash(f"two pages at {path}: {_name(seen[path])} and {_name(ref)}")
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


def save(
    session: Session,
    rendered: Iterable[Rendered],
    *,
    complete: bool,
    states: dict[str, models.PageState] | None = None,
    gone: Sequence[models.PageState] = (),
) -> tuple[int, int]:
    """Write page states (the caller commits); with `complete`, states of pages not given
    are removed, otherwise those `gone` names. The URLs of pages added, changed or removed
    are queued for IndexNow in the same transaction (while a key is set); a noindex page
    only when it goes or becomes one. Every page added, changed or removed is logged for
    the static build.

    Returns (pages whose bytes changed or appeared, pages removed)."""
    rendered = list(rendered)
    now = models.utcnow()
    seen: set[str] = set()
    announce: list[str] = []
    moved: list[str] = []
    for items, known_states in _with_states(session, rendered, complete, states):
        for item in items:
            seen.add(item.path)
            state = known_states.get(item.path)
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
                known_states[item.path] = state
                moved.append(item.path)
                if item.sitemap:
                    announce.append(item.path)
                continue
            if state.fingerprint != item.fingerprint:
                state.fingerprint, state.changed_at = item.fingerprint, now
                moved.append(item.path)
                if item.sitemap or state.sitemap:  # indexed, or was until this change
                    announce.append(item.path)
            known = (state.sitemap, state.inputs, state.images, state.alternates)
            if known != (item.sitemap, item.inputs, item.images, item.alternates):
                state.sitemap, state.inputs = item.sitemap, item.inputs
                state.images, state.alternates = item.images, item.alternates
    if not complete:
        removed = list(gone)
    elif states is not None:
        removed = [s for path, s in states.items() if path not in seen]
    else:
        left = [path for path in queries.page_paths(session) if path not in seen]
        removed = list(queries.page_states_at(session, left).values())
    for state in removed:
        session.delete(state)
        announce.append(state.path)
    indexnow.queue(session, announce)
    queries.log_page_changes(session, moved + [s.path for s in removed])
    if moved or removed:
        queries.prune_page_changes(session, CHANGES_KEPT)
        generation.bump(session)  # pages kept in memory by any process are stale from the commit on
    session.flush()
    return len(moved), len(removed)


def _with_states(
    session: Session,
    rendered: list[Rendered],
    complete: bool,
    states: dict[str, models.PageState] | None,
) -> Iterator[tuple[list[Rendered], dict[str, models.PageState]]]:
    """The pages to save with their stored states: the states given, or read for them. The
    pages of a whole site (complete, none given) go FLUSH_EVERY at a time, each part
    written before the next is read: the whole site's states and pending writes at once
    held twice the memory of the rest of a build."""
    if states is not None:
        yield rendered, states
    elif not complete:
        yield rendered, queries.page_states_at(session, [r.path for r in rendered])
    else:
        for start in range(0, len(rendered), FLUSH_EVERY):
            part = rendered[start : start + FLUSH_EVERY]
            yield part, queries.page_states_at(session, [r.path for r in part])
            session.flush()


def refresh(session: Session, *, commit: bool = True) -> tuple[int, int]:
    """Re-fingerprint the pages whose inputs changed; move changed_at only where bytes did.

    A write calls it before its own commit (commit=False), so data and page state land in
    one transaction. When the session noted what the transaction touched (store.changes)
    and the dependency index is current, only the pages that index names are looked at;
    otherwise every page is walked and the index rebuilt. Returns (pages whose content
    changed or appeared, pages removed)."""
    touched = changes.touched(session)
    if touched is not None and is_current(session) and dependencies.small(touched):
        counts = _refresh_affected(session, touched)
    else:
        counts = _refresh_all(session)
    if commit:
        session.commit()
    return counts


SETTINGS = "settings:"  # the mark of what every page reads: code, templates, site, today


def is_current(session: Session) -> bool:
    """Whether page state and its dependency index were made with today's settings (every
    write keeps them current after that)."""
    mark = queries.dependency_marks(session, [SETTINGS]).get(SETTINGS)
    return mark is not None and mark.digest == site_settings.digest()


def reindex(session: Session, catalog: Catalog, edges: dict[str, frozenset[str]]) -> None:
    """Store the whole dependency index, as a walk of every page found it."""
    queries.replace_dependencies(session, edges)
    queries.replace_marks(session, "clinic:", dependencies.clinic_marks(catalog))
    queries.replace_marks(session, "service:", dependencies.service_marks(catalog))
    queries.set_marks(session, {SETTINGS: (site_settings.digest(), "")})


def _refresh_all(session: Session) -> tuple[int, int]:
    """Walk every page and rebuild the dependency index."""
    states = queries.page_states(session)
    catalog = Catalog(session)
    rendered: list[Rendered] = []
    edges: dict[str, frozenset[str]] = {}
    for ref, path in placed(catalog):
        item = prepare(catalog, ref, path)
        state = states.get(item.path)
        if state is not None and state.inputs == item.key:
            # Same inputs, same bytes: nothing to render.
            rendered.append(
                Rendered(
                    item.path,
                    state.sitemap,
                    state.fingerprint,
                    state.inputs,
                    state.images,
                    state.alternates,
                )
            )
        else:
            rendered.append(render(item)[2])
        edges[item.path] = dependencies.texts(pages.depends(ref, item.inputs))
    counts = save(session, rendered, complete=True, states=states)
    reindex(session, catalog, edges)
    return counts


def _refresh_affected(session: Session, touched: changes.Touched) -> tuple[int, int]:
    """Look only at the pages the touched clinics and services feed, found in the index."""
    source = DatabaseSource(session)
    change = dependencies.affected(session, source, touched)
    if change is None:  # a service appeared or went: its pages are not in the index yet
        return _refresh_all(session)
    refs = set(change.refs)
    for path in queries.dependent_paths(session, [dependencies.text(d) for d in change.tokens]):
        ref = urls.parse(path)
        if ref is not None:
            refs.add(ref)
    wanted = {pages.path_of(ref): ref for ref in refs}
    states = queries.page_states_at(session, list(wanted))
    rendered: list[Rendered] = []
    edges: dict[str, frozenset[str]] = {}
    gone: list[models.PageState] = []
    for path, ref in sorted(wanted.items()):
        inputs = pages.gather(source, ref)
        state = states.get(path)
        if inputs is None:
            if state is not None:
                gone.append(state)
                edges[path] = frozenset()
            continue
        item = Planned(ref, path, inputs, rendering.inputs_key(inputs))
        if state is not None and state.inputs == item.key:
            continue
        rendered.append(render(item)[2])
        edges[path] = dependencies.texts(pages.depends(ref, inputs))
    counts = save(session, rendered, complete=False, states=states, gone=gone)
    queries.set_dependencies(session, edges)
    queries.set_marks(session, change.marks)
    session.flush()
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
