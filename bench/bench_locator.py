"""Time the store locator at 100,000 clinics, on SQLite and PostgreSQL.

Each search goes through the whole app as a visitor's does (the Flask test client: routing,
the per-address counter of the shared limiter in the database, the one-row read of the page
state version, the search and the Jinja render), after a first search that reads the clinics
into the process's directory (timed on its own: it happens once per process and once after
each change). References in the same run and process: a plain /locations/ request answered
from the page cache, and a hello-world route (bench/hello_app.py) through its own test client.

.venv/bin/python bench/bench_locator.py [--count 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from pathlib import Path
from urllib.parse import parse_qsl

from bench_gate import load
from common import app_on, database
from hello_app import app as hello_app

from seo.core import locator as core
from seo.core import places
from seo.services import locator

SEARCHES = {
    "ZIP code": ["q=63101", "q=60601", "q=78701", "q=80202", "q=98101", "q=43215"],
    "city, state": ["q=Kansas+City%2C+MO", "q=Columbus%2C+OH", "q=Louisville%2C+KY"],
    "city in many states": ["q=Springfield", "q=Franklin"],
    "state": ["q=MO", "q=Texas"],
    "unknown place": ["q=Flrissant", "q=Qwxzv%2C+TX"],
    "position": ["near=38.63,-90.2", "near=47.6,-122.33"],
    "with service filter": ["q=63101&service=ketamine-infusion-therapy"],
}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(get, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        response.close()
    return times


def measure(app, runs: int) -> dict[str, str]:
    client = app.test_client()
    assert client.get("/locations/").status_code == 200  # page state: the locator's version
    before = rss_mb()
    started = time.perf_counter()
    assert client.get("/locations/?q=63031").status_code == 200
    first = time.perf_counter() - started
    grown = rss_mb() - before
    rows = {"first search (reads the clinics)": f"{first * 1000:,.0f} ms, +{grown:,.0f} MB"}
    every = []
    for name, queries in SEARCHES.items():
        times = [t for q in queries for t in timed(client.get, "/locations/?" + q, runs)]
        every += times
        rows[name] = f"{statistics.median(times) * 1000:.1f} ms (max {max(times) * 1000:.1f})"
    rows["all searches, median / p95 / max"] = " / ".join(
        f"{t * 1000:.1f} ms"
        for t in (statistics.median(every), statistics.quantiles(every, n=20)[-1], max(every))
    )
    with app.test_request_context():
        alone = []
        for query in (q for queries in SEARCHES.values() for q in queries):
            search, _problem = core.read_search(dict(parse_qsl(query)))
            for _ in range(runs):
                started = time.perf_counter()
                locator.answer(search)
                alone.append(time.perf_counter() - started)
    rows["search and render alone (no HTTP, no limiter)"] = (
        f"{statistics.median(alone) * 1000:.1f} ms (max {max(alone) * 1000:.1f})"
    )
    index = client.get("/locations/index.json").get_data()
    rows["JSON index for static hosts"] = (
        f"{len(index) / 1e6:.1f} MB ({len(gzip.compress(index)) / 1e6:.1f} MB gzipped)"
    )
    page = timed(client.get, "/locations/", runs)
    hello = timed(hello_app.test_client().get, "/hello/", runs * 10)
    rows["reference: plain /locations/ (cached)"] = f"{statistics.median(page) * 1000:.1f} ms"
    rows["reference: hello world"] = f"{statistics.median(hello) * 1000:.2f} ms"
    ratio = statistics.median(every) / statistics.median(hello)
    rows["median search / hello world"] = f"{ratio:.0f}x"
    ratio = statistics.median(every) / statistics.median(page)
    rows["median search / plain /locations/"] = f"{ratio:.2f}x"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    places.gazetteer()
    print(f"ZIP table read in {time.perf_counter() - started:.1f} s, {rss_mb():,.0f} MB resident")
    for kind in ("sqlite", "postgresql"):
        with database(kind) as url:
            app = app_on(
                url, SITE_URL="https://clinics.example", LOCATOR_RATE_LIMIT="1000000/minute"
            )
            load(app, args.count)
            rows = measure(app, args.runs)
            print(f"\n{kind}, {args.count:,} clinics, {args.runs} runs of each search")
            for name, value in rows.items():
                print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
