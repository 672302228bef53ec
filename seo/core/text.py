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


Runs = list[tuple[str, str]]  # ("same" | "removed" | "added", text)


def word_diff(old: str, new: str) -> tuple[Runs, Runs]:
    """Each text as runs of same and changed words: the old one with its removed words, the
    new one with its added words. Words are compared without the spaces after them, so a
    new paragraph after a word does not mark the word itself."""
    before, after = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    old_runs: Runs = []
    new_runs: Runs = []
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in before], [t.strip() for t in after], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_runs.append(("same", "".join(before[i1:i2])))
            new_runs.append(("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            old_runs.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            new_runs.append(("added", "".join(after[j1:j2])))
    return old_runs, new_runs
