"""Peak memory of reading a hostile locations file: one row whose intro is one huge cell.

    cd bench && ../.venv/bin/python bench_hostile_upload.py --mb 50 10
    cd bench && ../.venv/bin/python bench_hostile_upload.py --mb 50 --code /tmp/older-checkout

Each size is measured in a fresh process that does what `seo import-locations` does before it
touches the database: read the bytes, `decode_csv`, `parse_locations`. The peak resident size
(ru_maxrss) includes the interpreter and the imports, reported alone as "baseline". Then the
command itself runs on the file, against a SQLite database made by `seo init`, and its own
peak is reported. `--code` points at another checkout's root to measure its code instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "slug,name,street_address,city,state,postal_code,phone,intro\r\n"
ROW = "huge-mo,Huge Clinic,1 Main St,Florissant,MO,63031,314-555-0101,"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from seo.core import locations
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = ""
try:
    text = locations.decode_csv(Path(sys.argv[1]).read_bytes())
    parsed = locations.parse_locations(text)
    outcome = str(parsed.errors[0]) if parsed.errors else f"{len(parsed.rows)} rows"
except ValueError as exc:
    outcome = str(exc)
print(json.dumps({
    "baseline_mb": baseline / 1024,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "seconds": time.perf_counter() - started,
    "outcome": outcome[:110],
}))
"""


def write_file(path: Path, megabytes: float) -> int:
    size = int(megabytes * 1024 * 1024)
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(HEADER + ROW)
        chunk = "x" * (1024 * 1024)
        left = size - len(HEADER) - len(ROW) - 2
        while left > 0:
            out.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        out.write("\r\n")
    return path.stat().st_size


def measure(code: Path, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


# Runs one command and prints its peak resident size: the children's peak is that command's.
PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(peak, done.returncode, (done.stderr.strip().splitlines() or [""])[-1][-110:], sep="\\t")
"""


def measure_command(code: Path, path: Path, tmp: str) -> tuple[float, str]:
    """Peak of `flask seo import-locations FILE` on a database `seo init` has filled."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench"}
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app", "seo"]
    if not Path(tmp, "bench.sqlite").exists():
        subprocess.run([*flask, "init"], cwd=code, env=env, capture_output=True, check=True)
    result = subprocess.run(
        [sys.executable, "-c", PEAK, *flask, "import-locations", str(path)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    peak, status, last = result.stdout.rstrip("\n").split("\t")
    return float(peak), f"exit {status}: {last}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, nargs="+", default=[50.0, 10.0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose seo/ to measure")
    args = parser.parse_args()
    print(f"code: {args.code}")
    print("| file | baseline | peak | seconds | command peak | outcome |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in args.mb:
            path = Path(tmp) / "hostile.csv"
            size = write_file(path, megabytes)
            m = measure(args.code, path)
            command_peak, _ = measure_command(args.code, path, tmp)
            print(
                f"| {size / 1024 / 1024:.0f} MiB | {m['baseline_mb']:.0f} MB "
                f"| {m['peak_mb']:.0f} MB | {m['seconds']:.2f} | {command_peak:.0f} MB "
                f"| {m['outcome']} |"
            )
            path.unlink()


if __name__ == "__main__":
    main()
