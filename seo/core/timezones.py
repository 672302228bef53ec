"""A clinic's time zone: worked out offline from its coordinates, or from its state.

Pages carry the zone so that visitors' browsers mark "today" and "open now" in the clinic's
local time; the admin shows appointment requests in it."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# The IANA zones of the United States and of the territories with USPS codes, as the tz
# database's zone.tab lists them (countries US, PR, VI, GU, AS, MP), with its comments.
US_TIME_ZONES = {
    "America/New_York": "Eastern (most areas)",
    "America/Detroit": "Eastern - MI (most areas)",
    "America/Kentucky/Louisville": "Eastern - KY (Louisville area)",
    "America/Kentucky/Monticello": "Eastern - KY (Wayne)",
    "America/Indiana/Indianapolis": "Eastern - IN (most areas)",
    "America/Indiana/Vincennes": "Eastern - IN (Da, Du, K, Mn)",
    "America/Indiana/Winamac": "Eastern - IN (Pulaski)",
    "America/Indiana/Marengo": "Eastern - IN (Crawford)",
    "America/Indiana/Petersburg": "Eastern - IN (Pike)",
    "America/Indiana/Vevay": "Eastern - IN (Switzerland)",
    "America/Chicago": "Central (most areas)",
    "America/Indiana/Tell_City": "Central - IN (Perry)",
    "America/Indiana/Knox": "Central - IN (Starke)",
    "America/Menominee": "Central - MI (Wisconsin border)",
    "America/North_Dakota/Center": "Central - ND (Oliver)",
    "America/North_Dakota/New_Salem": "Central - ND (Morton rural)",
    "America/North_Dakota/Beulah": "Central - ND (Mercer)",
    "America/Denver": "Mountain (most areas)",
    "America/Boise": "Mountain - ID (south), OR (east)",
    "America/Phoenix": "MST - AZ (except Navajo)",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska (most areas)",
    "America/Juneau": "Alaska - Juneau area",
    "America/Sitka": "Alaska - Sitka area",
    "America/Metlakatla": "Alaska - Annette Island",
    "America/Yakutat": "Alaska - Yakutat",
    "America/Nome": "Alaska (west)",
    "America/Adak": "Alaska - western Aleutians",
    "Pacific/Honolulu": "Hawaii",
    "America/Puerto_Rico": "Puerto Rico",
    "America/St_Thomas": "U.S. Virgin Islands",
    "Pacific/Guam": "Guam",
    "Pacific/Pago_Pago": "American Samoa",
    "Pacific/Saipan": "Northern Mariana Islands",
}

# The zone most of each state's people live in: used when a clinic has no coordinates (or
# coordinates outside the United States). The coordinates, when given, settle the split
# states (FL, IN, KY, MI, TN, TX, KS, NE, ND, SD, ID, OR, NV, AZ, AK).
STATE_ZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    "AS": "Pacific/Pago_Pago", "GU": "Pacific/Guam", "MP": "Pacific/Saipan",
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas",
}  # fmt: skip
DEFAULT_ZONE = "America/Chicago"


@functools.cache
def _finder():
    # tzfpy: the tz boundary polygons compiled into the wheel (3 MB, no other package), so
    # nothing is downloaded at run time; a lookup takes well under a microsecond once its
    # index is built (about 0.1 s, on first use).
    import tzfpy

    return tzfpy.get_tz


def state_zone(state: str) -> str:
    return STATE_ZONES.get(state, DEFAULT_ZONE)


def zone_for(latitude: float | None, longitude: float | None, state: str) -> str:
    """The IANA zone of a clinic: where its coordinates lie, else its state's main zone."""
    if latitude is not None and longitude is not None:
        zone = _finder()(longitude, latitude)
        if zone in US_TIME_ZONES:
            return zone
    return state_zone(state)


def local_time(moment: datetime, zone: str) -> datetime:
    """A moment (naive means UTC, as the database keeps it) as the wall time in `zone`; in
    UTC when the zone is not a US one (a request whose clinic was deleted)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(ZoneInfo(zone) if zone in US_TIME_ZONES else UTC)
