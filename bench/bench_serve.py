"""Dynamic serving: landing pages under gunicorn vs a hello-world route, measured with wrk."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from common import ROOT

LANDING = "/neuropathic-pain-treatment/florissant-mo/"


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer at {url}")


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)[1]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)[1]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non_2xx": int(errors[1]) if errors else 0,
            "socket_errors": socket[1] if socket else "none"}  # fmt: skip


def serve(app: str, port: int, env: dict, cwd: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", app]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/serve.sqlite",
               "SECRET_KEY": "bench", "SITE_URL": "http://127.0.0.1:8181"}  # fmt: skip
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seo", "init"],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
        results = {}
        for name, app, port, path, cwd in (
            ("landing page", "app:app", 8181, LANDING, ROOT),
            ("hello world", "hello_app:app", 8182, "/hello/", os.path.dirname(__file__)),
        ):
            server = serve(app, port, env, cwd)
            try:
                url = f"http://127.0.0.1:{port}{path}"
                wait_for(url)
                wrk(url, 3, args.connections)  # warm up
                results[name] = wrk(url, args.seconds, args.connections)
            finally:
                server.terminate()
                server.wait()
    ratio = results["landing page"]["rps"] / results["hello world"]["rps"]
    print("| route | requests/s | p50 | p99 | non-2xx | socket errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['non_2xx']} | "
              f"{r['socket_errors']} |")  # fmt: skip
    print(f"\nlanding page / hello world = {ratio:.0%}")


if __name__ == "__main__":
    main()
