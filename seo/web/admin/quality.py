"""Audit findings for staff: grouped by the clinic, article or page to fix, in plain words,
each linking to the field in the editor."""

from __future__ import annotations

from flask import render_template, request, url_for

from seo import audit
from seo.audit.explain import PROBLEMS, Problem, clinic_of, group_findings
from seo.services import quality as auditing
from seo.store import queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp


def _subjects(problems: list[Problem]) -> list[dict]:
    """Problems gathered per thing to fix, with its name and the editor link of each."""
    db = get_session()
    copied = {clinic_of(path) for p in problems for path in p.related}
    clinics = queries.location_names(
        db, {p.fix.subject for p in problems if p.fix.editor == "location"} | copied
    )
    services = {s.slug: s.name for s in queries.services(db, published_only=False)}
    subjects: dict[tuple[str, str], dict] = {}
    for problem in problems:
        fix = problem.fix
        anchor = f"#field-{fix.field}" if fix.field else ""
        if fix.editor == "location" and fix.subject in clinics:
            location_id, name = clinics[fix.subject]
            what, link = "Clinic", url_for("admin.location_edit", location_id=location_id)
        elif fix.editor == "service" and fix.subject in services:
            name = services[fix.subject]
            what, link = "Article", url_for("admin.service_edit", slug=fix.subject)
        else:
            name, what, link, anchor = fix.subject, "Page", fix.subject, ""
        subject = subjects.setdefault(
            (fix.editor, fix.subject), {"name": name, "what": what, "problems": []}
        )
        others = sorted({clinics[c][1] for c in map(clinic_of, problem.related) if c in clinics})
        subject["problems"].append({"problem": problem, "link": link + anchor, "others": others})
    return list(subjects.values())


@bp.route("/audit/")
def audit_report():
    """Every finding of the audit, grouped, filterable by level and problem."""
    db = get_session()
    findings, pages = auditing.run_audit(db)
    findings = auditing.blame_later_copies(db, findings)
    level = request.args.get("level", "")
    rule = request.args.get("rule", "")
    shown = [
        f for f in findings if (not level or f.level == level) and (not rule or f.rule == rule)
    ]
    return render_template(
        "admin/audit.html",
        subjects=_subjects(group_findings(shown)),
        shown=len(shown),
        summary=audit.summarize(findings, pages),
        rules=sorted({f.rule for f in findings}),
        problems=PROBLEMS,
        level=level,
        rule=rule,
    )
