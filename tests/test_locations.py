"""The one validator for CSV rows and admin form posts."""

from datetime import date

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seo.core.locations import (
    COLUMNS,
    US_REGIONS,
    Location,
    normalize_phone,
    parse_locations,
    protect_cell,
    unprotect_cell,
    validate_location,
    write_locations,
)

GOOD = {
    "name": "Gateway Pain Relief Florissant",
    "street_address": "1001 N New Florissant Rd, Suite 200",
    "city": "Florissant",
    "state": "mo",
    "postal_code": "63031",
    "phone": "(314) 555-0101",
}
HEADER = ",".join(GOOD)


def row(**changes):
    return {**GOOD, **changes}


def test_valid_row_is_normalised():
    location, errors = validate_location(row(latitude="38.7892", longitude="-90.3226"))
    assert errors == []
    assert location.slug == "florissant-mo"
    assert location.state == "MO"
    assert location.phone == "+13145550101"
    assert (location.latitude, location.longitude) == (38.7892, -90.3226)
    assert location.status == "published"


@pytest.mark.parametrize(
    "city, state, postal_code, slug",
    [
        ("Coeur d'Alene", "ID", "83814", "coeur-dalene-id"),
        ("Española", "NM", "87532", "espanola-nm"),
        ("St. Louis", "MO", "63101", "st-louis-mo"),
        ("O'Fallon", "mo", "63368", "ofallon-mo"),
    ],
)
def test_default_slug_from_city_and_state(city, state, postal_code, slug):
    location, errors = validate_location(row(city=city, state=state, postal_code=postal_code))
    assert errors == [] and location.slug == slug
    assert location.city == city


@pytest.mark.parametrize(
    "changes, column, fragment",
    [
        ({"phone": "314-55"}, "phone", "'314-55' is not a US phone number"),
        ({"phone": "+44 20 7946 0958"}, "phone", "not a US phone number"),
        ({"state": "XX"}, "state", "not a USPS state code"),
        ({"postal_code": "6303"}, "postal_code", "not a ZIP code"),
        ({"name": ""}, "name", "is required"),
        ({"latitude": "38.7"}, "longitude", "both latitude and longitude"),
        ({"latitude": "98", "longitude": "10"}, "latitude", "outside"),
        ({"latitude": "nan", "longitude": "10"}, "latitude", "outside"),
        ({"latitude": "north", "longitude": "10"}, "latitude", "not a number"),
        ({"slug": "Florissant MO"}, "slug", "lowercase"),
        ({"status": "open"}, "status", "not one of"),
        ({"redirect_to": "st-louis-mo"}, "redirect_to", "only a retired location"),
        ({"opening_hours": "weekdays 09:00-17:00"}, "opening_hours", "not a day"),
        ({"special_hours": "2026-13-01 closed"}, "special_hours", "not a real date"),
        ({"name": "Clinic\x00"}, "name", "contains a control character (U+0000)"),
        ({"services": "unknown-service"}, "services", "unknown service"),
    ],
)
def test_bad_value_names_column(changes, column, fragment):
    location, errors = validate_location(
        row(**changes), known_services=["neuropathic-pain-treatment"]
    )
    assert location is None
    assert any(e.column == column and fragment in e.message for e in errors), errors


def test_csv_errors_carry_file_line_numbers():
    text = (
        "\ufeff"
        + HEADER
        + "\r\n"
        + "A,1 Main St,Florissant,MO,63031,(314) 555-0101\r\n"
        + '"B","2 Main St\nUnit 4",Ferguson,MO,63135,314-555-0102\r\n'
        + "C,3 Main St,Hazelwood,ZZ,63042,314-555-0103\r\n"
    )
    parsed = parse_locations(text)
    assert [str(e) for e in parsed.errors] == [
        "row 3, column street_address: contains a line break (U+000A); write it on one line",
        "row 5, column state: 'ZZ' is not a USPS state code such as MO",
    ]


def test_unknown_and_missing_columns_are_header_errors():
    parsed = parse_locations("name,city,colour\nA,B,C\n")
    messages = {(e.row, e.column) for e in parsed.errors}
    assert (1, "colour") in messages and (1, "phone") in messages


def test_duplicate_slug_in_file():
    text = HEADER + "\n" + "A,1 Main St,Florissant,MO,63031,314-555-0101\n" * 2
    parsed = parse_locations(text)
    assert [str(e) for e in parsed.errors] == [
        "row 3, column slug: 'florissant-mo' already used on row 2"
    ]


def test_redirect_must_name_a_location():
    text = "slug,name,street_address,city,state,postal_code,phone,status,redirect_to\n"
    text += "old,A,1 Main St,Florissant,MO,63031,314-555-0101,retired,nowhere\n"
    assert "no location has the slug 'nowhere'" in str(parse_locations(text).errors[0])


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "'=x", "plain"]
)
def test_formula_protection_round_trips(value):
    assert unprotect_cell(protect_cell(value)) == value


def test_export_then_parse_is_identity():
    location = Location(
        slug="x-mo",
        name="=Clinic",
        street_address="1 Main St",
        city="-Town",
        state="MO",
        postal_code="63031",
        phone="+13145550101",
        latitude=38.1,
        longitude=-90.25,
        opening_hours="Mo-Fr 09:00-17:00; Fr 18:00-02:00; Su 00:00-24:00",
        special_hours="2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed",
        services=("a", "b"),
        intro='Line one.\nLine two, "quoted".',
        status="published",
        closed_until=date(2026, 12, 1),
        time_zone="America/Chicago",  # not written: worked out again from the coordinates
    )
    text = write_locations([location])
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "'=Clinic" in text
    parsed = parse_locations(text)
    assert parsed.errors == []
    assert parsed.rows == [(2, location)]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(200, 999),
    st.integers(0, 999),
    st.integers(0, 9999),
    st.sampled_from(
        ["({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}", "1{a}{b}{c}"]
    ),
)
def test_fast_phone_path_agrees_with_phonenumbers(area, exchange, line, notation):
    raw = notation.format(a=f"{area:03d}", b=f"{exchange:03d}", c=f"{line:04d}")
    try:
        number = phonenumbers.parse(raw, "US")
        expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        valid = phonenumbers.is_valid_number(number)
        region = phonenumbers.region_code_for_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if valid:  # any North American number, when the caller allows every region
        assert normalize_phone(raw, regions=None) == expected
    else:
        with pytest.raises(ValueError):
            normalize_phone(raw, regions=None)
    if valid and region in US_REGIONS:
        assert normalize_phone(raw) == expected
    else:
        with pytest.raises(ValueError, match="not a US phone number|not in the US"):
            normalize_phone(raw)
