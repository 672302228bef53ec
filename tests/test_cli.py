"""The `flask seo ...` commands, end to end on SQLite and PostgreSQL."""

import codecs
import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seo.services.locations import save_location
from seo.store import queries
from seo.store.db import get_engine
from seo.store.models import Location, Service

DATA = Path(__file__).parent / "data"


def count_locations(app) -> int:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalar(select(func.count()).select_from(Location))


def snapshot(app) -> list[tuple]:
    with app.app_context(), Session(get_engine()) as session:
        rows = session.scalars(select(Location).order_by(Location.slug))
        return [(r.to_core(), r.updated_at) for r in rows]


def test_init_is_safe_to_run_twice(runner, app):
    result = runner.invoke(args=["seo", "init"])
    assert result.exit_code == 0, result.output
    assert "content left as it is" in result.output
    assert count_locations(app) == 15


def test_export_then_import_is_a_no_op(runner, app, tmp_path):
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["seo", "export-locations", str(out)])
    assert result.exit_code == 0, result.output
    before = snapshot(app)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 0, updated 0, unchanged 15, retired 0"
    assert snapshot(app) == before


def test_export_counts_rows_not_lines(runner, app, tmp_path):
    with app.app_context(), Session(get_engine()) as session:
        stmt = update(Location).where(Location.slug == "kirkwood-mo")
        session.execute(stmt.values(intro="A first paragraph.\n\nA second paragraph."))
        session.commit()
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["seo", "export-locations", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote 15 rows to {out}" in result.stderr


def test_bad_row_writes_nothing(runner, app, tmp_path):
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("+1", "+44", 1)
    # The export ends with the intro_es column of the demo's Spanish intros.
    lines.append("new-one,New Clinic,1 Main St,Ferguson,MO,63135,314-555-0199,,,,,,,,,,")
    lines.append("bad,Bad Clinic,1 Main St,Ferguson,XX,63135,314-555-0198,,,,,,,,,,")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(app)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.exit_code == 1
    assert "row 4, column phone:" in result.stderr
    assert "row 18, column state: 'XX' is not a USPS state code such as MO" in result.stderr
    assert result.stdout == ""
    assert snapshot(app) == before


FERGUSON_INTRO = (
    "Our Ferguson clinic sits on South Florissant Road across from the farmers market, "
    "with a small lot at the back and street parking on Church Street. Two physicians and "
    "a physical therapist work here three days a week, and the staff speak English and "
    "Vietnamese. The 74 bus stops at the door, and the library and the community center "
    "are a short walk north for anyone waiting on a ride after a treatment."
)


def test_import_creates_updates_and_retires(runner, app, tmp_path):
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    florissant = next(i for i, line in enumerate(lines) if line.startswith("florissant-mo,"))
    lines[florissant] = lines[florissant].replace("Relief Florissant", "Relief North County")
    lines = [line for line in lines if not line.startswith("kirkwood-mo,")]
    lines.append(
        "ferguson-mo,Gateway Ferguson,1 Main St,Ferguson,MO,63135,314-555-0199,,,,,,"
        f'"{FERGUSON_INTRO}",,,,'
    )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dry = runner.invoke(args=["seo", "import-locations", "--dry-run", "--retire-missing", str(out)])
    assert dry.stdout.startswith("created 1, updated 1, unchanged 13, retired 1")
    assert count_locations(app) == 15
    result = runner.invoke(args=["seo", "import-locations", "--retire-missing", str(out)])
    assert result.stdout.strip() == "created 1, updated 1, unchanged 13, retired 1"
    assert count_locations(app) == 16


def test_import_article_plain_text(runner, client):
    result = runner.invoke(
        args=[
            "seo",
            "import-article",
            str(DATA / "plain-article.txt"),
            "--service",
            "neuropathic-pain-treatment",
        ]
    )
    assert result.exit_code == 0, result.output
    html = client.get("/neuropathic-pain-treatment/florissant-mo/").get_data(as_text=True)
    assert '<h2 id="nerve-pain-what-sets-it-apart">Nerve Pain: What Sets It Apart</h2>' in html
    assert "Getting Started in Florissant</h2>" in html
    assert "Plan for someone else to drive you home" in html
    assert "Share Now" not in html


def test_import_article_bad_placeholder_changes_nothing(runner, app, client):
    before = client.get("/neuropathic-pain-treatment/florissant-mo/").data
    result = runner.invoke(
        args=[
            "seo",
            "import-article",
            str(DATA / "bad-placeholder.md"),
            "--service",
            "neuropathic-pain-treatment",
        ]
    )
    assert result.exit_code == 1
    assert "section 'Second Section': unknown placeholder {{ town }}" in result.stderr
    assert client.get("/neuropathic-pain-treatment/florissant-mo/").data == before


@pytest.mark.parametrize("mark", [b"", codecs.BOM_UTF8], ids=["plain", "byte-order-mark"])
def test_an_article_not_in_utf8_names_the_file_and_line(runner, client, tmp_path, mark):
    before = client.get("/neuropathic-pain-treatment/florissant-mo/").data
    article = tmp_path / "article.md"
    text = (DATA / "markdown-article.md").read_text(encoding="utf-8")
    article.write_bytes(mark + text.encode() + "\nCaf\xe9 and more.\n".encode("cp1252"))
    args = ["seo", "import-article", str(article), "--service", "neuropathic-pain-treatment"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    line = text.count("\n") + 2
    expected = f"{article}: line {line}: byte 0xE9 is not UTF-8; save as UTF-8"
    assert result.stderr.strip() == expected
    assert client.get("/neuropathic-pain-treatment/florissant-mo/").data == before


def test_import_article_unknown_service(runner):
    result = runner.invoke(
        args=["seo", "import-article", str(DATA / "markdown-article.md"), "--service", "nope"]
    )
    assert result.exit_code == 1
    assert "no service has the slug 'nope'" in result.stderr


def test_unreadable_encoding_is_a_clear_error(runner, tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("name,city\nCl\xednica,Espa\xf1ola\n".encode("latin-1"))
    result = runner.invoke(args=["seo", "import-locations", str(bad)])
    assert result.exit_code == 1
    assert "is not UTF-8" in result.stderr


def test_demo_services_are_loaded(app):
    with app.app_context(), Session(get_engine()) as session:
        slugs = set(session.scalars(select(Service.slug)))
    assert {"neuropathic-pain-treatment", "ketamine-infusion-therapy"} <= slugs


@pytest.mark.parametrize(
    "target, problem",
    [
        ("ballwin-mo", "'ballwin-mo' is a draft; publish it first or pick a published one"),
        ("nowhere-mo", "no location has the slug 'nowhere-mo'"),
    ],
)
def test_a_redirect_must_lead_to_a_published_location(runner, app, tmp_path, target, problem):
    """A retired clinic's pages redirect to the pages of its successor: one that has none
    (a draft, no clinic at all) is refused, naming the row and column."""
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    number = next(n for n, r in enumerate(rows, start=2) if r["slug"] == "st-louis-mo")
    rows[number - 2] |= {"status": "retired", "redirect_to": target}
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot(app)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"row {number}, column redirect_to: {problem}\n"
    assert snapshot(app) == before


def import_changed(runner, tmp_path, changes: dict[str, dict], *flags: str):
    """Export, change some rows (by slug), keep only `keep` rows if given, import again."""
    out = tmp_path / "locations.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    with open(out, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    keep = changes.pop("_keep", None)
    rows = [{**r, **changes.get(r["slug"], {})} for r in rows if keep is None or r["slug"] in keep]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return runner.invoke(args=["seo", "import-locations", str(out), *flags])


RETIRED = {"status": "retired", "redirect_to": "florissant-mo"}


def test_a_redirect_target_cannot_close_while_a_retired_location_leads_there(runner, tmp_path):
    assert import_changed(runner, tmp_path, {"st-charles-mo": RETIRED}).exit_code == 0
    for status in ("retired", "draft"):
        result = import_changed(runner, tmp_path, {"florissant-mo": {"status": status}})
        assert result.exit_code == 1
        assert (
            "column status: retired locations redirect to 'florissant-mo' "
            "(st-charles-mo): point their redirect_to at a published location first\n"
        ) in result.stderr
    moved = {
        "florissant-mo": {"status": "retired"},
        "st-charles-mo": {"redirect_to": "kirkwood-mo"},
    }
    result = import_changed(runner, tmp_path, moved)
    assert result.exit_code == 0, result.output
    assert import_changed(runner, tmp_path, {}).stdout.startswith("created 0, updated 0")


def test_retire_missing_keeps_a_retired_locations_redirect_target(runner, tmp_path):
    assert import_changed(runner, tmp_path, {"st-charles-mo": RETIRED}).exit_code == 0
    everyone_but = {"_keep": {"st-charles-mo", "kirkwood-mo", "chesterfield-mo", "ofallon-mo"}}
    result = import_changed(runner, tmp_path, everyone_but, "--retire-missing", "--dry-run")
    assert result.exit_code == 1
    assert (
        "row 1, column status: --retire-missing would retire 'florissant-mo', which the "
        "retired 'st-charles-mo' redirects to" in result.stderr
    )


def test_a_renamed_redirect_target_is_followed(runner, app, tmp_path):
    assert import_changed(runner, tmp_path, {"st-charles-mo": RETIRED}).exit_code == 0
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, "florissant-mo")
        save_location(session, row, replace(row.to_core(), slug="florissant-north-mo"), "t", "u")
        assert queries.location_by_slug(session, "st-charles-mo").redirect_to == (
            "florissant-north-mo"
        )
    result = import_changed(runner, tmp_path, {})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("created 0, updated 0")


@pytest.mark.parametrize("status", ["published", "draft"])
def test_a_holiday_given_closed_and_open_is_a_row_error(runner, tmp_path, status):
    special = {"special_hours": "2026-12-24 09:00-12:00; 2026-12-24 closed", "status": status}
    result = import_changed(runner, tmp_path, {"kirkwood-mo": special})
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        "column special_hours: 2026-12-24 is given as closed and again: give the day once, "
        "closed or with its hours"
    )
    assert line.startswith("row ")
