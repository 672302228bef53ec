"""Static build of N landing pages: `seo build` cold, after one clinic's intro was edited (the
save through the write path, which refreshes page state by its dependency index, timed too),
with nothing changed, and Frozen-Flask; then one more edit saved in a fresh process, as a
one-row import or a command makes it, and the build after it; and, for the floor of a cold
build, the time to write pages of the same sizes at the same paths with nothing rendered.
Each build runs in a fresh process: its wall time includes starting Python and importing
the app; "summary" is the build's own report.

.venv/bin/python bench/bench_build.py [--landing-pages 10000] [--database sqlite]
    [--keep FILE | --loaded FILE]

Loading 100,000 clinics through the write path takes longer than the builds: `--keep FILE`
saves the loaded SQLite database, `--loaded FILE` starts the next run from a copy of it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from bench_import import csv_text
from common import ROOT, app_on, database
from sqlalchemy.orm import Session

from seo import create_app
from seo.services import locations
from seo.store import queries
from seo.store.db import get_engine


def load(app, landing_pages: int) -> None:
    """Half as many locations as landing pages: every location offers both services."""
    with app.app_context(), Session(get_engine()) as session:
        report = locations.import_locations(session, csv_text(landing_pages // 2))
        assert report.ok, report.errors[:3]


def copy_sqlite(source: str, target: str) -> None:
    """Copy a SQLite database whole (its write-ahead log included)."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def timed_build(url: str, outdir: Path, workers: int) -> dict:
    """Run `seo build` in a fresh process, so peak memory is the build's own."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    command = [sys.executable, "-m", "flask", "--app", "app", "seo", "build", str(outdir),
               "--workers", str(workers)]  # fmt: skip
    os.sync()  # the previous run's files reach the disk before this one is timed
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr)
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return {"seconds": seconds, "summary": result.stdout.strip(), "peak_mb": peak_kb / 1024}


def _write_pages(job: tuple[Path, list[tuple[str, int]]]) -> None:
    target, pages = job
    data = b"x" * max((size for _, size in pages), default=0)
    for relative, size in pages:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[:size])


def writing_the_bytes(built: Path, target: Path, workers: int) -> dict:
    """The floor of a build: the same number of pages of the same sizes, in the same
    folders, written by as many processes as the build used, with nothing to render."""
    pages = sorted((str(p.relative_to(built)), p.stat().st_size) for p in built.rglob("index.html"))
    jobs = [(target, pages[i::workers]) for i in range(workers)]
    os.sync()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_write_pages, jobs)
    seconds = time.perf_counter() - started
    return {"pages": len(pages), "bytes": sum(size for _, size in pages), "seconds": seconds}


def edit_one(app) -> float:
    """One clinic's intro edited through the write path (gate, history, page state)."""
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        row = queries.location_by_slug(session, "clinic-0-mo")
        value = replace(row.to_core(), intro=row.intro + f" Edited at {time.time():.0f}.")
        started = time.perf_counter()
        locations.save_location(session, row, value, "bench", "update")
        return time.perf_counter() - started


FRESH_SAVE = """
import sys, time
started = time.perf_counter()
sys.path.insert(0, "bench")
from bench_build import create_app, edit_one
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench"})
save = edit_one(app)
print(save, time.perf_counter() - started)
"""


def edit_one_in_a_fresh_process(url: str) -> dict:
    """The same edit as a one-row import or a command makes it: Python started, the app
    imported and the save made in a new process (the save, and the process's wall time)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", FRESH_SAVE, url], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    save, _inside = result.stdout.split()
    return {"save_seconds": float(save), "process_seconds": seconds}


def frozen_flask(url: str, outdir: Path) -> dict:
    script = f"""
import time
from flask_frozen import Freezer
from seo import create_app
from seo.services import rendering as site
from seo.store.db import get_engine
from sqlalchemy.orm import Session
app = create_app({{"DATABASE_URL": {url!r}, "SECRET_KEY": "bench",
                  "FREEZER_DESTINATION": {str(outdir)!r}, "FREEZER_IGNORE_404_NOT_FOUND": True}})
freezer = Freezer(app, with_no_argument_rules=False, log_url_for=False)
@freezer.register_generator
def page():
    with app.app_context(), Session(get_engine()) as session:
        for spec_page in site.Catalog(session).pages():
            yield "public.page", {{"path": spec_page.path.strip("/")}}
started = time.perf_counter()
count = len(freezer.freeze())
print(count, time.perf_counter() - started)
"""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-c", script],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    count, seconds = result.stdout.split()
    return {"pages": int(count), "seconds": float(seconds),
            "peak_mb": int(result.stderr.strip().splitlines()[-1]) / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing-pages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--frozen-flask", action="store_true")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", help="save the loaded SQLite database in this file")
    kept.add_argument("--loaded", help="start from a copy of a database saved by --keep")
    args = parser.parse_args()
    if (args.keep or args.loaded) and args.database != "sqlite":
        parser.error("--keep and --loaded keep SQLite databases only")
    results: dict = {"landing_pages": args.landing_pages, "workers": args.workers}
    with database(args.database) as url, tempfile.TemporaryDirectory() as folder:
        path = url.split("///", 1)[-1]
        if args.loaded:
            copy_sqlite(args.loaded, path)
            app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        else:
            app = app_on(url)
            load(app, args.landing_pages)
        if args.keep:
            copy_sqlite(path, args.keep)
        out = Path(folder) / "site"
        cold = timed_build(url, out, args.workers)
        total = int(cold["summary"].split()[0])
        cold["pages_per_second"] = total / cold["seconds"]
        results["cold"] = cold
        results["writing_the_bytes"] = writing_the_bytes(
            out.resolve(), Path(folder) / "floor", args.workers
        )
        shutil.rmtree(Path(folder) / "floor")
        results["no_change"] = timed_build(url, out, args.workers)
        results["save_one_edit_seconds"] = edit_one(app)
        results["after_one_edit"] = timed_build(url, out, args.workers)
        results["save_one_edit_fresh_process"] = edit_one_in_a_fresh_process(url)
        results["after_that_edit"] = timed_build(url, out, args.workers)
        if args.frozen_flask:
            frozen = frozen_flask(url, Path(folder) / "frozen")
            frozen["pages_per_second"] = frozen["pages"] / frozen["seconds"]
            results["frozen_flask"] = frozen
        shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
