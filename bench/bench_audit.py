"""Audit of N landing pages: `seo audit` on a throwaway SQLite database, timed in its own process.

.venv/bin/python bench/bench_audit.py --landing-pages 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from seo import create_app  # noqa: E402
from seo.services import articles  # noqa: E402
from seo.services import quality as auditing  # noqa: E402
from seo.services import rendering as site  # noqa: E402
from seo.store import migrate, models  # noqa: E402
from seo.store.db import get_engine  # noqa: E402

STATES = [("MO", 38.6, -90.2, "314"), ("IL", 39.8, -89.6, "217"), ("KS", 38.9, -94.7, "913"),
          ("IN", 39.8, -86.2, "317"), ("KY", 38.2, -85.8, "502"), ("TX", 30.3, -97.7, "512"),
          ("OH", 39.96, -83.0, "614"), ("TN", 36.2, -86.8, "615")]  # fmt: skip
WORDS = (
    "parking elevator entrance bus route highway exit pharmacy library park river bridge "
    "school hospital plaza market museum stadium courthouse station garden trail clinic "
    "team therapist nurse physician spanish vietnamese bosnian russian korean evening "
    "saturday morning wheelchair ramp lot garage suite floor corner avenue boulevard "
    "downtown uptown north south east west old new historic quiet busy shaded covered"
).split()


def location_rows(count: int, seed: int = 11) -> list[dict]:
    """Published locations offering every service, each with its own 70-word intro."""
    rng = random.Random(seed)
    now = models.utcnow()
    rows = []
    for n in range(count):
        state, lat, lon, area = STATES[n % len(STATES)]
        town = f"Town {n}"
        rows.append(
            {
                "slug": f"town-{n}-{state.lower()}",
                "name": f"Gateway Pain Relief {town}",
                "street_address": f"{100 + n} Main St, Suite {n % 400}",
                "city": town,
                "state": state,
                "postal_code": f"{10000 + n % 89999:05d}",
                "phone": f"+1{area}555{n % 10000:04d}",
                "latitude": round(lat + rng.uniform(-3, 3), 4),
                "longitude": round(lon + rng.uniform(-3, 3), 4),
                "opening_hours": "Mo-Fr 08:00-17:00; Sa 09:00-12:00",
                "special_hours": "",
                "services": "",
                "intro": " ".join(rng.choice(WORDS) for _ in range(70)).capitalize() + ".",
                "status": "published",
                "redirect_to": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def prepare(url: str, landing_pages: int) -> None:
    """Schema, the demo services, the locations and their page state, in set-based inserts."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        migrate.upgrade(get_engine())
        with Session(get_engine()) as session:
            services = articles.load_services(session, Path(app.config["CONTENT_DIR"]))
            session.execute(insert(models.Location), location_rows(landing_pages // services))
            session.commit()
            now = models.utcnow()
            specs = site.Catalog(session).page_specs()
            session.execute(
                insert(models.PageState),
                [
                    {
                        "path": auditing.spec_path(spec),
                        "sitemap": spec[1] if spec[0] in ("service", "landing") else "locations",
                        "fingerprint": "0" * 32,
                        "changed_at": now,
                    }
                    for spec in specs
                ],
            )
            session.commit()
        get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing-pages", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        started = time.perf_counter()
        prepare(url, args.landing_pages)
        print(f"prepared {args.landing_pages:,} landing pages in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
        command = [sys.executable, "-m", "flask", "--app", "app", "seo", "audit", "--format",
                   "json"]  # fmt: skip
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"seo audit failed:\n{result.stderr}")
    summary = json.loads(result.stdout)["summary"]
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    print(
        f"landing pages {args.landing_pages:,}; pages audited {summary['pages']:,}; "
        f"seconds {seconds:.1f}; peak memory {peak_kb / 1024:.0f} MB; "
        f"findings {summary['error']} errors, {summary['warning']} warnings "
        f"{json.dumps(summary['rules'])}"
    )


if __name__ == "__main__":
    main()
