import re
from datetime import date

import pytest

from seo.core import schema_org
from seo.core.hours import (
    DAY_NAMES,
    Closure,
    HoursError,
    closure,
    normalize_opening_hours,
    normalize_special_hours,
    parse_opening_hours,
    parse_special_hours,
    upcoming_special_hours,
    week_spans,
)
from seo.core.interface import ENGLISH


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
    "raw", ["Mo-Fr 9-5", "Monday 09:00-17:00", "Mo-Fr 09:00-05:00", "Mo-Fr 25:00-26:00", "09:00"]
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
    table = dict(ENGLISH.week_table("Mo-Fr 09:00-17:00"))
    assert table["Monday"] == ["9:00 AM – 5:00 PM"]
    assert table["Sunday"] == []


# --- hours the way clinics keep them: past midnight, all day, named holidays, closures ---


def test_a_range_past_midnight_stays_on_the_day_it_opens():
    text = normalize_opening_hours("Mo-Fr 09:00-17:00; fr 18:00-02:00")
    assert text == "Mo-Fr 09:00-17:00; Fr 18:00-02:00"
    rules = parse_opening_hours(text)
    assert (rules[1].days, rules[1].opens, rules[1].closes) == (("Fr",), "18:00", "02:00")
    assert rules[1].overnight and not rules[0].overnight
    table = dict(ENGLISH.week_table(text))
    assert table["Friday"] == ["9:00 AM – 5:00 PM", "6:00 PM – 2:00 AM"]
    assert table["Saturday"] == []
    assert week_spans(text)[4] == "09:00-17:00,18:00-02:00"


@pytest.mark.parametrize(
    "raw, normal, label",
    [
        ("Mo-Su 00:00-24:00", "Mo-Su 00:00-24:00", "Open 24 hours"),
        ("Sa 00:00-23:59", "Sa 00:00-23:59", "Open 24 hours"),
        ("Fr 18:00-00:00", "Fr 18:00-24:00", "6:00 PM – Midnight"),
        ("Sa 17:00-09:00", "Sa 17:00-09:00", "5:00 PM – 9:00 AM"),
    ],
)
def test_all_day_and_until_midnight(raw, normal, label):
    assert normalize_opening_hours(raw) == normal
    days = [ranges for _day, ranges in ENGLISH.week_table(normal) if ranges]
    assert days[0] == [label]


@pytest.mark.parametrize(
    "raw, message",
    [
        ("Mo-Fr 09:00-05:00", "closes before it opens; use 24-hour times"),
        ("Mo 09:00-09:00", "for a whole day write 00:00-24:00"),
        ("Mo 24:00-02:00", "a day opens at 00:00"),
        ("Mo-Fr 09:00-17:00; Fr 16:00-18:00", "Fr 16:00-18:00 overlaps Fr 09:00-17:00"),
        ("Fr 18:00-02:00; Sa 01:00-05:00", "Sa 01:00-05:00 overlaps Fr 18:00-02:00"),
        ("Su 20:00-02:00; Mo 01:00-05:00", "Mo 01:00-05:00 overlaps Su 20:00-02:00"),
        ("Mo-Su 00:00-24:00; Sa 09:00-12:00", "overlaps"),
    ],
)
def test_impossible_hours_are_refused_with_the_reason(raw, message):
    with pytest.raises(HoursError, match=re.escape(message)):
        normalize_opening_hours(raw)


def test_a_range_may_close_when_the_next_one_opens():
    text = "Fr 18:00-02:00; Sa 02:00-06:00; Su 20:00-24:00; Mo 00:00-01:00"
    assert normalize_opening_hours(text) == text


def test_holiday_names_are_kept_and_the_old_notation_stays_valid():
    text = normalize_special_hours(
        "2026-12-25 closed  Christmas   Day; 2026-12-24 09:00-12:00 Christmas Eve; "
        "2027-01-01 closed"
    )
    assert text == (
        "2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed Christmas Day; 2027-01-01 closed"
    )
    assert normalize_special_hours(text) == text
    items = parse_special_hours(text)
    assert [(i.day.day, i.name, ENGLISH.special_label(i), i.span) for i in items] == [
        (24, "Christmas Eve", "9:00 AM – 12:00 PM", "09:00-12:00"),
        (25, "Christmas Day", "Closed", ""),
        (1, "", "Closed", ""),
    ]


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("2026-07-04 closed 4th of July", "2026-07-04 closed 4th of July"),
        ("2026-12-31 18:00-02:00 New Year's Eve", "2026-12-31 18:00-02:00 New Year's Eve"),
        (
            "2026-12-24 09:00-12:00, 14:00-16:00 Eve, half day",
            "2026-12-24 09:00-12:00,14:00-16:00 Eve, half day",
        ),
        (
            "2026-12-24 09:00-12:00 Eve; 2026-12-24 14:00-16:00",
            "2026-12-24 09:00-12:00,14:00-16:00 Eve",
        ),
    ],
)
def test_holiday_names_in_the_notation(raw, normal):
    assert normalize_special_hours(raw) == normal


@pytest.mark.parametrize(
    "raw, message",
    [
        ("2026-12-24 09:00-12:00 A; 2026-12-24 14:00-16:00 B", "named both 'A' and 'B'"),
        ("2026-12-24 09:00-12:00 14:00-16:00", "write a second range after a comma"),
        ("2026-12-24 closed " + "x" * 81, "at most 80"),
        ("2026-12-24 closedChristmas", "is not like"),
        ("2026-12-24 09:00-12:00; 2026-12-24 closed", "2026-12-24 is given as closed and again"),
        ("2026-12-24 closed; 2026-12-24 closed", "2026-12-24 is given as closed and again"),
    ],
)
def test_bad_holiday_names_are_errors(raw, message):
    with pytest.raises(HoursError, match=re.escape(message)):
        normalize_special_hours(raw)


def test_a_closure_lasts_until_the_reopening_day():
    reopens = date(2026, 12, 1)
    assert closure(reopens, date(2026, 11, 25)) == Closure(date(2026, 11, 25), reopens)
    assert closure(reopens, date(2026, 11, 30)).last_day == date(2026, 11, 30)
    assert closure(reopens, reopens) is None
    assert closure(None, date(2026, 11, 25)) is None
    assert (
        ENGLISH.long_date(closure(reopens, date(2026, 11, 25)).until) == "Tuesday, December 1, 2026"
    )


# --- the JSON-LD shapes, as Google's local business documentation gives them ---------


def test_jsonld_keeps_a_range_past_midnight_on_its_opening_day():
    nodes = schema_org.opening_hours_specification("Mo-Th 09:00-17:00; Fr 18:00-02:00")
    assert nodes[1] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": ["Friday"],
        "opens": "18:00",
        "closes": "02:00",
    }
    assert len(nodes) == 2  # one specification, not one per calendar day


def test_jsonld_writes_all_day_as_00_00_to_23_59():
    nodes = schema_org.opening_hours_specification("Mo-Su 00:00-24:00")
    assert nodes == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": list(DAY_NAMES),
            "opens": "00:00",
            "closes": "23:59",
        }
    ]
    until_midnight = schema_org.opening_hours_specification("Fr 18:00-24:00")
    assert (until_midnight[0]["opens"], until_midnight[0]["closes"]) == ("18:00", "23:59")


def test_jsonld_names_holidays_and_closes_the_days_of_a_closure():
    special = parse_special_hours("2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed")
    nodes = schema_org.special_opening_hours(
        special, Closure(date(2026, 11, 25), date(2026, 12, 1))
    )
    assert nodes == [
        {
            "@type": "OpeningHoursSpecification",
            "name": "Temporarily closed",
            "validFrom": "2026-11-25",
            "validThrough": "2026-11-30",
            "opens": "00:00",
            "closes": "00:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "name": "Christmas Eve",
            "validFrom": "2026-12-24",
            "validThrough": "2026-12-24",
            "opens": "09:00",
            "closes": "12:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": "2026-12-25",
            "validThrough": "2026-12-25",
            "opens": "00:00",
            "closes": "00:00",
        },
    ]
