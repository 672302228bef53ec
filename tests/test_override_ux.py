"""Publishing despite audit errors: offered only to admins, only where errors stopped a
change, and only behind a confirmation with a written reason that history keeps."""

import re

from conftest import STAFF_PASSWORD, StaffAuth, add_user
from test_admin_quality import _ballwin, _publish, _set

EDITOR = "editor@clinics.example"


def override_controls(html: str) -> list[str]:
    return re.findall(r'<(?:input|textarea)[^>]*name="override_(?:audit|reason)"[^>]*>', html)


def test_nothing_to_override_shows_no_override(app, client, staff):
    row = _ballwin(app)  # a draft whose pages pass the audit
    assert override_controls(client.get(f"/admin/locations/{row.id}/").get_data(as_text=True)) == []
    live = client.get("/admin/locations/1/").get_data(as_text=True)
    assert override_controls(live) == [] and "Publish despite" not in live


def test_a_refused_publish_offers_admins_a_reasoned_confirmation(app, client, staff):
    _set(app, "ballwin-mo", intro="")
    row = _ballwin(app)
    page = _publish(client, staff, row.id).get_data(as_text=True)
    controls = override_controls(page)
    assert any("override_reason" in c and "required" in c for c in controls)
    assert any('type="checkbox"' in c and "required" in c for c in controls)
    assert "Reason, kept in history (required)" in page
    _publish(client, staff, row.id, override_audit="yes", override_reason="  ")
    assert _ballwin(app).status == "draft"  # a blank reason is no reason


def test_editors_are_not_offered_an_override(app, client):
    add_user(app, EDITOR, STAFF_PASSWORD, "editor")
    editor = StaffAuth(client)
    editor.login(EDITOR)
    _set(app, "ballwin-mo", intro="")
    row = _ballwin(app)
    page = _publish(client, editor, row.id).get_data(as_text=True)
    assert "Not published" in page and override_controls(page) == []
    assert "an admin can publish anyway" in page
