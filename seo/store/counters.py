"""Fixed-window request counters every worker and instance shares: in Redis when REDIS_URL is
set, in the database's rate_limits table otherwise.

Both count a hit in one atomic step, so no hit is lost between workers; a key's window
starts with its first hit and its count starts again once the window has ended."""

from __future__ import annotations

import time
from typing import Protocol

from sqlalchemy import Engine, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from seo.store.models import rate_limits


class Counters(Protocol):
    def hit(self, key: str, seconds: int) -> int:
        """Count a hit of `key`; the count within its window, this hit included."""

    def give_back(self, key: str) -> None:
        """Take one hit of `key` back (a request that turned out not to count)."""


class DatabaseCounters:
    """One row per key. A hit is one statement, INSERT ... ON CONFLICT DO UPDATE ...
    RETURNING, which SQLite and PostgreSQL both run atomically: a new key, or one whose
    window has ended, starts again at 1; otherwise the count grows. Nothing is read first."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def hit(self, key: str, seconds: int) -> int:
        now = time.time()
        ended = rate_limits.c.expires_at <= now
        statement = self._insert(rate_limits).values(key=key, hits=1, expires_at=now + seconds)
        statement = statement.on_conflict_do_update(
            index_elements=[rate_limits.c.key],
            set_={
                "hits": case((ended, 1), else_=rate_limits.c.hits + 1),
                "expires_at": case((ended, now + seconds), else_=rate_limits.c.expires_at),
            },
        ).returning(rate_limits.c.hits)
        with self.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
        if hits == 1:  # a window began: drop the rows of windows that have ended
            with self.engine.begin() as connection:
                connection.execute(delete(rate_limits).where(rate_limits.c.expires_at < now))
        return hits

    def give_back(self, key: str) -> None:
        statement = (
            update(rate_limits)
            .where(rate_limits.c.key == key, rate_limits.c.hits > 0)
            .values(hits=rate_limits.c.hits - 1)
        )
        with self.engine.begin() as connection:
            connection.execute(statement)


# INCR, and EXPIRE when the key is new, in one script: Redis runs it atomically.
_HIT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
"""
# DECR only a key that still exists: a window that ended is not started again below zero.
_GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisCounters:
    """One Redis key per counter, "<prefix>:limits:<key>", which Redis drops when its window
    ends. Timeouts are short: a Redis that does not answer must not hold the request."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = f"{prefix}:limits:"
        self._hit = self.client.register_script(_HIT)
        self._give_back = self.client.register_script(_GIVE_BACK)

    def hit(self, key: str, seconds: int) -> int:
        return int(self._hit(keys=[self.prefix + key], args=[seconds]))

    def give_back(self, key: str) -> None:
        self._give_back(keys=[self.prefix + key])
