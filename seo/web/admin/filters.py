"""The list screens' query arguments: a value that cannot be used is ignored with a note."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection
from datetime import date

from flask import flash
from werkzeug.datastructures import MultiDict

PER_PAGE = 50
MAX_PAGE = 1_000_000
TEXT_LIMIT = 100  # characters kept of a search or a slug
SHOWN_LIMIT = 40  # characters of an ignored value quoted back in its note


class ListArgs:
    """One list screen's query arguments; `ignored` says which were dropped, and why."""

    def __init__(self, args: MultiDict[str, str]) -> None:
        self.args = args
        self.ignored: list[str] = []

    def ignore(self, label: str, value: str, reason: str) -> None:
        if len(value) > SHOWN_LIMIT:
            value = value[:SHOWN_LIMIT] + "…"
        self.ignored.append(f"Ignored the {label} {value!r}: {reason}.")

    def text(self, name: str, label: str) -> str:
        """Free text such as a search or a slug, cut to TEXT_LIMIT characters."""
        value = self.args.get(name, "").strip()[:TEXT_LIMIT]
        if any(unicodedata.category(c) == "Cc" for c in value):
            self.ignore(label, value, "it holds control characters")
            return ""
        return value

    def choice(
        self,
        name: str,
        label: str,
        choices: Collection[str],
        reason: str,
        fold: Callable[[str], str] = str,
    ) -> str:
        """One of `choices`, or "" when the argument is absent or not one of them."""
        value = fold(self.args.get(name, ""))
        if value and value not in choices:
            self.ignore(label, value, reason)
            return ""
        return value

    def day(self, name: str, label: str) -> date | None:
        value = self.args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.ignore(label, value, "write a date as YYYY-MM-DD, from 0001-01-01 to 9999-12-31")
            return None

    def page(self) -> int:
        value = self.args.get("page", "1").strip() or "1"
        try:
            return max(1, min(int(value), MAX_PAGE))
        except ValueError:
            self.ignore("page", value, "showing page 1")
            return 1

    def flash_ignored(self) -> None:
        for note in self.ignored:
            flash(note, "error")
