"""Request limits shared by every worker and instance, and client addresses behind proxies."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import STAFF_EMAIL, StaffAuth, add_user, csrf_token, make_app
from sqlalchemy import func, select

from seo.store import migrate
from seo.store.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


# --- across processes: gunicorn with three workers, as in production ---------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Visitor:
    """One browser: a cookie jar, the CSRF token of its session, and status codes."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = csrf_token(self.get("/admin/login")[1])

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, **fields) -> int:
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def gunicorn(tmp_path):
    """Start `gunicorn -c gunicorn.conf.py app:app` with three workers on a SQLite file."""
    servers = []

    def start(**environ) -> str:
        port = free_port()
        database = f"sqlite:///{tmp_path / 'limits.sqlite'}"
        app = make_app(database)
        with app.app_context():
            migrate.upgrade(get_engine())
            get_engine().dispose()
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env |= {
            "DATABASE_URL": database,
            "SECRET_KEY": "test-secret",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "3",
            **environ,
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"]
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[1].decode()[-3000:]
            try:
                with urllib.request.urlopen(base + "/robots.txt", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
                time.sleep(0.1)
        workers = 0
        while workers < 3 and time.monotonic() < deadline:  # every worker booted
            workers = len(worker_pids(server.pid))
            time.sleep(0.1)
        assert workers == 3
        return base

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def first_refusal(codes: list[int]) -> int:
    """The 1-based number of the first 429, or 0 when nothing was refused."""
    return codes.index(429) + 1 if 429 in codes else 0


def assert_limits_hold_across_workers(base: str) -> None:
    visitor = Visitor(base)
    logins = [
        visitor.post("/admin/login", email=STAFF_EMAIL, password=f"wrong {i}") for i in range(8)
    ]
    assert 0 < first_refusal(logins) <= 6, logins
    assert set(logins[: first_refusal(logins) - 1]) == {401}, logins
    # The appointment limit (5 an hour) counts every post, even one for an unknown page.
    requests = [visitor.post("/appointments/new/", page="/no-such-page/") for _ in range(8)]
    assert 0 < first_refusal(requests) <= 6, requests
    assert set(requests[: first_refusal(requests) - 1]) == {404}, requests


def test_limits_hold_across_gunicorn_workers_in_the_database(gunicorn):
    assert_limits_hold_across_workers(gunicorn())


def test_limits_hold_across_gunicorn_workers_in_redis(gunicorn):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not reachable at 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        assert_limits_hold_across_workers(gunicorn(REDIS_URL=REDIS_URL, RATE_LIMIT_PREFIX=prefix))
        assert redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*"), "the counters are in Redis"
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


# --- behind proxies: whose address is counted ----------------------------------------


@pytest.fixture
def migrated_app(database_url):
    """Make apps on one schema-only database (sign-in needs no content); dispose them after."""
    apps = []

    def make(**config):
        app = make_app(database_url, **config)
        with app.app_context():
            migrate.upgrade(get_engine())
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            get_engine().dispose()


def login_from(client, forwarded_for: str) -> int:
    """A wrong sign-in as it reaches the app through a proxy that sets X-Forwarded-For."""
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    data = {"email": STAFF_EMAIL, "password": "wrong", "csrf_token": token}
    return client.post(
        "/admin/login", data=data, headers={"X-Forwarded-For": forwarded_for}
    ).status_code


@sqlite_only
def test_one_trusted_proxy_throttles_each_visitor_separately(migrated_app):
    app = migrated_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    first = [login_from(client, "203.0.113.7") for _ in range(6)]
    assert first == [401] * 5 + [429]
    assert login_from(client, "198.51.100.20") == 401  # another visitor, same proxy address
    assert login_from(client, "203.0.113.7") == 429


@sqlite_only
def test_one_trusted_proxy_counts_the_address_it_saw_not_one_a_client_wrote(migrated_app):
    """nginx appends the peer address: the client's own entries before it are not believed."""
    app = migrated_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    codes = [login_from(client, f"10.0.0.{i}, 203.0.113.7") for i in range(6)]
    assert codes == [401] * 5 + [429]


@sqlite_only
def test_without_trusted_proxies_the_header_is_ignored(migrated_app):
    app = migrated_app()
    assert app.config["TRUSTED_PROXIES"] == 0
    client = app.test_client()
    codes = [login_from(client, f"203.0.113.{i}") for i in range(6)]
    assert codes == [401] * 5 + [429]


@sqlite_only
def test_one_trusted_proxy_passes_on_scheme_and_host(migrated_app):
    app = migrated_app(TRUSTED_PROXIES=1)
    seen = {}

    @app.get("/_probe/")
    def probe():
        from flask import request

        seen.update(scheme=request.scheme, host=request.host, address=request.remote_addr)
        return ""

    headers = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "clinics.example",
    }
    assert app.test_client().get("/_probe/", headers=headers).status_code == 200
    assert seen == {"scheme": "https", "host": "clinics.example", "address": "203.0.113.7"}


# --- the database counters ------------------------------------------------------------


@pytest.fixture
def counters(app):
    """The app's database counters (no REDIS_URL), used inside an app context."""
    from seo.store.counters import DatabaseCounters

    with app.app_context():
        yield DatabaseCounters(get_engine())


def test_counter_counts_within_a_window_and_restarts_after_it(counters, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert [counters.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    counters.give_back("k")
    assert counters.hit("k", 60) == 3
    assert counters.hit("other", 60) == 1
    now[0] += 59
    assert counters.hit("k", 60) == 4  # the window runs from the first hit, not the last
    now[0] += 1
    assert counters.hit("k", 60) == 1
    counters.give_back("k")
    counters.give_back("k")
    assert counters.hit("k", 60) == 1  # never below zero


def test_expired_counters_are_removed(app, counters, monkeypatch):
    from seo.store.models import rate_limits

    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for address in ("a", "b", "c"):
        counters.hit(address, 60)
    now[0] += 61
    counters.hit("d", 60)
    with get_engine().connect() as connection:
        assert connection.scalar(select(func.count()).select_from(rate_limits)) == 1


def test_concurrent_increments_lose_no_hit(counters):
    """Each hit is one atomic upsert: parallel hits get distinct counts, none is lost."""
    seen: list[int] = []
    barrier = threading.Barrier(8)

    def hit() -> None:
        barrier.wait()
        for _ in range(10):
            seen.append(counters.hit("shared", 60))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 81))
    assert counters.hit("shared", 60) == 81


def test_redis_counters_expire_with_their_window():
    redis = pytest.importorskip("redis")
    from seo.store.counters import RedisCounters

    prefix = f"test-{uuid.uuid4().hex}"
    counters = RedisCounters(REDIS_URL, prefix)
    try:
        assert [counters.hit("k", 60) for _ in range(3)] == [1, 2, 3]
        counters.give_back("k")
        assert counters.hit("k", 60) == 3 and counters.hit("other", 60) == 1
        ttl = redis.Redis.from_url(REDIS_URL).ttl(f"{prefix}:limits:k")
        assert 0 < ttl <= 60  # set by the first hit, not moved by the later ones
        counters.give_back("gone")  # a window that ended is not started again
        assert not redis.Redis.from_url(REDIS_URL).exists(f"{prefix}:limits:gone")
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


# --- settings and answers -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, count, seconds",
    [
        ("5 per minute", 5, 60),
        ("30 per 10 minutes", 30, 600),
        ("5/hour", 5, 3600),
        (" 2 PER DAY ", 2, 86400),
        ("1 per 1 second", 1, 1),
    ],
)
def test_limits_read_as_people_write_them(text, count, seconds):
    from seo.core import rates

    assert rates.parse(text) == rates.Rate(count, seconds)


@pytest.mark.parametrize("text", ["", "5", "five per minute", "5 per fortnight", "0 per minute",
                                  "5 per 0 minutes", "5 per minute; 100 per day"])  # fmt: skip
def test_a_limit_that_does_not_read_is_refused_at_start(text, tmp_path):
    from seo.config import ConfigError

    with pytest.raises(ConfigError, match="LOGIN_RATE_LIMIT"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", LOGIN_RATE_LIMIT=text)


@sqlite_only
def test_a_visitor_over_the_search_limit_gets_a_page_in_their_language(migrated_app):
    """Not the staff sign-in page: a visitor's page, noindex, in the language searched in."""
    app = migrated_app(LOCATOR_RATE_LIMIT="1 per minute")
    client = app.test_client()
    client.get("/es/locations/?q=63031")
    refused = client.get("/es/locations/?q=63031")
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "Hemos recibido muchas búsquedas" in body and 'lang="es"' in body
    assert '<meta name="robots" content="noindex">' in body
    assert "sign-in" not in body and "/admin/login" not in body
    assert client.get("/locations/?q=63031").status_code == 200  # each route counts its own
    english = client.get("/locations/?q=63031")
    assert english.status_code == 429
    assert "We have received many searches" in english.get_data(as_text=True)


@sqlite_only
def test_only_failed_sign_ins_count_towards_the_limit(migrated_app):
    app = migrated_app(LOGIN_RATE_LIMIT="2 per minute")
    add_user(app)
    for _ in range(3):  # each from a new browser, all from one address
        assert StaffAuth(app.test_client()).login().status_code == 302
    auth = StaffAuth(app.test_client())
    codes = [auth.login(password=f"wrong {i}").status_code for i in range(3)]
    assert codes == [401, 401, 429]


def test_account_lockout_still_applies_with_shared_counters(migrated_app):
    app = migrated_app(LOGIN_RATE_LIMIT="1000 per minute")
    add_user(app)
    auth = StaffAuth(app.test_client())
    for i in range(10):
        assert auth.login(password=f"wrong {i}").status_code == 401
    assert auth.login().status_code == 401  # locked even with the right password


def test_a_redis_outage_lets_requests_through(migrated_app, caplog):
    """Nothing listens on the port: sign-in still answers, and the failure is logged."""
    app = migrated_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    add_user(app)
    auth = StaffAuth(app.test_client())
    assert auth.login(password="wrong").status_code == 401
    assert auth.login().status_code == 302
    assert "Failed to rate limit" in caplog.text
