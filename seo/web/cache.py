"""Rendered pages kept for the next request.

Two layers: whole responses by path, answered before Flask while the site generation holds
(`Responses`), and page bytes by content fingerprint, in process and in Redis when
configured (`PageCache`), which outlive edits to other pages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app, request

DEFAULT_BYTES = 64 * 1024 * 1024


class Bounded:
    """A size-bounded LRU: each value is counted by the bytes it holds."""

    def __init__(self, max_bytes: int, size: Callable[[object], int] = len):
        self.max_bytes = max_bytes
        self._size_of = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: object, *, replace: bool = True) -> None:
        with self._lock:
            old = self._items.get(key)
            if old is not None:
                if not replace:
                    return
                self._size -= self._size_of(old)
            self._items[key] = value
            self._items.move_to_end(key)
            self._size += self._size_of(value)
            while self._size > self.max_bytes and self._items:
                _key, dropped = self._items.popitem(last=False)
                self._size -= self._size_of(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


class PageCache:
    """Page bytes by a key that carries the fingerprint, so stale ones never match."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES, redis_url: str | None = None):
        self._local = Bounded(max_bytes)
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.2)

    def get(self, key: str) -> bytes | None:
        body = self._local.get(key)
        if body is not None:
            return body
        if self._redis is not None:
            try:
                body = self._redis.get("seo:page:" + key)
            except Exception:  # a cache outage must never take pages down
                body = None
            if body is not None:
                self._local.put(key, body, replace=False)
        return body

    def set(self, key: str, body: bytes) -> None:
        self._local.put(key, body, replace=False)
        if self._redis is not None:
            try:
                self._redis.set("seo:page:" + key, body, ex=24 * 3600)
            except Exception:
                pass

    def clear(self) -> None:
        self._local.clear()


def page_key(path: str, fingerprint: str, day: str) -> str:
    # The date is part of the key: upcoming holiday hours depend on it.
    return f"{path}|{fingerprint}|{day}"


def get_cache() -> PageCache:
    if "seo.page_cache" not in current_app.extensions:
        init_app(current_app)
    return current_app.extensions["seo.page_cache"]


def init_app(app: Flask) -> None:
    """Keep page bytes by fingerprint, and whole public responses in front of the app."""
    app.extensions["seo.page_cache"] = PageCache(
        app.config.get("PAGE_CACHE_BYTES", DEFAULT_BYTES), app.config.get("REDIS_URL")
    )
    app.wsgi_app = Responses(app, app.wsgi_app)


READY = "seo.cacheable"  # set in the WSGI environ by a view whose response may be kept


def mark_cacheable(day: date) -> None:
    """Say this request's response is the whole public page for `day`, the same for everyone."""
    request.environ[READY] = day


@dataclass(frozen=True)
class Kept:
    generation: int
    day: date
    status: str
    headers: list[tuple[str, str]]
    body: bytes


# The cookie a retired clinic's redirect sets for its successor's page (seo/web/public.py):
# such a request is answered by Flask, with the notice.
MOVED_COOKIE = "moved_from"


class Responses:
    """WSGI middleware: a public page's whole response, answered before Flask runs.

    A response is kept when its view marked it (a full 200 page) and it sets no cookie, and is
    answered again only while the site generation and the day are those it was made at, so
    an edit committed anywhere is seen by the next request. No database read beyond the
    generation, no request object, no per-request hooks (limits, logins, sessions): the
    public page costs what a hello world does. Conditional requests, anything with a query
    string and a visitor just sent on from a closed clinic go to Flask, which answers them
    exactly."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._read_generation: Callable[[], int | None] | None = None
        self.kept = Bounded(
            app.config.get("PAGE_CACHE_BYTES", DEFAULT_BYTES), lambda kept: len(kept.body)
        )

    def read_generation(self) -> int | None:
        if self._read_generation is None:  # on the first request: commands never need it
            from seo.store import db, generation

            self._read_generation = generation.Reader(db.engine_of(self.app)).current
        return self._read_generation()

    def today(self) -> date:
        return self.app.config.get("TODAY") or date.today()

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        # The HTTP server (gunicorn, Werkzeug's) sends the Date header of every response:
        # one set here too (Werkzeug's conditional responses set one) would be a second.
        start_response = _without_date(start_response)
        method = environ.get("REQUEST_METHOD")
        if (
            method not in ("GET", "HEAD")
            or environ.get("QUERY_STRING")
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
            or MOVED_COOKIE + "=" in environ.get("HTTP_COOKIE", "")
        ):
            return self.wsgi_app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        generation = self.read_generation()
        kept = self.kept.get(path)
        if (
            kept is not None
            and generation is not None
            and kept.generation == generation
            and kept.day == self.today()
        ):
            start_response(kept.status, kept.headers)
            return [kept.body] if method == "GET" else []
        if generation is None or method != "GET":
            return self.wsgi_app(environ, start_response)
        captured: list = []

        def capture(status: str, headers: list, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, capture)
        day = environ.get(READY)
        if day is None or not captured or not captured[0].startswith("200 "):
            return chunks
        if any(name.lower() == "set-cookie" for name, _value in captured[1]):
            return chunks  # a staff member's refreshed sign-in: theirs alone
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        self.kept.put(path, Kept(generation, day, captured[0], captured[1], body))
        return [body]


def _without_date(start_response):
    def respond(status: str, headers: list, exc_info=None):
        kept = [(name, value) for name, value in headers if name.lower() != "date"]
        return start_response(status, kept, exc_info)

    return respond
