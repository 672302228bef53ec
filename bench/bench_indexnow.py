"""Time what IndexNow adds to a write, and a send, on SQLite and PostgreSQL.

A site-wide change (a template change after a release, a new article section on every
landing page) moves the fingerprint of every page: page_state.save then writes N page
states and, with INDEXNOW_KEY set, queues N URLs in the same transaction. The reference,
in the same run, is that save with IndexNow off. Also timed: the same save when every URL
is already waiting (the duplicates are skipped by the database), and `seo indexnow`
sending the N URLs to a local endpoint (N / 10,000 requests).

.venv/bin/python bench/bench_indexnow.py [--pages 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import app_on, database
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from seo.services import indexnow, page_state
from seo.store import models
from seo.store.db import get_engine

KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def paths(count: int) -> list[str]:
    return [f"/service-{n % 2}/clinic-{n // 2}/" for n in range(count)]


def seed(app, count: int) -> None:
    now = models.utcnow()
    rows = [
        {"path": p, "sitemap": "landing", "fingerprint": "0" * 64, "changed_at": now, "inputs": ""}
        for p in paths(count)
    ]
    with app.app_context(), Session(get_engine()) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(models.PageState), rows[start : start + 5000])
        session.commit()


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def measure(app, count: int, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {
        "save, IndexNow off (reference)": [],
        "save, IndexNow on": [],
        "save, IndexNow on, every URL already waiting": [],
        "send": [],
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}/indexnow"
    version = 0
    outbox = models.indexnow_outbox
    with app.test_request_context():
        engine = get_engine()

        def save(key: str | None) -> float:
            nonlocal version
            version += 1
            app.config["INDEXNOW_KEY"] = key
            rendered = [
                page_state.Rendered(p, "landing", f"{version:064x}", "") for p in paths(count)
            ]
            with Session(engine) as session:
                started = time.perf_counter()
                page_state.save(session, rendered, complete=True)
                session.commit()
                return time.perf_counter() - started

        for _ in range(runs):
            times["save, IndexNow off (reference)"].append(save(None))
            times["save, IndexNow on"].append(save(KEY))
            times["save, IndexNow on, every URL already waiting"].append(save(KEY))
            with engine.connect() as connection:
                waiting = connection.scalar(select(func.count()).select_from(outbox))
            assert waiting == count, waiting
            started = time.perf_counter()
            report = indexnow.send(engine, key=KEY, endpoint=endpoint)
            times["send"].append(time.perf_counter() - started)
            assert report.sent == count, report.summary()
            with engine.begin() as connection:
                connection.execute(delete(outbox))
    server.shutdown()
    server.server_close()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for kind in ("sqlite", "postgresql"):
        with database(kind) as url:
            app = app_on(url, SITE_URL="https://clinics.example")
            seed(app, args.pages)
            result = measure(app, args.pages, args.runs)
            reference = result["save, IndexNow off (reference)"]
            shown = ", ".join(
                f"{name} {seconds:.2f} s ({seconds / reference:.2f}x)"
                for name, seconds in result.items()
            )
            print(f"{kind}, {args.pages:,} pages, median of {args.runs}: {shown}", flush=True)
            with app.app_context():
                get_engine().dispose()


if __name__ == "__main__":
    main()
