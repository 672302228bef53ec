from datetime import date

import pytest

from seo.core.hours import (
    HoursError,
    normalize_opening_hours,
    normalize_special_hours,
    parse_opening_hours,
    upcoming_special_hours,
    week_table,
)


def test_opening_hours_expand_day_ranges():
    rules = parse_opening_hours("Mo-Fr 09:00-17:00; Sa 09:00-12:00")
    assert rules[0].days == ("Mo", "Tu", "We", "Th", "Fr")
    assert (rules[1].days, rules[1].opens, rules[1].closes) == (("Sa",), "09:00", "12:00")


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("mo-fr 09:00-17:00;sa 09:00-12:00", "Mo-Fr 09:00-17:00; Sa 09:00-12:00"),
        ("Mo,We 08:00-12:00,13:00-17:00", "Mo,We 08:00-12:00,13:00-17:00"),
        ("Su closed", "Su closed"),
        ("", ""),
    ],
)
def test_opening_hours_normalise(raw, normal):
    assert normalize_opening_hours(raw) == normal


@pytest.mark.parametrize(
    "raw", ["Mo-Fr 9-5", "Monday 09:00-17:00", "Mo-Fr 17:00-09:00", "Mo-Fr 25:00-26:00", "09:00"]
)
def test_bad_opening_hours_are_errors(raw):
    with pytest.raises(HoursError):
        normalize_opening_hours(raw)


def test_special_hours_sorted_and_closed_days():
    text = normalize_special_hours("2026-12-25 closed; 2026-12-24 09:00-12:00")
    assert text == "2026-12-24 09:00-12:00; 2026-12-25 closed"
    items = upcoming_special_hours(text, date(2026, 12, 25))
    assert [(i.day, i.closed) for i in items] == [(date(2026, 12, 25), True)]


@pytest.mark.parametrize("raw", ["2026-02-30 closed", "12/24 closed", "2026-12-24 noon"])
def test_bad_special_hours_are_errors(raw):
    with pytest.raises(HoursError):
        normalize_special_hours(raw)


def test_week_table_lists_every_day():
    table = dict(week_table("Mo-Fr 09:00-17:00"))
    assert table["Monday"] == ["9:00 AM – 5:00 PM"]
    assert table["Sunday"] == []
