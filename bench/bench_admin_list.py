"""Time the admin location list at 100,000 locations, on SQLite and PostgreSQL if reachable.

.venv/bin/python bench/bench_admin_list.py [--count 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from seo import create_app  # noqa: E402
from seo.core.locations import STATE_NAMES  # noqa: E402
from seo.services import articles  # noqa: E402
from seo.store import migrate  # noqa: E402
from seo.store.db import get_engine  # noqa: E402
from seo.store.models import Location, utcnow  # noqa: E402
from seo.web.admin.auth import create_user  # noqa: E402

POSTGRES_ADMIN = os.environ.get(
    "SEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CITIES = "Springfield Franklin Greenville Bristol Clinton Fairview Salem Madison Dover".split()
PAGES = {
    "first page": "/admin/locations/",
    "filtered (state + status + service)": (
        "/admin/locations/?state=MO&status=published&service=ketamine-infusion-therapy"
    ),
    "search (q=fairview 12)": "/admin/locations/?q=fairview+12",
    "deep page (page 1,900, sorted by city desc)": "/admin/locations/?page=1900&sort=city&dir=desc",
}
PASSWORD = "benchmark password"


def rows(count: int):
    states = list(STATE_NAMES)
    now = utcnow()
    for i in range(count):
        city = f"{CITIES[i % len(CITIES)]} {i}"
        state = states[i % len(states)]
        yield {
            "slug": f"{city.lower().replace(' ', '-')}-{state.lower()}",
            "name": f"Gateway Pain Relief {city}",
            "street_address": f"{100 + i % 900} Main St",
            "city": city,
            "state": state,
            "postal_code": f"{10000 + i % 89999:05d}",
            "phone": f"+1314555{i % 10000:04d}",
            "latitude": 25 + (i % 2000) / 100,
            "longitude": -120 + (i % 5000) / 100,
            "opening_hours": "Mo-Fr 09:00-17:00",
            "special_hours": "",
            "services": "" if i % 3 else "neuropathic-pain-treatment",
            "intro": "",
            "status": ("published", "published", "draft", "retired")[i % 4],
            "redirect_to": "",
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }


def load(app, count: int) -> float:
    started = time.perf_counter()
    with app.app_context():
        engine = get_engine()
        migrate.upgrade(engine)
        with Session(engine) as session:
            articles.load_services(session, Path(app.config["CONTENT_DIR"]))
            batch = []
            for row in rows(count):  # set-based: one executemany per 10,000 rows
                batch.append(row)
                if len(batch) == 10_000:
                    session.execute(insert(Location), batch)
                    batch = []
            if batch:
                session.execute(insert(Location), batch)
            session.commit()
            create_user(session, "bench@example.com", PASSWORD, "editor")
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def measure(app, runs: int) -> list[tuple[str, float, float]]:
    client = app.test_client()
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/admin/login",
        data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, "login failed"
    results = []
    for label, url in PAGES.items():
        assert client.get(url).status_code == 200  # warm up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append((label, statistics.median(times), p95))
    return results


def run(name: str, url: str, count: int, runs: int) -> None:
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "1000 per minute"}
    )
    seconds = load(app, count)
    print(f"\n{name}: {count:,} locations loaded in {seconds:.1f} s; {runs} requests per page")
    print(f"{'page':<46} {'median ms':>10} {'p95 ms':>8}")
    for label, median, p95 in measure(app, runs):
        print(f"{label:<46} {median:>10.1f} {p95:>8.1f}")
    with app.app_context():
        get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.count, args.runs)
    database = f"seo_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    except Exception as exc:  # no server: SQLite numbers only
        print(f"\nPostgreSQL unreachable ({str(exc).splitlines()[0]}); skipped")
        return
    try:
        run("PostgreSQL", POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + database, args.count, args.runs)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
