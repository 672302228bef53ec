"""Findings for people and programs: sort order, counts, text and JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

from seo.audit.model import ERROR, INFO, LEVELS, WARNING, Finding
from seo.audit.text import plural

LEVEL_ORDER = {level: n for n, level in enumerate(LEVELS)}


def sort_key(finding: Finding) -> tuple:
    return (LEVEL_ORDER[finding.level], finding.path, finding.rule, finding.field, finding.message)


def summarize(findings: list[Finding], pages: int | None = None) -> dict:
    """Counts by level and by rule."""
    summary: dict = {"findings": len(findings)}
    if pages is not None:
        summary["pages"] = pages
    summary.update({level: sum(f.level == level for f in findings) for level in LEVELS})
    summary["rules"] = dict(sorted(Counter(f.rule for f in findings).items()))
    return summary


def format_text(findings: list[Finding], pages: int | None = None) -> str:
    """One line per finding (level, rule, path, field: message), then a summary line."""
    lines = [f"{f.level:<7} {f.rule:<26} {f.path} [{f.field}] {f.message}" for f in findings]
    counts = summarize(findings, pages)
    tail = f" on {plural(pages, 'page')}" if pages is not None else ""
    lines.append(
        f"{plural(counts[ERROR], 'error')}, {plural(counts[WARNING], 'warning')}, "
        f"{counts[INFO]} info{tail}"
    )
    return "\n".join(lines) + "\n"


def format_json(findings: list[Finding], pages: int | None = None) -> str:
    """{"findings": [...], "summary": {...}} as JSON; `related` only where a rule names
    another page. A finding's `code` is its rule's id (also given as `rule`)."""
    rows = [
        {"code": f.rule} | {k: v for k, v in asdict(f).items() if v or k != "related"}
        for f in findings
    ]
    document = {"findings": rows, "summary": summarize(findings, pages)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
