"""Load: the production server (gunicorn, 2 workers) under 64 connections across landing pages."""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8191
SERVICES = ("neuropathic-pain-treatment", "ketamine-infusion-therapy")

# wrk walks the list round-robin; one request per call keeps every connection busy.
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def landing_paths() -> list[str]:
    """Every demo landing page (each service at each published demo location offering it)."""
    with open(ROOT / "locations.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["status"] == "published"]
    return [
        f"/{service}/{row['slug']}/"
        for service in SERVICES
        for row in rows
        if not row["services"] or service in row["services"].split(";")
    ]


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer at {url}")


def start_server(folder: str, port: int, max_requests: int | None) -> tuple[subprocess.Popen, dict]:
    """Initialise a demo SQLite database and start gunicorn with gunicorn.conf.py, 2 workers."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/load.sqlite", "SECRET_KEY": "bench",
           "SITE_URL": f"http://127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "BIND": f"127.0.0.1:{port}"}  # fmt: skip
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seo", "init"],
                   cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    if max_requests is not None:
        command += ["--max-requests", str(max_requests)]
    server = subprocess.Popen([*command, "app:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return server, env


def wrk(base: str, paths: list[str], seconds: int, connections: int, folder: str) -> dict:
    """Run wrk over the paths and parse throughput, latency and errors from its report."""
    script = Path(folder) / "paths.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
         "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": re.search(r"50%\s+([\d.]+\w+)", out)[1],
        "p99": re.search(r"99%\s+([\d.]+\w+)", out)[1],
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "raw": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    paths = landing_paths()
    base = f"http://127.0.0.1:{PORT}"
    with tempfile.TemporaryDirectory() as folder:
        server, _ = start_server(folder, PORT, None)
        try:
            wait_for(base + paths[0])
            wrk(base, paths, 3, args.connections, folder)  # warm up every page
            result = wrk(base, paths, args.seconds, args.connections, folder)
        finally:
            server.terminate()
            server.wait()
    print(result["raw"])
    print("| pages | connections | seconds | requests | requests/s | p50 | p99 | non-2xx | "
          "socket errors |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {len(paths)} | {args.connections} | {args.seconds} | {result['requests']} | "
          f"{result['rps']:.0f} | {result['p50']} | {result['p99']} | {result['non_2xx']} | "
          f"{result['socket_errors']} |")  # fmt: skip


if __name__ == "__main__":
    main()
