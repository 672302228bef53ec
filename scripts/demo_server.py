"""Serve the demo site on a free local port for tools (Lighthouse, screenshots).

A fresh SQLite database in a temporary folder, `seo init`, then gunicorn with
SITE_URL set to the served origin, so canonical URLs match what the browser loads."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(staff: tuple[str, str] | None = None) -> Iterator[str]:
    """Yield the origin of a running demo server; stop it afterwards. `staff` (email,
    password) adds an admin account to sign in with."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "SITE_URL": origin,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite",
            "SECRET_KEY": "demo-only",
            "MEDIA_DIR": f"{folder}/media",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
        }
        flask = [str(BIN / "flask"), "--app", "app", "seo", "init"]
        subprocess.run(flask, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        if staff:
            user = [*flask[:-1], "create-user", staff[0], "--role", "admin"]
            subprocess.run(
                user,
                cwd=ROOT,
                env={**env, "SEO_PASSWORD": staff[1]},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(origin + "/robots.txt", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"the demo server did not answer at {origin}")
            yield origin
        finally:
            server.terminate()
            server.wait(timeout=10)
