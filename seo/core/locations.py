"""Parse and validate location rows: one validator for the CSV importer and the admin form."""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
import zipcodes
from slugify import slugify

from seo.core.hours import HoursError, normalize_opening_hours, normalize_special_hours
from seo.core.states import STATE_NAMES
from seo.core.text import normalize_newlines
from seo.core.timezones import US_TIME_ZONES, zone_for

COLUMNS = (
    "slug",
    "name",
    "street_address",
    "city",
    "state",
    "postal_code",
    "phone",
    "latitude",
    "longitude",
    "opening_hours",
    "special_hours",
    "services",
    "intro",
    "status",
    "redirect_to",
    "closed_until",
)
REQUIRED = ("name", "street_address", "city", "state", "postal_code", "phone")
# A column holding the intro in another language: `intro_es` (ISO 639-1 code).
INTRO_COLUMN_RE = re.compile(r"^intro_([a-z]{2})$")
# Free-text cells a spreadsheet could read as a formula (OWASP "CSV injection").
FREE_TEXT = ("name", "street_address", "city", "intro")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
STATUSES = ("published", "draft", "retired")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
POSTAL_RE = re.compile(r"^\d{5}(?:-\d{4})?$")
# Paragraphs may hold line breaks; every other column is one line.
MULTI_LINE = ("intro",)
ONE_LINE = tuple(c for c in COLUMNS if c not in MULTI_LINE)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a one-line cell never holds: control characters but the tab (C0, DEL, C1; NEL is
# U+0085), the line and paragraph separators, and the invisible format characters (Unicode
# category Cf: bidi embeddings, overrides and isolates, zero-width space and non-joiner,
# word joiner, byte-order mark, soft hyphen, tag characters ...). Allowed: the zero-width
# joiner U+200D (emoji sequences, Indic scripts) and the direction marks U+200E/U+200F,
# which change no order on their own. tests/test_validation.py checks this against the
# Unicode database.
ONE_LINE_REFUSED_RE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b\u200c\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
# Where str.splitlines() breaks a line: LF, VT, FF, CR, FS, GS, RS, NEL, LS, PS.
LINE_BREAKS = frozenset("\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029")
# Embeddings, overrides and isolates reorder what a reader sees ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The stored column sizes (seo/models.py); PostgreSQL refuses longer values.
MAX_LENGTHS = {
    "slug": 100,
    "name": 200,
    "street_address": 200,
    "city": 100,
    "intro": 5000,
    "opening_hours": 500,
    "special_hours": 5000,
    "services": 1000,
    "redirect_to": 100,
}
# Cells up to this size are read whole, so an over-long one gets its column's length error;
# a larger cell stops the file there. It bounds the csv module's field buffer (4 bytes a
# character) whatever a hostile file holds.
MAX_CELL = 1024 * 1024
# The largest locations file read: over 300,000 rows like bench/generate.py's (100,000 make
# 73 MB). The admin upload has its own, smaller bound (MAX_CONTENT_LENGTH).
MAX_FILE_BYTES = 256 * 1024 * 1024
MIB = 1024 * 1024


@dataclass(frozen=True)
class Location:
    """A validated location, with every value in its stored form."""

    slug: str
    name: str
    street_address: str
    city: str
    state: str
    postal_code: str
    phone: str
    latitude: float | None = None
    longitude: float | None = None
    opening_hours: str = ""
    special_hours: str = ""
    services: tuple[str, ...] = ()
    intro: str = ""
    status: str = "published"
    redirect_to: str = ""
    closed_until: date | None = None  # temporarily closed, reopening that day
    # Not a CSV column: worked out from the coordinates (or the state) on import, and kept
    # while they stay the same; staff may choose another in the admin form.
    time_zone: str = ""
    # The intro in other languages, as (language, text) pairs sorted by language.
    intros: tuple[tuple[str, str], ...] = ()

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)

    def offers(self, service_slug: str) -> bool:
        return not self.services or service_slug in self.services

    def intro_in(self, language: str) -> str:
        """The intro written in `language` ("" when there is none)."""
        return dict(self.intros).get(language, "")

    def as_row(self) -> dict[str, str]:
        """Return the CSV cells of this location, spreadsheet-safe."""
        row = {
            "slug": self.slug,
            "name": self.name,
            "street_address": self.street_address,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "phone": self.phone,
            "latitude": format_coordinate(self.latitude),
            "longitude": format_coordinate(self.longitude),
            "opening_hours": self.opening_hours,
            "special_hours": self.special_hours,
            "services": ";".join(self.services),
            "intro": self.intro,
            "status": self.status,
            "redirect_to": self.redirect_to,
            "closed_until": format_date(self.closed_until),
        }
        for column in FREE_TEXT:
            row[column] = protect_cell(row[column])
        for language, text in self.intros:
            row[intro_column(language)] = protect_cell(text)
        return row


@dataclass(frozen=True)
class FieldError:
    column: str
    message: str


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ParsedFile:
    """The outcome of reading a locations file: rows by line number, or errors."""

    rows: list[tuple[int, Location]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def intro_column(language: str) -> str:
    return f"intro_{language}"


def _intros(
    raw: Mapping[str, str | None], fail: Callable[[str, str], None]
) -> tuple[tuple[str, str], ...]:
    """The `intro_<lang>` cells of a row, checked like `intro`; empty cells are no intro."""
    found = []
    for column in sorted(c for c in raw if INTRO_COLUMN_RE.match(c)):
        text = unprotect_cell(raw.get(column) or "").strip()
        problem = cell_problem(text, one_line=False)
        if problem:
            fail(column, problem)
        elif len(text) > MAX_LENGTHS["intro"]:
            fail(column, f"is {len(text)} characters long; at most {MAX_LENGTHS['intro']}")
        elif text:
            found.append((INTRO_COLUMN_RE.match(column)[1], text))
    return tuple(found)


def format_coordinate(value: float | None) -> str:
    return "" if value is None else repr(value)


def format_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def protect_cell(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with `'`."""
    if value.startswith(FORMULA_TRIGGERS) or (
        value.startswith("'") and value[1:2] and value[1] in FORMULA_TRIGGERS
    ):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    """Remove exactly the `'` that `protect_cell` adds."""
    if value.startswith("'") and value[1:2] and (value[1] in FORMULA_TRIGGERS or value[1] == "'"):
        return value[1:]
    return value


def default_slug(city: str, state: str) -> str:
    return slugify(f"{city}-{state}", replacements=[["'", ""], ["’", ""], [".", ""]])


# Ten digits in the notations people type: (314) 555-0101, 314-555-0101, +1 314.555.0101 ...
NANP_RE = re.compile(r"^\s*(?:\+?1[\s.-]?)?\(?([2-9]\d\d)\)?[\s.-]?([2-9]\d\d)[\s.-]?(\d{4})\s*$")
# The members of the North American Numbering Plan, by phonenumbers' region for +1 numbers.
NANP_REGIONS = {
    "US": "the United States", "AS": "American Samoa", "GU": "Guam",
    "MP": "the Northern Mariana Islands", "PR": "Puerto Rico", "VI": "the U.S. Virgin Islands",
    "CA": "Canada", "AG": "Antigua and Barbuda", "AI": "Anguilla", "BB": "Barbados",
    "BM": "Bermuda", "BS": "the Bahamas", "DM": "Dominica", "DO": "the Dominican Republic",
    "GD": "Grenada", "JM": "Jamaica", "KN": "Saint Kitts and Nevis", "KY": "the Cayman Islands",
    "LC": "Saint Lucia", "MS": "Montserrat", "SX": "Sint Maarten",
    "TC": "the Turks and Caicos Islands", "TT": "Trinidad and Tobago",
    "VC": "Saint Vincent and the Grenadines", "VG": "the British Virgin Islands",
}  # fmt: skip
# The United States and its territories that have USPS state codes (STATE_NAMES).
US_REGIONS = frozenset({"US", "AS", "GU", "MP", "PR", "VI"})


@functools.lru_cache(maxsize=65_536)
def _exchange_region(npa_nxx: str) -> str | None:
    """The region of an area code and exchange in service, else None (the line never matters)."""
    number = phonenumbers.parse(f"+1{npa_nxx}0100")
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_number(number)


def shown(value: str, limit: int = 40) -> str:
    """A cell quoted for a message, cut short: a hostile cell never makes a huge message."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def normalize_phone(raw: str, *, regions: Collection[str] | None = US_REGIONS) -> str:
    """Return the E.164 form of a phone number or raise ValueError.

    The number must be valid in the North American Numbering Plan and, unless `regions` is
    None, belong to one of `regions` (phonenumbers' region codes: the US by default)."""
    match = NANP_RE.match(raw)
    if match:  # the common case, without a full parse per row
        region = _exchange_region(match[1] + match[2])
        e164 = f"+1{match[1]}{match[2]}{match[3]}"
    else:
        try:
            number = phonenumbers.parse(raw, "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or number.country_code != 1 or not phonenumbers.is_valid_number(number):
            region = None
        else:
            region = phonenumbers.region_code_for_number(number)
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if region is None:
        raise ValueError(f"{shown(raw)} is not a US phone number")
    if regions is not None and region not in regions:
        where = NANP_REGIONS.get(region, region)
        raise ValueError(f"{shown(raw)} is a number in {where}, not in the US")
    return e164


@functools.lru_cache(maxsize=65_536)
def display_phone(e164: str) -> str:
    """Format an E.164 US number as (314) 555-0101."""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164  # stored data the validator never saw; show it as it is
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def cell_problem(value: str, *, one_line: bool = True) -> str | None:
    """Why a cell is refused for the characters it holds (the first one is named), or None."""
    found = (ONE_LINE_REFUSED_RE if one_line else CONTROL_RE).search(value)
    if found is None:
        return None
    char = found[0]
    code = f"U+{ord(char):04X}"
    if char in LINE_BREAKS:
        return f"contains a line break ({code}); write it on one line"
    if char in BIDI_CONTROLS:
        return f"contains an invisible text direction control ({code}); remove it"
    if char <= "\x9f":
        return f"contains a control character ({code}); remove it"
    return f"contains an invisible character ({code}); remove it"


# The ZIP table: the `zipcodes` package ships every US ZIP code with its state, built from
# USPS's ZIP Locale Detail and unitedstateszipcodes.org and refreshed monthly upstream (a ZIP
# code newer than the pinned version is unknown: upgrade it). Its first query decompresses the
# table (~0.5 s, ~40 MB resident); each state's set is then cached.
@functools.cache
def _state_zips(state: str) -> frozenset[str]:
    return frozenset(z["zip_code"] for z in zipcodes.filter_by(state=state))


def zip_state(zip_code: str) -> str | None:
    """The USPS state code of a five-digit ZIP code, or None when no such ZIP code is in use."""
    found = zipcodes.matching(zip_code[:5]) if POSTAL_RE.match(zip_code) else []
    return found[0]["state"] if found else None


def check_zip_in_state(zip_code: str, state: str) -> str | None:
    """Why a ZIP code does not belong to a state, or None when it does."""
    zip5 = zip_code[:5]
    if zip5 in _state_zips(state):
        return None
    actual = zip_state(zip5)
    if actual is None:
        return f"{zip5} is not a ZIP code in use; check the address"
    return f"{zip5} is in {actual}, not {state}"


def _coordinate(raw: str, column: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{shown(raw)} is not a number in decimal degrees") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{shown(raw)} is outside -{limit:g}..{limit:g}")
    return value


def validate_location(
    raw: Mapping[str, str | None],
    *,
    known_services: Iterable[str] | None = None,
) -> tuple[Location | None, list[FieldError]]:
    """Turn raw cells (a CSV row or a form post) into a Location or field errors."""
    cells = {c: unprotect_cell(raw.get(c) or "").strip() for c in COLUMNS}
    # Line endings are one kind in stored text; a line break in a one-line cell stays an error.
    cells.update({c: normalize_newlines(cells[c]) for c in MULTI_LINE})
    errors: list[FieldError] = []

    def fail(column: str, message: str) -> None:
        errors.append(FieldError(column, message))

    # Nearly every row is printable text throughout (str.isprintable: no Cc, Cf, Zl, Zp, and no
    # Zs but the space), found clean at once; only other rows have each cell looked at.
    joined = " ".join(cells[c] for c in ONE_LINE)
    suspect = (not joined.isprintable() and ONE_LINE_REFUSED_RE.search(joined)) or any(
        CONTROL_RE.search(cells[c]) for c in MULTI_LINE
    )
    for column in COLUMNS:
        value = cells[column]
        problem = suspect and cell_problem(value, one_line=column not in MULTI_LINE)
        if problem:
            fail(column, problem)
        elif column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
            fail(column, f"is {len(value)} characters long; at most {MAX_LENGTHS[column]}")
    for column in REQUIRED:
        if not cells[column]:
            fail(column, "is required")

    state = cells["state"].upper()
    state_ok = state in STATE_NAMES
    if state and not state_ok:
        fail("state", f"{shown(cells['state'])} is not a USPS state code such as MO")
    if cells["postal_code"] and not POSTAL_RE.match(cells["postal_code"]):
        fail(
            "postal_code",
            f"{shown(cells['postal_code'])} is not a ZIP code (12345 or 12345-6789)",
        )
    elif cells["postal_code"] and state_ok:
        problem = check_zip_in_state(cells["postal_code"], state)
        if problem:
            fail("postal_code", problem)

    phone = ""
    if cells["phone"]:
        try:
            phone = normalize_phone(cells["phone"])
        except ValueError as exc:
            fail("phone", str(exc))

    slug = cells["slug"] or (default_slug(cells["city"], state) if cells["city"] and state else "")
    if slug and not SLUG_RE.match(slug):
        fail("slug", f"{shown(slug)} may hold only lowercase a-z, 0-9 and single hyphens")

    latitude = longitude = None
    if bool(cells["latitude"]) != bool(cells["longitude"]):
        missing = "longitude" if cells["latitude"] else "latitude"
        fail(missing, "give both latitude and longitude, or neither")
    elif cells["latitude"]:
        try:
            latitude = _coordinate(cells["latitude"], "latitude", 90)
        except ValueError as exc:
            fail("latitude", str(exc))
        try:
            longitude = _coordinate(cells["longitude"], "longitude", 180)
        except ValueError as exc:
            fail("longitude", str(exc))

    opening_hours = special_hours = ""
    try:
        opening_hours = normalize_opening_hours(cells["opening_hours"])
    except HoursError as exc:
        fail("opening_hours", str(exc))
    if len(opening_hours) > MAX_LENGTHS["opening_hours"]:
        fail(
            "opening_hours", f"is too long once written out; at most {MAX_LENGTHS['opening_hours']}"
        )
    try:
        special_hours = normalize_special_hours(cells["special_hours"])
    except HoursError as exc:
        fail("special_hours", str(exc))

    closed_until = None
    if cells["closed_until"]:
        if not DATE_RE.match(cells["closed_until"]):
            fail(
                "closed_until",
                f"{shown(cells['closed_until'])} is not a date such as 2026-12-01 (YYYY-MM-DD)",
            )
        else:
            try:
                closed_until = date.fromisoformat(cells["closed_until"])
            except ValueError:
                fail("closed_until", f"{shown(cells['closed_until'])} is not a real date")

    # The form may choose a zone; a CSV row never carries one (see Location.time_zone).
    time_zone = (raw.get("time_zone") or "").strip()
    if time_zone and time_zone not in US_TIME_ZONES:
        fail(
            "time_zone",
            f"{shown(time_zone)} is not a US time zone; choose one such as America/Chicago",
        )

    services = tuple(s.strip() for s in cells["services"].split(";") if s.strip())
    known = set(known_services) if known_services is not None else None
    for slug_ in services:
        if known is not None and slug_ not in known:
            fail("services", f"unknown service {shown(slug_)}; known: {', '.join(sorted(known))}")
    if len(set(services)) != len(services):
        fail("services", "lists a service twice")

    status = cells["status"].lower() or "published"
    if status not in STATUSES:
        fail("status", f"{shown(cells['status'])} is not one of {', '.join(STATUSES)}")
    redirect_to = cells["redirect_to"]
    if redirect_to:
        if status != "retired":
            fail("redirect_to", "only a retired location can redirect; set status to retired")
        elif not SLUG_RE.match(redirect_to):
            fail("redirect_to", f"{shown(redirect_to)} is not a location slug")
        elif redirect_to == slug:
            fail("redirect_to", "a location cannot redirect to itself")

    intros = _intros(raw, fail)
    if errors:
        return None, errors
    return (
        Location(
            slug=slug,
            name=cells["name"],
            street_address=cells["street_address"],
            city=cells["city"],
            state=state,
            postal_code=cells["postal_code"],
            phone=phone,
            latitude=latitude,
            longitude=longitude,
            opening_hours=opening_hours,
            special_hours=special_hours,
            services=services,
            intro=cells["intro"],
            status=status,
            redirect_to=redirect_to,
            closed_until=closed_until,
            time_zone=time_zone or zone_for(latitude, longitude, state),
            intros=intros,
        ),
        [],
    )


class FileError(ValueError):
    """A locations file that cannot be read at all: where (row, column) and why."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else ""
        if where and self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}" if where else self.message


SAVE_AS = 'save it as "CSV UTF-8"'  # the name of the format in Excel's "Save As" list
# A CSV cell as the csv module reads it (RFC 4180): quoted, with "" for a quote and any line
# breaks inside, and whatever follows the closing quote; or plain, up to a comma or line end.
QUOTED_CELL_RE = re.compile(r'"[^"]*(?:""[^"]*)*"?[^,\r\n]*')
PLAIN_CELL_RE = re.compile(r"[^,\r\n]*")
# A line as io.StringIO(newline="") yields it: up to and with \r\n, \r or \n.
LINE_RE = re.compile(r"[^\r\n]+(?:\r\n?|\n)?|\r\n?|\n")


def _line_breaks(text: str, start: int, end: int) -> int:
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def _cells(text: str, pos: int = 0, line: int = 1) -> Iterator[tuple[int, int, int, int]]:
    """Yield (row, index, start, end) of each cell from `pos` on; row is the record's first line.

    A separator at the very end is followed by one empty cell, so the last cell yielded is the
    one the end of `text` falls in."""
    index, row, size = 0, line, len(text)
    while True:
        quoted = text.startswith('"', pos)
        end = (QUOTED_CELL_RE if quoted else PLAIN_CELL_RE).match(text, pos).end()
        yield row, index, pos, end
        if quoted:
            line += _line_breaks(text, pos, end)
        if end >= size:
            return
        if text[end] == ",":
            index, pos = index + 1, end + 1
        else:
            pos = end + (2 if text.startswith("\r\n", end) else 1)
            line += 1
            index, row = 0, line


def _cell_text(text: str, start: int, end: int) -> str:
    cell = text[start:end]
    if cell.startswith('"'):
        cell = cell[1:].replace('""', '"').removesuffix('"')  # a header name, never huge
    return cell.strip()


def _bad_byte(data: bytes, offset: int) -> FileError:
    """Name the first byte that is not UTF-8, the cell it is in, and the likely encoding."""
    prefix = data[:offset].decode("utf-8-sig")  # valid up to the bad byte
    header: list[str] = []
    for row, index, start, end in _cells(prefix):
        if row == 1:
            header.append(_cell_text(prefix, start, end))
        where = row, index
    row, index = where
    column = header[index] if row > 1 and index < len(header) else None
    if not prefix.isascii() or data.startswith(codecs.BOM_UTF8):
        guess = "the file mixes UTF-8 with another encoding"
    else:
        try:
            data.decode("cp1252")
            guess = "the file looks like Windows-1252"
        except UnicodeDecodeError:
            guess = "the file is in another encoding"
    return FileError(f"byte 0x{data[offset]:02X} is not UTF-8; {guess}: {SAVE_AS}", row, column)


def decode_csv(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Decode a locations file as UTF-8 (a byte-order mark is accepted) or raise FileError."""
    if len(data) > max_bytes:
        raise FileError(
            f"the file is {len(data) / MIB:.1f} MB; at most {max_bytes / MIB:g} MB are read: "
            "split it into smaller files"
        )
    head = data[:200]
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise FileError(f"the file is UTF-32; {SAVE_AS}", 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)  # ASCII text as UTF-16
    ):
        raise FileError(f"the file is UTF-16; {SAVE_AS}", 1)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[start:], "utf-8")  # no copy of the bytes after the mark
    except UnicodeDecodeError as exc:
        raise _bad_byte(data, start + exc.start) from None


def _lines(text: str, position: list[int]) -> Iterator[str]:
    """The lines of `text` one at a time, keeping `position` at the start of the next one.

    csv.reader over io.StringIO would first copy the whole text at 4 bytes a character."""
    for line in LINE_RE.finditer(text):
        position[0] = line.end()
        yield line[0]


def _widest_cell(text: str, pos: int, row: int) -> int:
    """The index of the longest cell of the record starting at `pos`."""
    widest = (0, 0)
    for record, index, start, end in _cells(text, pos, row):
        if record != row:
            break
        widest = max(widest, (end - start, -index))
    return -widest[1]


def parse_locations(
    text: str,
    *,
    known_services: Iterable[str] | None = None,
    existing_slugs: Iterable[str] = (),
) -> ParsedFile:
    """Read and validate a whole locations file; row numbers are file line numbers."""
    result = ParsedFile()
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        result.errors.append(RowError(line, "-", "contains a NUL byte; the file is damaged"))
        return result
    known = list(known_services) if known_services is not None else None
    csv.field_size_limit(MAX_CELL)  # process-wide; no other reader in the app needs more
    position = [0]
    reader = csv.reader(_lines(text, position), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(1, "-", "the file is empty; a header row is required"))
        return result
    except csv.Error as exc:
        result.errors.append(RowError(1, "-", f"unreadable CSV: {exc}"))
        return result
    header = [h.strip() for h in header]
    problems = False
    for name in header:
        if name not in COLUMNS and not INTRO_COLUMN_RE.match(name):
            hint = ";" in name and " (the file seems to use ; as delimiter; use commas)" or ""
            label = name if len(name) <= 60 else name[:60] + "…"
            result.errors.append(
                RowError(
                    1,
                    label,
                    f"unknown column{hint}; allowed: {', '.join(COLUMNS)}, "
                    "and intro_<language> such as intro_es",
                )
            )
            problems = True
    for name in {h for h in header if header.count(h) > 1}:
        result.errors.append(RowError(1, name, "appears twice in the header"))
        problems = True
    for name in REQUIRED:
        if name not in header:
            result.errors.append(RowError(1, name, "required column is missing"))
            problems = True
    if problems:
        return result

    seen: dict[str, int] = {}
    start = reader.line_num + 1
    while True:
        record_at = position[0]
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            column, message = "-", f"unreadable CSV: {exc}"
            if "field larger than field limit" in str(exc):
                longest = max(MAX_LENGTHS.values())
                index = _widest_cell(text, record_at, start)
                column = header[index] if index < len(header) else "-"
                message = (
                    f"the cell is larger than {MAX_CELL:,} characters; "
                    f"no column takes more than {longest:,}"
                )
            result.errors.append(RowError(start, column, message))
            break
        row_no = start
        start = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.errors.append(
                RowError(row_no, "-", f"has {len(cells)} cells; the header has {len(header)}")
            )
            continue
        location, errors = validate_location(
            dict(zip(header, cells, strict=True)), known_services=known
        )
        result.errors.extend(RowError(row_no, e.column, e.message) for e in errors)
        if location is None:
            continue
        if location.slug in seen:
            result.errors.append(
                RowError(
                    row_no, "slug", f"{location.slug!r} already used on row {seen[location.slug]}"
                )
            )
            continue
        seen[location.slug] = row_no
        result.rows.append((row_no, location))

    targets = set(seen) | set(existing_slugs)
    for row_no, location in result.rows:
        if location.redirect_to and location.redirect_to not in targets:
            result.errors.append(
                RowError(
                    row_no, "redirect_to", f"no location has the slug {location.redirect_to!r}"
                )
            )
    result.errors.sort(key=lambda e: e.row)
    return result


def write_locations(locations: Iterable[Location]) -> str:
    """Write locations in the locations.csv format, with an `intro_<lang>` column for each
    language any location has an intro in."""
    locations = list(locations)
    languages = sorted({language for x in locations for language, _text in x.intros})
    out = io.StringIO(newline="")
    fields = [*COLUMNS, *(intro_column(language) for language in languages)]
    writer = csv.DictWriter(out, fieldnames=fields, restval="", lineterminator="\r\n")
    writer.writeheader()
    for location in locations:
        writer.writerow(location.as_row())
    return out.getvalue()
