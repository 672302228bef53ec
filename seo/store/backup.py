"""Dump the whole content to a JSON Lines file and restore it, on SQLite or PostgreSQL.

The file is plain JSON Lines (gzip when its name ends in .gz):

    {"format": "seo-backup", "format_version": 1, "alembic_revision": "0005", "tables": [...]}
    {"table": "services", "columns": ["id", "slug", ...], "rows": 2}
    [1, "neuropathic-pain-treatment", ...]          one line per row, primary-key order
    ...

Tables come from Base.metadata in dependency order, so tables added later are included
without changes here. Values are JSON types; dates and datetimes are ISO 8601 strings.
Text primary keys are ordered by code point on both databases, so a dump of a restored
database is byte-identical to the file it was restored from. Nothing in the file depends
on when it was written.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    Table,
    func,
    inspect,
    select,
    text,
)

from seo.store import generation, migrate
from seo.store.models import Base

FORMAT = "seo-backup"
FORMAT_VERSION = 1
BATCH = 1000  # rows per INSERT executemany and per fetch


class BackupError(Exception):
    """A backup file that cannot be restored here; the message says why and what to do."""


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0

    def text(self, done: str) -> str:
        return f"{done}: {self.rows} rows in {self.tables} tables"


def tables() -> list[Table]:
    """Every content table, parents before children."""
    return list(Base.metadata.sorted_tables)


def alembic_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _open(path: Path, mode: str) -> Iterator[io.TextIOBase]:
    if path.name.endswith(".gz"):
        raw = open(path, mode + "b")  # noqa: SIM115 - closed below
        # mtime=0 and no file name: the same content always gives the same bytes.
        zipped = gzip.GzipFile(filename="", mode=mode + "b", fileobj=raw, mtime=0)
        handle = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
        try:
            yield handle
        finally:
            handle.close()
            raw.close()
    else:
        with open(path, mode, encoding="utf-8", newline="\n") as handle:
            yield handle


def _dump_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _order(connection: Connection, table: Table) -> list:
    """Primary-key order; text keys by code point (PostgreSQL's "C" collation = SQLite's)."""
    keys = []
    for column in table.primary_key.columns:
        if connection.dialect.name == "postgresql" and not isinstance(column.type, Integer):
            keys.append(column.collate("C"))
        else:
            keys.append(column)
    return keys


def dump(engine: Engine, path: Path) -> Summary:
    """Write every table's rows to path."""
    summary = Summary()
    with engine.connect() as connection, _open(path, "w") as out:
        revision = alembic_revision(connection)
        if revision is None:
            raise BackupError("the database has no schema; run `flask --app app seo init` first")
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "alembic_revision": revision,
            "tables": [t.name for t in tables()],
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for table in tables():
            count = connection.scalar(select(func.count()).select_from(table))
            columns = [c.name for c in table.columns]
            out.write(json.dumps({"table": table.name, "columns": columns, "rows": count}) + "\n")
            result = connection.execution_options(yield_per=BATCH).execute(
                select(*table.columns).order_by(*_order(connection, table))
            )
            for row in result:
                out.write(json.dumps([_dump_value(v) for v in row], ensure_ascii=False) + "\n")
            summary.tables += 1
            summary.rows += count
    return summary


def _loader(table: Table, columns: list[str]):
    """Turn one JSON row into the column values of table."""
    converters = []
    for name in columns:
        column = table.columns[name]
        if isinstance(column.type, DateTime):
            converters.append(lambda v: None if v is None else datetime.fromisoformat(v))
        elif isinstance(column.type, Date):
            converters.append(lambda v: None if v is None else date.fromisoformat(v))
        else:
            converters.append(lambda v: v)
    return lambda row: {
        name: convert(value) for name, convert, value in zip(columns, converters, row, strict=True)
    }


def _read_header(handle) -> dict:
    try:
        header = json.loads(handle.readline())
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("not a backup made by `seo dump` (the first line is not its header)")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {header.get('format_version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION})"
        )
    return header


def _tables_with_rows(connection: Connection) -> list[str]:
    """The names of the tables that hold rows."""
    return [t.name for t in tables() if connection.scalar(select(func.count()).select_from(t)) != 0]


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, make PostgreSQL's next id follow the largest restored one."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues from max(rowid) by itself
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        name = key[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                f'COALESCE(MAX("{name}"), 1), MAX("{name}") IS NOT NULL) FROM "{table.name}"'
            )
        )


def restore(engine: Engine, path: Path, *, force: bool = False) -> Summary:
    """Load a dump into this database in one transaction.

    The schema is created or migrated first; the backup's Alembic revision must equal the
    database's. The database must hold no content unless force, which replaces it."""
    migrate.upgrade(engine)
    summary = Summary()
    with _open(path, "r") as handle, engine.begin() as connection:
        header = _read_header(handle)
        revision = alembic_revision(connection)
        if header["alembic_revision"] != revision:
            raise BackupError(
                f"the backup is at schema revision {header['alembic_revision']}, this database "
                f"at {revision}; restore it with the code version that wrote it"
            )
        known = {t.name: t for t in tables()}
        unknown = [name for name in header["tables"] if name not in known]
        if unknown:
            raise BackupError(f"the backup holds tables this version lacks: {', '.join(unknown)}")
        filled = _tables_with_rows(connection)
        if filled and not force:
            raise BackupError(
                f"the database already holds content ({', '.join(filled)}); restore into an "
                "empty database, or pass --force to replace everything in it"
            )
        for table in reversed(tables()):
            connection.execute(table.delete())
        for _ in header["tables"]:
            line = handle.readline()
            try:
                section = json.loads(line)
                table = known[section["table"]]
                columns, count = section["columns"], section["rows"]
            except (ValueError, KeyError, TypeError):
                raise BackupError(
                    f"damaged backup: expected a table header, got {line[:80]!r}"
                ) from None
            missing = [c for c in columns if c not in table.columns]
            if missing:
                raise BackupError(f"table {table.name}: unknown columns {', '.join(missing)}")
            load = _loader(table, columns)
            batch: list[dict] = []
            for number in range(count):
                line = handle.readline()
                if not line:
                    raise BackupError(
                        f"damaged backup: table {table.name} ends after {number} of {count} rows"
                    )
                batch.append(load(json.loads(line)))
                if len(batch) == BATCH:
                    connection.execute(table.insert(), batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
            summary.tables += 1
            summary.rows += count
        if handle.readline().strip():
            raise BackupError("damaged backup: unexpected data after the last table")
        _reset_sequences(connection)
        generation.bump(connection)  # no server may answer with pages of the replaced content
    return summary
