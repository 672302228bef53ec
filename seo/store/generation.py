"""The site's generation: a counter bumped in the same transaction as every page-state change.

Each process keeps served pages in memory with the generation they were rendered at; a
page is answered from memory only while the counter still holds that value, so an edit
committed by any worker or instance is seen by the very next request. Reading the counter
must cost far less than a page: on SQLite, `PRAGMA data_version` tells from shared memory
whether any other connection committed since the last look (no table is read unless one
did); on PostgreSQL it is one primary-key read on a connection kept for it."""

from __future__ import annotations

import os
import threading

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, event, update
from sqlalchemy.orm import Session

# Not content: outside Base.metadata, so `seo dump` and `seo restore` leave it alone.
# Migration 0011 creates the table with its one row.
generation_metadata = MetaData()
site_generation = Table(
    "site_generation",
    generation_metadata,
    Column("id", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)

READ = "SELECT value FROM site_generation WHERE id = 1"


def bump(connection: Session | Connection) -> None:
    """Move the generation on; the caller's transaction commits it with the change."""
    connection.execute(update(site_generation).values(value=site_generation.c.value + 1))


class Reader:
    """The current generation, read cheaply; None when it cannot be read (then nothing is
    answered from memory). One connection per thread, opened on first use and closed with
    the engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self._local = threading.local()
        self._opened: list = []
        event.listen(engine, "engine_disposed", self.close)

    def _connection(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a forked worker opens its own
            local.pid, local.raw, local.version, local.value = os.getpid(), None, None, None
        if local.raw is None:
            raw = self.engine.raw_connection()
            self._opened.append(raw)
            local.raw, local.driver = raw, raw.driver_connection
            raw.detach()  # kept for good: never handed back to the pool
            if not self.sqlite:
                local.driver.autocommit = True  # each read sees the latest commit, no lock
        return local

    def current(self) -> int | None:
        try:
            local = self._connection()
            if self.sqlite:
                version = local.driver.execute("PRAGMA data_version").fetchone()[0]
                if version == local.version and local.value is not None:
                    return local.value
                local.version = version
            row = local.driver.execute(READ).fetchone()
            local.value = None if row is None else row[0]
            return local.value
        except Exception:  # a lost connection: answer from the database until it is back
            self._drop()
            return None

    def _drop(self) -> None:
        raw = getattr(self._local, "raw", None)
        self._local.raw = None
        if raw is not None:
            self._close(raw)

    def close(self, _engine: Engine | None = None) -> None:
        """Close every connection this reader opened (when the engine is disposed)."""
        while self._opened:
            self._close(self._opened.pop())
        self._local = threading.local()

    def _close(self, raw) -> None:
        if raw in self._opened:
            self._opened.remove(raw)
        try:
            raw.close()
        except Exception:  # already broken: nothing left to release
            pass
