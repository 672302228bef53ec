"""Rendered pages are served from a cache keyed by content fingerprint, never stale."""

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from seo.services import lookup, page_state
from seo.store.db import get_engine
from seo.store.models import Location
from seo.web.cache import PageCache
from tests.conftest import make_app

LANDING = "/neuropathic-pain-treatment/florissant-mo/"


def no_rendering(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("the page was composed again")

    monkeypatch.setattr(lookup, "resolve", fail)


def test_second_request_comes_from_the_cache(client, monkeypatch):
    first = client.get(LANDING)
    no_rendering(monkeypatch)
    second = client.get(LANDING)
    assert second.status_code == 200
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_matching_etag_answers_304_without_rendering(client, monkeypatch):
    etag = client.get(LANDING).headers["ETag"]
    no_rendering(monkeypatch)
    assert client.get(LANDING, headers={"If-None-Match": etag}).status_code == 304


def test_a_data_change_is_never_served_stale(app, client):
    client.get(LANDING)
    with app.app_context(), Session(get_engine()) as session:
        session.execute(
            update(Location)
            .where(Location.slug == "florissant-mo")
            .values(intro="Freshly rewritten introduction.")
        )
        session.commit()
        with app.test_request_context():
            page_state.refresh(session)
    assert b"Freshly rewritten introduction." in client.get(LANDING).data


def test_lru_drops_oldest_beyond_its_size():
    cache = PageCache(max_bytes=10)
    cache.set("a", b"12345")
    cache.set("b", b"12345")
    cache.get("a")
    cache.set("c", b"12345")
    assert cache.get("a") == b"12345" and cache.get("b") is None


def test_instances_share_pages_through_redis(database_url, monkeypatch):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not reachable at 127.0.0.1:6379")
    from tests.conftest import load_demo

    first = make_app(database_url, REDIS_URL=url)
    load_demo(first)
    body = first.test_client().get(LANDING).data
    second = make_app(database_url, REDIS_URL=url)
    no_rendering(monkeypatch)
    assert second.test_client().get(LANDING).data == body
    for app in (first, second):
        with app.app_context():
            get_engine().dispose()


def rewrite_intro(app, text: str) -> None:
    """Change a clinic's intro and refresh page state, as any write does."""
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(Location).where(Location.slug == "florissant-mo").values(intro=text))
        with app.test_request_context():
            page_state.refresh(session)


def test_a_kept_page_costs_no_database_read_and_no_request_hooks(app, client, monkeypatch):
    first = client.get(LANDING)
    statements = []
    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", lambda *a, **k: statements.append(a))
    no_rendering(monkeypatch)

    def no_hooks():
        raise AssertionError("the request ran Flask's hooks (limits, logins, sessions)")

    monkeypatch.setattr(app, "preprocess_request", no_hooks)
    second = client.get(LANDING)
    head = client.head(LANDING)
    assert second.data == first.data
    assert second.headers == first.headers
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    assert statements == []


def test_an_edit_in_another_instance_is_seen_by_the_next_request(app, database_url):
    served = app.test_client()
    assert b"Freshly rewritten" not in served.get(LANDING).data
    assert b"Freshly rewritten" not in served.get(LANDING).data  # now kept in memory
    other = make_app(database_url)
    rewrite_intro(other, "Freshly rewritten introduction.")
    assert b"Freshly rewritten introduction." in served.get(LANDING).data
    rewrite_intro(other, "Rewritten once more.")
    assert b"Rewritten once more." in served.get(LANDING).data
    with other.app_context():
        get_engine().dispose()


def test_conditional_and_query_requests_are_answered_by_flask(client):
    first = client.get(LANDING)
    etag = first.headers["ETag"]
    assert client.get(LANDING, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(LANDING + "?utm_source=x").data == first.data


def test_responses_leave_the_date_header_to_the_http_server(client):
    """gunicorn and Werkzeug's server send Date on every response: one from the app too
    (a conditional response sets one) would make two."""
    for _ in range(2):  # rendered, then kept
        response = client.get(LANDING)
        assert response.status_code == 200 and "Date" not in response.headers
    assert "Date" not in client.get(LANDING, headers={"If-None-Match": "x"}).headers
