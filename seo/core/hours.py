"""Opening hours in schema.org `openingHours` notation, dated exceptions and closures.

A range may close after midnight (`Fr 18:00-02:00`: Friday 6 PM to Saturday 2 AM, kept on
the day it opens) or run all day (`Mo-Su 00:00-24:00`). A dated exception may carry a name
shown to visitors (`2026-12-25 closed Christmas Day`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
RULE_RE = re.compile(r"^(?P<days>[A-Za-z,\- ]+?)\s+(?P<times>[0-9:,\- ]+|closed|off)$", re.I)
_RANGE = r"\d[\d:]*\s*-\s*\d[\d:]*"
SPECIAL_RE = re.compile(
    rf"^(?P<day>\d{{4}}-\d{{2}}-\d{{2}})\s+(?P<times>closed|{_RANGE}(?:\s*,\s*{_RANGE})*)"
    r"(?:\s+(?P<name>\S.*))?$",
    re.I,
)
SPECIAL_EXAMPLE = "'2026-12-24 09:00-12:00 Christmas Eve' or '2026-12-25 closed'"
NAME_MAX = 80  # characters of a holiday's name
MIDNIGHT, NOON, DAY_END = "00:00", "12:00", "24:00"
DAY_MINUTES = 24 * 60


class HoursError(ValueError):
    """Hours text that does not follow the notation."""


@dataclass(frozen=True)
class OpeningRule:
    days: tuple[str, ...]  # day codes, Mo..Su
    opens: str
    closes: str  # before `opens` when the range closes after midnight, on the next day

    @property
    def overnight(self) -> bool:
        return self.closes < self.opens


@dataclass(frozen=True)
class SpecialHours:
    day: date
    opens: str = ""
    closes: str = ""
    name: str = ""  # what the day is, for visitors: "Christmas Day"

    @property
    def closed(self) -> bool:
        return not self.opens

    @property
    def span(self) -> str:
        """The range as the page's script reads it: `09:00-12:00`, or empty when closed."""
        return "" if self.closed else f"{self.opens}-{self.closes}"


@dataclass(frozen=True)
class Closure:
    """A temporary closure as a page shows it on the day it is composed."""

    since: date  # the composition date: the first day the page shows as closed
    until: date  # the reopening day

    @property
    def last_day(self) -> date:
        return self.until - timedelta(days=1)


def closure(closed_until: date | None, today: date) -> Closure | None:
    """The closure in force on `today`: closed until the reopening day, open from it on."""
    if closed_until is None or today >= closed_until:
        return None
    return Closure(today, closed_until)


def long_date(day: date) -> str:
    """Format a date as Tuesday, December 1, 2026."""
    return f"{day:%A, %B} {day.day}, {day.year}"


def clock(hhmm: str) -> str:
    """Format 13:30 as 1:30 PM."""
    hours, minutes = (int(p) for p in hhmm.split(":"))
    if hours == 24:
        return "Midnight"
    suffix = "AM" if hours < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


def all_day(opens: str, closes: str) -> bool:
    return opens == MIDNIGHT and closes in (DAY_END, "23:59")


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def _time_ranges(text: str, where: str) -> list[tuple[str, str]]:
    ranges = []
    for part in text.split(","):
        bits = [b.strip() for b in part.split("-")]
        shown = part.strip()
        if len(bits) != 2 or not all(TIME_RE.match(b) for b in bits):
            raise HoursError(f"{where}: {shown!r} is not a time range such as 09:00-17:00")
        opens, closes = bits
        if opens == DAY_END:
            raise HoursError(f"{where}: {shown!r} opens at 24:00; a day opens at 00:00")
        if opens == closes:
            raise HoursError(
                f"{where}: {shown!r} opens and closes at the same time; "
                "for a whole day write 00:00-24:00"
            )
        if closes == MIDNIGHT:
            closes = DAY_END  # open until midnight: the same day, written one way
        elif closes < opens and (opens < NOON or closes > NOON):
            # Past midnight only from the afternoon to the next morning: 09:00-05:00 is far
            # more often 9 to 5 written in 12-hour time than a 20-hour shift.
            raise HoursError(
                f"{where}: {shown!r} closes before it opens; use 24-hour times (09:00-17:00). "
                "A range past midnight opens after noon and closes by noon the next day "
                "(Fr 18:00-02:00)"
            )
        ranges.append((opens, closes))
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


@functools.lru_cache(maxsize=4096)
def parse_opening_hours(text: str) -> tuple[OpeningRule, ...]:
    """Parse `Mo-Fr 09:00-17:00; Sa 09:00-12:00` into rules (kept: a clinic's hours are
    read by each of its pages, and many clinics share theirs)."""
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
    return tuple(rules)


def _week_spans(rules: Sequence[OpeningRule]) -> list[tuple[int, int, str]]:
    """Each opening as (start, end) minutes from Monday 00:00, with the text it came from;
    a range past Sunday midnight also appears a week earlier, to meet Monday's."""
    spans = []
    for rule in rules:
        for code in rule.days:
            start = DAY_CODES.index(code) * DAY_MINUTES + minutes(rule.opens)
            end = start - minutes(rule.opens) + minutes(rule.closes)
            end += DAY_MINUTES if rule.overnight else 0
            shown = f"{code} {rule.opens}-{rule.closes}"
            spans.append((start, end, shown))
            if end > 7 * DAY_MINUTES:
                spans.append((start - 7 * DAY_MINUTES, end - 7 * DAY_MINUTES, shown))
    return sorted(spans)


def _overlaps(rules: Sequence[OpeningRule]) -> list[tuple[str, str]]:
    """Every range that overlaps the one before it, as (its day code, the problem)."""
    spans = _week_spans(rules)
    return [
        (second[:2], f"{second} overlaps {first}: give each hour of the week once")
        for (_start, end, first), (start, _end, second) in zip(spans, spans[1:], strict=False)
        if start < end
    ]


def _check_overlaps(rules: Sequence[OpeningRule]) -> None:
    if problems := _overlaps(rules):
        raise HoursError(problems[0][1])


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
    normal = "; ".join(chunks)
    _check_overlaps(parse_opening_hours(normal))
    return normal


def _special_name(raw: str | None, chunk: str) -> str:
    name = " ".join((raw or "").split())
    if re.match(r"\d{1,2}:\d{2}", name):
        raise HoursError(
            f"{chunk!r}: write a second range after a comma, "
            "as in 2026-12-24 09:00-12:00,14:00-16:00"
        )
    if len(name) > NAME_MAX:
        raise HoursError(f"{chunk!r}: the name is {len(name)} characters long; at most {NAME_MAX}")
    return name


def parse_special_hours(text: str) -> list[SpecialHours]:
    """Parse `2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed` into dated exceptions."""
    result = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        match = SPECIAL_RE.match(chunk)
        if not match:
            raise HoursError(f"{chunk!r} is not like {SPECIAL_EXAMPLE}")
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            raise HoursError(f"{match['day']!r} is not a real date") from None
        name = _special_name(match["name"], chunk)
        if match["times"].lower() == "closed":
            result.append(SpecialHours(day, name=name))
            continue
        for opens, closes in _time_ranges(match["times"], chunk):
            result.append(SpecialHours(day, opens, closes, name))
    result.sort(key=lambda s: (s.day, s.opens))
    return result


@functools.lru_cache(maxsize=4096)
def normalize_special_hours(text: str) -> str:
    """Validate dated exceptions and return them sorted, in one canonical spelling."""
    by_day: dict[date, list[str]] = {}
    names: dict[date, str] = {}
    for item in parse_special_hours(text):
        by_day.setdefault(item.day, []).append(item.span or "closed")
        if item.name and names.setdefault(item.day, item.name) != item.name:
            raise HoursError(
                f"{item.day.isoformat()} is named both {names[item.day]!r} and {item.name!r}; "
                "give the day one name"
            )
    for day, spans in by_day.items():
        if "closed" in spans and len(spans) > 1:
            raise HoursError(
                f"{day.isoformat()} is given as closed and again: give the day once, "
                "closed or with its hours"
            )
    return "; ".join(
        f"{day.isoformat()} {','.join(spans)}" + (f" {names[day]}" if day in names else "")
        for day, spans in sorted(by_day.items())
    )


@functools.lru_cache(maxsize=4096)
def week_spans(text: str) -> list[str]:
    """Each day's ranges, Monday..Sunday, as the page's script reads them: `09:00-17:00,...`."""
    return [",".join(f"{o}-{c}" for o, c in spans) for _name, spans in week(text)]


def week(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return (day name, [(opens, closes), ...]) for Monday..Sunday; empty = closed."""
    table: dict[str, list[tuple[str, str]]] = {code: [] for code in DAY_CODES}
    for rule in parse_opening_hours(text):
        for code in rule.days:
            table[code].append((rule.opens, rule.closes))
    return [(DAY_NAMES[i], sorted(table[code])) for i, code in enumerate(DAY_CODES)]


@functools.lru_cache(maxsize=4096)
def upcoming_special_hours(text: str, today: date, days: int = 60) -> list[SpecialHours]:
    """Return the dated exceptions from today up to `days` ahead."""
    until = today + timedelta(days=days)
    return [s for s in parse_special_hours(text) if today <= s.day <= until]


# --- the staff form's grid: a row per weekday and per dated holiday ------------------------

WEEKDAYS = DAY_CODES[:5]


@dataclass(frozen=True)
class GridRow:
    """One row of the hours grid as staff filled it in: a weekday (`key` "Mo".."Su") or a
    holiday (`key` "h0", "h1", ... with its `day` as YYYY-MM-DD). No ranges means closed."""

    key: str
    closed: bool = False
    ranges: tuple[tuple[str, str], ...] = ()  # (opens, closes), as typed
    day: str = ""
    name: str = ""

    @property
    def blank(self) -> bool:
        """An empty holiday row, left for another holiday: not an entry."""
        return not (self.day or self.name or self.closed or any(o or c for o, c in self.ranges))


def week_grid(text: str) -> list[GridRow]:
    """Opening hours as seven rows, Monday..Sunday."""
    return [
        GridRow(code, closed=not spans, ranges=tuple(spans))
        for code, (_name, spans) in zip(DAY_CODES, week(text), strict=True)
    ]


def holiday_grid(text: str) -> list[GridRow]:
    """Dated exceptions as one row per day, in date order."""
    rows: dict[date, GridRow] = {}
    for item in parse_special_hours(text):
        row = rows.get(item.day) or GridRow(f"h{len(rows)}", day=item.day.isoformat())
        ranges = row.ranges if item.closed else (*row.ranges, (item.opens, item.closes))
        rows[item.day] = GridRow(row.key, not ranges, ranges, row.day, item.name or row.name)
    return list(rows.values())


def copy_to_weekdays(rows: list[GridRow]) -> list[GridRow]:
    """Give Tuesday to Friday Monday's hours."""
    monday = rows[0]
    return [
        GridRow(row.key, monday.closed, monday.ranges) if row.key in WEEKDAYS[1:] else row
        for row in rows
    ]


def _row_spans(row: GridRow, where: str, errors: list[str]) -> list[str]:
    """The row's ranges as `09:00-17:00` spans, each checked by the notation's own rules; a
    problem with any range is added to `errors`."""
    typed = any(o.strip() or c.strip() for o, c in row.ranges)
    if row.closed:
        if typed:
            errors.append(f"{where}: untick Closed, or clear its times")
        return []
    spans = []
    for number, (opens, closes) in enumerate(row.ranges, 1):
        opens, closes = opens.strip(), closes.strip()
        if not opens and not closes:
            continue
        if not opens or not closes:
            errors.append(f"{where}, range {number}: give both an opening and a closing time")
            continue
        try:
            spans.extend(f"{o}-{c}" for o, c in _time_ranges(f"{opens}-{closes}", where))
        except HoursError as exc:
            errors.append(str(exc))
    return spans


def week_notation(rows: list[GridRow]) -> tuple[str, dict[str, list[str]]]:
    """The grid as opening-hours notation (`Mo-Fr 09:00-17:00; Sa 09:00-12:00`), and every
    problem found, by row key ("" for one that spans days, such as an overlap)."""
    errors: dict[str, list[str]] = {}
    days: list[tuple[str, str]] = []  # (code, "09:00-12:00,13:00-17:00")
    for row in rows:
        found: list[str] = []
        spans = ",".join(_row_spans(row, DAY_NAMES[DAY_CODES.index(row.key)], found))
        if found:
            errors[row.key] = found
        elif spans:
            days.append((row.key, spans))
    chunks: list[str] = []
    for index, (code, spans) in enumerate(days):
        previous = days[index - 1] if index else None
        follows = previous and DAY_CODES.index(previous[0]) + 1 == DAY_CODES.index(code)
        if follows and previous[1] == spans:
            first = chunks[-1].split(" ", 1)[0].split("-")[0]
            chunks[-1] = f"{first}-{code} {spans}"
        else:
            chunks.append(f"{code} {spans}")
    text = "; ".join(chunks)
    for code, problem in _overlaps(parse_opening_hours(text)):
        errors.setdefault(code, []).append(problem)
    return _checked(text, errors, normalize_opening_hours)


def holidays_notation(rows: list[GridRow]) -> tuple[str, dict[str, list[str]]]:
    """The holiday rows as dated-exception notation, date order, and every problem found, by
    row key ("" for one between rows). Empty rows are left out."""
    errors: dict[str, list[str]] = {}
    chunks: dict[date, str] = {}
    seen: dict[date, int] = {}
    for number, row in enumerate((r for r in rows if not r.blank), 1):
        found: list[str] = []
        where = f"Holiday {row.day or number}"
        day = None
        if not row.day.strip():
            found.append(f"Holiday row {number}: choose its date")
        else:
            try:
                day = date.fromisoformat(row.day.strip())
            except ValueError:
                found.append(f"{where}: {row.day.strip()!r} is not a date such as 2026-12-25")
        if day is not None and day in seen:
            found.append(f"{where} is also in holiday row {seen[day]}; give each date once")
        spans = ",".join(_row_spans(row, where, found))
        try:
            name = _special_name(row.name, where)
        except HoursError as exc:
            found.append(str(exc))
        if found:
            errors[row.key] = found
        elif day is not None:
            seen[day] = number
            chunks[day] = f"{day.isoformat()} {spans or 'closed'}" + (f" {name}" if name else "")
    text = "; ".join(chunks[day] for day in sorted(chunks))
    return _checked(text, errors, normalize_special_hours)


def _checked(
    text: str, errors: dict[str, list[str]], normalize: Callable[[str], str]
) -> tuple[str, dict[str, list[str]]]:
    """Once every row is right, the text as the notation's own validator writes it."""
    if not errors:
        try:
            text = normalize(text)
        except HoursError as exc:
            errors[""] = [str(exc)]
    return text, errors


def same_week(first: str, second: str) -> bool:
    """Whether two opening-hours texts open the same hours, however they are spelt."""
    try:
        return week_spans(first) == week_spans(second)
    except HoursError:
        return False
