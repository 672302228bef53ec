"""Bulk changes to live clinics are reviewed before they apply: the import preview names every
clinic and every changed column (old -> new), retiring published clinics needs a confirmation
naming the count, retiring more than half of them a second, admin-only step (or
--allow-mass-retire), and a confirmation applies exactly what was previewed."""

import io

import pytest
from conftest import STAFF_PASSWORD, StaffAuth, add_user, csrf_token, preview_digest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seo.store.db import get_engine
from seo.store.models import Location

EDITOR = "editor@clinics.example"
PUBLISHED = 14  # the demo: 15 clinics, Ballwin a draft


def exported(runner, tmp_path) -> list[str]:
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    return out.read_text(encoding="utf-8").splitlines()


def keep_rows(lines: list[str], *slugs: str) -> str:
    """The header and the rows of these clinics only."""
    return "\n".join([lines[0], *(x for x in lines[1:] if x.split(",")[0] in slugs)]) + "\n"


def published(app) -> int:
    with app.app_context(), Session(get_engine()) as session:
        stmt = select(func.count()).select_from(Location).where(Location.status == "published")
        return session.scalar(stmt)


def name_of(app, slug: str) -> str:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalars(select(Location.name).where(Location.slug == slug)).one()


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["apply", "dry-run"])
def test_cli_refuses_to_retire_most_clinics_and_names_them(app, runner, tmp_path, dry_run):
    path = tmp_path / "two.csv"
    path.write_text(keep_rows(exported(runner, tmp_path), "florissant-mo", "st-louis-mo"))
    args = ["seo", "import-locations", *dry_run, "--retire-missing", str(path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert f"would retire 12 of the {PUBLISHED} published clinics" in result.stderr
    assert all(line.startswith("row ") for line in result.stderr.splitlines())
    assert "Gateway Pain Relief Kirkwood (kirkwood-mo)" in result.stdout
    assert "--allow-mass-retire" in result.stdout
    assert published(app) == PUBLISHED


def test_cli_retires_most_clinics_with_the_explicit_flag(app, runner, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(keep_rows(exported(runner, tmp_path), "florissant-mo", "st-louis-mo"))
    args = ["seo", "import-locations", "--retire-missing", "--allow-mass-retire", str(path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 0, updated 0, unchanged 2, retired 13"
    assert published(app) == 2


# --- the upload -----------------------------------------------------------------------------


def upload(client, auth, text: str, retire_missing: bool = True) -> str:
    data = {
        "csrf_token": auth.token("/admin/import"),
        "file": (io.BytesIO(text.encode()), "locations.csv"),
    }
    if retire_missing:
        data["retire_missing"] = "y"
    response = client.post("/admin/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def confirm(client, preview_url: str, **fields):
    html = client.get(preview_url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "preview": preview_digest(html), **fields}
    return client.post(preview_url.rstrip("/") + "/confirm", data=data)


def test_an_upload_retiring_most_clinics_is_stopped_and_explained(
    app, client, staff, runner, tmp_path
):
    text = keep_rows(exported(runner, tmp_path), "florissant-mo", "st-louis-mo")
    preview_url = upload(client, staff, text)
    html = client.get(preview_url).get_data(as_text=True)
    assert f"Stopped: this file would take 12 of the {PUBLISHED} published clinics offline" in html
    assert "Gateway Pain Relief Kirkwood <code>kirkwood-mo</code>" in html
    assert "Retire 12 clinics" in html and 'name="allow_mass_retire"' in html
    # One confirmation is not enough; nor is a count that differs from the preview's.
    assert confirm(client, preview_url, confirm_retire="12").status_code == 302
    assert published(app) == PUBLISHED
    wrong = confirm(client, preview_url, confirm_retire="2", allow_mass_retire="yes")
    assert wrong.status_code == 302 and published(app) == PUBLISHED
    done = confirm(client, preview_url, confirm_retire="12", allow_mass_retire="yes")
    assert done.status_code == 302
    assert published(app) == 2


def test_only_an_admin_can_confirm_retiring_most_clinics(app, client, runner, tmp_path):
    add_user(app, EDITOR, STAFF_PASSWORD, "editor")
    editor = StaffAuth(client)
    editor.login(EDITOR)
    text = keep_rows(exported(runner, tmp_path), "florissant-mo", "st-louis-mo")
    preview_url = upload(client, editor, text)
    html = client.get(preview_url).get_data(as_text=True)
    assert "only an admin can confirm" in html
    assert "Confirm the import" not in html and 'name="allow_mass_retire"' not in html
    confirm(client, preview_url, confirm_retire="12", allow_mass_retire="yes")
    assert published(app) == PUBLISHED


def test_retiring_a_few_clinics_needs_a_confirmation_naming_the_count(
    app, client, staff, runner, tmp_path
):
    lines = exported(runner, tmp_path)
    text = "\n".join(x for x in lines if not x.startswith(("kirkwood-mo,", "ballwin-mo,")))
    preview_url = upload(client, staff, text + "\n")
    html = client.get(preview_url).get_data(as_text=True)
    assert "Stopped" not in html and "Retire 1 clinic<" in html
    assert "Gateway Pain Relief Kirkwood <code>kirkwood-mo</code>" in html
    assert confirm(client, preview_url).status_code == 302  # not ticked
    assert published(app) == PUBLISHED
    assert confirm(client, preview_url, confirm_retire="1").status_code == 302
    assert published(app) == PUBLISHED - 1


def test_the_preview_lists_every_changed_column_old_and_new(app, client, staff, runner, tmp_path):
    lines = exported(runner, tmp_path)
    text = "\n".join(lines).replace("Gateway Pain Relief Florissant", "Gateway North County")
    text = text.replace("+13145550101", "+13145550111")
    preview_url = upload(client, staff, text + "\n", retire_missing=False)
    html = client.get(preview_url).get_data(as_text=True)
    assert "1 will be updated" in html
    assert "<dt>name</dt><dd><del>Gateway Pain Relief Florissant</del> → " in html
    assert "<ins>Gateway North County</ins>" in html
    assert "<dt>phone</dt><dd><del>+13145550101</del> → <ins>+13145550111</ins>" in html


def test_a_confirmation_applies_exactly_what_was_previewed(app, client, staff, runner, tmp_path):
    lines = exported(runner, tmp_path)
    text = "\n".join(lines).replace("Gateway Pain Relief Florissant", "Gateway North County")
    preview_url = upload(client, staff, text + "\n", retire_missing=False)
    html = client.get(preview_url).get_data(as_text=True)
    with app.app_context(), Session(get_engine()) as session:  # someone edits meanwhile
        session.execute(
            update(Location).where(Location.slug == "st-louis-mo").values(phone="+13145550177")
        )
        session.commit()
    data = {"csrf_token": csrf_token(html), "preview": preview_digest(html)}
    response = client.post(preview_url.rstrip("/") + "/confirm", data=data, follow_redirects=True)
    assert "changed since the preview" in response.get_data(as_text=True)
    assert name_of(app, "florissant-mo") == "Gateway Pain Relief Florissant"
    # The new preview shows the change the file now makes, and confirming it applies it.
    assert confirm(client, preview_url).status_code == 302
    assert name_of(app, "florissant-mo") == "Gateway North County"
