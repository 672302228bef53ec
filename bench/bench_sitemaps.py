"""Sitemaps for N URLs from the database: time and peak memory of writing every file."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

from common import app_on, database, peak_mb
from sqlalchemy.orm import Session

from seo.services import feeds, site_settings
from seo.store import models
from seo.store.db import get_engine


def fill(app, urls: int, images: int = 0) -> None:
    """Insert N page-state rows, as after a refresh of N pages (set-based), each listing
    `images` photos (files then split at 50 MB before 50,000 URLs)."""
    start = datetime(2026, 1, 1)
    table = models.PageState.__table__
    with app.app_context(), get_engine().begin() as connection:
        batch = []
        for n in range(urls):
            batch.append({
                "path": f"/neuropathic-pain-treatment/clinic-{n}-mo/",
                "sitemap": "neuropathic-pain-treatment",
                "fingerprint": f"{n:032x}",
                "images": "\n".join(f"/media/photos/{n:08x}{i:012x}.jpg" for i in range(images)),
                "changed_at": start + timedelta(seconds=n),
            })  # fmt: skip
            if len(batch) == 50_000:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
    # What autovacuum does within a minute of a million new rows: without statistics the
    # planner sorts the whole table for each file's first path (about 5 s in all).
    with app.app_context(), get_engine().connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM ANALYZE page_state")


def write_all(url: str) -> None:
    """Write the index and every sitemap file to /dev/null, as the server streams them."""
    from seo import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SITE_URL": "https://x.example"})
    baseline = peak_mb()
    with app.app_context(), Session(get_engine()) as session:
        started = time.perf_counter()
        files = feeds.sitemap_files(session, app.config["SITE_URL"], site_settings.sitemap_limits())
        counted = time.perf_counter() - started
        size = len(feeds.sitemap_index(session, app.config["SITE_URL"], files))
        for item in files:
            for piece in feeds.sitemap_document(get_engine(), app.config["SITE_URL"], item):
                size += len(piece)
        seconds = time.perf_counter() - started
    print(f"{len(files)} files, {size / 1e6:.0f} MB of XML in {seconds:.1f} s "
          f"({counted:.2f} s to count and size the files), "
          f"peak memory {peak_mb():.0f} MB (the app alone: {baseline:.0f} MB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--images", type=int, default=0, help="photos listed per URL")
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_all(args.write)
        return
    for kind in args.databases.split(","):
        with database(kind) as url:
            fill(app_on(url), args.urls, args.images)
            # A fresh process, so the peak memory is the sitemap writer's alone.
            result = subprocess.run(
                [sys.executable, __file__, "--write", url], capture_output=True, text=True,
                env={**os.environ},
            )  # fmt: skip
            print(f"{kind}, {args.urls:,} URLs: {result.stdout.strip() or result.stderr[-800:]}")


if __name__ == "__main__":
    main()
