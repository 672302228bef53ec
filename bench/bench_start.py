"""Start-up: `flask --app app seo build --help` against `python -c pass` and Flask's own
command line module, in one run.

Each command runs N times, alternating, in a fresh process; the table gives the median and
the fastest wall time of each. --reference DIR also times the same command in another
checkout (e.g. the previous version) in the same run; --reference-python runs it with
another interpreter (a virtualenv with that version's requirements: Flask's command line
loads every installed package's commands, so the packages installed count too)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import flask.cli' (the floor of any flask command)": [
        sys.executable, "-c", "import flask.cli"],
    "flask --app app seo build --help": [sys.executable, "-m", "flask", "--app", "app", "seo",
                                         "build", "--help"],
    "python -c 'import app' (every module a worker loads)": [
        sys.executable, "-c", "import app; app.app.load_views()"],
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reference", help="another checkout to time `seo build --help` in")
    parser.add_argument("--reference-python", default=sys.executable,
                        help="the interpreter of the reference (default: this one)")  # fmt: skip
    args = parser.parse_args()
    runs = [(name, command, ROOT) for name, command in COMMANDS.items()]
    if args.reference:
        help_command = [args.reference_python, *COMMANDS["flask --app app seo build --help"][1:]]
        runs.append((f"the same in {args.reference}", help_command, args.reference))
    times: dict[str, list[float]] = {name: [] for name, _command, _cwd in runs}
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/start.sqlite",
               "SECRET_KEY": "bench"}  # fmt: skip
        for _ in range(args.runs):
            for name, command, cwd in runs:
                started = time.perf_counter()
                subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
                times[name].append(time.perf_counter() - started)
    print("| command | median | fastest |")
    print("| --- | ---: | ---: |")
    for name, values in times.items():
        print(f"| `{name}` | {statistics.median(values):.3f} s | {min(values):.3f} s |")


if __name__ == "__main__":
    main()
