"""Parse and validate location rows: one validator for the CSV importer and the admin form."""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers
from slugify import slugify

from seo.core.hours import HoursError, normalize_opening_hours, normalize_special_hours

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
)
REQUIRED = ("name", "street_address", "city", "state", "postal_code", "phone")
# Free-text cells a spreadsheet could read as a formula (OWASP "CSV injection").
FREE_TEXT = ("name", "street_address", "city", "intro")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
STATUSES = ("published", "draft", "retired")

# USPS two-letter codes: states, DC and the inhabited territories.
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa", "GU": "Guam",
    "MP": "Northern Mariana Islands", "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
}  # fmt: skip

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
POSTAL_RE = re.compile(r"^\d{5}(?:-\d{4})?$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
# the csv module's default (128 KiB) would stop the file at the first such cell instead.
MAX_CELL = 16 * 1024 * 1024


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

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)

    def offers(self, service_slug: str) -> bool:
        return not self.services or service_slug in self.services

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
        }
        for column in FREE_TEXT:
            row[column] = protect_cell(row[column])
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


def format_coordinate(value: float | None) -> str:
    return "" if value is None else repr(value)


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


@functools.lru_cache(maxsize=65_536)
def _valid_exchange(npa_nxx: str) -> bool:
    """Whether an area code and exchange are in service (the line number never matters)."""
    number = phonenumbers.parse(f"+1{npa_nxx}0100")
    return phonenumbers.is_valid_number(number)


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a US phone number or raise ValueError."""
    match = NANP_RE.match(raw)
    if match:  # the common case, without a full parse per row
        if _valid_exchange(match[1] + match[2]):
            return f"+1{match[1]}{match[2]}{match[3]}"
        raise ValueError(f"{raw!r} is not a US phone number")
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a US phone number") from None
    if number.country_code != 1 or not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a US phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=65_536)
def display_phone(e164: str) -> str:
    """Format an E.164 US number as (314) 555-0101."""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164  # stored data the validator never saw; show it as it is
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _coordinate(raw: str, column: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number in decimal degrees") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{raw!r} is outside -{limit:g}..{limit:g}")
    return value


def validate_location(
    raw: Mapping[str, str | None],
    *,
    known_services: Iterable[str] | None = None,
) -> tuple[Location | None, list[FieldError]]:
    """Turn raw cells (a CSV row or a form post) into a Location or field errors."""
    cells = {c: unprotect_cell(raw.get(c) or "").strip() for c in COLUMNS}
    errors: list[FieldError] = []

    def fail(column: str, message: str) -> None:
        errors.append(FieldError(column, message))

    for column in COLUMNS:
        value = cells[column]
        if CONTROL_RE.search(value):
            fail(column, "contains control characters; remove them")
        elif column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
            fail(column, f"is {len(value)} characters long; at most {MAX_LENGTHS[column]}")
    for column in ("name", "street_address", "city", "postal_code", "phone", "state"):
        if column != "intro" and "\n" in cells[column]:
            fail(column, "must be a single line")
    for column in REQUIRED:
        if not cells[column]:
            fail(column, "is required")

    state = cells["state"].upper()
    if state and state not in STATE_NAMES:
        fail("state", f"{cells['state']!r} is not a USPS state code such as MO")
    if cells["postal_code"] and not POSTAL_RE.match(cells["postal_code"]):
        fail("postal_code", f"{cells['postal_code']!r} is not a ZIP code (12345 or 12345-6789)")

    phone = ""
    if cells["phone"]:
        try:
            phone = normalize_phone(cells["phone"])
        except ValueError as exc:
            fail("phone", str(exc))

    slug = cells["slug"] or (default_slug(cells["city"], state) if cells["city"] and state else "")
    if slug and not SLUG_RE.match(slug):
        fail("slug", f"{slug!r} may hold only lowercase a-z, 0-9 and single hyphens")

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

    services = tuple(s.strip() for s in cells["services"].split(";") if s.strip())
    known = set(known_services) if known_services is not None else None
    for slug_ in services:
        if known is not None and slug_ not in known:
            fail("services", f"unknown service {slug_!r}; known: {', '.join(sorted(known))}")
    if len(set(services)) != len(services):
        fail("services", "lists a service twice")

    status = cells["status"].lower() or "published"
    if status not in STATUSES:
        fail("status", f"{cells['status']!r} is not one of {', '.join(STATUSES)}")
    redirect_to = cells["redirect_to"]
    if redirect_to:
        if status != "retired":
            fail("redirect_to", "only a retired location can redirect; set status to retired")
        elif not SLUG_RE.match(redirect_to):
            fail("redirect_to", f"{redirect_to!r} is not a location slug")
        elif redirect_to == slug:
            fail("redirect_to", "a location cannot redirect to itself")

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
        ),
        [],
    )


def decode_csv(data: bytes) -> str:
    """Decode a locations file as UTF-8 (a byte-order mark is accepted)."""
    head = data[:200]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)  # ASCII text as UTF-16
    ):
        raise ValueError("the file is UTF-16; save it as CSV UTF-8 and import it again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"the file is not UTF-8 (undecodable byte at line {line}); "
            "save it as CSV UTF-8 and import it again"
        ) from None


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
    if csv.field_size_limit() < MAX_CELL:  # process-wide; only ever raised
        csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
        if name not in COLUMNS:
            hint = ";" in name and " (the file seems to use ; as delimiter; use commas)" or ""
            result.errors.append(
                RowError(1, name, f"unknown column{hint}; allowed: {', '.join(COLUMNS)}")
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
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = f"unreadable CSV: {exc}"
            if "field larger than field limit" in str(exc):
                longest = max(MAX_LENGTHS.values())
                message = (
                    f"a cell is over {MAX_CELL:,} characters; no column takes over {longest:,}"
                )
            result.errors.append(RowError(start, "-", message))
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
    """Write locations in the locations.csv format."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for location in locations:
        writer.writerow(location.as_row())
    return out.getvalue()
