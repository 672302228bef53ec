"""History that staff can trust: one line ending, the first version kept, numbered
versions, changed words marked, and restores that say what they bring back and ask first."""

import json
import re
from dataclasses import replace

from conftest import article_form, csrf_token
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from seo.core.text import normalize_newlines, word_diff
from seo.services import locations
from seo.store.db import get_engine
from seo.store.history import location_snapshot
from seo.store.models import Change, Location, Service

ARTICLE = "/admin/services/neuropathic-pain-treatment/"
ARTICLE_HISTORY = ARTICLE + "history"


def _db(app):
    return Session(get_engine(), expire_on_commit=False)


def _service_changes(app) -> list[Change]:
    with app.app_context(), _db(app) as s:
        service = s.scalars(select(Service).where(Service.slug == "neuropathic-pain-treatment"))
        service_id = service.one().id
        return list(
            s.scalars(
                select(Change)
                .where(Change.entity == "service", Change.entity_id == service_id)
                .order_by(Change.id)
            )
        )


def test_normalize_newlines():
    assert normalize_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"


def test_word_diff_marks_only_the_changed_words():
    old, new = "Parking is free behind the clinic.", "Parking is paid behind the clinic.\n\nNew."
    old_runs, new_runs = word_diff(old, new)
    assert [r for r in old_runs if r[0] != "same"] == [("removed", "free ")]
    assert [r for r in new_runs if r[0] != "same"] == [("added", "paid "), ("added", "New.")]
    assert "".join(t for _op, t in old_runs) == old
    assert "".join(t for _op, t in new_runs) == new


def test_seeded_article_is_the_first_version(app):
    changes = _service_changes(app)
    assert [c.action for c in changes] == ["create"]


def test_crlf_from_the_browser_changes_no_untouched_section(app, client, staff):
    data = article_form(client)
    bodies = [k for k in data if k.endswith("-body")]
    assert any("\n" in data[k] for k in bodies)
    for key in bodies:  # what a browser posts for a text area
        data[key] = data[key].replace("\n", "\r\n")
    data["sections-1-body"] = data["sections-1-body"] + "\r\n\r\nOne new paragraph."
    response = client.post(ARTICLE, data={**data, "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)
    last = _service_changes(app)[-1]
    assert list(json.loads(last.fields)) == ["section 2 body"]


def test_an_intro_with_crlf_is_unchanged(app):
    with app.app_context(), _db(app) as s:
        row = s.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        row.intro = "First paragraph.\n\nSecond paragraph."
        s.flush()
        cells = location_snapshot(row)
        cells["intro"] = "First paragraph.\r\n\r\nSecond paragraph."
        value, errors = locations.check_location(s, cells, row)
        assert not errors and value == row.to_core()


def test_versions_are_numbered_and_changed_words_marked(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = data["sections-0-body"].replace("nerve", "nerveless", 1)
    assert client.post(ARTICLE, data={**data, "action": "save"}).status_code == 302
    html = client.get(ARTICLE_HISTORY).get_data(as_text=True)
    assert re.search(r'class="version">v2<.*class="version">v1<', html, re.S)
    assert "<ins>nerveless " in html or "<ins>nerveless" in html
    assert "<del>nerve " in html or "<del>nerve" in html


def test_restore_asks_first_and_names_the_state_after_the_version(app, client, staff):
    original = article_form(client)
    data = dict(original)
    data["sections-0-heading"] = "A heading nobody wanted"
    assert client.post(ARTICLE, data={**data, "action": "save"}).status_code == 302
    first = _service_changes(app)[0]
    confirm = client.get(f"/admin/history/{first.id}/restore")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "the state after v1" in html and "A heading nobody wanted" in html
    assert _service_changes(app)[-1].action == "update"  # asking changed nothing
    response = client.post(
        f"/admin/history/{first.id}/restore", data={"csrf_token": csrf_token(html)}
    )
    assert response.status_code == 302
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Restored neuropathic-pain-treatment to v1: the state after the change of" in after
    assert article_form(client)["sections-0-heading"] == original["sections-0-heading"]


def test_a_database_without_the_first_version_records_it_on_the_first_edit(app, client, staff):
    with app.app_context(), _db(app) as s:
        s.execute(delete(Change).where(Change.entity == "service"))
        s.commit()
    original = article_form(client)
    data = dict(original)
    data["sections-0-heading"] = "Changed once"
    assert client.post(ARTICLE, data={**data, "action": "save"}).status_code == 302
    changes = _service_changes(app)
    assert [c.action for c in changes] == ["initial", "update"]
    html = client.get(ARTICLE_HISTORY).get_data(as_text=True)
    assert "initial version" in html
    token = csrf_token(html)
    client.post(f"/admin/history/{changes[0].id}/restore", data={"csrf_token": token})
    assert article_form(client)["sections-0-heading"] == original["sections-0-heading"]


def test_a_renamed_clinic_keeps_its_history_without_a_second_first_version(app):
    with app.app_context(), _db(app) as s:
        row = s.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        value = replace(row.to_core(), slug="florissant-north-mo")
        locations.save_location(s, row, value, "test", "update")
        actions = s.scalars(
            select(Change.action).where(Change.entity == "location", Change.entity_id == row.id)
        ).all()
    assert actions == ["create", "update"]
