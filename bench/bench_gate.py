"""Time the publishing gate for one save at 100,000 locations, on SQLite and PostgreSQL.

One save of a published clinic's intro goes through the write path the admin form uses:
check, gate (its own pages composed, rendered and audited, compared with nearby pages of
the same service), history, page-state refresh (by the dependency index: the pages the
change affects only). The gate is timed on its own and the save as a whole; a refused save
(a copied intro) is timed too; with --with-save, the full page-state walk that sets the site
up is timed as well, for comparison. The reference, in the same run,
is the server composing and rendering that clinic's landing page once.

.venv/bin/python bench/bench_gate.py [--count 100000] [--runs 5] [--with-save] [--database D]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from common import app_on, database
from generate import rows
from sqlalchemy import insert
from sqlalchemy.orm import Session

from seo.core.timezones import zone_for
from seo.services import gate, lookup, page_state
from seo.services.locations import save_location
from seo.services.sources import DatabaseSource
from seo.store import models, queries
from seo.store.db import get_engine


def load(app, count: int) -> None:
    """Insert the generated clinics straight into the table (the import is not measured)."""
    now = models.utcnow()
    batch = []
    with app.app_context(), Session(get_engine()) as session:
        for row in rows(count):
            batch.append(
                {
                    **{f: row.get(f, "") for f in models.Location.VALUE_FIELDS},
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                    "closed_until": None,
                    "time_zone": zone_for(float(row["latitude"]), float(row["longitude"]), ""),
                    "phone": "+1" + "".join(c for c in row["phone"] if c.isdigit()),
                    "services": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) == 5000:
                session.execute(insert(models.Location), batch)
                batch.clear()
        if batch:
            session.execute(insert(models.Location), batch)
        session.commit()


def measure(app, count: int, runs: int, with_save: bool) -> dict[str, float]:
    middle = count // 2 // 12 * 12  # a Missouri clinic (generate.py deals states in turn)
    slug, other_slug = f"clinic-{middle}-mo", f"clinic-{middle + 12}-mo"
    times: dict[str, list[float]] = {
        "one page served (reference)": [],
        "gate": [],
        "refused save": [],
    }
    with app.test_request_context(), Session(get_engine(), expire_on_commit=False) as session:
        if with_save:
            started = time.perf_counter()
            page_state.refresh(session)  # the site as `seo init` leaves it: every page known
            times["full refresh, every page (setup)"] = [time.perf_counter() - started]
        for n in range(runs):
            started = time.perf_counter()
            page_state.render(lookup.resolve(session, f"/neuropathic-pain-treatment/{slug}/"))
            times["one page served (reference)"].append(time.perf_counter() - started)
            row = queries.location_by_slug(session, slug)
            row.assign(replace(row.to_core(), intro=row.intro + f" Visit {n}."))
            refs = gate.location_pages(DatabaseSource(session), slug)
            started = time.perf_counter()
            gate.findings(session, refs)
            times["gate"].append(time.perf_counter() - started)
            session.rollback()
            row = queries.location_by_slug(session, slug)
            other = queries.location_by_slug(session, other_slug)
            copied = replace(row.to_core(), intro=other.intro)
            started = time.perf_counter()
            try:
                save_location(session, row, copied, "bench", "update")
            except gate.Refused:
                pass
            else:
                raise SystemExit("a copied intro was not refused")
            times["refused save"].append(time.perf_counter() - started)
        if not with_save:
            return {name: statistics.median(values) for name, values in times.items()}
        # One accepted save: the gate, history, and the page-state refresh of the pages the
        # dependency index names (the clinic's own), sitemaps included (read from page state).
        row = queries.location_by_slug(session, slug)
        value = replace(row.to_core(), intro=row.intro + " Saved.")
        path = f"/neuropathic-pain-treatment/{slug}/"
        before = queries.page_state(session, path).fingerprint
        started = time.perf_counter()
        save_location(session, row, value, "bench", "update")
        times["accepted save (page state by index)"] = [time.perf_counter() - started]
        if queries.page_state(session, path).fingerprint == before:
            raise SystemExit("the save did not reach page state")
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--with-save",
        action="store_true",
        help="also time one accepted save (renders every page once first: slow at 100,000)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    for kind in args.database or ("sqlite", "postgresql"):
        with database(kind) as url:
            app = app_on(url, SITE_URL="https://clinics.example")
            load(app, args.count)
            result = measure(app, args.count, args.runs, args.with_save)
            shown = ", ".join(
                f"{name} {seconds * 1000:,.0f} ms" for name, seconds in result.items()
            )
            print(f"{kind}, {args.count:,} locations, median of {args.runs}: {shown}", flush=True)


if __name__ == "__main__":
    main()
