"""Rules on a service's articles in other languages, read from their data (not their pages)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

Issue = tuple[str, str, str]  # path, field, message


@dataclass(frozen=True)
class Translation:
    """What the rules know of one service's article in one language."""

    path: str  # the service's hub in that language
    service: str  # the service's name in the default language
    language: str
    edited: datetime
    original_edited: datetime  # when the default language's article was last edited
    missing: tuple[str, ...] = ()  # translated patterns left empty


def translation_stale(item: Translation) -> Iterator[Issue]:
    """A translation edited before the default language's article may no longer match it."""
    if item.edited < item.original_edited:
        yield (
            item.path,
            "article",
            f"The {item.language} article of {item.service} was last edited on "
            f"{item.edited:%Y-%m-%d}, before the original ({item.original_edited:%Y-%m-%d}): "
            "check it still says the same and import it again.",
        )


def translation_patterns_missing(item: Translation) -> Iterator[Issue]:
    """A translation carries its own title, heading and description patterns."""
    for name in item.missing:
        yield (
            item.path,
            name,
            f"The {item.language} article of {item.service} has no {name}: pages would show "
            "none; give it in the article's front matter.",
        )
