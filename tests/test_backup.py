"""`seo dump` and `seo restore`: the whole content between SQLite and PostgreSQL, exactly."""

import gzip
import json
from datetime import date, datetime

import pytest
from conftest import _empty_postgres, add_user, load_demo, make_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo.store import backup, models
from seo.store.db import get_engine

LANDING = "/neuropathic-pain-treatment/florissant-mo/"


def counts(app) -> dict[str, int]:
    with app.app_context(), get_engine().connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in backup.tables()}


def fill_extras(app) -> None:
    """Rows in every table the demo leaves empty, with awkward values."""
    add_user(app)
    with app.app_context(), Session(get_engine()) as s:
        location = s.scalars(select(models.Location).order_by(models.Location.id)).first()
        service = s.scalars(select(models.Service).order_by(models.Service.id)).first()
        location.intro = 'Ünïcode “quotes”, <b>tags</b>, a tab\tand\nnew lines; {{ city }} \\ "x"'
        s.add(models.SlugRedirect(old_slug="Zeta-old", location_id=location.id))
        s.add(models.SlugRedirect(old_slug="alpha-old", location_id=location.id))
        s.add(models.SlugRedirect(old_slug="_under-old", location_id=location.id))
        s.add(
            models.PageOverride(
                service_id=service.id,
                location_id=location.id,
                intro="Only here.",
                questions="Parking?\nYes.",
                noindex=True,
            )
        )
        user = s.scalars(select(models.User)).one()
        user.locked_until = datetime(2026, 11, 25, 10, 30, 15, 123456)
        s.add(
            models.Upload(
                token="tok-Ä", user_id=user.id, filename="x.csv", text="slug\n", retire_missing=True
            )
        )
        s.add(
            models.Revision(
                entity="location",
                entity_id=location.id,
                label="Ünïcode draft",
                user="editor@clinics.example",
                payload='{"intro": "a draft\\nwith “quotes”"}',
                created_at=datetime(2026, 11, 25, 10, 30),
                updated_at=datetime(2026, 11, 25, 11, 0),
            )
        )
        service.last_reviewed = date(2026, 1, 2)
        if "appointment_requests" in models.Base.metadata.tables:
            table = models.Base.metadata.tables["appointment_requests"]
            defaults = {
                c.name: "x" for c in table.columns if c.name not in ("id",) and not c.nullable
            }
            defaults.update(created_at=datetime(2026, 11, 1, 9, 0), consent=True)
            defaults.update(location_id=location.id, service_id=service.id)
            s.execute(table.insert(), [defaults])
            if "request_status_changes" in models.Base.metadata.tables:
                moves = models.Base.metadata.tables["request_status_changes"]
                s.execute(
                    moves.insert(),
                    [
                        {
                            "request_id": s.scalar(select(table.c.id)),
                            "at": datetime(2026, 11, 2, 9, 30),
                            "user": "ann@clinics.example",
                            "before": "new",
                            "after": "contacted",
                        }
                    ],
                )
        s.commit()


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'source.sqlite'}")
    load_demo(app)
    fill_extras(app)
    yield app
    with app.app_context():
        get_engine().dispose()


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["seo", *args])


@pytest.mark.parametrize("name", ["content.jsonl", "content.jsonl.gz"])
def test_sqlite_to_postgresql_and_back_is_exact(sqlite_app, postgres_url, tmp_path, name):
    first, second, third = (tmp_path / f"{n}-{name}" for n in ("1", "2", "3"))
    result = cli(sqlite_app, "dump", str(first))
    assert result.exit_code == 0, result.output
    assert "dumped to" in result.output
    assert all(n > 0 for n in counts(sqlite_app).values()), counts(sqlite_app)

    _empty_postgres(postgres_url)
    pg_app = make_app(postgres_url)
    result = cli(pg_app, "restore", str(first))
    assert result.exit_code == 0, result.output
    assert cli(pg_app, "dump", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    assert counts(pg_app) == counts(sqlite_app)

    back = make_app(f"sqlite:///{tmp_path / 'back.sqlite'}")
    assert cli(back, "restore", str(second)).exit_code == 0
    assert cli(back, "dump", str(third)).exit_code == 0
    assert third.read_bytes() == first.read_bytes()

    # The restored site serves the same page bytes, and new rows get fresh ids.
    for app in (pg_app, back):
        assert app.test_client().get(LANDING).get_data() == (
            sqlite_app.test_client().get(LANDING).get_data()
        )
        with app.app_context(), Session(get_engine()) as s:
            largest = s.scalar(select(func.max(models.Change.id)))
            change = models.Change(user="t", entity="location", entity_id=1, action="update")
            s.add(change)
            s.commit()
            assert change.id == largest + 1
    with pg_app.app_context():
        get_engine().dispose()


def test_dump_file_layout(sqlite_app, tmp_path):
    path = tmp_path / "content.jsonl"
    cli(sqlite_app, "dump", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "seo-backup" and header["format_version"] == 1
    assert header["alembic_revision"]
    assert header["tables"] == [t.name for t in models.Base.metadata.sorted_tables]
    for name in ("services", "sections", "locations", "slug_history", "page_overrides", "users"):
        assert name in header["tables"]
    for name in ("changes", "page_state", "uploads"):
        assert name in header["tables"]
    section = json.loads(lines[1])
    assert section["table"] == header["tables"][0]
    slugs = [
        json.loads(line)[0]
        for line in lines
        if line.startswith('["') and line.endswith("]") and "-old" in line.split(",")[0]
    ]
    assert slugs == sorted(slugs)  # text keys in code-point order
    assert '"2026-11-25T10:30:15.123456"' in path.read_text(encoding="utf-8")


def test_restore_refuses_a_database_with_content(sqlite_app, app, tmp_path):
    path = tmp_path / "content.jsonl"
    cli(sqlite_app, "dump", str(path))
    before = counts(app)
    result = cli(app, "restore", str(path))
    assert result.exit_code == 1
    assert "already holds content" in result.output and "--force" in result.output
    assert counts(app) == before
    result = cli(app, "restore", "--force", str(path))
    assert result.exit_code == 0, result.output
    assert counts(app) == counts(sqlite_app)
    again = tmp_path / "again.jsonl"
    cli(app, "dump", str(again))
    assert again.read_bytes() == path.read_bytes()


def test_damaged_backup_writes_nothing(sqlite_app, app, tmp_path):
    path = tmp_path / "content.jsonl"
    cli(sqlite_app, "dump", str(path))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    before = counts(app)
    result = cli(app, "restore", "--force", str(truncated))
    assert result.exit_code == 1
    assert "damaged backup" in result.output
    assert counts(app) == before  # one transaction: the deletes were rolled back too


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_restore_refuses_other_files_and_revisions(database_url, tmp_path, sqlite_app):
    target = make_app(database_url)
    other = tmp_path / "other.jsonl"
    other.write_text('{"hello": 1}\n', encoding="utf-8")
    result = cli(target, "restore", str(other))
    assert result.exit_code == 1 and "not a backup" in result.output

    path = tmp_path / "content.jsonl"
    cli(sqlite_app, "dump", str(path))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["alembic_revision"] = "0001"
    old = tmp_path / "old.jsonl.gz"
    with gzip.open(old, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(header) + "\n" + "".join(lines[1:]))
    result = cli(target, "restore", str(old))
    assert result.exit_code == 1 and "revision 0001" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_dump_of_a_database_without_schema_is_a_clear_error(database_url, tmp_path):
    result = cli(make_app(database_url), "dump", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1
    assert "seo init" in result.output
