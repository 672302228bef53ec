"""Dynamic serving: landing pages under gunicorn vs a hello-world route, measured with wrk.

wrk asks for the demo's landing pages in turn (round robin over every one the sitemap
lists), against a hello-world Flask route served the same way in the same run. With
--nginx, the same landing pages from the static build (`seo build`) served by nginx with 2
workers, as docs/DEPLOY.md sets it up, and nginx's own static file (site.css)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT

from seo.core import urls

# wrk's Lua hook: each request takes the next path of the list.
ROUND_ROBIN = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer at {url}")


def landing_paths(origin: str) -> list[str]:
    """Every landing page the sitemaps list."""
    index = urllib.request.urlopen(origin + "/sitemap.xml").read().decode()
    found = []
    for sitemap in re.findall(r"<loc>([^<]+)</loc>", index):
        text = urllib.request.urlopen(sitemap).read().decode()
        for url in re.findall(r"<loc>([^<]+)</loc>", text):
            path = url.removeprefix(origin)
            ref = urls.parse(path)
            if ref is not None and ref.kind == "landing":
                found.append(path)
    return found


def wrk(url: str, seconds: int, connections: int, paths: list[str] | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if paths:
            script.write(ROUND_ROBIN % ", ".join(f'"{p}"' for p in paths))
            script.flush()
            command[1:1] = ["-s", script.name]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)[1]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)[1]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non_2xx": int(errors[1]) if errors else 0,
            "socket_errors": socket[1] if socket else "none"}  # fmt: skip


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


NGINX = """
worker_processes 2;
pid %(folder)s/nginx.pid;
error_log %(folder)s/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    include /etc/nginx/mime.types;
    server {
        listen 127.0.0.1:%(port)d;
        root %(build)s;
        location ~ /\\. { deny all; }
        location / { try_files $uri $uri/index.html =404; }
        add_header X-Content-Type-Options nosniff;
    }
}
"""


def serve_nginx(folder: str, build: str, port: int) -> subprocess.Popen:
    os.chmod(folder, 0o755)  # nginx's workers drop root: they must reach the build
    conf = os.path.join(folder, "nginx.conf")
    Path(conf).write_text(NGINX % {"folder": folder, "build": build, "port": port})
    return subprocess.Popen(["nginx", "-c", conf, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def serve(app: str, port: int, env: dict, cwd: str) -> subprocess.Popen:
    # Both with the project's settings (worker recycling, views set up before the first
    # request), two sync workers each.
    config = str(ROOT / "gunicorn.conf.py")
    command = [sys.executable, "-m", "gunicorn", "-c", config, "-w", "2", "-b",
               f"127.0.0.1:{port}", app]  # fmt: skip
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--nginx", action="store_true", help="Also measure nginx (static build).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/serve.sqlite",
               "SECRET_KEY": "bench", "SITE_URL": "http://127.0.0.1:8181"}  # fmt: skip
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seo", "init"],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
        results: dict[str, dict] = {}
        paths: list[str] = []
        for name, app, port, path, cwd in (
            ("landing pages", "app:app", 8181, "/", ROOT),
            ("hello world", "hello_app:app", 8182, "/hello/", os.path.dirname(__file__)),
        ):
            server = serve(app, port, env, cwd)
            try:
                origin = f"http://127.0.0.1:{port}"
                wait_for(origin + path)
                mine = landing_paths(origin) if app == "app:app" else None
                if mine:
                    paths = mine
                    name = f"{name} ({len(paths)}, round robin)"
                wrk(origin + path, 3, args.connections, mine)  # warm up
                results[name] = wrk(origin + path, args.seconds, args.connections, mine)
            finally:
                server.terminate()
                server.wait()
        if args.nginx:
            build = os.path.join(folder, "site")
            subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seo", "build", build],
                           cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
            server = serve_nginx(folder, build, 8183)
            try:
                origin = "http://127.0.0.1:8183"
                wait_for(origin + "/")
                for name, path, rotation in (
                    (f"nginx, static build ({len(paths)}, round robin)", "/", paths),
                    ("nginx, static file (site.css)", "/static/site.css", None),
                ):
                    wrk(origin + path, 3, args.connections, rotation)
                    results[name] = wrk(origin + path, args.seconds, args.connections, rotation)
            finally:
                server.terminate()
                server.wait()
    landing, hello = list(results.values())[:2]
    ratio = landing["rps"] / hello["rps"]
    p99 = to_ms(landing["p99"]) / to_ms(hello["p99"])
    print("| route | requests/s | p50 | p99 | non-2xx | socket errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['non_2xx']} | "
              f"{r['socket_errors']} |")  # fmt: skip
    print(f"\nlanding pages / hello world: {ratio:.0%} of the requests/s, p99 {p99:.2f}x")


if __name__ == "__main__":
    main()
