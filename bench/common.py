"""Helpers shared by the benchmarks: throwaway databases, an app on them, peak memory."""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seo import create_app  # noqa: E402
from seo.services import articles  # noqa: E402
from seo.store import migrate  # noqa: E402
from seo.store.db import get_engine  # noqa: E402

POSTGRES_ADMIN = os.environ.get(
    "SEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextlib.contextmanager
def database(kind: str):
    """Yield the URL of an empty throwaway database of the given kind."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite"
        return
    name = f"seo_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_on(url: str, **config):
    """An app on an empty database with the demo services loaded (no locations)."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", **config})
    with app.app_context():
        migrate.upgrade(get_engine())
        with Session(get_engine()) as session:
            articles.load_services(session, Path(app.config["CONTENT_DIR"]))
    return app


def peak_mb(children: bool = False) -> float:
    """Peak resident memory in MB of this process (or of its finished children)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024
