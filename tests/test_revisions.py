"""Pending revisions of live clinics and articles: a draft leaves the live page alone, a
preview shows it as the real page, publishing checks it again and passes the gate, a refused
publish keeps it; editors save drafts, admins publish them."""

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD, StaffAuth, add_user, article_form
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_write_path import STUFFED, edit_form, intro_of, location_id

from seo.core.articles import Section
from seo.core.urls import PageRef
from seo.services import gate, revisions
from seo.services.articles import PATTERNS, check_article
from seo.services.locations import check_location, save_location
from seo.store import history, queries
from seo.store.db import get_engine
from seo.store.models import Change, PageState, Revision

PAGE = "/neuropathic-pain-treatment/florissant-mo/"
NEW_INTRO = (
    "Our Florissant office now opens early on Tuesdays and Thursdays, so patients who work "
    "day shifts at the airport or the Boeing plant can come in before their first break. "
    "Parking moved behind the building on Rue St. Francois, with a ramp at the side door "
    "for wheelchairs and walkers, and the waiting room gained a quiet corner for anyone "
    "who finds bright lights or noise hard after a flare. Dr. Maria Alvarez still sees "
    "every new patient herself and writes each treatment plan with the family doctor."
)
EDITOR = "editor@clinics.example"


def page_states(app) -> dict[str, tuple[str, object]]:
    with app.app_context(), Session(get_engine()) as session:
        return {s.path: (s.fingerprint, s.changed_at) for s in session.scalars(select(PageState))}


def pending(app) -> list[Revision]:
    with app.app_context(), Session(get_engine()) as session:
        return list(session.scalars(select(Revision)))


def save_draft(app, clinic: str, user: str = STAFF_EMAIL, **changes) -> None:
    """The service call behind "Save draft": a checked value kept as the pending revision."""
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, clinic)
        raw = {**history.location_snapshot(row), **changes}
        value, errors = check_location(session, raw, row)
        assert not errors, errors
        revisions.save_location_draft(session, row, value, user)


def publish(app, slug: str, override: gate.Override | None = None) -> None:
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, slug)
        revision = queries.revision_for(session, "location", row.id)
        revisions.publish_location(session, row, revision, STAFF_EMAIL, override)


def test_a_draft_leaves_live_bytes_and_page_state_unchanged(app, client):
    before, states = client.get(PAGE).data, page_states(app)
    save_draft(app, "florissant-mo", intro=NEW_INTRO)
    assert client.get(PAGE).data == before
    assert page_states(app) == states
    assert intro_of(app, "florissant-mo") != NEW_INTRO
    (revision,) = pending(app)
    assert revision.user == STAFF_EMAIL and revision.label == "Gateway Pain Relief Florissant"


def test_publishing_goes_through_the_gate_and_records_history(app, client, monkeypatch):
    save_draft(app, "florissant-mo", intro=NEW_INTRO)
    gated: list[list[PageRef]] = []
    real = gate.commit
    monkeypatch.setattr(
        gate, "commit", lambda s, refs, *a, **k: (gated.append(refs), real(s, refs, *a, **k))
    )
    publish(app, "florissant-mo")
    assert PageRef("landing", ("neuropathic-pain-treatment", "florissant-mo")) in gated[0]
    assert NEW_INTRO in client.get(PAGE).get_data(as_text=True)
    assert pending(app) == []
    with app.app_context(), Session(get_engine()) as session:
        change = session.scalars(select(Change).order_by(Change.id.desc())).first()
    assert (change.action, change.label, change.user) == ("publish", "florissant-mo", STAFF_EMAIL)
    assert "intro" in history.fields_of(change)


def test_a_refused_publish_keeps_the_draft_and_the_live_page(app, client):
    before = client.get(PAGE).data
    save_draft(app, "florissant-mo", intro=STUFFED)
    with pytest.raises(gate.Refused) as refused:
        publish(app, "florissant-mo")
    assert any(f.rule == "keyword-stuffing" for f in refused.value.findings)
    assert client.get(PAGE).data == before
    (revision,) = pending(app)
    assert STUFFED in revision.payload
    publish(app, "florissant-mo", gate.Override(STAFF_EMAIL, "Approved by the clinic lead"))
    assert STUFFED in client.get(PAGE).get_data(as_text=True)


def test_a_revision_is_checked_again_when_published(app, client, runner, tmp_path):
    save_draft(app, "florissant-mo", slug="florissant-north-mo")
    with app.app_context(), Session(get_engine()) as session:  # meanwhile, another clinic
        other = queries.location_by_slug(session, "ballwin-mo")  # takes the slug
        other.slug = "florissant-north-mo"
        session.commit()
    with pytest.raises(revisions.Invalid) as invalid:
        publish(app, "florissant-mo")
    assert "slug: 'florissant-north-mo' is used by" in invalid.value.problems[0]
    assert len(pending(app)) == 1
    assert client.get(PAGE).status_code == 200


def test_preview_shows_the_draft_as_the_real_page(app, client, staff):
    save_draft(app, "florissant-mo", intro=NEW_INTRO)
    (revision,) = pending(app)
    for query in ("", "?service=neuropathic-pain-treatment"):
        page = client.get(f"/admin/revisions/{revision.id}/preview{query}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and NEW_INTRO in text
        assert 'content="noindex' in text and "Preview" in text and "not published" in text
    assert NEW_INTRO not in client.get(PAGE).get_data(as_text=True)


def test_the_form_saves_a_draft_shows_it_and_lists_it_on_the_dashboard(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    before = client.get(PAGE).data
    data = edit_form(client, row_id, intro=NEW_INTRO, action="draft")
    assert client.post(f"/admin/locations/{row_id}/", data=data).status_code == 302
    assert client.get(PAGE).data == before
    form = client.get(f"/admin/locations/{row_id}/").get_data(as_text=True)
    assert NEW_INTRO in form and "Pending draft" in form and "Publish the draft" in form
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Pending drafts" in dashboard and "Gateway Pain Relief Florissant" in dashboard
    assert STAFF_EMAIL in dashboard and f"/admin/locations/{row_id}/" in dashboard


def test_a_draft_is_validated_like_a_save(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    data = edit_form(client, row_id, phone="314-55", action="draft")
    response = client.post(f"/admin/locations/{row_id}/", data=data)
    assert response.status_code == 422
    assert 'id="phone-error"' in response.get_data(as_text=True)
    assert pending(app) == []


def test_editors_save_drafts_and_admins_publish_them(app, client, staff):
    add_user(app, EDITOR, STAFF_PASSWORD, "editor")
    staff.logout()
    editor = StaffAuth(client)
    editor.login(EDITOR)
    row_id = location_id(app, "florissant-mo")
    data = edit_form(client, row_id, intro=NEW_INTRO, action="publish")
    assert client.post(f"/admin/locations/{row_id}/", data=data).status_code == 302
    assert intro_of(app, "florissant-mo") != NEW_INTRO  # an editor's change waits
    (revision,) = pending(app)
    assert revision.user == EDITOR
    token = editor.token(f"/admin/locations/{row_id}/")
    refused = client.post(f"/admin/revisions/{revision.id}/publish", data={"csrf_token": token})
    assert refused.status_code == 403
    assert intro_of(app, "florissant-mo") != NEW_INTRO
    editor.logout()
    staff.login()
    token = staff.token(f"/admin/locations/{row_id}/")
    published = client.post(f"/admin/revisions/{revision.id}/publish", data={"csrf_token": token})
    assert published.status_code == 302
    assert intro_of(app, "florissant-mo") == NEW_INTRO
    assert pending(app) == []


def test_a_draft_can_be_discarded(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    before = client.get(PAGE).data
    save_draft(app, "florissant-mo", intro=NEW_INTRO)
    (revision,) = pending(app)
    token = staff.token(f"/admin/locations/{row_id}/")
    response = client.post(f"/admin/revisions/{revision.id}/discard", data={"csrf_token": token})
    assert response.status_code == 302
    assert pending(app) == [] and client.get(PAGE).data == before
    assert NEW_INTRO not in client.get(f"/admin/locations/{row_id}/").get_data(as_text=True)


def test_draft_clinics_are_still_saved_directly(app, client, staff):
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, "ballwin-mo")
        row.status = "draft"
        session.commit()
    row_id = location_id(app, "ballwin-mo")
    data = edit_form(client, row_id, intro=NEW_INTRO)
    assert client.post(f"/admin/locations/{row_id}/", data=data).status_code == 302
    assert intro_of(app, "ballwin-mo") == NEW_INTRO and pending(app) == []


def test_an_article_draft_waits_and_publishes(app, client, staff):
    hub = "/neuropathic-pain-treatment/"
    before = client.get(PAGE).data
    with app.app_context(), Session(get_engine()) as session:
        service = queries.service_by_slug(session, "neuropathic-pain-treatment")
        patterns = {n: getattr(service, n) for n in PATTERNS}
        sections = [Section(s.heading, s.level, s.body) for s in service.to_article().sections]
        sections[0] = Section(sections[0].heading, sections[0].level, NEW_INTRO)
        draft = check_article(
            service, patterns, service.article_title, service.article_intro, sections
        )
        assert not draft.problems
        revision = revisions.save_service_draft(session, service, draft, STAFF_EMAIL)
        revision_id = revision.id
    assert client.get(PAGE).data == before and client.get(hub).status_code == 200
    preview = client.get(f"/admin/revisions/{revision_id}/preview?location=florissant-mo")
    assert NEW_INTRO in preview.get_data(as_text=True)
    editor_page = client.get("/admin/services/neuropathic-pain-treatment/").get_data(as_text=True)
    assert "Pending draft" in editor_page and NEW_INTRO in editor_page
    token = staff.token("/admin/services/neuropathic-pain-treatment/")
    response = client.post(f"/admin/revisions/{revision_id}/publish", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert NEW_INTRO in client.get(PAGE).get_data(as_text=True)
    assert pending(app) == []


def test_an_editors_article_change_waits_for_an_admin(app, client, staff):
    from test_admin import LANDING

    add_user(app, EDITOR, STAFF_PASSWORD, "editor")
    staff.logout()
    StaffAuth(client).login(EDITOR)
    data = article_form(client)
    data["sections-0-body"] = "A calmer opening for {{ city }}."
    url = "/admin/services/neuropathic-pain-treatment/"
    assert client.post(url, data={**data, "action": "publish"}).status_code == 302
    assert "A calmer opening for Florissant." not in client.get(LANDING).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Pending draft" in page and "A calmer opening for {{ city }}." in page
    assert "Publish the draft" not in page and "An admin publishes drafts" in page
    (revision,) = pending(app)
    assert revision.entity == "service" and revision.user == EDITOR


def test_a_draft_never_brings_back_a_retired_clinic(app, client):
    save_draft(app, "florissant-mo", intro=NEW_INTRO)
    with app.app_context(), Session(get_engine()) as session:
        row = queries.location_by_slug(session, "florissant-mo")
        raw = {**history.location_snapshot(row), "status": "retired"}
        value, _errors = check_location(session, raw, row)
        save_location(session, row, value, STAFF_EMAIL, "retire")
    with pytest.raises(revisions.Invalid) as invalid:
        publish(app, "florissant-mo")
    assert "is retired now" in invalid.value.problems[0]
    assert client.get(PAGE).status_code == 410


def test_a_refused_save_and_publish_keeps_the_change_as_a_draft(app, client, staff):
    row_id = location_id(app, "florissant-mo")
    before = client.get(PAGE).data
    data = edit_form(client, row_id, intro=STUFFED, action="publish")
    response = client.post(f"/admin/locations/{row_id}/", data=data)
    assert response.status_code == 422 and "keyword-stuffing" in response.get_data(as_text=True)
    assert client.get(PAGE).data == before
    (revision,) = pending(app)
    assert STUFFED in revision.payload
    data = edit_form(client, row_id, intro=NEW_INTRO, action="publish")
    assert client.post(f"/admin/locations/{row_id}/", data=data).status_code == 302
    assert intro_of(app, "florissant-mo") == NEW_INTRO and pending(app) == []
