"""The database engine and the per-request session."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Flask, current_app, g

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# SQLAlchemy is imported when the first engine is made, not when the app is: a command that
# never touches the database (`seo build --help`) starts without it.
_engine_lock = threading.Lock()


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def engine_of(app: Flask) -> Engine:
    """The app's engine, made on first use."""
    engine = app.extensions.get("seo.engine")
    if engine is None:
        with _engine_lock:
            engine = app.extensions.get("seo.engine")
            if engine is None:
                engine = app.extensions["seo.engine"] = make_engine(app.config["DATABASE_URL"])
    return engine


def get_engine() -> Engine:
    return engine_of(current_app)


def get_session() -> Session:
    """Return this request's session, opened on first use."""
    if "db_session" not in g:
        from sqlalchemy.orm import Session

        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
