"""Clinic time zones: from the coordinates offline, from the state without them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from seo.core.locations import STATE_NAMES
from seo.core.timezones import STATE_ZONES, US_TIME_ZONES, local_time, zone_for


@pytest.mark.parametrize(
    "place, latitude, longitude, state, zone",
    [
        ("Florissant", 38.7892, -90.3226, "MO", "America/Chicago"),
        ("Gary, in Indiana's Chicago corner", 41.593, -87.346, "IN", "America/Chicago"),
        ("Indianapolis", 39.768, -86.158, "IN", "America/Indiana/Indianapolis"),
        ("El Paso, west of Texas's line", 31.762, -106.485, "TX", "America/Denver"),
        ("Pensacola, in the Florida panhandle", 30.421, -87.217, "FL", "America/Chicago"),
        ("Phoenix, no daylight saving time", 33.448, -112.074, "AZ", "America/Phoenix"),
        ("Boise", 43.615, -116.202, "ID", "America/Boise"),
        ("San Juan", 18.466, -66.106, "PR", "America/Puerto_Rico"),
    ],
)
def test_the_zone_comes_from_the_coordinates(place, latitude, longitude, state, zone):
    assert zone_for(latitude, longitude, state) == zone, place


def test_without_coordinates_the_state_decides():
    assert zone_for(None, None, "TX") == "America/Chicago"
    assert zone_for(None, None, "HI") == "Pacific/Honolulu"


def test_coordinates_outside_the_united_states_fall_back_to_the_state():
    assert zone_for(30.0, -60.0, "FL") == "America/New_York"  # the Atlantic
    assert zone_for(48.85, 2.35, "MO") == "America/Chicago"  # Paris


def test_every_state_has_a_zone_and_every_zone_is_known():
    assert set(STATE_ZONES) == set(STATE_NAMES)
    assert set(STATE_ZONES.values()) <= set(US_TIME_ZONES)
    for zone in US_TIME_ZONES:
        ZoneInfo(zone)  # in the tz database (tzdata is pinned for machines without one)


def test_local_time_of_a_stored_moment():
    moment = datetime(2026, 11, 27, 23, 30)  # naive: UTC, as the database keeps it
    chicago = local_time(moment, "America/Chicago")
    assert chicago.strftime("%Y-%m-%d %H:%M %Z") == "2026-11-27 17:30 CST"
    summer = local_time(datetime(2026, 7, 1, 12, 0), "America/Phoenix")
    assert summer.strftime("%H:%M %Z") == "05:00 MST"
    assert local_time(moment, "").strftime("%H:%M %Z") == "23:30 UTC"
