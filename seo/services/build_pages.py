"""Writing a static build: every page into a new folder swapped in (cold), or only the pages
page state logged as changed since the previous build, in place behind a journal.

services/build.py calls this once it has found that something changed."""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy.orm import Session

from seo.core import pages, photos, sitemaps, urls
from seo.core.urls import MEDIA, PageRef
from seo.services import (
    build_folder,
    dependencies,
    feeds,
    forking,
    locator,
    page_state,
    rendering,
    site_settings,
)
from seo.services.build_folder import MANIFEST, BuildReport
from seo.services.sources import Catalog, DatabaseSource
from seo.store import generation, media, models, queries
from seo.store.db import get_engine

CHUNK = 500  # pages per task: small enough to balance, large enough to amortise


@dataclass
class _Job:
    source: Catalog
    placed: list[tuple[PageRef, str]]
    new: Path


# A page path is slugs between slashes: nothing else can reach the disk.
SAFE_PATH_RE = re.compile(r"^/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*$")


def page_file(root: Path, path: str) -> Path:
    """Where a page's path is written: <root>/<path>/index.html, never outside root."""
    # Checked by pattern rather than by resolving: no file system calls per page.
    if not SAFE_PATH_RE.match(path):
        raise ValueError(f"page path {path!r} would be written outside the build folder")
    return Path(os.path.join(root, path[1:], "index.html"))


# (page state of the page, what it reads)
Result = tuple[page_state.Rendered, frozenset[str]]


def _place(item: tuple[PageRef, str]) -> str:
    """Pages of one clinic side by side (their paths end in its slug), so a worker renders
    its address and hours once for all of them (services/fragments.py)."""
    return item[1].rstrip("/").rsplit("/", 1)[-1]


def _render_chunk(span: tuple[int, int]) -> list[Result]:
    """Render and write pages."""
    job: _Job = forking.prepared()
    out = []
    for ref, path in job.placed[span[0] : span[1]]:
        item = page_state.prepare(job.source, ref, path)
        target = page_file(job.new, item.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        _page, body, state = page_state.render(item)
        target.write_bytes(body)
        out.append((state, dependencies.texts(pages.depends(ref, item.inputs))))
    return out


def _sitemap_files(session: Session) -> list[feeds.Listed]:
    """Every sitemap file, counted from page state, with its newest change."""
    base, limits = current_app.config["SITE_URL"], site_settings.sitemap_limits()
    return feeds.newest_changes(session, feeds.sitemap_files(session, base, limits))


def _sitemap_document(item: feeds.SitemapFile) -> bytes:
    base = current_app.config["SITE_URL"]
    return "".join(feeds.sitemap_document(get_engine(), base, item)).encode("utf-8")


def _sitemap_index(listed: list[feeds.Listed]) -> bytes:
    return feeds.index_document(current_app.config["SITE_URL"], listed).encode("utf-8")


def _write_feeds(session: Session, root: Path) -> list[feeds.Listed]:
    base = current_app.config["SITE_URL"]
    listed = _sitemap_files(session)
    (root / "sitemap.xml").write_bytes(_sitemap_index(listed))
    (root / "sitemaps").mkdir(exist_ok=True)
    for item, _newest in listed:
        with open(root / "sitemaps" / f"{item.name}.xml", "w", encoding="utf-8") as handle:
            handle.writelines(feeds.sitemap_document(get_engine(), base, item))
    (root / "robots.txt").write_text(sitemaps.robots_txt(base), encoding="utf-8")
    return listed


def _write_key_file(root: Path) -> None:
    """The IndexNow key file, as the server answers it, while a key is set."""
    key = current_app.config.get("INDEXNOW_KEY")
    if key:  # hexadecimal (checked at start): a plain file name at the root
        (root / urls.indexnow_key_file(key).lstrip("/")).write_text(key, encoding="ascii")


def _write_locator_index(job: _Job) -> None:
    """The clinics as JSON: the locator script searches it where no server answers."""
    target = job.new / urls.locator_index().lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(locator.index_document(job.source))


def _manifest(
    session: Session, listed: list[feeds.Listed], pages_count: int, changes: int
) -> bytes:
    """What this build was made from: the next one applies the page changes after it, or
    does nothing while the site generation (moved with every page change) holds."""
    with get_engine().connect() as connection:
        locator_key = queries.page_inputs(connection, urls.locations_index())
    return json.dumps(
        {
            "format": build_folder.FORMAT,
            "settings": site_settings.build_digest(),
            "changes": changes,
            "generation": generation.value(session),
            "pages": pages_count,
            "locator": locator_key,
            # In index order: [name, group, first path, next file's first path, halved,
            # newest change]
            "sitemaps": [
                [f.name, f.group, f.start, f.end, f.halved, newest.isoformat() if newest else None]
                for f, newest in listed
            ],
        },
        sort_keys=True,
    ).encode("utf-8")


def build(
    folder: build_folder.BuildFolder,
    old: Path | None,
    manifest: dict,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> BuildReport:
    """Update the previous build in place when page state can say what changed since it,
    else render every page anew."""
    with Session(get_engine(), expire_on_commit=False) as session:
        if (
            old is not None
            and manifest.get("settings") == site_settings.build_digest()
            and page_state.is_current(session)
            and queries.page_changes_kept_after(session, manifest["changes"])
        ):
            return _update(session, folder, old, manifest)
        return _cold(session, folder, workers, progress)


def _cold(
    session: Session,
    folder: build_folder.BuildFolder,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> BuildReport:
    """Render every page into a new folder, then publish it in one rename."""
    new = folder.start()
    report = BuildReport()
    try:
        catalog = Catalog(session)
        placed = sorted(page_state.placed(catalog), key=_place)
        job = _Job(catalog, placed, new)
        processes = workers or os.cpu_count() or 1
        results = _render_all(job, processes, progress)
        # The locator's index is made beside the page state writes, which leave a core free.
        with forking.Background(_write_locator_index, job, forked=processes > 1) as index:
            page_state.save(session, (state for state, _deps in results), complete=True)
            page_state.reindex(session, catalog, {s.path: deps for s, deps in results})
            session.commit()
            listed = _write_feeds(session, new)
            # The photo variants the pages show (their names hold a content hash).
            names = [name for photo in catalog.every_photo() for name in photo.files()]
            media.current().copy_variants(names, new / MEDIA / media.PHOTOS)
            index.result()
        _write_key_file(new)
        static = Path(current_app.static_folder or "")
        if static.is_dir():
            shutil.copytree(static, new / "static")
        changes = queries.last_page_change(session)
        (new / MANIFEST).write_bytes(_manifest(session, listed, len(results), changes))
        report.pages = report.written = len(results)
        folder.publish(new)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return report


def _update(
    session: Session, folder: build_folder.BuildFolder, root: Path, manifest: dict
) -> BuildReport:
    """Apply the page changes logged since the previous build to it, in place."""
    report = BuildReport(pages=queries.page_count(session))
    changes = queries.last_page_change(session)
    if changes == manifest["changes"]:
        report.unchanged = report.pages
        now = generation.value(session)
        if manifest["generation"] != now:  # moved with no page changed (a restore): noted
            journal = folder.journal(root)
            journal.write(root / MANIFEST, json.dumps({**manifest, "generation": now}).encode())
            journal.commit()
        return report
    paths = sorted(queries.page_changes_after(session, manifest["changes"]))
    states = queries.page_states_at(session, paths)
    journal = folder.journal(root)
    texts: dict[str, str | None] = {}  # the previous sitemap files, each read once
    try:
        _stage_pages(session, journal, root, states, paths, report)
        before = {row[0]: row[1:4] for row in manifest["sitemaps"]}
        listed = _same_sitemaps(root, manifest, paths, states, texts)
        limit = site_settings.sitemap_limits().bytes
        if listed is None or not _write_sitemaps(
            journal, root, before, listed, paths, states, texts, limit
        ):
            # Pages joined, left or moved between sitemaps, or a file's cut may move: all
            # counted again. Files written above are written again or deleted below.
            listed = _sitemap_files(session)
            _write_sitemaps(journal, root, before, listed, paths, states, texts, None)
        for name in set(before) - {f.name for f, _newest in listed}:
            journal.delete(root / "sitemaps" / f"{name}.xml")
        journal.write(root / "sitemap.xml", _sitemap_index(listed))
        new_manifest = _manifest(session, listed, report.pages, changes)
        if json.loads(new_manifest)["locator"] != manifest["locator"]:
            journal.write(root / urls.locator_index().lstrip("/"), locator.held().index())
        journal.write(root / MANIFEST, new_manifest)  # last: it says which changes are in
    except BaseException:
        journal.abandon()
        raise
    journal.commit()
    report.unchanged = report.pages - report.written
    return report


def _sitemap_text(root: Path, name: str, texts: dict[str, str | None]) -> str | None:
    """The previous build's sitemap file `name`, read on first use; None when unreadable."""
    if name not in texts:
        try:
            texts[name] = (root / "sitemaps" / f"{name}.xml").read_text(encoding="utf-8")
        except OSError:
            texts[name] = None
    return texts[name]


def _same_sitemaps(
    root: Path,
    manifest: dict,
    paths: list[str],
    states: dict[str, models.PageState],
    texts: dict[str, str | None],
) -> list[feeds.Listed] | None:
    """The previous build's sitemap files and their newest changes, brought up to date
    without counting every page, when each changed page is listed in the sitemap it was
    listed in before, or in none both times, and none is in a file cut to fit the byte
    limit: then no file's range moves, and a file's newest change is its previous one or a
    changed page's (changes only move forward). None otherwise: a page joined, left or
    moved between sitemaps, or the sizes that placed a cut changed."""
    base = current_app.config["SITE_URL"]
    before = [(feeds.SitemapFile(*row[:5]), row[5]) for row in manifest["sitemaps"]]
    newest = {f.name: datetime.fromisoformat(n) if n else None for f, n in before}
    for path in paths:
        state = states.get(path)
        listed_in = state.sitemap if state is not None else ""
        line = f"<url><loc>{escape(base + path)}</loc>"
        was_in = None
        for item, _newest in before:
            if item.start <= path and (item.end is None or path < item.end):
                text = _sitemap_text(root, item.name, texts)
                if text is None:
                    return None
                if line in text:
                    was_in = item
                    break
        if (was_in.group if was_in else "") != listed_in or (was_in and was_in.halved):
            return None
        if was_in is not None and state is not None:
            previous = newest[was_in.name]
            newest[was_in.name] = max(previous, state.changed_at) if previous else state.changed_at
    return [(item, newest[item.name]) for item, _newest in before]


def _write_sitemaps(
    journal: build_folder.Journal,
    root: Path,
    before: dict[str, list],
    listed: list[feeds.Listed],
    paths: list[str],
    states: dict[str, models.PageState],
    texts: dict[str, str | None],
    limit: int | None,
) -> bool:
    """Write each sitemap file that differs from the previous build's: a file with the same
    range patched where the changed pages are, any other written anew. With a byte limit,
    stop at the first file over it and say so (False)."""
    for item, _newest in listed:
        inside = _inside(item, paths)
        body = None
        if before.get(item.name) == [item.group, item.start, item.end]:
            if not inside:
                continue
            body = _patched(_sitemap_text(root, item.name, texts), item, inside, states)
        if body is None:
            body = _sitemap_document(item)
        if limit is not None and len(body) > limit:
            return False
        journal.write(root / "sitemaps" / f"{item.name}.xml", body)
    return True


def _inside(item: feeds.SitemapFile, paths: list[str]) -> list[str]:
    """The changed paths within a sitemap file's range (whatever their group)."""
    first = bisect.bisect_left(paths, item.start)
    last = len(paths) if item.end is None else bisect.bisect_left(paths, item.end)
    return paths[first:last]


def _patched(
    text: str | None,
    item: feeds.SitemapFile,
    paths: list[str],
    states: dict[str, models.PageState],
) -> bytes | None:
    """The sitemap file's text with the entries of changed pages replaced or dropped, its
    other lines kept as they are; None when a page joins it or the file could not be read
    (then it is written anew)."""
    # Written by us one <url> a line, in path order: a changed page is one line to swap.
    if text is None:
        return None
    base = current_app.config["SITE_URL"]
    for path in paths:
        state = states.get(path)
        listed = state is not None and state.sitemap == item.group
        at = text.find(f"<url><loc>{escape(base + path)}</loc>")
        if at < 0:
            if listed:
                return None
            continue
        line = ""
        if listed:
            row = (state.path, state.changed_at, state.images, state.alternates)
            document = "".join(sitemaps.write_urlset_rows(base, [row]))
            line = next(x for x in document.splitlines(keepends=True) if x.startswith("<url>"))
        end = text.index("\n", at) + 1
        text = text[:at] + line + text[end:]
    return text.encode("utf-8")


def _stage_pages(
    session: Session,
    journal: build_folder.Journal,
    root: Path,
    states: dict[str, models.PageState],
    paths: list[str],
    report: BuildReport,
) -> None:
    """Render the changed pages into the journal; name the gone ones for removal, with the
    photo files no clinic's page shows any more."""
    source = DatabaseSource(session)
    clinics: set[str] = set()  # the slugs of the clinics whose location page was written
    shown_before: set[str] = set()  # the photo files the changed clinics' pages showed
    for path in paths:
        state, ref = states.get(path), urls.parse(path)
        inputs = pages.gather(source, ref) if state is not None and ref is not None else None
        target = page_file(root, path)
        if ref is not None and ref.kind == "location":
            shown_before |= _photos_shown(target)
        if inputs is None:
            if target.exists():
                journal.delete(target)
                report.removed += 1
            continue
        item = page_state.Planned(ref, path, inputs, rendering.inputs_key(inputs))
        _page, body, _state = page_state.render(item)
        journal.write(target, body)
        report.written += 1
        if ref.kind == "location":
            clinics.add(ref.key[0])
    # New photo variants first: their names hold a content hash, so no page shows a
    # half-copied file, and a file no page names yet is harmless.
    names = [name for slug in sorted(clinics) for name in _photo_files(session, slug)]
    media.current().copy_variants(names, root / MEDIA / media.PHOTOS)
    gone = shown_before - set(names)
    if gone:  # unless another published clinic shows the same picture
        kept = queries.published_digests(session, {name.split("-")[0] for name in gone})
        for name in sorted(gone):
            if name.split("-")[0] not in kept:
                journal.delete(root / MEDIA / media.PHOTOS / name)


def _photos_shown(page: Path) -> set[str]:
    """The photo files a previous build's location page showed (it names every photo)."""
    try:
        return photos.files_named_in(page.read_text(encoding="utf-8"))
    except OSError:
        return set()


def _photo_files(session: Session, slug: str) -> list[str]:
    return [name for row in queries.photos_by_slug(session, slug) for name in row.to_core().files()]


def _render_all(
    job: _Job, processes: int, progress: Callable[[int, int], None] | None
) -> list[Result]:
    total = len(job.placed)
    size = max(1, min(CHUNK, -(-total // (processes * 4))))
    chunks = [(i, min(i + size, total)) for i in range(0, total, size)]
    results: list[Result] = []
    for part in forking.fork_map(job, _render_chunk, chunks, processes, ordered=False):
        results += part
        if progress:
            progress(len(results), total)
    return results
