"""Audit findings for staff."""

from __future__ import annotations

from flask import render_template, request

from seo import audit
from seo.services import quality as auditing
from seo.store.db import get_session
from seo.web.admin.blueprint import bp


@bp.route("/audit/")
def audit_report():
    """Every finding of the audit, filterable by level and rule."""
    findings, pages = auditing.run_audit(get_session())
    level = request.args.get("level", "")
    rule = request.args.get("rule", "")
    shown = [
        f for f in findings if (not level or f.level == level) and (not rule or f.rule == rule)
    ]
    summary = audit.summarize(findings, pages)
    return render_template(
        "admin/audit.html",
        findings=shown,
        summary=summary,
        rules=sorted({f.rule for f in findings}),
        level=level,
        rule=rule,
        pages=pages,
    )
