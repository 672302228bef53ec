"""Audit rendered pages: one small function per rule, one RULES table, plain values in and out."""

from seo.audit.html_reader import Html, parse_html
from seo.audit.language_rules import Translation
from seo.audit.model import ERROR, INFO, LEVELS, WARNING, AuditConfig, AuditPage, Finding
from seo.audit.report import format_json, format_text, sort_key, summarize
from seo.audit.rules import (
    RULES,
    RULES_BY_ID,
    Rule,
    audit,
    check,
    check_page,
    check_translations,
    finish_audit,
    site_findings,
)
from seo.audit.similarity import (
    AuditText,
    local_word_count,
    near_duplicates,
    shared_shingles,
    shingle_block,
)
from seo.audit.site_rules import SiteView

__all__ = [
    "ERROR",
    "INFO",
    "LEVELS",
    "RULES",
    "RULES_BY_ID",
    "WARNING",
    "AuditConfig",
    "AuditPage",
    "AuditText",
    "Finding",
    "Html",
    "Rule",
    "SiteView",
    "Translation",
    "audit",
    "check",
    "check_page",
    "check_translations",
    "finish_audit",
    "site_findings",
    "format_json",
    "format_text",
    "local_word_count",
    "near_duplicates",
    "parse_html",
    "shared_shingles",
    "shingle_block",
    "sort_key",
    "summarize",
]
