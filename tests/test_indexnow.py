"""IndexNow: changed pages queued with the write, sent later to a local endpoint."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SITE_URL, _copy_demo, make_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from test_write_path import csv_of, edit_form, exported_row, location_id

from seo import create_app
from seo.config import ConfigError
from seo.core import indexnow as core
from seo.services import indexnow
from seo.store.db import get_engine
from seo.store.models import PageOverride, PageState, Service, indexnow_outbox, utcnow

KEY = "5e0c9a7b2f1d4c3e8a6b0d9f7e2c1a4b"
LANDING = "/neuropathic-pain-treatment/florissant-mo/"
ROOT = Path(__file__).resolve().parent.parent
# Written for these tests: a Florissant intro that passes the publishing gate.
NEW_INTRO = (
    "Since the spring our Florissant office also opens on the first Saturday of each month "
    "for injection follow-ups. Park in the covered spaces by the east door; the lift to the "
    "second floor is just inside. Nurse Dana Whitfield coordinates referrals from Christian "
    "Hospital Northeast, and the waiting room now has a quiet corner for patients who find "
    "bright light or noise hard to bear during a flare."
)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Requests to the local endpoint go straight to it, whatever proxy the shell names."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


class Endpoint:
    """A local IndexNow endpoint: records each request and answers from a script."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []  # (status, headers); then 200
        self.url = ""


@pytest.fixture
def endpoint():
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
            )
            status, headers = state.answers.pop(0) if state.answers else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/indexnow"
    yield state
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def app(request, database_url, endpoint):
    """The demo with IndexNow on, posting to the local endpoint."""
    _copy_demo(request, database_url)
    app = make_app(database_url, INDEXNOW_KEY=KEY, INDEXNOW_ENDPOINT=endpoint.url)
    yield app
    with app.app_context():
        get_engine().dispose()


def outbox(app) -> list[tuple[str, int, object]]:
    """(url, attempts, next attempt) of every queued row, in queue order."""
    columns = indexnow_outbox.c
    query = select(columns.url, columns.attempts, columns.next_attempt_at).order_by(columns.id)
    with app.app_context(), get_engine().connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def queued(app) -> list[str]:
    return [url for url, _attempts, _next in outbox(app)]


def states(app) -> dict[str, tuple[str, str]]:
    """path -> (fingerprint, sitemap group) of every page."""
    with app.app_context(), Session(get_engine()) as session:
        return {s.path: (s.fingerprint, s.sitemap) for s in session.scalars(select(PageState))}


def moved(before: dict, after: dict) -> set[str]:
    """Paths of pages added, removed or whose bytes changed."""
    paths = before.keys() | after.keys()
    return {p for p in paths if (before.get(p) or ("",))[0] != (after.get(p) or ("",))[0]}


def queue(app, paths) -> None:
    with app.app_context(), Session(get_engine()) as session:
        indexnow.queue(session, paths)
        session.commit()


def send(app, endpoint, **options) -> indexnow.SendReport:
    with app.app_context():
        return indexnow.send(get_engine(), key=KEY, endpoint=endpoint.url, **options)


def import_rows(runner, tmp_path, *rows) -> str:
    path = tmp_path / "rows.csv"
    path.write_text(csv_of(*rows), encoding="utf-8")
    result = runner.invoke(args=["seo", "import-locations", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


# --- queuing: page_state.save sees every change --------------------------------------


def test_an_admin_save_queues_the_pages_it_changed(app, client, staff, endpoint):
    before = states(app)
    row_id = location_id(app, "florissant-mo")
    data = edit_form(client, row_id, intro=NEW_INTRO)
    response = client.post(f"/admin/locations/{row_id}/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    changed = moved(before, states(app))
    assert LANDING in changed and "/locations/st-louis-mo/" not in changed
    assert sorted(queued(app)) == sorted(SITE_URL + path for path in changed)
    assert endpoint.requests == []  # a save only queues


def test_a_csv_import_queues_only_the_changed_pages(app, runner, tmp_path):
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": NEW_INTRO}
    before = states(app)
    assert "updated 1" in import_rows(runner, tmp_path, row)
    changed = moved(before, states(app))
    assert changed and len(changed) < len(before)
    assert sorted(queued(app)) == sorted(SITE_URL + path for path in changed)
    assert all(url.endswith("/florissant-mo/") for url in queued(app))


def test_an_unchanged_reimport_queues_nothing(app, runner, tmp_path):
    export = tmp_path / "all.csv"
    assert runner.invoke(args=["seo", "export-locations", str(export)]).exit_code == 0
    result = runner.invoke(args=["seo", "import-locations", str(export)])
    assert result.exit_code == 0 and "created 0, updated 0" in result.output
    assert queued(app) == []


def test_nothing_is_queued_without_a_key(app, runner, tmp_path):
    app.config["INDEXNOW_KEY"] = None
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": NEW_INTRO}
    before = states(app)
    import_rows(runner, tmp_path, row)
    assert moved(before, states(app))  # pages changed, but IndexNow is off
    assert queued(app) == []


def _override(app, **values) -> None:
    with app.app_context(), Session(get_engine()) as session:
        service = session.scalars(
            select(Service).where(Service.slug == "neuropathic-pain-treatment")
        )
        session.add(
            PageOverride(
                service_id=service.one().id, location_id=location_id(app, "florissant-mo"), **values
            )
        )
        session.commit()


def _refresh(app) -> None:
    from seo.services import page_state

    with app.app_context(), Session(get_engine()) as session:
        page_state.refresh(session)


def _clear(app) -> None:
    with app.app_context(), get_engine().begin() as connection:
        connection.execute(indexnow_outbox.delete())


def test_noindex_pages_are_sent_only_when_they_become_noindex_or_go(app, runner, tmp_path):
    _override(app, noindex=True)
    _refresh(app)
    # It changed: search engines may drop it. The override holds for its Spanish version too.
    assert queued(app) == [SITE_URL + LANDING, SITE_URL + "/es" + LANDING]

    _clear(app)
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": NEW_INTRO}
    before = states(app)
    import_rows(runner, tmp_path, row)
    assert LANDING in moved(before, states(app))
    assert SITE_URL + "/locations/florissant-mo/" in queued(app)
    assert SITE_URL + LANDING not in queued(app)  # still noindex: nothing to announce

    _clear(app)
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(PageOverride).values(excluded=True))
        session.commit()
    _refresh(app)
    assert SITE_URL + LANDING in queued(app)  # removed

    _clear(app)
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(PageOverride).values(excluded=False))
        session.commit()
    _refresh(app)
    assert LANDING in states(app)
    assert SITE_URL + "/locations/florissant-mo/" in queued(app)  # links to it again
    assert SITE_URL + LANDING not in queued(app)  # back, but noindex: nothing to announce


def test_retired_clinic_pages_are_queued_as_removed(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    token = staff.token(f"/admin/locations/{row_id}/retire")
    response = client.post(
        f"/admin/locations/{row_id}/retire", data={"redirect_to": "", "csrf_token": token}
    )
    assert response.status_code == 302
    assert SITE_URL + LANDING in queued(app)
    assert SITE_URL + "/locations/florissant-mo/" in queued(app)


def test_a_url_waiting_is_not_queued_twice(app):
    queue(app, ["/a/", "/b/", "/a/"])
    queue(app, ["/b/", "/c/"])
    assert queued(app) == [SITE_URL + p for p in ("/a/", "/b/", "/c/")]


# --- sending -------------------------------------------------------------------------


def test_the_command_posts_the_indexnow_body(app, runner, tmp_path, endpoint):
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": NEW_INTRO}
    import_rows(runner, tmp_path, row)
    waiting = queued(app)
    result = runner.invoke(args=["seo", "indexnow"])
    assert result.exit_code == 0, result.output
    assert f"sent {len(waiting)} URLs in 1 request, 0 to retry, 0 dropped" in result.output
    (request,) = endpoint.requests
    assert request["path"] == "/indexnow"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["body"] == {
        "host": "clinics.example",
        "key": KEY,
        "keyLocation": f"https://clinics.example/{KEY}.txt",
        "urlList": waiting,
    }
    assert queued(app) == []
    assert runner.invoke(args=["seo", "indexnow"]).exit_code == 0
    assert len(endpoint.requests) == 1  # nothing left to send


def test_requests_split_at_the_url_limit(app, runner, endpoint):
    paths = [f"/page-{n}/" for n in range(5)]
    queue(app, paths)
    app.config["INDEXNOW_URL_LIMIT"] = 2
    result = runner.invoke(args=["seo", "indexnow"])
    assert "sent 5 URLs in 3 requests" in result.output, result.output
    lists = [r["body"]["urlList"] for r in endpoint.requests]
    assert [len(urls) for urls in lists] == [2, 2, 1]
    assert sum(lists, []) == [SITE_URL + p for p in paths]


def test_notices_one_request_per_host_and_at_most_10000_urls():
    urls = [f"https://a.example/p{n}/" for n in range(10_001)] + ["https://b.example/x/"]
    found = core.notices(urls, KEY)
    assert [(n.host, len(n.urls)) for n in found] == [
        ("a.example", 10_000),
        ("a.example", 1),
        ("b.example", 1),
    ]
    assert core.URL_LIMIT == 10_000
    assert found[2].body == {
        "host": "b.example",
        "key": KEY,
        "keyLocation": f"https://b.example/{KEY}.txt",
        "urlList": ["https://b.example/x/"],
    }


@pytest.mark.parametrize("status", [503, 500, 429])
def test_a_busy_or_failing_endpoint_is_retried_with_backoff(app, endpoint, status):
    queue(app, [LANDING])
    start = utcnow() + timedelta(seconds=1)
    endpoint.answers = [(status, {}), (status, {})]
    report = send(app, endpoint, now=start)
    assert (report.sent, report.retrying, report.dropped) == (0, 1, 0)
    assert outbox(app) == [(SITE_URL + LANDING, 1, start + indexnow.BACKOFF)]

    send(app, endpoint, now=start + indexnow.BACKOFF - timedelta(seconds=1))
    assert len(endpoint.requests) == 1  # not due yet

    second = start + indexnow.BACKOFF
    send(app, endpoint, now=second)
    assert outbox(app) == [(SITE_URL + LANDING, 2, second + 2 * indexnow.BACKOFF)]

    report = send(app, endpoint, now=second + 2 * indexnow.BACKOFF)
    assert report.sent == 1 and len(endpoint.requests) == 3
    assert outbox(app) == []


def test_retry_after_is_honoured(app, endpoint):
    queue(app, [LANDING])
    start = utcnow() + timedelta(seconds=1)
    endpoint.answers = [(429, {"Retry-After": "7200"})]
    send(app, endpoint, now=start)
    assert outbox(app) == [(SITE_URL + LANDING, 1, start + timedelta(hours=2))]


def test_no_answer_at_all_is_retried(app, endpoint):
    queue(app, [LANDING])
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with app.app_context():
        report = indexnow.send(get_engine(), key=KEY, endpoint=f"http://127.0.0.1:{port}/")
    assert report.retrying == 1
    assert [(url, attempts) for url, attempts, _next in outbox(app)] == [(SITE_URL + LANDING, 1)]


@pytest.mark.parametrize("status", [400, 403, 422])
def test_a_refusal_drops_the_urls_with_a_log_line(app, endpoint, caplog, status):
    queue(app, [LANDING, "/locations/"])
    endpoint.answers = [(status, {})]
    with caplog.at_level(logging.WARNING, logger="seo.services.indexnow"):
        report = send(app, endpoint)
    assert (report.sent, report.retrying, report.dropped) == (0, 0, 2)
    assert outbox(app) == []
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"status {status}" in line and "dropped" in line


def test_urls_are_dropped_after_the_last_attempt(app, endpoint, caplog):
    queue(app, [LANDING])
    with app.app_context(), get_engine().begin() as connection:
        connection.execute(update(indexnow_outbox).values(attempts=indexnow.MAX_ATTEMPTS - 1))
    endpoint.answers = [(503, {})]
    with caplog.at_level(logging.WARNING, logger="seo.services.indexnow"):
        report = send(app, endpoint)
    assert report.dropped == 1 and outbox(app) == []
    assert "status 503" in caplog.text and f"dropped after {indexnow.MAX_ATTEMPTS}" in caplog.text


def test_dry_run_prints_what_is_due_and_sends_nothing(app, runner, endpoint):
    queue(app, ["/a/", "/b/", "/later/"])
    later = utcnow() + timedelta(hours=1)
    with app.app_context(), get_engine().begin() as connection:
        connection.execute(
            update(indexnow_outbox)
            .where(indexnow_outbox.c.url == SITE_URL + "/later/")
            .values(attempts=1, next_attempt_at=later)
        )
    before = outbox(app)
    result = runner.invoke(args=["seo", "indexnow", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [SITE_URL + "/a/", SITE_URL + "/b/"]
    assert endpoint.requests == []
    assert outbox(app) == before


def test_the_command_says_when_indexnow_is_off(app, runner, endpoint):
    queue(app, ["/a/"])
    app.config["INDEXNOW_KEY"] = None
    result = runner.invoke(args=["seo", "indexnow"])
    assert result.exit_code == 0 and "INDEXNOW_KEY is not set" in result.output
    assert endpoint.requests == []


# --- the key file and the key ----------------------------------------------------------


def test_the_key_file_is_served_and_built(app, client, runner, tmp_path):
    served = client.get(f"/{KEY}.txt")
    assert served.status_code == 200
    assert served.mimetype == "text/plain" and served.get_data() == KEY.encode()
    assert client.get("/0123456789abcdef.txt").status_code == 404
    assert client.get(f"/{KEY.upper()}.txt").status_code == 404
    assert client.get("/robots.txt").status_code == 200

    result = runner.invoke(args=["seo", "build", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / f"{KEY}.txt").read_bytes() == served.get_data()

    app.config["INDEXNOW_KEY"] = None
    assert client.get(f"/{KEY}.txt").status_code == 404
    runner.invoke(args=["seo", "build", str(tmp_path / "site")])
    assert sorted(p.name for p in (tmp_path / "site").glob("*.txt")) == ["robots.txt"]


BAD_KEYS = ["abc1234", "g" * 8, "a" * 129, "abcd efgh", "0123-4567-89ab", "0123456789abcdef\n"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_bad_key_is_refused_at_start(tmp_path, key):
    with pytest.raises(ConfigError, match="INDEXNOW_KEY .* is not 8 to 128 hexadecimal"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "INDEXNOW_KEY": key})


@pytest.mark.parametrize("key", ["a" * 8, "F" * 128, KEY, None, ""])
def test_good_keys_and_no_key_start(tmp_path, key):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "INDEXNOW_KEY": key})
    assert app.config["INDEXNOW_ENDPOINT"] == "https://api.indexnow.org/indexnow"


def test_a_bad_endpoint_is_refused_at_start(tmp_path):
    with pytest.raises(ConfigError, match="INDEXNOW_ENDPOINT"):
        create_app({"INDEXNOW_KEY": KEY, "INDEXNOW_ENDPOINT": "file:///etc/passwd"})


def test_the_command_line_refuses_a_bad_key_with_its_message(tmp_path):
    env = {**os.environ, "INDEXNOW_KEY": "not-a-key", "DATABASE_URL": f"sqlite:///{tmp_path}/x"}
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run(
        [str(flask), "--app", "app", "seo", "indexnow", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()  # the one problem, no traceback
    assert line.startswith('error: INDEXNOW_KEY "not-a-key" (9 characters) is not 8 to 128 hex')
