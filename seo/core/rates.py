"""Request limits written as people say them: "5 per minute", "30 per 10 minutes", "5/hour"."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.I)


class RateError(ValueError):
    """A limit that does not read as "<count> per [<n>] second|minute|hour|day"."""


@dataclass(frozen=True)
class Rate:
    """At most `count` requests in each window of `seconds` (fixed windows)."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse(text: str) -> Rate:
    """The rate a setting names; RateError says what is wrong with it."""
    match = _RATE.match(text or "")
    if match is None:
        raise RateError(
            f"{text!r} is not a limit such as '5 per minute' or '30 per 10 minutes' "
            "(a count, 'per', an optional number and second, minute, hour or day)"
        )
    count, times, unit = match.groups()
    seconds = int(times or 1) * SECONDS[unit.lower()]
    if int(count) < 1 or seconds < 1:
        raise RateError(f"{text!r} allows nothing: the count and the window must be over 0")
    return Rate(int(count), seconds)
