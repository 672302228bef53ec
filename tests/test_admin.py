"""The staff workspace through the test client, on SQLite and PostgreSQL."""

import io
import json
import re

import pytest
from conftest import (
    NEW_CLINIC,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    StaffAuth,
    add_user,
    article_form,
    csrf_token,
    preview_digest,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from seo.store.db import get_engine
from seo.store.models import Change, Location, PageOverride, Service, SlugRedirect, User

LANDING = "/neuropathic-pain-treatment/florissant-mo/"
NEW_LOCATION = NEW_CLINIC


def _url(rule) -> str:
    values = {
        arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
        for arg in rule.arguments
    }
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    return path


def _admin_rules(app):
    app.load_views()
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def _db(app):
    return Session(get_engine(), expire_on_commit=False)


def _location(app, slug) -> Location | None:
    with app.app_context(), _db(app) as s:
        return s.scalars(select(Location).where(Location.slug == slug)).one_or_none()


def _sitemap_paths(client) -> set[str]:
    index = client.get("/sitemap.xml").get_data(as_text=True)
    paths = set()
    for url in re.findall(r"<loc>https://clinics\.example(/sitemaps/[^<]+)</loc>", index):
        text = client.get(url).get_data(as_text=True)
        paths |= set(re.findall(r"<loc>https://clinics\.example([^<]+)</loc>", text))
    return paths


def _edit_form(client, location_id: int) -> dict:
    """The values an edit form was loaded with, as the browser would send them back."""
    html = client.get(f"/admin/locations/{location_id}/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html)}
    for tag in re.findall(r"<input[^>]*>", html):
        found = re.search(r'name="([a-zA-Z0-9_-]+)"[^>]*value="([^"]*)"', tag)
        if found is None or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        data.setdefault(found[1], found[2].replace("&#39;", "'").replace("&amp;", "&"))
    for name in ("intro",):
        match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', html, re.S)
        data[name] = match.group(1).replace("&#39;", "'").replace("&amp;", "&") if match else ""
    for name in ("state", "status"):
        match = re.search(
            rf'<select[^>]*name="{name}".*?<option selected value="([^"]*)"', html, re.S
        )
        data[name] = match.group(1) if match else ""
    data.pop("services", None)
    return data


# --- access ------------------------------------------------------------------------


def test_every_admin_url_requires_login(app, client):
    rules = _admin_rules(app)
    assert len(rules) > 15
    token = csrf_token(client.get("/admin/login").get_data(as_text=True))
    for rule in rules:
        if rule.endpoint == "admin.login":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(_url(rule), method=method, data=data)
            assert response.status_code == 302, (method, rule.rule)
            assert response.headers["Location"].startswith("/admin/login"), rule.rule
            assert response.headers["X-Robots-Tag"] == "noindex, nofollow", rule.rule
            assert response.headers["Cache-Control"] == "no-store", rule.rule


def test_login_page_is_noindex_and_not_cached(client):
    response = client.get("/admin/login")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html


def test_every_post_without_csrf_token_is_refused(app, client, staff):
    for rule in _admin_rules(app):
        if "POST" not in rule.methods:
            continue
        response = client.post(_url(rule), data={"email": STAFF_EMAIL, "password": "x"})
        assert response.status_code == 400, rule.rule
        bad = client.post(_url(rule), data={"csrf_token": "forged"})
        assert bad.status_code == 400, rule.rule


def test_login_and_logout(app, client):
    add_user(app)
    auth = StaffAuth(client)
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_returns_to_the_page_asked_for_and_never_off_site(app, client):
    add_user(app)
    html = client.get("/admin/login?next=/admin/services/").get_data(as_text=True)
    data = {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": csrf_token(html)}
    response = client.post("/admin/login", data={**data, "next": "/admin/services/"})
    assert response.headers["Location"] == "/admin/services/"
    StaffAuth(client).logout()
    data["csrf_token"] = csrf_token(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={**data, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_is_refused(app, client):
    add_user(app)
    response = StaffAuth(client).login(password="not the password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_password_is_stored_hashed(app):
    add_user(app)
    with app.app_context(), _db(app) as s:
        user = s.scalars(select(User)).one()
    assert STAFF_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_repeated_failures_are_throttled(app, client):
    add_user(app)
    auth = StaffAuth(client)
    answers = [auth.login(password=f"wrong {i}") for i in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert "Too many sign-in attempts" in answers[5].get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_account_locks_after_many_failures(database_url):
    from conftest import load_demo, make_app

    app = make_app(database_url, LOGIN_RATE_LIMIT="1000 per minute")
    load_demo(app)
    add_user(app)
    client = app.test_client()
    auth = StaffAuth(client)
    for i in range(10):
        assert auth.login(password=f"wrong {i}").status_code == 401
    assert auth.login().status_code == 401  # locked even with the right password
    with app.app_context(), _db(app) as s:
        assert s.scalars(select(User)).one().locked_until is not None


def test_create_user_command(app, runner, client, monkeypatch):
    monkeypatch.setenv("SEO_PASSWORD", "a long enough password")
    result = runner.invoke(
        args=["seo", "create-user", "Editor@Clinics.Example", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    assert "created editor@clinics.example (editor)" in result.output
    auth = StaffAuth(client)
    assert auth.login("editor@clinics.example", "a long enough password").status_code == 302


def test_create_user_prompts_for_the_password(app, runner, monkeypatch):
    monkeypatch.delenv("SEO_PASSWORD", raising=False)
    result = runner.invoke(
        args=["seo", "create-user", "boss@clinics.example", "--role", "admin"],
        input="another long password\nanother long password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context(), _db(app) as s:
        assert s.scalars(select(User)).one().role == "admin"


def test_create_user_refuses_a_short_password(runner, monkeypatch):
    monkeypatch.setenv("SEO_PASSWORD", "short")
    result = runner.invoke(args=["seo", "create-user", "a@clinics.example"])
    assert result.exit_code == 1
    assert "at least" in result.output


# --- locations ---------------------------------------------------------------------


def test_location_list_search_filter_sort_and_pages(app, client, staff):
    html = client.get("/admin/locations/").get_data(as_text=True)
    assert "Gateway Pain Relief Florissant" in html
    html = client.get("/admin/locations/?q=floris").get_data(as_text=True)
    assert "Florissant" in html and "1 location" in html
    html = client.get("/admin/locations/?status=draft").get_data(as_text=True)
    assert "ballwin" in html and "florissant-mo" not in html
    html = client.get("/admin/locations/?state=IL").get_data(as_text=True)
    assert ", MO" not in html and "florissant-mo" not in html
    html = client.get("/admin/locations/?sort=city&dir=desc").get_data(as_text=True)
    slugs = re.findall(r"<code>([a-z0-9-]+)</code>", html)
    assert len(slugs) > 3
    response = client.get("/admin/locations/?page=999")
    assert response.status_code == 200 and "No location matches" in response.get_data(as_text=True)


def test_list_filters_by_service(app, client, staff):
    with app.app_context(), _db(app) as s:
        row = s.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        row.services = "ketamine-infusion-therapy"
        s.commit()
    html = client.get("/admin/locations/?service=neuropathic-pain-treatment").get_data(as_text=True)
    assert "florissant-mo" not in html
    html = client.get("/admin/locations/?service=ketamine-infusion-therapy").get_data(as_text=True)
    assert "florissant-mo" in html


def test_add_location_goes_live(app, client, staff):
    token = staff.token("/admin/locations/new")
    response = client.post("/admin/locations/new", data={**NEW_LOCATION, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/neuropathic-pain-treatment/webster-groves-mo/")
    assert page.status_code == 200
    assert "Gateway Pain Relief Webster Groves" in page.get_data(as_text=True)
    assert "/neuropathic-pain-treatment/webster-groves-mo/" in _sitemap_paths(client)
    with app.app_context(), _db(app) as s:
        change = s.scalars(select(Change).where(Change.label == "webster-groves-mo")).one()
    assert change.user == STAFF_EMAIL and change.action == "create"


def test_location_form_shows_validator_errors_beside_fields(app, client, staff):
    token = staff.token("/admin/locations/new")
    data = {**NEW_LOCATION, "phone": "314-55", "state": "XX", "csrf_token": token}
    response = client.post("/admin/locations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="phone-error">&#39;314-55&#39; is not a US phone number', html)
    assert 'id="state-error"' in html
    assert _location(app, "webster-groves-mo") is None


def test_slug_change_keeps_the_old_url(app, client, staff):
    row = _location(app, "florissant-mo")
    data = {**_edit_form(client, row.id), "slug": "florissant-north-mo"}
    response = client.post(f"/admin/locations/{row.id}/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    old = client.get(LANDING)
    assert old.status_code == 301
    assert old.headers["Location"] == "/neuropathic-pain-treatment/florissant-north-mo/"
    with app.app_context(), _db(app) as s:
        assert s.get(SlugRedirect, "florissant-mo").location_id == row.id
    assert _location(app, "florissant-north-mo").version == row.version + 1


def test_edit_conflict_shows_both_versions_and_keeps_the_first(app, client, staff):
    row = _location(app, "florissant-mo")
    other = app.test_client()
    StaffAuth(other).login()
    mine, theirs = _edit_form(client, row.id), _edit_form(other, row.id)
    first = client.post(f"/admin/locations/{row.id}/", data={**mine, "name": "First Name"})
    assert first.status_code == 302
    second = other.post(f"/admin/locations/{row.id}/", data={**theirs, "name": "Second Name"})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Second Name" in html and "First Name" in html
    assert _location(app, "florissant-mo").name == "First Name"
    # Saving deliberately from the conflict page carries the current version.
    data = {**theirs, "name": "Second Name", "version": str(row.version + 1)}
    data["csrf_token"] = csrf_token(html)
    assert other.post(f"/admin/locations/{row.id}/", data=data).status_code == 302
    assert _location(app, "florissant-mo").name == "Second Name"


def test_retire_with_successor_redirects(app, client, staff):
    row = _location(app, "florissant-mo")
    token = staff.token(f"/admin/locations/{row.id}/retire")
    response = client.post(
        f"/admin/locations/{row.id}/retire",
        data={"redirect_to": "st-louis-mo", "csrf_token": token},
    )
    assert response.status_code == 302
    moved = client.get(LANDING)
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/neuropathic-pain-treatment/st-louis-mo/"
    assert LANDING not in _sitemap_paths(client)


def test_retire_refuses_an_unknown_successor(app, client, staff):
    row = _location(app, "florissant-mo")
    token = staff.token(f"/admin/locations/{row.id}/retire")
    response = client.post(
        f"/admin/locations/{row.id}/retire", data={"redirect_to": "nowhere-mo", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "no location has the slug" in response.get_data(as_text=True)
    assert _location(app, "florissant-mo").status == "published"


def test_draft_preview_and_publish(app, client, staff):
    row = _location(app, "ballwin-mo")
    assert row.status == "draft"
    assert client.get("/neuropathic-pain-treatment/ballwin-mo/").status_code == 404
    preview = client.get("/admin/preview/neuropathic-pain-treatment/ballwin-mo/")
    assert preview.status_code == 200
    assert '<meta name="robots" content="noindex">' in preview.get_data(as_text=True)
    assert preview.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "/neuropathic-pain-treatment/ballwin-mo/" not in _sitemap_paths(client)
    token = staff.token(f"/admin/locations/{row.id}/")
    assert (
        client.post(f"/admin/locations/{row.id}/publish", data={"csrf_token": token}).status_code
        == 302
    )
    assert client.get("/neuropathic-pain-treatment/ballwin-mo/").status_code == 200
    assert "/neuropathic-pain-treatment/ballwin-mo/" in _sitemap_paths(client)


def test_publish_a_draft_service(app, client, staff):
    with app.app_context(), _db(app) as s:
        s.scalars(
            select(Service).where(Service.slug == "ketamine-infusion-therapy")
        ).one().status = "draft"
        s.commit()
    assert client.get("/ketamine-infusion-therapy/st-louis-mo/").status_code == 404
    assert client.get("/admin/preview/ketamine-infusion-therapy/st-louis-mo/").status_code == 200
    token = staff.token("/admin/services/")
    response = client.post(
        "/admin/services/ketamine-infusion-therapy/publish", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/ketamine-infusion-therapy/st-louis-mo/").status_code == 200


# --- CSV in the browser ------------------------------------------------------------


def _export(client) -> str:
    response = client.get("/admin/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.get_data(as_text=True)


def _upload(client, staff, text: str):
    token = staff.token("/admin/import")
    data = {"file": (io.BytesIO(text.encode()), "locations.csv"), "csrf_token": token}
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def test_csv_upload_previews_then_confirms(app, client, staff):
    text = _export(client).replace("Gateway Pain Relief Florissant", "Gateway Florissant Clinic")
    response = _upload(client, staff, text)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "created 0, updated 1, unchanged" in html
    assert "florissant-mo" in html and "name" in html
    assert _location(app, "florissant-mo").name == "Gateway Pain Relief Florissant"
    data = {"csrf_token": csrf_token(html), "preview": preview_digest(html)}
    confirm = client.post(preview_url + "/confirm", data=data)
    assert confirm.status_code == 302
    assert _location(app, "florissant-mo").name == "Gateway Florissant Clinic"
    assert "Gateway Florissant Clinic" in client.get(LANDING).get_data(as_text=True)
    with app.app_context(), _db(app) as s:
        change = s.scalars(
            select(Change).where(Change.action == "import").order_by(Change.id.desc())
        ).first()
    assert change.user == STAFF_EMAIL
    assert json.loads(change.fields)["name"] == [
        "Gateway Pain Relief Florissant",
        "Gateway Florissant Clinic",
    ]
    assert client.get(preview_url).status_code == 404  # used up


def test_csv_upload_with_a_bad_row_changes_nothing(app, client, staff):
    lines = _export(client).splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith("st-louis-mo,"))
    lines[bad] = lines[bad].replace("+13145550102", "314-55")
    lines = [line.replace("Gateway Pain Relief Florissant", "Renamed") for line in lines]
    response = _upload(client, staff, "\r\n".join(lines) + "\r\n")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"row {bad + 1}, column phone: &#39;314-55&#39; is not a US phone number" in html
    assert "nothing was changed" in html
    assert _location(app, "florissant-mo").name == "Gateway Pain Relief Florissant"


def test_csv_upload_can_be_cancelled(app, client, staff):
    text = _export(client).replace("Gateway Pain Relief Florissant", "Other Name")
    preview_url = _upload(client, staff, text).headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert (
        client.post(preview_url + "/cancel", data={"csrf_token": csrf_token(html)}).status_code
        == 302
    )
    assert _location(app, "florissant-mo").name == "Gateway Pain Relief Florissant"
    assert client.get(preview_url).status_code == 404


def test_csv_upload_refuses_utf16(client, staff):
    token = staff.token("/admin/import")
    data = {"file": (io.BytesIO("slug\n".encode("utf-16")), "l.csv"), "csrf_token": token}
    response = client.post("/admin/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "UTF-16" in response.get_data(as_text=True)


def test_cli_imports_are_recorded(app):
    with app.app_context(), _db(app) as s:
        users = set(s.scalars(select(Change.user)))
    assert users == {"cli"}  # the demo locations came in through the importer


# --- articles ----------------------------------------------------------------------


def test_article_bad_placeholder_is_shown_not_saved(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = "Visit us in {{ town }}."
    data["title_pattern"] = "Treatment in {cty}"
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "save"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "unknown placeholder {{ town }}" in html
    assert "title_pattern: unknown placeholder {cty}" in html
    assert "Visit us in {{ town }}" not in client.get(LANDING).get_data(as_text=True)


def test_article_preview_does_not_save(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = "Preview text for {{ city }} only."
    data["preview_location"] = "st-louis-mo"
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "preview"}
    )
    assert response.status_code == 200
    assert "Preview text for St. Louis only." in response.get_data(as_text=True)
    assert "Preview text for" not in client.get(LANDING).get_data(as_text=True)


def test_article_save_reorder_add_and_remove(app, client, staff):
    data = article_form(client)
    first, second = data["sections-0-heading"], data["sections-1-heading"]
    moved = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "down-0"}
    )
    html = moved.get_data(as_text=True)
    assert html.index(f'value="{second}"') < html.index(f'value="{first}"')
    added = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "add"}
    )
    form = re.sub(r"<template.*?</template>", "", added.get_data(as_text=True), flags=re.S)
    count = len(re.findall(r'name="sections-\d+-heading"', form))
    assert count == len(re.findall(r"sections-\d+-heading", " ".join(data))) + 1
    data["sections-0-remove"] = "y"
    data["sections-1-body"] = "A new body for {{ city }}."
    data["title_pattern"] = "Nerve Pain Care in {city}, {state}"
    response = client.post(
        "/admin/services/neuropathic-pain-treatment/", data={**data, "action": "save"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(LANDING).get_data(as_text=True)
    assert "A new body for Florissant." in page
    assert "<title>Nerve Pain Care in Florissant, MO</title>" in page
    assert f">{first}</h" not in page
    history = client.get("/admin/services/neuropathic-pain-treatment/history").get_data(
        as_text=True
    )
    assert "title pattern" in history and STAFF_EMAIL in history


# --- overrides ---------------------------------------------------------------------


def _override(client, staff, location_id, **values):
    url = f"/admin/pages/neuropathic-pain-treatment/{location_id}/"
    data = {"intro": "", "questions": "", "csrf_token": staff.token(url)}
    data.update({k: v for k, v in values.items() if v is not False})
    return client.post(url, data=data)


def test_excluded_page_is_gone_everywhere(app, client, staff):
    row = _location(app, "florissant-mo")
    assert _override(client, staff, row.id, excluded="y").status_code == 302
    assert client.get(LANDING).status_code == 404
    assert LANDING not in _sitemap_paths(client)
    assert LANDING not in client.get("/neuropathic-pain-treatment/").get_data(as_text=True)
    assert LANDING not in client.get("/locations/florissant-mo/").get_data(as_text=True)
    assert LANDING not in client.get("/neuropathic-pain-treatment/st-louis-mo/").get_data(
        as_text=True
    )
    assert client.get("/ketamine-infusion-therapy/florissant-mo/").status_code == 200


def test_noindex_page_is_marked_and_left_out_of_sitemaps(app, client, staff):
    row = _location(app, "florissant-mo")
    assert _override(client, staff, row.id, noindex="y").status_code == 302
    response = client.get(LANDING)
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)
    assert LANDING not in _sitemap_paths(client)


def test_custom_intro_and_extra_questions(app, client, staff):
    row = _location(app, "florissant-mo")
    questions = "Is there parking?\nYes, a free lot by the entrance.\n\nDo you speak Spanish?\nSí."
    intro = "A custom intro for this page. " + NEW_LOCATION["intro"].replace("Webster", "North")
    response = _override(client, staff, row.id, intro=intro, questions=questions)
    assert response.status_code == 302
    html = client.get(LANDING).get_data(as_text=True)
    assert "A custom intro for this page." in html
    assert "second floor of a medical building" not in html.split("<main")[1].split("</header>")[0]
    assert "<h3>Is there parking?</h3>" in html
    graph = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    faq = next(n for n in graph["@graph"] if n["@type"] == "FAQPage")
    assert "Is there parking?" in [q["name"] for q in faq["mainEntity"]]
    other = client.get("/neuropathic-pain-treatment/st-louis-mo/").get_data(as_text=True)
    assert "A custom intro for this page." not in other


def test_override_questions_need_answers(app, client, staff):
    row = _location(app, "florissant-mo")
    response = _override(client, staff, row.id, questions="Parking\nYes.")
    assert response.status_code == 422
    assert "ending in ?" in response.get_data(as_text=True)
    with app.app_context(), _db(app) as s:
        assert s.scalars(select(PageOverride)).first() is None


# --- history -----------------------------------------------------------------------


def test_history_shows_fields_and_admin_restores(app, client, staff):
    row = _location(app, "florissant-mo")
    client.post(
        f"/admin/locations/{row.id}/", data={**_edit_form(client, row.id), "name": "Changed"}
    )
    html = client.get(f"/admin/locations/{row.id}/history").get_data(as_text=True)
    assert "Gateway Pain Relief Florissant" in html and "Changed" in html and STAFF_EMAIL in html
    with app.app_context(), _db(app) as s:
        first = s.scalars(
            select(Change)
            .where(Change.entity_id == row.id, Change.entity == "location")
            .order_by(Change.id)
        ).first()
    response = client.post(
        f"/admin/history/{first.id}/restore", data={"csrf_token": csrf_token(html)}
    )
    assert response.status_code == 302
    assert _location(app, "florissant-mo").name == "Gateway Pain Relief Florissant"
    assert "Gateway Pain Relief Florissant" in client.get(LANDING).get_data(as_text=True)


def test_editors_cannot_restore(app, client):
    add_user(app, "editor@clinics.example", STAFF_PASSWORD, "editor")
    auth = StaffAuth(client)
    auth.login("editor@clinics.example")
    row = _location(app, "florissant-mo")
    html = client.get(f"/admin/locations/{row.id}/history").get_data(as_text=True)
    assert "Restore v" not in html
    with app.app_context(), _db(app) as s:
        change = s.scalars(select(Change)).first()
    response = client.post(
        f"/admin/history/{change.id}/restore", data={"csrf_token": csrf_token(html)}
    )
    assert response.status_code == 403
