"""Static build: the server's own rendering written to disk, incrementally, then swapped in."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from seo.core import sitemaps, urls
from seo.core.urls import MEDIA, PageRef
from seo.services import build_folder, feeds, forking, locator, page_state
from seo.services.sources import Catalog
from seo.store import media
from seo.store.db import get_engine

MANIFEST = build_folder.MANIFEST
CHUNK = 500  # pages per task: small enough to balance, large enough to amortise


@dataclass
class BuildReport:
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.pages} pages: {self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed in {self.seconds:.1f} s"
        )


@dataclass
class _Job:
    source: Catalog
    placed: list[tuple[PageRef, str]]
    new: Path
    old: Path | None
    manifest: dict[str, list[str]]


# A page path is slugs between slashes: nothing else can reach the disk.
SAFE_PATH_RE = re.compile(r"^/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*$")


def page_file(root: Path, path: str) -> Path:
    """Where a page's path is written: <root>/<path>/index.html, never outside root."""
    # Checked by pattern rather than by resolving: no file system calls per page.
    if not SAFE_PATH_RE.match(path):
        raise ValueError(f"page path {path!r} would be written outside the build folder")
    return Path(os.path.join(root, path[1:], "index.html"))


# path, sitemap group, fingerprint, written, inputs, sitemap images, language versions
Result = tuple[str, str, str, bool, str, str, str]


def _link_old(job: _Job, path: str, target: Path) -> bool:
    if job.old is None:
        return False
    try:
        os.link(page_file(job.old, path), target)
    except OSError:
        return False
    return True


def _render_chunk(span: tuple[int, int]) -> list[Result]:
    """Render pages; reuse files from the old build where inputs or bytes are unchanged."""
    job: _Job = forking.prepared()
    out = []
    for ref, path in job.placed[span[0] : span[1]]:
        item = page_state.prepare(job.source, ref, path)
        known = job.manifest.get(item.path)
        target = page_file(job.new, item.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if known and known[0] == item.key and _link_old(job, item.path, target):
            # Same inputs, same bytes: not even composed.
            images = page_state.sitemap_images(item)
            versions = page_state.sitemap_alternates(item)
            out.append((item.path, known[2], known[1], False, item.key, images, versions))
            continue
        _page, body, state = page_state.render(item)
        reused = bool(known) and known[1] == state.fingerprint
        reused = reused and _link_old(job, item.path, target)
        if not reused:
            target.write_bytes(body)
        out.append(
            (
                item.path,
                state.sitemap,
                state.fingerprint,
                not reused,
                item.key,
                state.images,
                state.alternates,
            )
        )
    return out


def _read_manifest(root: Path) -> dict[str, list[str]]:
    """{path: [inputs, fingerprint, sitemap group]} of the previous build."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = all(isinstance(v, list) and len(v) == 3 for v in manifest.values())
    return manifest if ok else {}


def _write_feeds(session: Session, root: Path) -> None:
    base = current_app.config["SITE_URL"]
    limit = current_app.config.get("SITEMAP_URL_LIMIT", sitemaps.SITEMAP_URL_LIMIT)
    files = feeds.sitemap_files(session, limit)
    (root / "sitemap.xml").write_text(feeds.sitemap_index(session, base, files), encoding="utf-8")
    (root / "sitemaps").mkdir(exist_ok=True)
    for item in files:
        with open(root / "sitemaps" / f"{item.name}.xml", "w", encoding="utf-8") as handle:
            handle.writelines(feeds.sitemap_document(get_engine(), base, item))
    (root / "robots.txt").write_text(sitemaps.robots_txt(base), encoding="utf-8")


def _write_key_file(root: Path) -> None:
    """The IndexNow key file, as the server answers it, while a key is set."""
    key = current_app.config.get("INDEXNOW_KEY")
    if key:  # hexadecimal (checked at start): a plain file name at the root
        (root / urls.indexnow_key_file(key).lstrip("/")).write_text(key, encoding="ascii")


def _write_locator_index(catalog: Catalog, root: Path) -> None:
    """The clinics as JSON: the locator script searches it where no server answers."""
    target = root / urls.locator_index().lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(locator.index_document(catalog))


def build_site(
    outdir: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Write every public URL under outdir; only pages whose bytes changed are rewritten.

    outdir must be missing, empty or a previous build: anything else raises OutdirRefused
    before a file is touched."""
    started = time.perf_counter()
    with build_folder.BuildFolder(Path(os.path.abspath(outdir))) as folder:
        old = folder.current()
        manifest = _read_manifest(old) if old else {}
        new = folder.start()
        report = BuildReport()
        try:
            with Session(get_engine(), expire_on_commit=False) as session:
                catalog = Catalog(session)
                placed = page_state.placed(catalog)
                job = _Job(catalog, placed, new, old, manifest)
                results = _render_all(job, workers or os.cpu_count() or 1, progress)
                page_state.save(
                    session,
                    (page_state.Rendered(p, g, f, k, i, a) for p, g, f, _w, k, i, a in results),
                    complete=True,
                )
                session.commit()
                _write_feeds(session, new)
                # The photo variants the pages show (their names hold a content hash).
                names = [name for photo in catalog.every_photo() for name in photo.files()]
                media.current().copy_variants(names, new / MEDIA / media.PHOTOS)
                _write_locator_index(catalog, new)
            _write_key_file(new)
            static = Path(current_app.static_folder or "")
            if static.is_dir():
                shutil.copytree(static, new / "static")
            paths = {path: [key, digest, group] for path, group, digest, _w, key, *_ in results}
            (new / MANIFEST).write_text(json.dumps(paths, sort_keys=True), encoding="utf-8")
            report.pages = len(results)
            report.written = sum(1 for r in results if r[3])
            report.unchanged = report.pages - report.written
            report.removed = len(set(manifest) - set(paths))
            folder.publish(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
    report.seconds = time.perf_counter() - started
    return report


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


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress counter, for terminals only."""
    sys.stderr.write(f"\rbuilding: {done}/{total} pages")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
