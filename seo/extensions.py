"""Extensions created once and set up per app: CSRF, staff logins and request limits."""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits.storage import RedisStorage, Storage
from sqlalchemy import Engine, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from seo.store.db import engine_of
from seo.store.models import rate_limits

csrf = CSRFProtect()

login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"

# Counts live in Redis when REDIS_URL is set, in the database otherwise: every worker and
# every instance sees the same counts. The key is the client address (see TRUSTED_PROXIES).
# When the store fails, requests go through (and the error is logged): a Redis outage must
# not stop staff signing in or visitors asking for appointments; account lockout still holds.
limiter = Limiter(
    get_remote_address, storage_uri="seo://", strategy="fixed-window", swallow_errors=True
)


class CounterStorage(Storage):
    """Fixed-window counters in the database's rate_limits table, one row per key.

    A hit is one statement, INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which SQLite and
    PostgreSQL both run atomically: a new key, or one whose window has ended, starts again at
    the hit's amount; otherwise the count grows. Nothing is read first, so nothing is lost
    between workers."""

    def __init__(self, engine: Engine):
        super().__init__()
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        ended = rate_limits.c.expires_at <= now
        statement = self._insert(rate_limits).values(key=key, hits=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[rate_limits.c.key],
            set_={
                "hits": case((ended, amount), else_=rate_limits.c.hits + amount),
                "expires_at": case((ended, now + expiry), else_=rate_limits.c.expires_at),
            },
        ).returning(rate_limits.c.hits)
        with self.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
        if hits == amount:  # a window began: drop the rows of windows that have ended
            with self.engine.begin() as connection:
                connection.execute(delete(rate_limits).where(rate_limits.c.expires_at < now))
        return hits

    def get(self, key: str) -> int:
        query = select(rate_limits.c.hits).where(
            rate_limits.c.key == key, rate_limits.c.expires_at > time.time()
        )
        with self.engine.connect() as connection:
            return connection.scalar(query) or 0

    def get_expiry(self, key: str) -> float:
        query = select(rate_limits.c.expires_at).where(rate_limits.c.key == key)
        with self.engine.connect() as connection:
            expires = connection.scalar(query)
        return time.time() if expires is None else expires

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int:
        with self.engine.begin() as connection:
            return connection.execute(delete(rate_limits)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(rate_limits).where(rate_limits.c.key == key))


class AppStorage(Storage):
    """The limiter's storage, "seo://": each call goes to the current app's own backend.

    The limiter is one object made at import time, while each app (and each test) has its own
    database or Redis; init_app puts that app's backend in app.extensions."""

    STORAGE_SCHEME = ["seo"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return Exception  # the backend's own errors pass through unchanged

    @staticmethod
    def backend() -> Storage:
        return current_app.extensions["seo.limits"]

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.backend().incr(key, expiry, amount)

    def get(self, key: str) -> int:
        return self.backend().get(key)

    def get_expiry(self, key: str) -> float:
        return self.backend().get_expiry(key)

    def check(self) -> bool:
        return self.backend().check()

    def reset(self) -> int | None:
        return self.backend().reset()

    def clear(self, key: str) -> None:
        self.backend().clear(key)


def limits_backend(app: Flask) -> Storage:
    """Redis when REDIS_URL is set, else the app's database."""
    if app.config.get("REDIS_URL"):
        return RedisStorage(
            app.config["REDIS_URL"],
            key_prefix=f"{app.config.get('RATE_LIMIT_PREFIX', 'seo')}:limits",
            socket_timeout=1,
            socket_connect_timeout=1,
        )
    return CounterStorage(engine_of(app))


def init_app(app: Flask) -> None:
    """Set up CSRF protection, staff logins and request limits (after the database)."""
    csrf.init_app(app)
    login_manager.init_app(app)
    app.extensions["seo.limits"] = limits_backend(app)
    limiter.init_app(app)
