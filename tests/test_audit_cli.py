"""`flask seo audit` end to end on SQLite and PostgreSQL: the demo site and seeded defects."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.services import quality as auditing
from seo.store.db import get_engine
from seo.store.models import Location, Section, Service

NEURO = "neuropathic-pain-treatment"
KETAMINE = "ketamine-infusion-therapy"
FLORISSANT = f"/{NEURO}/florissant-mo/"


def run(runner, output: str = "text"):
    return runner.invoke(args=["seo", "audit", "--format", output])


def findings_of(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def edit(app, *statements) -> None:
    with app.app_context(), Session(get_engine()) as session:
        for statement in statements:
            session.execute(statement)
        session.commit()


def test_demo_site_has_no_errors(runner):
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("0 errors,")
    document = json.loads(run(runner, "json").stdout)
    assert document["summary"]["error"] == 0
    assert document["summary"]["pages"] > 40


def test_landing_pages_without_intros_are_near_duplicates(runner, app):
    edit(app, update(Location).values(intro=""))
    result = run(runner, "json")
    assert result.exit_code == 1
    flagged = {f["path"] for f in findings_of(result) if f["rule"] == "near-duplicate-page"}
    landing = {
        f"/{s}/{loc}/" for s in (NEURO, KETAMINE) for loc in ("florissant-mo", "st-louis-mo")
    }
    assert landing <= flagged
    assert all(path.count("/") == 3 for path in flagged)  # landing pages only
    assert "more words of local content" in run(runner).stdout


def _seed_defects(app) -> None:
    with app.app_context(), Session(get_engine()) as session:
        neuro = session.scalars(select(Service).where(Service.slug == NEURO)).one()
        ketamine = session.scalars(select(Service).where(Service.slug == KETAMINE)).one()
        ketamine.title_pattern = "Ketamine Infusion Therapy | Gateway Pain Relief Clinics"
        ketamine.last_reviewed = date(2025, 6, 1)
        section = session.scalars(
            select(Section).where(Section.service_id == neuro.id).order_by(Section.position)
        ).first()
        section.body += "\n\nSee [our treatment guide](/nowhere/) for more."
        # A new version of the article, so the compiled copy is not reused.
        neuro.updated_at = neuro.updated_at + timedelta(days=1)
        florissant = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        florissant.intro = (
            "Looking for neuropathic pain treatment near me in Florissant MO? Our neuropathic "
            "pain treatment Florissant clinic is the best neuropathic pain treatment in "
            "Florissant MO. " + florissant.intro
        )
        kirkwood = session.scalars(select(Location).where(Location.slug == "kirkwood-mo")).one()
        kirkwood.phone = ""
        session.commit()


def test_seeded_defects_are_found_in_text_and_json(runner, app):
    _seed_defects(app)
    text = run(runner)
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    document = run(runner, "json")
    assert document.exit_code == 1
    found = {(f["rule"], f["path"]) for f in findings_of(document)}
    assert all(
        f["code"] == f["rule"] and f["level"] and f["message"] for f in findings_of(document)
    )
    expected = {
        ("title-duplicate", f"/{KETAMINE}/florissant-mo/"),
        ("broken-internal-link", FLORISSANT),
        ("phone-missing", f"/{NEURO}/kirkwood-mo/"),
        ("phone-missing", "/locations/kirkwood-mo/"),
        ("medical-review-expired", f"/{KETAMINE}/st-louis-mo/"),
        ("keyword-stuffing", FLORISSANT),
        ("near-me-in-text", FLORISSANT),
    }
    assert expected <= found
    for rule, path in expected:
        assert any(line.split()[1:3] == [rule, path] for line in lines), (rule, path)
    by_rule = {f["rule"]: f for f in findings_of(document)}
    assert by_rule["broken-internal-link"]["message"].startswith("The link to /nowhere/")
    assert by_rule["phone-missing"]["field"] == "phone"
    assert by_rule["medical-review-expired"]["field"] == "last_reviewed"
    assert {f["level"] for f in findings_of(document) if (f["rule"], f["path"]) in expected} == {
        "error"
    }


def test_blocking_findings_are_the_errors(app):
    edit(app, update(Service).where(Service.slug == NEURO).values(reviewed_by=""))
    with app.app_context(), Session(get_engine()) as session:
        blocking = auditing.blocking_findings(session)
    assert blocking and {f.level for f in blocking} == {"error"}
    assert {f.rule for f in blocking} == {"medical-review-missing"}


def test_thresholds_come_from_the_app_config(app, runner):
    app.config["AUDIT_MIN_LOCAL_WORDS"] = 500
    result = run(runner, "json")
    assert result.exit_code == 1
    assert {f["rule"] for f in findings_of(result)} == {"near-duplicate-page"}


def test_audit_in_worker_processes_matches_one_process(app, monkeypatch):
    edit(
        app,
        update(Location).where(Location.slug == "kirkwood-mo").values(intro=""),
        update(Location).where(Location.slug == "columbia-mo").values(phone=""),
    )
    monkeypatch.setattr(auditing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(auditing, "CHUNK", 7)
    with app.app_context(), Session(get_engine()) as session:
        serial = auditing.run_audit(session, workers=1)
        parallel = auditing.run_audit(session, workers=2)
    assert serial == parallel
    assert {"near-duplicate-page", "phone-missing"} <= {f.rule for f in serial[0]}
