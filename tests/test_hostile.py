"""Hostile locations files: each imports and displays as literal text, or is refused whole."""

import csv
import io
import json
import re
import sys
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from conftest import StaffAuth, add_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.core.locations import FORMULA_TRIGGERS, FREE_TEXT, MAX_CELL, MAX_LENGTHS
from seo.store.db import get_engine
from seo.store.models import Change, Location

HOSTILE = Path(__file__).parent / "data" / "hostile"
sys.path.insert(0, str(HOSTILE))
from generate import FORMULAS, HEADER, PAYLOADS  # noqa: E402

SERVICE = "neuropathic-pain-treatment"
JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# Raw markup a payload would leave in the page if it were not escaped.
RAW_MARKUP = ("<script>alert", "<img src=x", "<svg/onload", "</script><script")


def db_state(app) -> list[tuple]:
    with app.app_context(), Session(get_engine()) as session:
        rows = session.scalars(select(Location).order_by(Location.slug))
        locations = [(r.to_core(), r.updated_at, r.version) for r in rows]
        changes = len(session.scalars(select(Change.id)).all())
    return [*locations, changes]


# These files test parsing and escaping with thin one-line rows; publishing them needs the
# audit override (a row with too little local text is refused by the publishing gate).
THIN = ("--allow-audit-errors",)


def import_file(runner, path: Path, *options: str):
    return runner.invoke(args=["seo", "import-locations", str(path), *options])


REFUSED = [
    (
        "latin1.csv",
        [
            "row 2, column city: byte 0xF1 is not UTF-8; the file looks like Windows-1252",
            'save it as "CSV UTF-8"',
        ],
    ),
    ("cp1252-quotes.csv", ["row 2, column intro: byte 0x93 is not UTF-8"]),
    ("utf16-bom.csv", ['row 1: the file is UTF-16; save it as "CSV UTF-8"']),
    ("utf16-no-bom.csv", ['row 1: the file is UTF-16; save it as "CSV UTF-8"']),
    ("semicolons.csv", ["row 1, column slug;name", "use ; as delimiter; use commas"]),
    ("ragged.csv", ["row 3, column -: has 5 cells", "row 4, column -: has 9 cells"]),
    ("unterminated-quote.csv", ["row 2, column -: unreadable CSV: unexpected end of data"]),
    ("nul-byte.csv", ["row 2, column -: contains a NUL byte"]),
    ("control-chars.csv", ["row 2, column name: contains a control character (U+0007)"]),
    (
        "invisible-in-one-line-columns.csv",
        [
            "row 2, column name: contains a line break (U+000D); write it on one line",
            "column city: contains a line break (U+2028); write it on one line",
            "column street_address: contains an invisible text direction control (U+202E)",
            "column name: contains an invisible character (U+200B); remove it",
        ],
    ),
    ("empty.csv", ["row 1, column -: the file is empty"]),
    (
        "markup-in-validated-columns.csv",
        [
            "row 2, column slug:",
            "row 2, column state:",
            "row 2, column postal_code:",
            "row 2, column phone:",
            "row 2, column opening_hours:",
            "row 2, column special_hours:",
            "row 2, column services:",
            "row 2, column status:",
            "row 2, column latitude:",
        ],
    ),
]


@pytest.mark.parametrize("name, messages", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_files_write_nothing(app, runner, name, messages):
    before = db_state(app)
    result = import_file(runner, HOSTILE / name)
    assert result.exit_code == 1, result.output
    for message in messages:
        assert message in result.output
    assert "Traceback" not in result.output
    assert "\ufffd" not in result.output  # no mojibake: unreadable bytes are never guessed
    assert db_state(app) == before


def test_bom_and_crlf_import_cleanly(app, runner, client):
    result = import_file(runner, HOSTILE / "utf8-bom-crlf.csv", *THIN)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 1, updated 0, unchanged 0, retired 0"
    html = client.get(f"/{SERVICE}/hostile-mo/").get_data(as_text=True)
    assert "Española, MO" in html and "\ufeff" not in html


def test_header_only_file_changes_nothing(app, runner):
    before = db_state(app)
    result = import_file(runner, HOSTILE / "header-only.csv")
    assert result.exit_code == 0
    assert result.stdout.strip() == "created 0, updated 0, unchanged 0, retired 0"
    assert db_state(app) == before


def jsonld_nodes(html: str) -> dict[str, dict]:
    """The page's one JSON-LD graph, by @type; it must parse."""
    blocks = JSONLD_RE.findall(html)
    assert len(blocks) == 1
    return {node["@type"]: node for node in json.loads(blocks[0])["@graph"]}


def assert_literal(html: str, *texts: str) -> None:
    """Each text shows as text, and no payload became markup or ran as a template."""
    for marker in RAW_MARKUP:
        assert marker not in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("ld+json" in tag or 'src="/static/' in tag for tag in scripts), scripts
    tree = lxml.html.fromstring(html)
    for element in tree.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
        assert not str(element.get("href", "")).startswith("javascript:")
    page_text = tree.text_content()
    for text in texts:
        assert text in page_text


def test_markup_in_text_columns_displays_as_text(app, runner, client):
    result = import_file(runner, HOSTILE / "markup-in-text-columns.csv", *THIN)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"created {len(PAYLOADS)},")
    for n, payload in enumerate(PAYLOADS):
        name, street, city = f"Clinic {payload}", f"{n} Main St {payload}", f"Town {payload}"
        landing = client.get(f"/{SERVICE}/markup-{n}/")
        assert landing.status_code == 200
        html = landing.get_data(as_text=True)
        assert_literal(html, name, street, f"Intro {payload} end.")
        clinic = jsonld_nodes(html)["MedicalClinic"]
        assert clinic["name"] == name
        assert clinic["address"]["streetAddress"] == street
        assert clinic["address"]["addressLocality"] == city
        location = client.get(f"/locations/markup-{n}/").get_data(as_text=True)
        assert_literal(location, name, street)
        # text and attributes: the title and Open Graph title read back as the text itself
        tree = lxml.html.fromstring(html)
        full_title = f"Neuropathic Pain Treatment in {city}, MO | {name}"
        for title in (
            tree.findtext(".//title"),
            *tree.xpath('//meta[@property="og:title"]/@content'),
        ):
            squeezed = " ".join(full_title.split())  # titles collapse runs of white space
            assert squeezed.startswith(title.removesuffix("…")), title
    for path in ("/", "/locations/", "/locations/mo/", f"/{SERVICE}/"):
        assert_literal(client.get(path).get_data(as_text=True))
    index = lxml.etree.fromstring(client.get("/sitemap.xml").get_data())
    for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        lxml.etree.fromstring(client.get(loc.text.split("clinics.example")[1]).get_data())


def test_markup_stays_escaped_on_staff_pages(app, runner, client):
    assert import_file(runner, HOSTILE / "markup-in-text-columns.csv", *THIN).exit_code == 0
    add_user(app)
    StaffAuth(client).login()
    html = client.get("/admin/locations/?q=markup").get_data(as_text=True)
    assert "markup-0" in html
    for marker in RAW_MARKUP:
        assert marker not in html


def test_formulas_import_as_text_and_export_neutralised(app, runner, client, tmp_path):
    result = import_file(runner, HOSTILE / "formulas.csv", *THIN)
    assert result.exit_code == 0, result.output
    html = client.get(f"/{SERVICE}/formula-0/").get_data(as_text=True)
    assert_literal(html, FORMULAS[0])
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["seo", "export-locations", str(out)]).exit_code == 0
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    for n, formula in enumerate(FORMULAS):
        for column in FREE_TEXT:
            cell = rows[f"formula-{n}"][column]
            assert not cell.startswith(FORMULA_TRIGGERS), (column, cell)
            assert cell == "'" + formula[: 100 if column == "city" else None]
    again = import_file(runner, out)
    assert again.stdout.strip() == "created 0, updated 0, unchanged 20, retired 0"


def generated(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue()


def test_a_one_megabyte_intro_is_a_length_error(app, runner, tmp_path):
    path = tmp_path / "big.csv"
    intro = "x" * 1_000_000
    path.write_text(
        generated(
            [["big-mo", "Big", "1 Main St", "Big Town", "MO", "63031", "314-555-0101", intro]]
        )
    )
    before = db_state(app)
    result = import_file(runner, path)
    assert result.exit_code == 1
    limit = MAX_LENGTHS["intro"]
    assert f"row 2, column intro: is 1000000 characters long; at most {limit}" in result.output
    assert db_state(app) == before


def test_ten_thousand_duplicate_rows_are_refused(app, runner, tmp_path):
    path = tmp_path / "dupes.csv"
    row = ["dupe-mo", "Dupe", "1 Main St", "Dupe Town", "MO", "63031", "314-555-0101", "Hi."]
    path.write_text(generated([row] * 10_000))
    before = db_state(app)
    result = import_file(runner, path)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("row ")]
    assert len(lines) == 9_999
    assert lines[0] == "row 3, column slug: 'dupe-mo' already used on row 2"
    assert lines[-1].startswith("row 10001, column slug:")
    assert db_state(app) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_cell_over_the_csv_limit_is_an_error_naming_its_column(app, runner, tmp_path):
    path = tmp_path / "huge.csv"
    row = ["huge-mo", "Huge", "1 Main St", "Huge Town", "MO", "63031", "314-555-0101"]
    path.write_text(generated([[*row, "y" * (MAX_CELL + 1)]]))
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "row 2, column intro: the cell is larger than 1,048,576 characters" in result.output


@pytest.mark.parametrize(
    "column, size",
    [(c, n) for c, n in MAX_LENGTHS.items() if c not in ("slug", "redirect_to")],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_limited_column_refuses_long_values(app, runner, tmp_path, column, size):
    cells = dict(zip(HEADER, ["long-mo", "Long", "1 Main St", "Long Town", "MO"], strict=False))
    cells.update(postal_code="63031", phone="314-555-0101", intro="Hi.")
    cells[column] = "a" * (size + 1)
    path = tmp_path / "long.csv"
    path.write_text(generated([]).splitlines()[0] + "," + column + "\r\n", encoding="utf-8")
    header = list(dict.fromkeys([*HEADER, column]))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, [cells[h] for h in header]])
    path.write_text(out.getvalue(), encoding="utf-8")
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert f"row 2, column {column}:" in result.output
