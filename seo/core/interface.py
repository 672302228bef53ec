"""Interface text in one language: the catalog's messages, and days, dates and times.

The English text is the catalog's message ids, so English needs no catalog. English keeps
the site's US formats (`9:00 AM – 5:00 PM`, `Tuesday, December 1, 2026`) spelt as they
always were; every other language is formatted by Babel from its CLDR locale data
(Spanish: `lunes`, `9:00 – 17:00`, `martes, 1 de diciembre de 2026`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from gettext import NullTranslations
from typing import Protocol

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal

from seo.core import hours

DEFAULT_LANGUAGE = "en"
DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def N_(message: str) -> str:
    """Mark a message for the catalog where it is written; it is translated where shown."""
    return message


# Fixed breadcrumb labels made by the page kinds; other crumbs are names from the content.
CRUMBS = frozenset((N_("Home"), N_("Locations"), N_("Search")))
CLOSED = N_("Closed")
# The notice a temporarily closed clinic's pages show (templates/public/_closure.html).
CLOSURE_NOTICE = N_("<strong>Temporarily closed</strong>, reopening on %(day)s.")


class Catalog(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


@dataclass(frozen=True, eq=False)
class Interface:
    """The interface text of one language; equal only to itself (it is cached per language)."""

    language: str
    catalog: Catalog = field(default_factory=NullTranslations)
    version: str = ""  # a digest of the catalog's messages ("" for the message ids)

    def __repr__(self) -> str:
        # Its catalog's digest: a page's rebuild key moves when its interface text does.
        return f"Interface({self.language!r}, {self.version!r})"

    @functools.cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.language.replace("-", "_"))

    @property
    def english(self) -> bool:
        return self.language == DEFAULT_LANGUAGE

    def gettext(self, message: str, **variables: object) -> str:
        """The message in this language, `%(name)s` placeholders filled from `variables`."""
        text = self.catalog.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> str:
        return self.catalog.ngettext(singular, plural, n) % {"num": n, **variables}

    def crumb(self, name: str) -> str:
        """A breadcrumb's label: fixed labels translated, content names as written."""
        return self.gettext(name) if name in CRUMBS else name

    def decimal(self, value: float, places: int) -> str:
        """`1,234.5` in English, `1234,5` in Spanish."""
        if self.english:
            return f"{value:,.{places}f}"
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(round(value, places), pattern, locale=self.locale)

    def day_name(self, index: int) -> str:
        """Monday is 0."""
        if self.english:
            return hours.DAY_NAMES[index]
        return get_day_names("wide", locale=self.locale)[index]

    def short_day(self, index: int) -> str:
        if self.english:
            return DAY_SHORT[index]
        return get_day_names("abbreviated", locale=self.locale)[index]

    def clock(self, hhmm: str) -> str:
        if self.english:
            return hours.clock(hhmm)
        if hhmm == hours.DAY_END:
            return self.gettext("Midnight")
        hour, minute = (int(p) for p in hhmm.split(":"))
        return format_time(time(hour, minute), "short", locale=self.locale)

    def range_label(self, opens: str, closes: str) -> str:
        """`9:00 AM – 5:00 PM`, or `Open 24 hours` for a whole day."""
        if hours.all_day(opens, closes):
            return self.gettext("Open 24 hours")
        return f"{self.clock(opens)} – {self.clock(closes)}"

    def long_date(self, day: date) -> str:
        """Tuesday, December 1, 2026."""
        if self.english:
            return hours.long_date(day)
        return format_date(day, "full", locale=self.locale)

    def day_label(self, day: date) -> str:
        """Tuesday, December 1: a date within the coming year."""
        if self.english:
            return f"{day:%A, %B} {day.day}"
        return format_date(day, "EEEE d MMMM", locale=self.locale)

    def special_label(self, item: hours.SpecialHours) -> str:
        return self.gettext(CLOSED) if item.closed else self.range_label(item.opens, item.closes)

    def week_table(self, text: str) -> list[tuple[str, list[str]]]:
        """(day name, ['9:00 AM – 5:00 PM', ...]) for Monday..Sunday; empty = closed."""
        return _week_table(text, self)

    def special_rows(
        self, items: Sequence[hours.SpecialHours]
    ) -> list[tuple[hours.SpecialHours, str, str]]:
        """Each dated exception with its day (`Thursday, December 24`) and its hours."""
        return _special_rows(tuple(items), self)


@functools.lru_cache(maxsize=4096)
def _week_table(text: str, interface: Interface) -> list[tuple[str, list[str]]]:
    return [
        (interface.day_name(index), [interface.range_label(o, c) for o, c in spans])
        for index, (_name, spans) in enumerate(hours.week(text))
    ]


@functools.lru_cache(maxsize=4096)
def _special_rows(
    items: tuple[hours.SpecialHours, ...], interface: Interface
) -> list[tuple[hours.SpecialHours, str, str]]:
    return [(i, interface.day_label(i.day), interface.special_label(i)) for i in items]


ENGLISH = Interface(DEFAULT_LANGUAGE)
