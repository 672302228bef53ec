"""Rendered pages cached by content fingerprint: in process, and in Redis when configured."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, current_app

DEFAULT_BYTES = 64 * 1024 * 1024


class PageCache:
    """A size-bounded LRU of page bytes; keys carry the fingerprint, so stale ones never match."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES, redis_url: str | None = None):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.2)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
                return body
        if self._redis is not None:
            try:
                body = self._redis.get("seo:page:" + key)
            except Exception:  # a cache outage must never take pages down
                body = None
            if body is not None:
                self._remember(key, body)
        return body

    def set(self, key: str, body: bytes) -> None:
        self._remember(key, body)
        if self._redis is not None:
            try:
                self._redis.set("seo:page:" + key, body, ex=24 * 3600)
            except Exception:
                pass

    def _remember(self, key: str, body: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes and self._items:
                _key, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def page_key(path: str, fingerprint: str, day: str) -> str:
    # The date is part of the key: upcoming holiday hours depend on it.
    return f"{path}|{fingerprint}|{day}"


def get_cache() -> PageCache:
    if "seo.page_cache" not in current_app.extensions:
        init_app(current_app)
    return current_app.extensions["seo.page_cache"]


def init_app(app: Flask) -> None:
    app.extensions["seo.page_cache"] = PageCache(
        app.config.get("PAGE_CACHE_BYTES", DEFAULT_BYTES), app.config.get("REDIS_URL")
    )
