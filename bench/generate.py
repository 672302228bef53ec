"""Generate a synthetic locations.csv of any size for benchmarks (deterministic)."""

from __future__ import annotations

import argparse
import csv
import functools
import random
import sys

import zipcodes

from seo.core.locations import COLUMNS

STATES = [
    ("MO", 38.6, -90.2, "314"), ("IL", 39.8, -89.6, "217"), ("KS", 38.9, -94.7, "913"),
    ("IN", 39.8, -86.2, "317"), ("KY", 38.2, -85.8, "502"), ("TX", 30.3, -97.7, "512"),
    ("OH", 39.96, -83.0, "614"), ("TN", 36.2, -86.8, "615"), ("GA", 33.7, -84.4, "404"),
    ("CO", 39.7, -105.0, "303"), ("AZ", 33.4, -112.1, "602"), ("WA", 47.6, -122.3, "206"),
]  # fmt: skip
TOWNS = "Riverside Fairview Oakdale Maplewood Springdale Lakeview Georgetown Clinton".split()
WORDS = (
    "parking elevator entrance bus route highway exit pharmacy library park river bridge "
    "school hospital plaza market museum stadium courthouse station garden trail clinic "
    "team therapist nurse physician spanish vietnamese bosnian russian korean evening "
    "saturday morning wheelchair ramp lot garage suite floor corner avenue boulevard "
    "downtown uptown north south east west old new historic quiet busy shaded covered"
).split()


@functools.cache
def state_zips(state: str) -> list[str]:
    """The state's street-delivery ZIP codes: a generated row's ZIP lies in its state."""
    found = zipcodes.filter_by(state=state, zip_code_type="STANDARD")
    return sorted(z["zip_code"] for z in found)


def rows(count: int, seed: int = 7):
    rng = random.Random(seed)
    for n in range(count):
        state, lat, lon, area = STATES[n % len(STATES)]
        zips = state_zips(state)
        town = f"{TOWNS[(n // len(STATES)) % len(TOWNS)]} {n}"
        intro = " ".join(rng.choice(WORDS) for _ in range(70)).capitalize() + "."
        yield {
            "slug": f"clinic-{n}-{state.lower()}",
            "name": f"Gateway Pain Relief {town}",
            "street_address": f"{100 + n % 9000} Main St, Suite {n % 500}",
            "city": town,
            "state": state,
            "postal_code": zips[(n // len(STATES)) % len(zips)],
            "phone": f"({area}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
            "latitude": f"{lat + rng.uniform(-3, 3):.4f}",
            "longitude": f"{lon + rng.uniform(-3, 3):.4f}",
            "opening_hours": "Mo-Fr 08:00-17:00; Sa 09:00-12:00",
            "special_hours": "2026-12-24 08:00-12:00; 2026-12-25 closed",
            "services": "",
            "intro": intro,
            "status": "published",
            "redirect_to": "",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out")
    args = parser.parse_args()
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(args.count))
    print(f"wrote {args.count} locations to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
