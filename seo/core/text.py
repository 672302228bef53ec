"""Plain-text helpers every write shares: one line ending, and word-level differences."""

from __future__ import annotations

import difflib
import re

# Words and the spaces after them stay together, so a changed word is marked with its space.
_TOKEN_RE = re.compile(r"\S+\s*|\s+")


def normalize_newlines(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line endings as LF: browsers post text areas with
    CRLF, files may hold either, and the stored text must not change with the editor."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two texts as runs of ("same" | "removed" | "added", text), word by word."""
    before, after = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(after[j1:j2])))
    return runs
