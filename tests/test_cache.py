"""Rendered pages are served from a cache keyed by content fingerprint, never stale."""

import pytest
from sqlalchemy import update
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
