"""Validation rules that reach both doors: the CSV importer and the admin form.

One-line text, file encodings, US phone numbers, ZIP codes in their state, spreadsheet-safe
export and the bounds on hostile uploads."""

import csv
import io
import re
import unicodedata
from pathlib import Path

import phonenumbers
import pytest
from conftest import csrf_token
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo.core.appointments import validate_request
from seo.core.locations import (
    MAX_CELL,
    NANP_REGIONS,
    ONE_LINE_REFUSED_RE,
    US_REGIONS,
    FileError,
    decode_csv,
    normalize_phone,
    parse_locations,
    validate_location,
    zip_state,
)
from seo.store.db import get_engine
from seo.store.models import Change, Location

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "name": "Gateway Pain Relief Florissant",
    "street_address": "1001 N New Florissant Rd, Suite 200",
    "city": "Florissant",
    "state": "MO",
    "postal_code": "63031",
    "phone": "(314) 555-0101",
}
HEADER = list(GOOD)
NEW_LOCATION = {
    "name": "Gateway Pain Relief Webster Groves",
    "slug": "",
    "street_address": "200 S Kirkwood Rd",
    "city": "Webster Groves",
    "state": "MO",
    "postal_code": "63119",
    "phone": "314 555 0199",
    "status": "published",
}


def row(**changes):
    return {**GOOD, **changes}


def csv_text(*rows: dict, header=HEADER) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def only_error(value, errors):
    assert value is None and len(errors) == 1, errors
    return errors[0].column, errors[0].message


def snapshot(app) -> list[tuple]:
    with app.app_context(), Session(get_engine()) as session:
        rows = session.scalars(select(Location).order_by(Location.slug))
        changes = session.scalar(select(func.count()).select_from(Change))
        return [*((r.to_core(), r.updated_at) for r in rows), changes]


# --- 1. one-line text --------------------------------------------------------------------

LINE_BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
DIRECTION = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("column", ["name", "street_address", "city"])
@pytest.mark.parametrize("char", LINE_BREAKS)
def test_one_line_text_refuses_line_breaks(column, char):
    value, errors = validate_location(row(**{column: f"Gateway{char}Pain Relief"}))
    code = f"U+{ord(char[0]):04X}"
    assert only_error(value, errors) == (
        column,
        f"contains a line break ({code}); write it on one line",
    )


@pytest.mark.parametrize("column", ["name", "street_address", "city"])
@pytest.mark.parametrize("char", DIRECTION)
def test_one_line_text_refuses_direction_controls(column, char):
    value, errors = validate_location(row(**{column: f"Gateway {char}feileR niaP"}))
    message = f"contains an invisible text direction control (U+{ord(char):04X}); remove it"
    assert only_error(value, errors) == (column, message)


@pytest.mark.parametrize("column", ["name", "street_address", "city"])
@pytest.mark.parametrize("char", ZERO_WIDTH)
def test_one_line_text_refuses_invisible_characters(column, char):
    value, errors = validate_location(row(**{column: f"Gate{char}way"}))
    message = f"contains an invisible character (U+{ord(char):04X}); remove it"
    assert only_error(value, errors) == (column, message)


@pytest.mark.parametrize(
    "column, text",
    [
        ("phone", "314\u2028555 0101"),
        ("postal_code", "63031\u200b"),
        ("opening_hours", "Mo-Fr 09:00-17:00\u2028Sa 09:00-12:00"),
        ("services", "neuropathic-pain-treatment\x85; ketamine-infusion-therapy"),
        ("slug", "florissant\u202e-mo"),
    ],
)
def test_every_other_one_line_column_refuses_them_too(column, text):
    value, errors = validate_location(row(**{column: text}))
    assert value is None
    assert errors[0].column == column and "(U+" in errors[0].message


@pytest.mark.parametrize(
    "name",
    [
        "Clínica del Dolor 👩‍⚕️",  # an emoji sequence joined by U+200D
        "מרפאת כאב\u200f Florissant",  # Hebrew with a right-to-left mark
        "क्लिनिक\u200d Florissant",  # Devanagari with a zero-width joiner
        "Pain\tRelief",  # a tab stays allowed, as before
        "Pain\u00a0Relief",  # a no-break space
    ],
)
def test_joiners_marks_and_spaces_are_kept(name):
    value, errors = validate_location(row(name=name))
    assert errors == [] and value.name == name


def test_the_intro_paragraph_keeps_its_line_breaks():
    intro = "First line.\nSecond line.\u2028Third line."
    value, errors = validate_location(row(intro=intro))
    assert errors == [] and value.intro == intro


def test_refused_characters_cover_the_unicode_database():
    """Every control, line or paragraph separator and format character is refused, except
    the tab, the zero-width joiner and the two direction marks."""
    allowed = {"\t", "\u200d", "\u200e", "\u200f"}
    missed = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp")
        and chr(code) not in allowed
        and not ONE_LINE_REFUSED_RE.match(chr(code))
    ]
    assert missed == []
    assert not any(ONE_LINE_REFUSED_RE.match(c) for c in allowed)


def test_cli_import_names_the_line_break_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text(
        csv_text(
            row(city="Ferguson", postal_code="63135"),
            row(name="Gateway\u2028Pain Relief Florissant"),
        ),
        encoding="utf-8",
    )
    before = snapshot(app)
    result = runner.invoke(args=["seo", "import-locations", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 3, column name: contains a line break (U+2028); write it on one line"
    ]
    assert snapshot(app) == before


def test_admin_form_refuses_a_line_break_in_the_name(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = {**NEW_LOCATION, "name": "Gateway\u2028Pain Relief", "csrf_token": token}
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error">contains a line break (U+2028); write it on one line<' in html
    with app.app_context(), Session(get_engine()) as session:
        assert (
            session.scalars(select(Location).where(Location.city == "Webster Groves")).all() == []
        )


def test_admin_edit_refuses_a_direction_override_in_the_city(app, client, staff):
    with app.app_context(), Session(get_engine()) as session:
        location = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        location_id, version = location.id, location.version
    page = f"/admin/locations/{location_id}/"
    data = {
        **NEW_LOCATION,
        **GOOD,
        "slug": "florissant-mo",
        "city": "Florissant\u202emo",
        "version": str(version),
        "csrf_token": csrf_token(client.get(page).get_data(as_text=True)),
    }
    response = client.post(page, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="city-error">contains an invisible text direction control (U+202E)' in html
    with app.app_context(), Session(get_engine()) as session:
        assert session.get(Location, location_id).city == "Florissant"


# --- 3. encodings -------------------------------------------------------------------------


def refusal(data: bytes) -> str:
    with pytest.raises(FileError) as caught:
        decode_csv(data)
    return str(caught.value)


def test_a_windows_1252_file_names_row_column_byte_and_encoding():
    text = csv_text(row(), row(name="Clinique Café", city="Ferguson", postal_code="63135"))
    assert refusal(text.encode("cp1252")) == (
        "row 3, column name: byte 0xE9 is not UTF-8; "
        'the file looks like Windows-1252: save it as "CSV UTF-8"'
    )


def test_the_row_is_the_file_line_after_quoted_line_breaks():
    header = [*HEADER, "intro"]
    text = csv_text(
        row(intro='Two\r\nlines, and "quotes"'),
        row(city="Española", state="NM", postal_code="87532", intro=""),
        header=header,
    )
    message = refusal(text.encode("latin-1"))
    assert message.startswith("row 4, column city: byte 0xF1 is not UTF-8;")
    # the same numbering as the validator's errors for that file once it is UTF-8
    parsed = parse_locations(text.replace("87532", "6303"))
    assert [str(e).split(":")[0] for e in parsed.errors] == ["row 4, column postal_code"]


def test_a_bad_byte_in_the_header_names_only_the_row():
    assert refusal("nàme,city\r\n".encode("cp1252")).startswith("row 1: byte 0xE0 is not UTF-8")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("first", ["Española Clinic", "Plain Clinic"])
def test_a_file_mixing_encodings_says_so(bom, first):
    data = bom + csv_text(row(name=first)).encode() + "Café,1 Main St\r\n".encode("cp1252")
    message = refusal(data)
    assert message.startswith("row 3, column name: byte 0xE9 is not UTF-8;")
    mixed = bom or first != "Plain Clinic"
    assert ("the file mixes UTF-8 with another encoding" in message) == bool(mixed)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named(encoding):
    assert refusal(csv_text(row()).encode(encoding)) == (
        'row 1: the file is UTF-16; save it as "CSV UTF-8"'
    )


def test_cli_reports_the_cell_of_a_windows_1252_file(app, runner, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        csv_text(row(city="Española", state="NM", postal_code="87532")).encode("cp1252")
    )
    result = runner.invoke(args=["seo", "import-locations", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "row 2, column city: byte 0xF1 is not UTF-8; "
        'the file looks like Windows-1252: save it as "CSV UTF-8"\n'
    )


def test_admin_upload_reports_the_cell_of_a_windows_1252_file(client, staff):
    data = csv_text(row(city="Española", state="NM", postal_code="87532")).encode("cp1252")
    form = {"file": (io.BytesIO(data), "locations.csv"), "csrf_token": staff.token("/admin/import")}
    response = client.post("/admin/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "row 2, column city: byte 0xF1 is not UTF-8; the file looks like Windows-1252" in html


# --- 4. US phone numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone, country",
    [
        ("+1 416 979 1234", "Canada"),
        ("(604) 555-0100", "Canada"),
        ("416-979-1234 ext. 5", "Canada"),
        ("+1 876 927 1234", "Jamaica"),
        ("242-322-1234", "the Bahamas"),
        ("+1 (809) 555-0100", "the Dominican Republic"),
        ("441 295 1234", "Bermuda"),
    ],
)
def test_a_phone_number_outside_the_us_names_its_country(phone, country):
    value, errors = validate_location(row(phone=phone))
    assert only_error(value, errors) == (
        "phone",
        f"{phone!r} is a number in {country}, not in the US",
    )


def test_csv_row_with_a_canadian_number_is_an_error():
    parsed = parse_locations(csv_text(row(), row(phone="+1 416 979 1234", city="Ferguson")))
    assert [str(e) for e in parsed.errors] == [
        "row 3, column phone: '+1 416 979 1234' is a number in Canada, not in the US"
    ]


@pytest.mark.parametrize(
    "state, postal_code, phone, e164",
    [
        ("MO", "63031", "(314) 555-0101", "+13145550101"),  # the demo's fictional numbers
        ("PR", "00901", "787-722-1234", "+17877221234"),
        ("VI", "00802", "(340) 774-1234", "+13407741234"),
        ("GU", "96910", "671 472 1234", "+16714721234"),
        ("MO", "63031", "(800) 555-0100", "+18005550100"),  # toll-free
    ],
)
def test_us_and_territory_numbers_are_valid(state, postal_code, phone, e164):
    value, errors = validate_location(row(state=state, postal_code=postal_code, phone=phone))
    assert errors == [] and value.phone == e164


def test_the_region_names_cover_every_north_american_region():
    assert set(NANP_REGIONS) == set(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
    assert US_REGIONS <= set(NANP_REGIONS)


def test_the_fast_path_and_the_full_parse_agree_on_the_region():
    assert normalize_phone("(416) 979-1234", regions=None) == "+14169791234"
    with pytest.raises(ValueError, match="in Canada"):
        normalize_phone("(416) 979-1234")
    with pytest.raises(ValueError, match="in Canada"):
        normalize_phone("416 979 1234 x12")  # not the fast path's notation


def test_a_visitor_may_leave_a_canadian_number():
    form = {"name": "Ann", "phone": "+1 416 979 1234", "consent": "y"}
    value, errors = validate_request(form)
    assert errors == {} and value.phone == "+14169791234"


# --- 5. ZIP codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postal_code, state, message",
    [
        ("90210", "MO", "90210 is in CA, not MO"),
        ("90210-1234", "mo", "90210 is in CA, not MO"),
        ("62223", "MO", "62223 is in IL, not MO"),  # across the river from St. Louis
        ("00000", "MO", "00000 is not a ZIP code in use; check the address"),
        ("63999", "MO", "63999 is not a ZIP code in use; check the address"),
    ],
)
def test_the_zip_code_must_lie_in_the_state(postal_code, state, message):
    value, errors = validate_location(row(postal_code=postal_code, state=state))
    assert only_error(value, errors) == ("postal_code", message)


def test_csv_row_with_a_zip_code_of_another_state():
    parsed = parse_locations(csv_text(row(), row(postal_code="90210", city="Ferguson")))
    assert [str(e) for e in parsed.errors] == ["row 3, column postal_code: 90210 is in CA, not MO"]


def test_admin_form_refuses_a_zip_code_of_another_state(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = {**NEW_LOCATION, "postal_code": "90210", "csrf_token": token}
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 422
    assert 'id="postal_code-error">90210 is in CA, not MO<' in response.get_data(as_text=True)


def test_zip_plus_four_is_checked_by_its_first_five_digits():
    value, errors = validate_location(row(postal_code="63031-1234"))
    assert errors == [] and value.postal_code == "63031-1234"
    assert zip_state("63031-1234") == "MO" and zip_state("6303") is None


def test_every_demo_row_passes_every_rule():
    text = (ROOT / "locations.csv").read_text(encoding="utf-8")
    parsed = parse_locations(text)
    assert parsed.errors == [] and len(parsed.rows) == 15
    for _, location in parsed.rows:
        assert zip_state(location.postal_code) == location.state
        assert re.fullmatch(r"\+1\d{3}55501\d\d", location.phone)


# --- 6. export: E.164 numbers as they are, formula-like text protected --------------------


def test_export_writes_e164_phones_as_they_are_and_protects_text(app, runner, tmp_path):
    source = tmp_path / "plus.csv"
    plus = row(name="+1 Pain Clinic", city="Ferguson", postal_code="63135", phone="314 555 0177")
    source.write_text(csv_text(plus), encoding="utf-8")
    # A thin one-line row: publishing it takes the audit override.
    imported = runner.invoke(args=["seo", "import-locations", "--allow-audit-errors", str(source)])
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["seo", "export-locations", str(out)]).exit_code == 0
    cells = {r["slug"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert cells["florissant-mo"]["phone"] == "+13145550101"
    assert cells["ferguson-mo"]["phone"] == "+13145550177"
    assert cells["ferguson-mo"]["name"] == "'+1 Pain Clinic"
    before = snapshot(app)
    again = runner.invoke(args=["seo", "import-locations", str(out)])
    assert again.stdout.strip() == "created 0, updated 0, unchanged 16, retired 0"
    assert snapshot(app) == before
    # a spreadsheet that read the cell as a number writes it back without the +
    assert normalize_phone("13145550101") == "+13145550101"


# --- 7. bounds on hostile files -------------------------------------------------------------


def test_a_cell_over_the_limit_names_its_row_and_column():
    header = [*HEADER, "intro"]
    text = csv_text(
        row(intro="Two\nlines."),
        row(city="Ferguson", postal_code="63135", intro="z" * (MAX_CELL + 1)),
        header=header,
    )
    assert [str(e) for e in parse_locations(text).errors] == [
        "row 4, column intro: the cell is larger than 1,048,576 characters; "
        "no column takes more than 5,000"
    ]


def test_a_quoted_cell_over_the_limit_names_its_column():
    text = csv_text(row(name='"Quoted" ' + "n" * MAX_CELL))
    assert [str(e) for e in parse_locations(text).errors] == [
        "row 2, column name: the cell is larger than 1,048,576 characters; "
        "no column takes more than 5,000"
    ]


def test_a_file_over_the_size_limit_is_refused_before_decoding():
    data = csv_text(row()).encode() + b"x" * (3 * 1024 * 1024)
    with pytest.raises(FileError) as caught:
        decode_csv(data, max_bytes=2 * 1024 * 1024)
    assert str(caught.value) == (
        "the file is 3.0 MB; at most 2 MB are read: split it into smaller files"
    )


def multipart(token: str, data: bytes) -> tuple[bytes, str]:
    """A browser's upload body, built in memory (the test client would spool it to a file)."""
    boundary = "upload-boundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=csrf_token\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=file; filename=big.csv\r\n"
        "Content-Type: text/csv\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_upload_over_max_content_length_answers_413(app, client, staff):
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    before = snapshot(app)
    data = csv_text(row()).encode() + b"y" * app.config["MAX_CONTENT_LENGTH"]
    body, content_type = multipart(staff.token("/admin/import"), data)
    response = client.post("/admin/import", data=body, content_type=content_type)
    assert response.status_code == 413
    assert snapshot(app) == before
    # a file under the limit reaches the validator
    body, content_type = multipart(staff.token("/admin/import"), data[: 2 * MAX_CELL])
    response = client.post("/admin/import", data=body, content_type=content_type)
    assert response.status_code == 422
    assert "row 3, column name: the cell is larger than 1,048,576 characters" in (
        response.get_data(as_text=True)
    )


MEMORY_CHILD = """
import resource, sys
from pathlib import Path
from seo.core import locations
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
parsed = locations.parse_locations(locations.decode_csv(Path(sys.argv[1]).read_bytes()))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline, parsed.errors[0])
"""


def test_a_huge_cell_costs_a_small_multiple_of_the_file_in_memory(tmp_path):
    """Bytes, then text, then one line at a time: no copy at 4 bytes a character of the file."""
    import subprocess
    import sys

    path = tmp_path / "huge.csv"
    path.write_text(csv_text(row(name="n" * (8 * 1024 * 1024))), encoding="ascii")
    size_kib = path.stat().st_size // 1024
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    growth_kib, message = result.stdout.split(" ", 1)
    assert message.startswith("row 2, column name: the cell is larger than")
    assert int(growth_kib) < 4 * size_kib, (growth_kib, size_kib)
