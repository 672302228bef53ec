"""What working out each clinic's time zone from its coordinates costs a locations import.

Parses and validates N generated rows (the import's first step, where the zone is derived)
twice in the same process, alternating: as the product does it (tzfpy, from coordinates) and
with the reference a state table would give (one dict lookup per row). Prints the best of
each, their ratio, and the cost of a lookup on its own."""

from __future__ import annotations

import argparse
import csv
import io
import time
from unittest import mock

import common  # noqa: F401  (puts the project on sys.path)
from generate import rows

from seo.core import locations
from seo.core.locations import COLUMNS, parse_locations
from seo.core.timezones import state_zone, zone_for


def csv_text(count: int) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(count))
    return out.getvalue()


def by_state(latitude, longitude, state):
    return state_zone(state)


def timed_parse(text: str, count: int) -> float:
    started = time.perf_counter()
    parsed = parse_locations(text)
    elapsed = time.perf_counter() - started
    assert not parsed.errors and len(parsed.rows) == count, parsed.errors[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    text = csv_text(args.count)

    started = time.perf_counter()
    zone_for(38.79, -90.32, "MO")  # builds tzfpy's index once
    first = time.perf_counter() - started
    points = [(float(r["latitude"]), float(r["longitude"]), r["state"]) for r in rows(args.count)]
    started = time.perf_counter()
    for latitude, longitude, state in points:
        zone_for(latitude, longitude, state)
    lookup = (time.perf_counter() - started) / args.count

    timed_parse(text, args.count)  # warm the phone, ZIP and hours caches for both
    coordinates, table = [], []
    for run in range(args.runs):
        # Alternate which goes first: this machine's speed drifts between minutes.
        for derive in (True, False) if run % 2 == 0 else (False, True):
            if derive:
                coordinates.append(timed_parse(text, args.count))
            else:
                with mock.patch.object(locations, "zone_for", by_state):
                    table.append(timed_parse(text, args.count))
    best, reference = min(coordinates), min(table)
    print("| rows | zone from coordinates (tzfpy) | zone from the state table | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    print(f"| {args.count:,} | {best:.2f} s | {reference:.2f} s | {best / reference:.2f} |")
    print(f"\none lookup: {lookup * 1e6:.2f} µs; first lookup (index build): {first:.2f} s")


if __name__ == "__main__":
    main()
