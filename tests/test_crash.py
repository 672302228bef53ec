"""SIGKILL in the middle of an import or a build leaves the previous state whole."""

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SITE_URL
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from seo.core.locations import COLUMNS
from seo.services import build, build_folder, page_state
from seo.store import models
from seo.store.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROWS = 20_000
BUILD_LOCATIONS = 1_200  # about 3,600 pages: 2 services x 1,200 landing pages + location pages

# Runs a `flask seo ...` command in a child process that stops, for good, right after the
# first statement starting with CRASH_AFTER has run in the open transaction, and says so
# through the sentinel file: the test then kills it there with SIGKILL.
HARNESS = """
import os, sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

after = os.environ["CRASH_AFTER"].upper()

@event.listens_for(Engine, "after_cursor_execute")
def _pause(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith(after):
        Path(os.environ["CRASH_SENTINEL"]).write_text(str(os.getpid()))
        time.sleep(600)

from flask.cli import main
sys.argv = ["flask", "--app", "app", *sys.argv[1:]]
main()
"""


def child_env(app) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SITE_URL": SITE_URL,
        "SECRET_KEY": "test-secret",
    }


def wait_for(predicate, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the child ended ({process.returncode}) before the kill: {err[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the child never reached the point to kill it at")
        time.sleep(0.01)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # the whole group: build workers too
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def locations_state(app) -> tuple:
    with app.app_context(), Session(get_engine()) as session:
        rows = session.execute(
            select(models.Location.slug, models.Location.name, models.Location.version).order_by(
                models.Location.slug
            )
        ).all()
        changes = session.scalar(select(func.count()).select_from(models.Change))
    return tuple(rows), changes


def write_locations_file(path: Path, count: int, prefix: str = "crash") -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        # locations.csv's columns, its Spanish intros included: its rows are appended below.
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "intro_es"])
        writer.writeheader()
        for n in range(count):
            writer.writerow(
                {
                    **dict.fromkeys([*COLUMNS, "intro_es"], ""),
                    "slug": f"{prefix}-{n}-mo",
                    "name": f"Crash Test Clinic {n}",
                    "street_address": f"{100 + n} Main St",
                    "city": f"Town {n}",
                    "state": "MO",
                    "postal_code": "63031",
                    "phone": "314-555-0101",
                    "intro": f"Clinic number {n}, written for the crash test.",
                    "status": "draft",  # drafts have no pages: the import itself is timed
                }
            )


@pytest.mark.parametrize("stage", ["INSERT INTO locations", "INSERT INTO changes"])
def test_import_killed_mid_transaction_leaves_the_database_as_it_was(app, tmp_path, stage):
    source = tmp_path / "big.csv"
    write_locations_file(source, IMPORT_ROWS)
    # Touch existing rows too, so an UPDATE is in flight alongside the INSERTs.
    with open(source, "a", newline="", encoding="utf-8") as handle:
        handle.write((ROOT / "locations.csv").read_text(encoding="utf-8").split("\n", 1)[1])
    before = locations_state(app)
    sentinel = tmp_path / "sentinel"
    process = subprocess.Popen(
        [sys.executable, "-c", HARNESS, "seo", "import-locations", str(source)],
        cwd=ROOT,
        env={**child_env(app), "CRASH_AFTER": stage, "CRASH_SENTINEL": str(sentinel)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for(sentinel.exists, process)
    kill(process)
    with app.app_context():
        get_engine().dispose()  # fresh connections, as a new process would open
    assert locations_state(app) == before
    # The database is usable: the same import now runs to the end.
    result = app.test_cli_runner().invoke(args=["seo", "import-locations", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"created {IMPORT_ROWS}, updated 0, unchanged ")
    if app.config["DATABASE_URL"].startswith("sqlite"):
        with app.app_context(), get_engine().connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_build_killed_midway_leaves_the_previous_build_whole(app, tmp_path):
    app.config["TODAY"] = None  # the child builds for the real date: so must this process
    rows = [
        {
            **dict.fromkeys(models.Location.VALUE_FIELDS, ""),
            "closed_until": None,
            "slug": f"page-{n}-mo",
            "name": f"Build Test Clinic {n}",
            "street_address": f"{n} Oak Ave",
            "city": f"Oakville {n}",
            "state": "MO",
            "postal_code": "63031",
            "phone": "+13145550101",
            "status": "published",
            "services": "",
            "latitude": None,
            "longitude": None,
        }
        for n in range(BUILD_LOCATIONS)
    ]
    with app.app_context(), Session(get_engine()) as session:
        session.execute(insert(models.Location), rows)
        session.commit()
    out = tmp_path / "site"
    with app.app_context():
        first = build.build_site(out, workers=2)
    assert first.pages > 3_000
    before = digests(out)
    first_build = out.readlink().name
    store = tmp_path / ".site.builds"

    # New content for every page (page state refreshed with it, as every write does), then
    # a build killed once it has written every page into its journal, before the plan.
    with app.app_context(), Session(get_engine()) as session:
        session.execute(text("UPDATE locations SET intro = 'A new introduction.'"))
        page_state.refresh(session)
    sentinel = tmp_path / "sentinel"
    process = subprocess.Popen(
        [sys.executable, "-c", HARNESS, "seo", "build", str(out), "--workers", "2"],
        cwd=ROOT,
        env={
            **child_env(app),
            # The manifest's first read: every page and sitemap file is in the journal.
            "CRASH_AFTER": "SELECT page_state.inputs",
            "CRASH_SENTINEL": str(sentinel),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for(sentinel.exists, process)
    kill(process)
    sentinel.unlink()
    journal = store / build_folder.JOURNAL
    assert len(list(journal.iterdir())) > 3_000
    assert digests(out) == before  # the previous build, every byte
    assert not (journal / build_folder.PLAN).exists()

    with app.app_context():
        report = build.build_site(out, workers=2)  # rolls the half journal back first
    assert report.pages == first.pages
    assert report.written > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".site.builds",
        "site",
        "test.sqlite",
    ] + sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("test.sqlite-"))
    # Updated in place: the store keeps the one build, and no journal.
    assert {p.name for p in store.iterdir()} == {".lock", first_build}
    assert out.readlink().name == first_build
    assert b"A new introduction." in (out / "locations" / "page-7-mo" / "index.html").read_bytes()
