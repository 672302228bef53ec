"""Import N generated locations on SQLite and PostgreSQL: validate + set-based upsert."""

from __future__ import annotations

import argparse
import time

from common import app_on, database
from generate import rows
from sqlalchemy.orm import Session

from seo.services import locations
from seo.store.db import get_engine


def csv_text(count: int) -> str:
    import csv
    import io

    from seo.core.locations import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(count))
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    text = csv_text(args.count)
    print("| database | rows | first import (create) | re-import (unchanged) | update all |")
    print("| --- | --- | --- | --- | --- |")
    for kind in args.databases.split(","):
        with database(kind) as url:
            app = app_on(url)
            with app.app_context():
                timings = []
                for body in (text, text, None):
                    if body is None:  # every row changed: rewrite the intros
                        with Session(get_engine()) as session:
                            body = locations.export_locations(session).replace(
                                "Gateway Pain Relief", "Gateway Pain Care"
                            )
                    started = time.perf_counter()
                    with Session(get_engine()) as session:
                        report = locations.import_locations(session, body)
                    timings.append((time.perf_counter() - started, report.summary()))
                    assert report.ok, report.errors[:3]
            cells = " | ".join(f"{s:.1f} s ({summary})" for s, summary in timings)
            print(f"| {kind} | {args.count:,} | {cells} |")


if __name__ == "__main__":
    main()
