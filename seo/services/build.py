"""Static build: the server's own rendering written to disk; cold into a new folder swapped in,
or after an edit only the pages it changed, in place behind a journal (build_pages.py).

A build with nothing to do says so before it imports the renderer, the models or the
templates: the previous build's manifest names the site generation and the settings it was
made with, and page state moves the generation with every page it adds, changes or removes
(seo.store.generation). While both hold, no file of the build can differ."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from seo.services import build_folder, site_settings
from seo.services.build_folder import BuildReport
from seo.store import generation
from seo.store.db import get_engine


def build_site(
    outdir: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Write every public URL under outdir.

    The first build, or one after code, templates or settings changed, or one so far behind
    that the changes since it were pruned (page_state.CHANGES_KEPT), renders every page
    into a fresh folder and flips OUTDIR to it. Otherwise the previous build is updated in
    place with only the pages page state logged as added, changed or removed since it was
    made (every write refreshes page state, so it is current), behind a journal.

    outdir must be missing, empty or a previous build: anything else raises OutdirRefused
    before a file is touched."""
    started = time.perf_counter()
    with build_folder.BuildFolder(Path(os.path.abspath(outdir))) as folder:
        old = folder.current()
        manifest = build_folder.read_manifest(old) if old else {}
        if manifest and _still_current(manifest):
            report = BuildReport(pages=manifest["pages"], unchanged=manifest["pages"])
        else:
            from seo.services import build_pages  # the renderer and the models, only now

            report = build_pages.build(folder, old, manifest, workers, progress)
    report.seconds = time.perf_counter() - started
    return report


def _still_current(manifest: dict) -> bool:
    """Whether the build the manifest describes is what a build would write now."""
    if manifest["settings"] != site_settings.build_digest():
        return False
    with get_engine().connect() as connection:
        return manifest["generation"] == generation.value(connection)


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress counter, for terminals only."""
    sys.stderr.write(f"\rbuilding: {done}/{total} pages")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
