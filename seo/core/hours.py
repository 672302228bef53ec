"""Opening hours in schema.org `openingHours` notation, and dated exceptions."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
RULE_RE = re.compile(r"^(?P<days>[A-Za-z,\- ]+?)\s+(?P<times>[0-9:,\- ]+|closed|off)$", re.I)
SPECIAL_RE = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2})\s+(?P<times>[0-9:,\- ]+|closed)$", re.I)


class HoursError(ValueError):
    """Hours text that does not follow the notation."""


@dataclass(frozen=True)
class OpeningRule:
    days: tuple[str, ...]  # day codes, Mo..Su
    opens: str
    closes: str


@dataclass(frozen=True)
class SpecialHours:
    day: date
    opens: str = ""
    closes: str = ""

    @property
    def closed(self) -> bool:
        return not self.opens

    @property
    def label(self) -> str:
        return "Closed" if self.closed else f"{clock(self.opens)} – {clock(self.closes)}"


def clock(hhmm: str) -> str:
    """Format 13:30 as 1:30 PM."""
    hours, minutes = (int(p) for p in hhmm.split(":"))
    if hours == 24:
        return "Midnight"
    suffix = "AM" if hours < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


def _time_ranges(text: str, where: str) -> list[tuple[str, str]]:
    ranges = []
    for part in text.split(","):
        bits = [b.strip() for b in part.split("-")]
        if len(bits) != 2 or not all(TIME_RE.match(b) for b in bits):
            raise HoursError(f"{where}: {part.strip()!r} is not a time range such as 09:00-17:00")
        if bits[0] >= bits[1]:
            raise HoursError(f"{where}: {part.strip()!r} closes before it opens")
        ranges.append((bits[0], bits[1]))
    return ranges


def _days(text: str, where: str) -> tuple[str, ...]:
    days: list[str] = []
    for part in text.replace(" ", "").split(","):
        ends = part.split("-")
        codes = [e[:1].upper() + e[1:].lower() for e in ends]
        if len(codes) > 2 or not all(c in DAY_CODES for c in codes):
            raise HoursError(f"{where}: {part!r} is not a day or day range such as Mo-Fr")
        first, last = DAY_CODES.index(codes[0]), DAY_CODES.index(codes[-1])
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days.extend(DAY_CODES[i] for i in span if DAY_CODES[i] not in days)
    return tuple(days)


def parse_opening_hours(text: str) -> list[OpeningRule]:
    """Parse `Mo-Fr 09:00-17:00; Sa 09:00-12:00` into rules."""
    rules = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        match = RULE_RE.match(chunk)
        if not match:
            raise HoursError(f"{chunk!r} is not like 'Mo-Fr 09:00-17:00'")
        days = _days(match["days"], chunk)
        if match["times"].lower() in ("closed", "off"):
            continue
        for opens, closes in _time_ranges(match["times"], chunk):
            rules.append(OpeningRule(days, opens, closes))
    return rules


@functools.lru_cache(maxsize=4096)
def normalize_opening_hours(text: str) -> str:
    """Validate opening hours and return them in one canonical spelling."""
    chunks = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        match = RULE_RE.match(chunk)
        if not match:
            raise HoursError(f"{chunk!r} is not like 'Mo-Fr 09:00-17:00'")
        _days(match["days"], chunk)
        days = match["days"].replace(" ", "")
        days = "-".join(d[:1].upper() + d[1:].lower() for d in days.split("-"))
        days = ",".join(d[:1].upper() + d[1:] for d in days.split(","))
        if match["times"].lower() in ("closed", "off"):
            chunks.append(f"{days} closed")
            continue
        ranges = _time_ranges(match["times"], chunk)
        chunks.append(f"{days} " + ",".join(f"{o}-{c}" for o, c in ranges))
    return "; ".join(chunks)


def parse_special_hours(text: str) -> list[SpecialHours]:
    """Parse `2026-12-24 09:00-12:00; 2026-12-25 closed` into dated exceptions."""
    result = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        match = SPECIAL_RE.match(chunk)
        if not match:
            raise HoursError(
                f"{chunk!r} is not like '2026-12-24 09:00-12:00' or '2026-12-25 closed'"
            )
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            raise HoursError(f"{match['day']!r} is not a real date") from None
        if match["times"].lower() == "closed":
            result.append(SpecialHours(day))
            continue
        for opens, closes in _time_ranges(match["times"], chunk):
            result.append(SpecialHours(day, opens, closes))
    result.sort(key=lambda s: (s.day, s.opens))
    return result


@functools.lru_cache(maxsize=4096)
def normalize_special_hours(text: str) -> str:
    """Validate dated exceptions and return them sorted, in one canonical spelling."""
    by_day: dict[date, list[str]] = {}
    for item in parse_special_hours(text):
        by_day.setdefault(item.day, []).append(
            "closed" if item.closed else f"{item.opens}-{item.closes}"
        )
    return "; ".join(f"{d.isoformat()} {','.join(v)}" for d, v in sorted(by_day.items()))


@functools.lru_cache(maxsize=4096)
def week_table(text: str) -> list[tuple[str, list[str]]]:
    """Return (day name, ['9:00 AM – 5:00 PM', ...]) for Monday..Sunday; empty = closed."""
    table: dict[str, list[tuple[str, str]]] = {code: [] for code in DAY_CODES}
    for rule in parse_opening_hours(text):
        for code in rule.days:
            table[code].append((rule.opens, rule.closes))
    return [
        (DAY_NAMES[i], [f"{clock(o)} – {clock(c)}" for o, c in sorted(table[code])])
        for i, code in enumerate(DAY_CODES)
    ]


@functools.lru_cache(maxsize=4096)
def upcoming_special_hours(text: str, today: date, days: int = 60) -> list[SpecialHours]:
    """Return the dated exceptions from today up to `days` ahead."""
    until = today + timedelta(days=days)
    return [s for s in parse_special_hours(text) if today <= s.day <= until]
