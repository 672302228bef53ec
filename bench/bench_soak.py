"""Soak: wrk against the landing pages for 10 minutes while sampling the workers' RSS."""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench_load import landing_paths, start_server, wait_for, wrk

PORT = 8192


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: children of the master process, read from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--max-requests", type=int, default=0,
                        help="gunicorn worker recycling; 0 (off) so a leak would show")  # fmt: skip
    args = parser.parse_args()
    paths = landing_paths()
    base = f"http://127.0.0.1:{PORT}"
    samples: list[tuple[float, dict[int, float]]] = []
    with tempfile.TemporaryDirectory() as folder:
        server, _ = start_server(folder, PORT, args.max_requests)
        try:
            wait_for(base + paths[0])
            wrk(base, paths, 5, args.connections, folder)  # warm up: start RSS after first renders
            result: dict = {}
            load = threading.Thread(
                target=lambda: result.update(
                    wrk(base, paths, args.seconds, args.connections, folder)
                )
            )
            start = time.monotonic()
            load.start()
            while load.is_alive():
                pids = worker_pids(server.pid)
                samples.append((time.monotonic() - start, {p: rss_mb(p) for p in pids}))
                print(
                    f"{samples[-1][0]:6.0f} s  "
                    + "  ".join(f"{pid}: {mb:.1f} MB" for pid, mb in samples[-1][1].items()),
                    flush=True,
                )
                load.join(args.interval)
        finally:
            server.terminate()
            server.wait()
    totals = [sum(s.values()) for _, s in samples]
    workers = sorted({pid for _, s in samples for pid in s})
    print(result["raw"])
    print(f"workers seen: {len(workers)} (recycling {'off' if not args.max_requests else 'on'})")
    print("| seconds | requests | requests/s | p99 | non-2xx | socket errors | "
          "RSS start (2 workers) | RSS end | RSS max |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {args.seconds} | {result['requests']} | {result['rps']:.0f} | {result['p99']} | "
          f"{result['non_2xx']} | {result['socket_errors']} | {totals[0]:.1f} MB | "
          f"{totals[-1]:.1f} MB | {max(totals):.1f} MB |")  # fmt: skip
    for pid in workers:
        series = [s[pid] for _, s in samples if pid in s]
        print(f"worker {pid}: start {series[0]:.1f} MB, end {series[-1]:.1f} MB, "
              f"max {max(series):.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
