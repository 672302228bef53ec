"""The audit page for staff: grouped by what to fix, in plain words, each problem linking to
the field in the editor; a copied intro blames only the clinic that copied."""

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.audit import Finding
from seo.audit.explain import Fix, group_findings, where_to_fix
from seo.services import gate
from seo.services.locations import save_location
from seo.services.quality import blame_later_copies, run_audit
from seo.store.db import get_engine
from seo.store.models import Location

NERVE, KETAMINE = "neuropathic-pain-treatment", "ketamine-infusion-therapy"


def _copied(path: str, other: str) -> Finding:
    return Finding("error", "near-duplicate-local-text", path, "intro", f"copies {other}", other)


def test_a_clinic_field_is_fixed_in_the_location_editor():
    finding = Finding("warning", "hours-missing", f"/{NERVE}/florissant-mo/", "opening_hours", "")
    fix = Fix("location", "florissant-mo", "opening_hours", "Opening hours")
    assert where_to_fix(finding) == fix


def test_a_title_is_fixed_in_the_article_editor():
    finding = Finding("warning", "title-too-long", f"/{NERVE}/florissant-mo/", "title", "")
    assert where_to_fix(finding) == Fix("service", NERVE, "title_pattern", "Title pattern")


def test_links_are_fixed_on_the_page():
    finding = Finding("error", "broken-internal-link", "/locations/", "links", "")
    assert where_to_fix(finding).editor == "page"


def test_one_problem_on_many_pages_is_one_entry():
    findings = [
        _copied(f"/{service}/florissant-mo/", f"/{service}/st-louis-mo/")
        for service in (NERVE, KETAMINE)
    ]
    (problem,) = group_findings(findings)
    assert problem.headline == "The clinic's introduction copies another clinic's"
    assert problem.fix.label == "Introduction" and len(problem.paths) == 2


def _db():
    return Session(get_engine(), expire_on_commit=False)


def _copy_intro(app, source: str, target: str) -> None:
    """Give one clinic another's intro through the write path (an admin overriding)."""
    with app.app_context(), _db() as s:
        rows = {r.slug: r for r in s.scalars(select(Location))}
        value = replace(rows[target].to_core(), intro=rows[source].intro)
        save_location(s, rows[target], value, "admin", "update", gate.Override("admin", "test"))


def test_only_the_later_copy_is_blamed(app):
    _copy_intro(app, "florissant-mo", "st-louis-mo")
    with app.app_context(), _db() as s:
        findings, _pages = run_audit(s)
        copied = [f for f in findings if f.rule == "near-duplicate-local-text"]
        assert {f.path.split("/")[2] for f in copied} == {"florissant-mo", "st-louis-mo"}
        kept = [f for f in blame_later_copies(s, findings) if f.rule == copied[0].rule]
    assert kept and {f.path.split("/")[2] for f in kept} == {"st-louis-mo"}


def test_the_audit_page_groups_and_links_to_the_field(app, client, staff):
    _copy_intro(app, "florissant-mo", "st-louis-mo")
    html = client.get("/admin/audit/").get_data(as_text=True)
    with app.app_context(), _db() as s:
        st_louis = s.scalars(select(Location).where(Location.slug == "st-louis-mo")).one()
    assert html.count("<strong>The clinic&#39;s introduction copies another clinic&#39;s") == 1
    assert f'href="/admin/locations/{st_louis.id}/#field-intro"' in html
    assert "Fix: Introduction" in html
    assert "Gateway Pain Relief St. Louis" in html
    assert "Copied from Gateway Pain Relief Florissant, whose introduction was written" in html
    assert "<td><code>near-duplicate-local-text</code></td>" not in html
    form = client.get(f"/admin/locations/{st_louis.id}/").get_data(as_text=True)
    assert 'id="field-intro"' in form
