"""One write path: the admin form, CSV imports (CLI and upload) and restores apply the same
rules, including those that need the database, and the same publishing gate."""

import csv
import html
import io
import re
from pathlib import Path

import pytest
from conftest import NEW_CLINIC, STAFF_EMAIL, csrf_token, preview_digest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.core.locations import COLUMNS
from seo.store import history, queries
from seo.store.db import get_engine
from seo.store.models import Change, Location

DATA = Path(__file__).parent / "data"

CLINIC = {**NEW_CLINIC, "slug": "webster-groves-mo", "services": ""}

BAD = [
    pytest.param({"slug": "mo"}, id="state-code"),
    pytest.param({"slug": "il"}, id="other-state-code"),
    pytest.param({"slug": "locations"}, id="reserved-word"),
    pytest.param({"status": "retired", "redirect_to": "kirkwood-mo"}, id="to-retired"),
    pytest.param({"status": "retired", "redirect_to": "nowhere-mo"}, id="to-missing"),
    pytest.param({"status": "retired", "redirect_to": "webster-groves-mo"}, id="to-itself"),
]


def retire(app, slug: str) -> None:
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(Location).where(Location.slug == slug).values(status="retired"))
        session.commit()


def csv_of(*rows: dict) -> str:
    out = io.StringIO()
    # The demo's rows carry Spanish intros (intro_es) too.
    fields = [*COLUMNS, "intro_es"]
    writer = csv.DictWriter(out, fieldnames=fields, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_rejections(runner, tmp_path, row: dict, *options: str) -> set[tuple[str, str]]:
    path = tmp_path / "rows.csv"
    path.write_text(csv_of(row), encoding="utf-8")
    result = runner.invoke(args=["seo", "import-locations", *options, str(path)])
    assert result.exit_code == 1, result.output
    found = re.findall(r"^row 2, column (\w+): (.*)$", result.stderr, re.M)
    assert found, result.stderr
    # Every line of stderr is a problem in the contract's form; advice goes to stdout.
    assert len(found) == len(result.stderr.splitlines()), result.stderr
    return set(found)


def by_column(found: set[tuple[str, str]]) -> dict[str, str]:
    """Messages per column, as the form shows them (joined by "; ")."""
    columns: dict[str, list[str]] = {}
    for column, message in sorted(found):
        columns.setdefault(column, []).append(message)
    return {column: "; ".join(messages) for column, messages in columns.items()}


def form_rejections(client, staff, row: dict) -> dict[str, str]:
    token = staff.token("/admin/locations/new")
    data = {**{k: v for k, v in row.items() if k != "services"}, "csrf_token": token}
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    found = re.findall(r'id="(\w+)-error">(.*?)</p>', page)
    return {column: html.unescape(messages) for column, messages in found}


@pytest.mark.parametrize("change", BAD)
def test_the_importer_and_the_admin_form_reject_alike(app, client, staff, runner, tmp_path, change):
    retire(app, "kirkwood-mo")
    row = {**CLINIC, **change}
    by_import = by_column(import_rejections(runner, tmp_path, row))
    by_form = form_rejections(client, staff, row)
    assert by_import == by_form
    with app.app_context(), Session(get_engine()) as session:
        assert session.scalars(select(Location).where(Location.name == CLINIC["name"])).all() == []


def test_a_state_code_slug_never_reaches_the_site(app, client, runner, tmp_path):
    rejected = import_rejections(runner, tmp_path, {**CLINIC, "slug": "mo"})
    assert ("slug", '"mo" is a state code (/locations/mo/ is that state\'s page): add the city, '
            "as in florissant-mo") in rejected  # fmt: skip
    assert client.get("/locations/mo/").get_data(as_text=True).count("Clinics in Missouri") >= 1


# --- the publishing gate on every path that makes content live ------------------------

STUFFED = (
    "Neuropathic pain treatment near me in Florissant: our neuropathic pain treatment is the "
    "best neuropathic pain treatment, so for neuropathic pain treatment near me choose our "
    "neuropathic pain treatment clinic. Neuropathic pain treatment, neuropathic pain treatment."
)


def intro_of(app, slug: str) -> str:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalars(select(Location.intro).where(Location.slug == slug)).one()


def exported_row(runner, tmp_path, slug: str) -> dict:
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    rows = csv.DictReader(out.read_text(encoding="utf-8").splitlines())
    return next(r for r in rows if r["slug"] == slug)


def overrides_of(app, slug: str) -> list[Change]:
    with app.app_context(), Session(get_engine()) as session:
        return list(
            session.scalars(
                select(Change).where(Change.label == slug, Change.action == "audit-override")
            )
        )


@pytest.mark.parametrize("bad", ["copied", "stuffed"])
def test_an_import_that_breaks_a_live_page_is_refused(app, runner, tmp_path, bad):
    before = intro_of(app, "florissant-mo")
    intro = intro_of(app, "st-louis-mo") if bad == "copied" else STUFFED
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": intro}
    rejected = import_rejections(runner, tmp_path, row)
    rule = "near-duplicate-local-text" if bad == "copied" else "keyword-stuffing"
    assert any(column == "intro" and message.startswith(rule + ":") for column, message in rejected)
    assert intro_of(app, "florissant-mo") == before


def test_the_cli_override_publishes_and_is_recorded(app, client, runner, tmp_path):
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": STUFFED}
    path = tmp_path / "rows.csv"
    path.write_text(csv_of(row), encoding="utf-8")
    result = runner.invoke(args=["seo", "import-locations", "--allow-audit-errors", str(path)])
    assert result.exit_code == 0, result.output
    assert "Neuropathic pain treatment near me in Florissant" in client.get(
        "/neuropathic-pain-treatment/florissant-mo/"
    ).get_data(as_text=True)
    (recorded,) = overrides_of(app, "florissant-mo")
    snapshot = history.snapshot_of(recorded)
    assert recorded.user == "cli" and snapshot["reason"] == "--allow-audit-errors"
    assert "keyword-stuffing" in snapshot["audit errors"]


def edit_form(client, row_id: int, **changes) -> dict:
    page = client.get(f"/admin/locations/{row_id}/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page)}
    for name, value in re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page):
        data.setdefault(name, html.unescape(value))
    intro = re.search(r'<textarea[^>]*name="intro"[^>]*>\s*(.*?)</textarea>', page, re.S)
    data["intro"] = html.unescape(intro.group(1)) if intro else ""
    for name in ("state", "status"):
        chosen = re.search(
            rf'<select[^>]*name="{name}".*?<option selected value="([^"]*)"', page, re.S
        )
        data[name] = chosen.group(1) if chosen else ""
    data.pop("services", None)
    return {**data, **changes}


def location_id(app, slug: str) -> int:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalars(select(Location.id).where(Location.slug == slug)).one()


def test_the_admin_form_refuses_then_an_admin_overrides_with_a_reason(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    copied = intro_of(app, "st-louis-mo")
    refused = client.post(
        f"/admin/locations/{row_id}/", data=edit_form(client, row_id, intro=copied)
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "near-duplicate-local-text" in page and 'name="override_reason"' in page
    assert intro_of(app, "florissant-mo") != copied
    no_reason = edit_form(client, row_id, intro=copied, override_audit="yes")
    assert client.post(f"/admin/locations/{row_id}/", data=no_reason).status_code == 422
    reasoned = edit_form(
        client, row_id, intro=copied, override_audit="yes", override_reason="Shared front desk"
    )
    assert client.post(f"/admin/locations/{row_id}/", data=reasoned).status_code == 302
    assert intro_of(app, "florissant-mo") == copied
    (recorded,) = overrides_of(app, "florissant-mo")
    snapshot = history.snapshot_of(recorded)
    assert recorded.user == STAFF_EMAIL and snapshot["reason"] == "Shared front desk"
    assert "near-duplicate-local-text" in snapshot["audit errors"]


def test_an_editor_cannot_override(app, client, staff):
    from conftest import add_user

    add_user(app, "editor@clinics.example", "editor-password-1", role="editor")
    staff.logout()
    staff.login("editor@clinics.example", "editor-password-1")
    row_id = location_id(app, "florissant-mo")
    data = edit_form(client, row_id, intro=STUFFED, override_audit="yes", override_reason="Because")
    data["action"] = "publish"
    assert client.post(f"/admin/locations/{row_id}/", data=data).status_code == 302  # a draft
    assert intro_of(app, "florissant-mo") != STUFFED
    assert overrides_of(app, "florissant-mo") == []


def test_an_upload_that_breaks_a_live_page_needs_an_admin_and_a_reason(
    app, client, staff, runner, tmp_path
):
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": STUFFED}
    token = staff.token("/admin/import")
    upload = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv_of(row).encode()), "rows.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    preview_url = upload.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "keyword-stuffing" in preview and "Import despite audit errors" in preview
    confirm = preview_url.rstrip("/") + "/confirm"
    client.post(
        confirm, data={"csrf_token": csrf_token(preview), "preview": preview_digest(preview)}
    )
    assert intro_of(app, "florissant-mo") != STUFFED
    client.post(
        confirm,
        data={
            "csrf_token": csrf_token(preview),
            "preview": preview_digest(preview),
            "override_audit": "yes",
            "override_reason": "Approved by the clinic manager",
        },
    )
    assert intro_of(app, "florissant-mo") == STUFFED
    (recorded,) = overrides_of(app, "florissant-mo")
    assert history.snapshot_of(recorded)["reason"] == "Approved by the clinic manager"


def test_restoring_a_version_that_fails_the_audit_is_gated(app, client, staff, runner, tmp_path):
    row = {**exported_row(runner, tmp_path, "florissant-mo"), "intro": STUFFED}
    path = tmp_path / "bad.csv"
    path.write_text(csv_of(row), encoding="utf-8")
    assert (
        runner.invoke(args=["seo", "import-locations", "--allow-audit-errors", str(path)]).exit_code
        == 0
    )
    good = {**row, "intro": CLINIC["intro"].replace("Webster Groves", "Florissant")}
    path.write_text(csv_of(good), encoding="utf-8")
    assert runner.invoke(args=["seo", "import-locations", str(path)]).exit_code == 0
    with app.app_context(), Session(get_engine()) as session:
        stuffed = [
            c
            for c in session.scalars(select(Change).where(Change.label == "florissant-mo"))
            if c.action == "import" and STUFFED in c.snapshot
        ][0]
    token = staff.token(f"/admin/locations/{location_id(app, 'florissant-mo')}/history")
    client.post(f"/admin/history/{stuffed.id}/restore", data={"csrf_token": token})
    assert intro_of(app, "florissant-mo") != STUFFED
    client.post(
        f"/admin/history/{stuffed.id}/restore",
        data={"csrf_token": token, "override_audit": "yes", "override_reason": "Back as it was"},
    )
    assert intro_of(app, "florissant-mo") == STUFFED


def test_a_draft_may_hold_errors(app, runner, tmp_path):
    row = {**CLINIC, "intro": "Too short.", "status": "draft"}
    path = tmp_path / "rows.csv"
    path.write_text(csv_of(row), encoding="utf-8")
    result = runner.invoke(args=["seo", "import-locations", str(path)])
    assert result.exit_code == 0, result.output


SECOND_ST_LOUIS_INTRO = (
    "Our south side office sits two blocks from the Carondelet Park lake, with free parking "
    "behind the building and a bus stop at the corner of Grand and Holly Hills. Patients "
    "from Affton, Lemay and Bevo Mill reach us in under fifteen minutes, and evening "
    "appointments on Tuesdays and Thursdays suit people who work downtown."
)


def test_a_second_clinic_in_a_city_with_the_same_page_titles_is_refused(app, runner, tmp_path):
    """Titles are compared with the pages a change is compared with (the nearest clinics
    among them), so a site rule such as title-duplicate gates an import as `seo audit`
    would report it."""
    row = {
        **exported_row(runner, tmp_path, "st-louis-mo"),
        "slug": "st-louis-south-mo",
        "street_address": "4500 Gravois Ave",
        "postal_code": "63116",
        "phone": "+13145550177",
        "intro": SECOND_ST_LOUIS_INTRO,
        "intro_es": "",
    }
    rejected = import_rejections(runner, tmp_path, row)
    assert ("status", "title-duplicate") in {(c, m.split(":")[0]) for c, m in rejected}
    assert intro_of_slug(app, "st-louis-south-mo") is None
    path = tmp_path / "rows.csv"
    result = runner.invoke(args=["seo", "import-locations", "--allow-audit-errors", str(path)])
    assert result.exit_code == 0, result.output


def intro_of_slug(app, slug: str) -> str | None:
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, slug)
        return row.intro if row is not None else None


def test_an_article_linking_to_no_page_is_refused(app, runner, client, tmp_path):
    before = client.get("/ketamine-infusion-therapy/florissant-mo/").data
    article = tmp_path / "article.md"
    text = (DATA / "markdown-article.md").read_text(encoding="utf-8")
    article.write_text(text + "\nSee [our older guide](/old-ketamine-guide/).\n")
    args = ["seo", "import-article", str(article), "--service", "ketamine-infusion-therapy"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert "broken-internal-link" in result.stderr and "/old-ketamine-guide/" in result.stderr
    assert client.get("/ketamine-infusion-therapy/florissant-mo/").data == before
    article.write_text(text + "\nSee [all our clinics](/locations/).\n")
    assert runner.invoke(args=args).exit_code == 0
