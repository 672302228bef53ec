"""The staff form's hours grid: rows <-> the one hours notation, every bad entry reported
beside its day or holiday row, and the form saving through the one write path."""

import re

import pytest
from conftest import NEW_CLINIC
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.core.hours import (
    GridRow,
    copy_to_weekdays,
    holiday_grid,
    holidays_notation,
    same_week,
    week_grid,
    week_notation,
)
from seo.store.db import get_engine
from seo.store.models import Change, Location

WEEK = "Mo-Fr 08:00-17:00; Sa 09:00-13:00"
HOLIDAYS = "2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed Christmas Day"


def day(code: str, *ranges: tuple[str, str], closed: bool = False) -> GridRow:
    return GridRow(code, closed, tuple(ranges))


def week(**days: tuple) -> list[GridRow]:
    """Seven rows; the days named get their ranges, the rest are closed."""
    return [day(code, *days.get(code, ())) for code in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")]


@pytest.mark.parametrize(
    "text",
    [
        WEEK,
        "Mo-Su 00:00-24:00",
        "Mo-Th 09:00-12:00,13:00-17:00; Fr 18:00-02:00",
        "Mo 09:00-17:00; We 09:00-17:00; Fr-Su 10:00-14:00",
        "",
    ],
)
def test_week_grid_round_trips_the_notation(text):
    assert week_notation(week_grid(text)) == (text, {})


def test_grid_rows_read_from_the_notation():
    rows = week_grid("Mo-Fr 09:00-12:00,13:00-17:00; Sa 18:00-02:00")
    assert rows[0] == GridRow("Mo", False, (("09:00", "12:00"), ("13:00", "17:00")))
    assert rows[5].ranges == (("18:00", "02:00"),)  # overnight, kept on the day it opens
    assert rows[6] == GridRow("Su", True, ())


def test_consecutive_equal_days_are_written_as_one_range_of_days():
    rows = week(Mo=(("09:00", "17:00"),), Tu=(("09:00", "17:00"),), We=(("09:00", "17:00"),))
    rows[3] = day("Th", ("", ""), ("", ""))  # empty ranges: closed
    text, errors = week_notation(rows)
    assert errors == {}
    assert text == "Mo-We 09:00-17:00"


def test_every_bad_entry_is_reported_beside_its_day():
    rows = week(
        Mo=(("9", "17:00"), ("18:00", "")),
        Tu=(("09:00", "12:00"), ("11:00", "13:00")),
        We=(("09:00", "05:00"),),
        Fr=(("18:00", "02:00"),),
        Sa=(("01:00", "03:00"),),
    )
    rows[3] = day("Th", ("09:00", "17:00"), closed=True)
    _text, errors = week_notation(rows)
    assert set(errors) == {"Mo", "Tu", "We", "Th", "Sa"}
    assert errors["Mo"] == [
        "Monday: '9-17:00' is not a time range such as 09:00-17:00",
        "Monday, range 2: give both an opening and a closing time",
    ]
    assert "Tu 11:00-13:00 overlaps Tu 09:00-12:00" in errors["Tu"][0]
    assert "closes before it opens" in errors["We"][0]
    assert errors["Th"] == ["Thursday: untick Closed, or clear its times"]
    assert "Sa 01:00-03:00 overlaps Fr 18:00-02:00" in errors["Sa"][0]


def test_copy_to_weekdays_gives_tuesday_to_friday_mondays_hours():
    rows = copy_to_weekdays(week(Mo=(("09:00", "17:00"),), Tu=(("10:00", "11:00"),)))
    assert week_notation(rows) == ("Mo-Fr 09:00-17:00", {})


def test_holiday_rows_round_trip_with_names():
    rows = holiday_grid(HOLIDAYS + "; 2026-12-31 09:00-12:00,13:00-15:00")
    assert [r.day for r in rows] == ["2026-12-24", "2026-12-25", "2026-12-31"]
    assert rows[1] == GridRow("h1", True, (), "2026-12-25", "Christmas Day")
    assert rows[2].ranges == (("09:00", "12:00"), ("13:00", "15:00"))
    blank = GridRow("h3", ranges=(("", ""),))
    text, errors = holidays_notation([rows[2], blank, *rows[:2]])  # any order, a blank row
    assert errors == {}
    assert text == HOLIDAYS + "; 2026-12-31 09:00-12:00,13:00-15:00"


def test_a_dated_row_without_hours_is_closed_all_day():
    rows = [GridRow("h0", day="2026-07-04", name="Independence Day")]
    assert holidays_notation(rows) == ("2026-07-04 closed Independence Day", {})


def test_every_bad_holiday_row_is_reported():
    rows = [
        GridRow("h0", day="2026-02-30"),
        GridRow("h1", name="Staff day"),
        GridRow("h2", day="2026-12-25", ranges=(("25:00", "26:00"),)),
        GridRow("h3", day="2026-12-26", name="Boxing Day"),
        GridRow("h4", day="2026-12-26"),
        GridRow("h5", day="2026-12-27", name="x" * 81),
        GridRow("h6"),
    ]
    _text, errors = holidays_notation(rows)
    assert errors == {
        "h0": ["Holiday 2026-02-30: '2026-02-30' is not a date such as 2026-12-25"],
        "h1": ["Holiday row 2: choose its date"],
        "h2": ["Holiday 2026-12-25: '25:00-26:00' is not a time range such as 09:00-17:00"],
        "h4": ["Holiday 2026-12-26 is also in holiday row 4; give each date once"],
        "h5": ["'Holiday 2026-12-27': the name is 81 characters long; at most 80"],
    }


def test_same_week_ignores_spelling_only():
    assert same_week("Mo,Tu 09:00-17:00", "Mo-Tu 09:00-17:00")
    assert not same_week("Mo 09:00-17:00", "Mo 09:00-16:00")
    assert not same_week("nonsense", "Mo 09:00-17:00")


# --- the form ------------------------------------------------------------------------


def grid_post(token: str, hours: dict[str, list[tuple[str, str]]], holidays=()) -> dict:
    """The form as a browser posts the grid: repeated names for a day's ranges."""
    data: dict = {**NEW_CLINIC, "csrf_token": token, "status": "published"}
    data.pop("opening_hours", None)
    data.pop("special_hours", None)
    data["opening_hours-grid"] = "y"
    data["special_hours-grid"] = "y"
    for code, ranges in hours.items():
        data[f"opening_hours-{code}-opens"] = [o for o, _c in ranges]
        data[f"opening_hours-{code}-closes"] = [c for _o, c in ranges]
    for n, (when, name, ranges) in enumerate(holidays):
        data[f"special_hours-h{n}-day"] = when
        data[f"special_hours-h{n}-name"] = name
        data[f"special_hours-h{n}-opens"] = [o for o, _c in ranges]
        data[f"special_hours-h{n}-closes"] = [c for _o, c in ranges]
    return data


def stored_location(app, slug: str) -> Location | None:
    with app.app_context(), Session(get_engine()) as s:
        return s.scalars(select(Location).where(Location.slug == slug)).one_or_none()


def test_the_grid_saves_the_notation_through_the_one_write_path(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = grid_post(
        token,
        {
            "Mo": [("09:00", "17:00"), ("", "")],
            "Tu": [("09:00", "17:00")],
            "Fr": [("18:00", "02:00")],
        },
        [("2026-12-25", "Christmas Day", []), ("2026-12-24", "", [("09:00", "12:00")])],
    )
    data["opening_hours-copy"] = "y"
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    row = stored_location(app, "webster-groves-mo")
    assert row.opening_hours == "Mo-Fr 09:00-17:00"  # Monday copied to Tuesday-Friday
    assert row.special_hours == "2026-12-24 09:00-12:00; 2026-12-25 closed Christmas Day"
    page = client.get("/locations/webster-groves-mo/").get_data(as_text=True)
    assert "Christmas Day" in page


def test_the_form_lists_every_bad_entry_and_saves_nothing(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = grid_post(
        token,
        {"Mo": [("9", "17:00")], "We": [("09:00", "")]},
        [("2026-02-30", "", []), ("", "Staff day", [])],
    )
    data["phone"] = "314-55"
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="opening_hours-Mo-error">Monday: &#39;9-17:00&#39; is not', html)
    assert 'id="opening_hours-We-error">Wednesday, range 1: give both' in html
    assert 'id="special_hours-h0-error">Holiday 2026-02-30' in html
    assert 'id="special_hours-h1-error">Holiday row 2: choose its date' in html
    assert "2 problems, marked below" in html and "4 problems" not in html
    assert "is not a US phone number" in html  # the other fields are still checked
    assert 'value="9"' in html  # what was typed comes back to be corrected
    assert stored_location(app, "webster-groves-mo") is None


def test_an_unchanged_grid_keeps_the_stored_spelling_and_records_nothing(app, client, staff):
    with app.app_context(), Session(get_engine()) as s:
        row = s.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        row.opening_hours = "Mo,Tu,We,Th,Fr 08:00-17:00; Sa 09:00-13:00"
        s.commit()
        location_id, changes = row.id, len(s.scalars(select(Change)).all())
    html = client.get(f"/admin/locations/{location_id}/").get_data(as_text=True)
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>|<option selected[^>]*>", html):
        found = re.search(r'name="([\w-]+)"[^>]*value="([^"]*)"', tag)
        if found and not ('type="checkbox"' in tag and " checked" not in tag):
            data.setdefault(found[1], [])
            data[found[1]].append(found[2].replace("&#39;", "'"))
    data["state"], data["status"] = "MO", "published"
    stored = stored_location(app, "florissant-mo")
    data["intro"] = stored.intro
    for language, text in stored.intros:  # textareas, as a browser sends them
        data[f"intro_{language}"] = text
    response = client.post(f"/admin/locations/{location_id}/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Nothing changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context(), Session(get_engine()) as s:
        assert len(s.scalars(select(Change)).all()) == changes


def test_required_fields_are_marked_as_the_validator_requires(app, client, staff):
    from seo.core.locations import REQUIRED

    html = client.get("/admin/locations/new").get_data(as_text=True)
    marked = set(re.findall(r'<label for="(\w+)">[^<]*<span class="required-mark"', html))
    assert marked == set(REQUIRED)


def test_zip_in_another_state_is_shown_beside_the_zip_field(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = {**NEW_CLINIC, "postal_code": "90210", "csrf_token": token}
    html = client.post("/admin/locations/new", data=data).get_data(as_text=True)
    assert re.search(r'id="postal_code-error">[^<]*90210[^<]*', html), html


def test_without_scripts_closed_and_typed_times_mean_what_changed(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = grid_post(token, {"Mo": [("09:00", "17:00")], "Su": [("10:00", "14:00")]})
    data["opening_hours-Mo-closed"] = "y"  # ticked on a day with times: closes it
    data["opening_hours-Su-closed"] = "y"  # still ticked from the page, but times typed in:
    data["opening_hours-Su-was-closed"] = "y"  # they open the day
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored_location(app, "webster-groves-mo").opening_hours == "Su 10:00-14:00"
