"""Several processes importing and editing at once on PostgreSQL lose no update."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SITE_URL, add_user
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.core.locations import COLUMNS
from seo.services import locations
from seo.store import queries
from seo.store.db import get_engine
from seo.store.models import Change, Location

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

# A staff member in a process of their own: signs in through the real form, then edits one
# location's field through the admin editor. "race": load the form, wait for the go file,
# post once. "edit": post each value in turn, reloading the form after a 409 conflict.
EDITOR = f"""
import json, os, sys, time
from pathlib import Path
sys.path.insert(0, {str(TESTS)!r})
from conftest import StaffAuth, make_app
from test_admin import _edit_form

app = make_app(os.environ["DATABASE_URL"], LOGIN_RATE_LIMIT="1000 per minute")
client = app.test_client()
assert StaffAuth(client).login().status_code == 302
location_id, field, mode = int(sys.argv[1]), sys.argv[2], sys.argv[4]
values = json.loads(sys.argv[3])
url = f"/admin/locations/{{location_id}}/"
go = Path(os.environ["GO_FILE"])
codes = []
form = _edit_form(client, location_id)
Path(os.environ["READY_FILE"]).write_text("")
while not go.exists():
    time.sleep(0.002)
if mode == "race":
    codes.append(client.post(url, data={{**form, field: values[0]}}).status_code)
else:
    for value in values:
        for _ in range(100):
            status = client.post(url, data={{**form, field: value}}).status_code
            codes.append(status)
            form = _edit_form(client, location_id)
            if status == 302:
                break
            assert status == 409, status
print(json.dumps(codes))
"""


def env(app, tmp_path: Path, n: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SITE_URL": SITE_URL,
        "SECRET_KEY": "test-secret",
        "GO_FILE": str(tmp_path / "go"),
        "READY_FILE": str(tmp_path / f"ready-{n}"),
    }


def run_together(commands: list[tuple[list[str], dict]], tmp_path: Path) -> list[tuple]:
    """Start the processes, release them at once, and return (exit code, stdout, stderr)."""
    processes = [
        subprocess.Popen(
            args, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for args, environ in commands
    ]
    deadline = time.monotonic() + 120
    while not all(Path(e["READY_FILE"]).exists() for _, e in commands if "READY_FILE" in e):
        assert time.monotonic() < deadline, "the processes never got ready"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.01)
    (tmp_path / "go").write_text("")
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def location(app, slug: str) -> Location:
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        return session.scalars(select(Location).where(Location.slug == slug)).one()


@postgresql_only
def test_concurrent_edits_of_one_location_conflict_instead_of_overwriting(app, tmp_path):
    add_user(app)
    row = location(app, "florissant-mo")
    commands = [
        (
            [sys.executable, "-c", EDITOR, str(row.id), "name", json.dumps([name]), "race"],
            env(app, tmp_path, n),
        )
        for n, name in enumerate(["Name From Editor A", "Name From Editor B"])
    ]
    results = run_together(commands, tmp_path)
    assert [code for code, _, _ in results] == [0, 0], [err[-3000:] for _, _, err in results]
    statuses = sorted(json.loads(out)[0] for _, out, _ in results)
    assert statuses == [302, 409]
    winner = next(n for n, (_, out, _) in enumerate(results) if json.loads(out) == [302])
    after = location(app, "florissant-mo")
    assert after.name == ["Name From Editor A", "Name From Editor B"][winner]
    assert after.version == row.version + 1


# Long enough, and local enough, to pass the publishing gate.
ST_LOUIS_INTRO = (
    "Our St. Louis clinic sits on Lindell Boulevard across from Forest Park, with a garage "
    "entrance on Taylor Avenue and validated parking for every visit. Three physicians and "
    "a pain psychologist see patients here, the front desk speaks English and Spanish, and "
    "the MetroLink Central West End station is a five minute walk. Patients from University "
    "City and Clayton often come by the 1 bus, which stops outside the building."
)


@postgresql_only
def test_parallel_edits_of_different_fields_all_land(app, tmp_path):
    add_user(app)
    row = location(app, "st-louis-mo")
    fields = {
        "name": [f"St. Louis Clinic Edit {n}" for n in range(4)],
        "street_address": [f"{4120 + n} Lindell Blvd" for n in range(4)],
        "intro": [f"{ST_LOUIS_INTRO} This is edit number {n}." for n in range(4)],
    }
    commands = [
        (
            [sys.executable, "-c", EDITOR, str(row.id), field, json.dumps(values), "edit"],
            env(app, tmp_path, n),
        )
        for n, (field, values) in enumerate(fields.items())
    ]
    results = run_together(commands, tmp_path)
    assert [code for code, _, _ in results] == [0, 0, 0], [err[-3000:] for _, _, err in results]
    saves = sum(json.loads(out).count(302) for _, out, _ in results)
    assert saves == 12
    after = location(app, "st-louis-mo")
    for field, values in fields.items():
        assert getattr(after, field) == values[-1], field
    assert after.version == row.version + 12
    with app.app_context(), Session(get_engine()) as session:
        edits = session.scalars(
            select(Change).where(Change.entity == "location", Change.entity_id == row.id)
        ).all()
    assert len([c for c in edits if c.action == "update"]) == 12


def locations_file(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        # The demo's rows carry Spanish intros (intro_es) too.
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "intro_es"], restval="")
        writer.writeheader()
        writer.writerows(rows)


@postgresql_only
def test_parallel_imports_of_different_rows_lose_nothing(app, tmp_path):
    with app.app_context(), Session(get_engine()) as session:
        demo = [row.to_core() for row in queries.all_locations(session)]
    demo = [d for d in demo if d.status == "published"]
    halves = {"a": demo[: len(demo) // 2], "b": demo[len(demo) // 2 :]}
    commands = []
    for n, (name, rows) in enumerate(halves.items()):
        changed = [{**r.as_row(), "intro": f"{r.intro} Import {name} wrote this."} for r in rows]
        new = [
            {
                **dict.fromkeys(COLUMNS, ""),
                "slug": f"import-{name}-{i}-mo",
                "name": f"Parallel {name} {i}",
                "street_address": f"{i} Elm St",
                "city": f"Elmwood {name} {i}",
                "state": "MO",
                "postal_code": "63031",
                "phone": "314-555-0101",
                "status": "draft",
            }
            for i in range(300)
        ]
        path = tmp_path / f"{name}.csv"
        locations_file(path, changed + new)
        runner = (
            "import os, sys, time; from pathlib import Path\n"
            "Path(os.environ['READY_FILE']).write_text('')\n"
            "while not Path(os.environ['GO_FILE']).exists(): time.sleep(0.002)\n"
            "from flask.cli import main\n"
            "sys.argv = ['flask', '--app', 'app', 'seo', 'import-locations', sys.argv[1]]\n"
            "main()\n"
        )
        commands.append(([sys.executable, "-c", runner, str(path)], env(app, tmp_path, n)))
    results = run_together(commands, tmp_path)
    for (code, out, err), rows in zip(results, halves.values(), strict=True):
        assert code == 0, err[-3000:]
        assert out.strip() == f"created 300, updated {len(rows)}, unchanged 0, retired 0"
    with app.app_context(), Session(get_engine()) as session:
        values = {row.slug: row for row in queries.all_locations(session)}
    for name, rows in halves.items():
        for r in rows:
            assert values[r.slug].intro == f"{r.intro} Import {name} wrote this."
            assert values[r.slug].version == 2
        assert all(f"import-{name}-{i}-mo" in values for i in range(300))


def test_import_never_overwrites_a_save_made_while_it_ran(app, monkeypatch):  # both databases
    """A staff save between the import's read and its write stops the import whole."""
    real = queries.location_values

    def read_then_someone_saves(session):
        values = real(session)
        with Session(get_engine()) as other:
            other.execute(
                update(Location)
                .where(Location.slug == "florissant-mo")
                .values(phone="+13145550199", version=Location.version + 1)
            )
            other.commit()
        return values

    with app.app_context(), Session(get_engine()) as session:
        text = locations.export_locations(session).replace(
            "Gateway Pain Relief Florissant", "Renamed By The Import"
        )
        text = text.replace("Gateway Pain Relief Kirkwood", "Kirkwood Renamed")
    monkeypatch.setattr(queries, "location_values", read_then_someone_saves)
    with app.app_context(), Session(get_engine()) as session:
        report = locations.import_locations(session, text)
    assert not report.ok
    row = 1 + next(n for n, line in enumerate(text.splitlines()) if line.startswith("florissant"))
    assert [str(e) for e in report.errors] == [
        f"row {row}, column -: location 'florissant-mo' was changed by someone else during this "
        "import; nothing was written; run it again"
    ]
    saved = location(app, "florissant-mo")
    assert saved.phone == "+13145550199"
    assert saved.name == "Gateway Pain Relief Florissant"
    assert location(app, "kirkwood-mo").name == "Gateway Pain Relief Kirkwood"
