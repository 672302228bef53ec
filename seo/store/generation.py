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
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, event, select, update

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Not content: outside Base.metadata, so `seo dump` and `seo restore` leave it alone.
# Migration 0012 creates the table with its one row.
generation_metadata = MetaData()
site_generation = Table(
    "site_generation",
    generation_metadata,
    Column("id", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)

READ = "SELECT value FROM site_generation WHERE id = 1"


def value(connection: Session | Connection) -> int:
    """The generation now."""
    return connection.execute(select(site_generation.c.value)).scalar_one()


def bump(connection: Session | Connection) -> None:
    """Move the generation on; the caller's transaction commits it with the change."""
    connection.execute(update(site_generation).values(value=site_generation.c.value + 1))


class Reader:
    """The current generation, read cheaply; None when it cannot be read (then nothing is
    answered from memory). One connection per process, opened on first use, shared by the
    process's threads under a lock, and closed with the engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._raw = None
        self._driver = None
        self._version: int | None = None
        self._value: int | None = None
        event.listen(engine, "engine_disposed", self.close)

    def _open(self) -> None:
        if self._pid != os.getpid():  # a forked worker opens its own
            self._pid, self._raw, self._version, self._value = os.getpid(), None, None, None
        if self._raw is None:
            self._raw = self.engine.raw_connection()
            self._driver = self._raw.driver_connection
            self._raw.detach()  # kept for good: never handed back to the pool
            if not self.sqlite:
                self._driver.autocommit = True  # each read sees the latest commit, no lock

    def current(self) -> int | None:
        with self._lock:
            try:
                self._open()
                if self.sqlite:
                    version = self._driver.execute("PRAGMA data_version").fetchone()[0]
                    if version == self._version and self._value is not None:
                        return self._value
                    self._version = version
                row = self._driver.execute(READ).fetchone()
                self._value = None if row is None else row[0]
                return self._value
            except Exception:  # a lost connection: answer from the database until it is back
                self._close()
                return None

    def close(self, _engine: Engine | None = None) -> None:
        """Close the connection (when the engine is disposed)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        raw, self._raw, self._version, self._value = self._raw, None, None, None
        if raw is not None and self._pid == os.getpid():
            try:
                raw.close()
            except Exception:  # already broken: nothing left to release
                pass
