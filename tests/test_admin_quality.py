"""The audit in the staff workspace: the findings page and the publishing gate."""

from conftest import STAFF_EMAIL, StaffAuth, add_user
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.store import history
from seo.store.db import get_engine
from seo.store.models import Change, Location

DRAFT = "/neuropathic-pain-treatment/ballwin-mo/"


def _set(app, slug, **values):
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(Location).where(Location.slug == slug).values(**values))
        session.commit()


def _ballwin(app) -> Location:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalars(select(Location).where(Location.slug == "ballwin-mo")).one()


def _publish(client, staff, location_id, **extra):
    token = staff.token(f"/admin/locations/{location_id}/")
    return client.post(
        f"/admin/locations/{location_id}/publish", data={"csrf_token": token, **extra}
    )


def test_audit_page_lists_findings(app, client, staff):
    _set(app, "kirkwood-mo", intro="")
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "near-duplicate-page" in html
    assert "/neuropathic-pain-treatment/kirkwood-mo/" in html
    filtered = client.get("/admin/audit/?rule=near-duplicate-page&level=error")
    assert filtered.status_code == 200
    assert client.get("/admin/audit/?level=info").status_code == 200


def test_publishing_a_page_with_audit_errors_is_refused(app, client, staff):
    _set(app, "ballwin-mo", intro="")  # a doorway page: no local text at all
    row = _ballwin(app)
    response = _publish(client, staff, row.id)
    assert response.status_code == 422
    assert _ballwin(app).status == "draft"
    assert client.get(DRAFT).status_code == 404
    page = response.get_data(as_text=True)
    assert "Not published" in page and "near-duplicate-page" in page


def test_an_editor_cannot_override_the_gate(app, client):
    add_user(app, "editor@clinics.example", "another long password", role="editor")
    staff = StaffAuth(client)
    assert staff.login("editor@clinics.example", "another long password").status_code == 302
    _set(app, "ballwin-mo", intro="")
    row = _ballwin(app)
    _publish(client, staff, row.id, override_audit="yes")
    assert _ballwin(app).status == "draft"


def test_an_admin_override_publishes_and_is_recorded(app, client, staff):
    _set(app, "ballwin-mo", intro="")
    row = _ballwin(app)
    _publish(client, staff, row.id, override_audit="yes")  # no reason: not enough
    assert _ballwin(app).status == "draft"
    _publish(client, staff, row.id, override_audit="yes", override_reason="Opening day flyer")
    assert _ballwin(app).status == "published"
    assert client.get(DRAFT).status_code == 200
    with app.app_context(), Session(get_engine()) as session:
        overrides = [
            c
            for c in session.scalars(select(Change).where(Change.entity_id == row.id))
            if c.entity == "location" and c.action == "audit-override"
        ]
    assert len(overrides) == 1
    recorded = history.snapshot_of(overrides[0])
    assert recorded["reason"] == "Opening day flyer"
    assert "near-duplicate-page" in recorded["audit errors"]
    assert overrides[0].user == STAFF_EMAIL


def test_a_clean_draft_publishes(app, client, staff):
    row = _ballwin(app)
    _publish(client, staff, row.id)
    assert _ballwin(app).status == "published"
