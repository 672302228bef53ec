"""Appointment requests through the web: the private form, storage, refusals, staff list."""

import csv
import io
import logging

import pytest
from conftest import csrf_token
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo.store.db import get_engine
from seo.store.models import AppointmentRequest

LANDING = "/neuropathic-pain-treatment/florissant-mo/"
FORM = "/appointments/new/"


def count(app) -> int:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalar(select(func.count()).select_from(AppointmentRequest))


def stored(app) -> list[AppointmentRequest]:
    with app.app_context(), Session(get_engine()) as session:
        return list(session.scalars(select(AppointmentRequest)))


def open_form(client, page=LANDING, query=""):
    response = client.get(f"{FORM}?page={page}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, html, **fields):
    data = {"csrf_token": csrf_token(html), "page": LANDING, "consent": "y", **fields}
    return client.post(FORM, data=data)


def test_public_page_links_to_the_form_without_any_per_visitor_data(client):
    html = client.get(LANDING).get_data(as_text=True)
    assert 'action="/appointments/new/"' in html and f'value="{LANDING}"' in html
    assert "csrf_token" not in html
    assert '<form method="get"' in html


def test_form_page_is_private(client):
    response = client.get(f"{FORM}?page={LANDING}")
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'name="csrf_token"' in html and "Gateway Pain Relief Florissant" in html
    assert "Disallow: /appointments/" in client.get("/robots.txt").get_data(as_text=True)


@pytest.mark.parametrize(
    "page", ["", "/nope/florissant-mo/", "/locations/ballwin-mo/", "https://evil.example/"]
)
def test_form_for_an_unknown_page_is_404(client, page):
    assert client.get(f"{FORM}?page={page}").status_code == 404


def test_request_is_stored_with_its_campaign_and_thanks_is_noindex(app, client):
    html = open_form(client, query="&utm_source=newsletter&utm_campaign=spring")
    assert 'name="utm_source" value="newsletter"' in html
    response = post(
        client,
        html,
        name="Ann Lee",
        phone="314.555.0123",
        email="ann@example.com",
        preferred_time="morning",
        message="Tuesdays suit me.",
        utm_source="newsletter",
        utm_campaign="spring",
        ref="https://www.google.com/",
    )
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and thanks.headers["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in thanks.get_data(as_text=True)
    (row,) = stored(app)
    assert (row.name, row.phone, row.email) == ("Ann Lee", "+13145550123", "ann@example.com")
    assert (row.utm_source, row.utm_campaign, row.utm_medium) == ("newsletter", "spring", "")
    assert row.page_url == "https://clinics.example" + LANDING
    assert row.referrer == "https://www.google.com/" and row.consent


def test_campaign_is_read_from_the_referer_without_javascript(client):
    referer = f"https://clinics.example{LANDING}?utm_source=mail&utm_medium=email"
    html = client.get(f"{FORM}?page={LANDING}", headers={"Referer": referer}).get_data(as_text=True)
    assert 'name="utm_source" value="mail"' in html and 'name="utm_medium" value="email"' in html


def test_location_page_request_may_choose_a_service(app, client):
    html = open_form(client, page="/locations/florissant-mo/")
    assert '<select id="service" name="service">' in html
    data = {"page": "/locations/florissant-mo/", "name": "Bo", "email": "bo@example.com"}
    response = post(client, html, **data, service="ketamine-infusion-therapy")
    assert response.status_code == 303
    (row,) = stored(app)
    with app.app_context(), Session(get_engine()) as session:
        row = session.get(AppointmentRequest, row.id)
        assert row.service.slug == "ketamine-infusion-therapy"
        assert row.location.slug == "florissant-mo"


def test_bad_input_returns_the_form_with_errors_and_the_visitors_text(app, client):
    html = open_form(client)
    response = post(client, html, name="Ann <b>", phone="314-55", message="Keep <this> text")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="phone-error"' in body and 'id="name-error"' not in body
    assert 'value="Ann &lt;b&gt;"' in body and "Keep &lt;this&gt; text</textarea>" in body
    assert 'aria-invalid="true"' in body
    assert count(app) == 0


def test_missing_consent_and_contact_are_field_errors(app, client):
    response = post(client, open_form(client), name="Ann", consent="")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="consent-error"' in body and 'id="phone-error"' in body
    assert count(app) == 0


def test_post_without_csrf_token_is_refused_and_stores_nothing(app, client):
    open_form(client)
    data = {"page": LANDING, "name": "Ann", "phone": "3145550123", "consent": "y"}
    response = client.post(FORM, data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "expired" in body and 'value="Ann"' in body  # a fresh form, text kept
    response = client.post(FORM, data={**data, "csrf_token": "forged"})
    assert response.status_code == 400
    assert count(app) == 0


def test_filled_honeypot_is_refused_and_stores_nothing(app, client):
    html = open_form(client)
    response = post(client, html, name="Bot", phone="3145550123", website="http://spam.example")
    assert response.status_code == 400
    assert count(app) == 0


def test_requests_are_rate_limited_per_address(database_url):
    from conftest import load_demo, make_app

    app = make_app(database_url, APPOINTMENT_RATE_LIMIT="2 per hour")
    load_demo(app)
    client = app.test_client()
    html = open_form(client)
    codes = [post(client, html, name=f"A{i}", phone="3145550123").status_code for i in range(3)]
    assert codes == [303, 303, 429]
    assert count(app) == 2
    with app.app_context():
        get_engine().dispose()


def test_without_smtp_the_notification_is_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="seo.web.appointments")
    post(client, open_form(client), name="Ann", phone="3145550123")
    assert "SMTP_HOST not set" in caplog.text
    assert "Ann" not in caplog.text and "555" not in caplog.text


def test_with_smtp_staff_get_an_email_without_patient_details(app, client, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(SMTP_HOST="mail.example", SMTP_PORT=2525, NOTIFY_TO="desk@clinics.example")
    response = post(client, open_form(client), name="Ann Lee", phone="3145550123")
    assert response.status_code == 303
    (host, message) = sent
    assert host == ("mail.example", 2525)
    assert message["To"] == "desk@clinics.example"
    text = message.get_content()
    assert "Neuropathic Pain Treatment at Gateway Pain Relief Florissant" in text
    assert "https://clinics.example/admin/requests/" in text
    assert "Ann" not in text and "555" not in text


def test_a_failing_mail_server_keeps_the_request(app, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    app.config.update(SMTP_HOST="127.0.0.1", NOTIFY_TO="desk@clinics.example")
    assert post(client, open_form(client), name="Ann", phone="3145550123").status_code == 303
    assert count(app) == 1


# --- staff ----------------------------------------------------------------------------


def add_requests(client):
    html = open_form(client, query="&utm_source=newsletter")
    post(client, html, name="=HYPERLINK(1)", phone="3145550123", utm_source="newsletter")
    html = open_form(client, page="/ketamine-infusion-therapy/st-louis-mo/")
    post(client, html, page="/ketamine-infusion-therapy/st-louis-mo/", name="Cy", email="c@x.io")


def test_requests_need_a_signed_in_account(client):
    assert client.get("/admin/requests/").status_code == 302
    assert client.get("/admin/requests.csv").status_code == 302


def test_staff_see_and_filter_requests(app, client, staff):
    add_requests(client)
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert "2 requests" in html and "source: newsletter" in html
    assert 'href="/admin/requests/"' in client.get("/admin/").get_data(as_text=True)
    html = client.get("/admin/requests/?location=st-louis-mo").get_data(as_text=True)
    assert "1 request<" in html and "Cy" in html and "HYPERLINK" not in html
    html = client.get("/admin/requests/?service=neuropathic-pain-treatment").get_data(as_text=True)
    assert "1 request<" in html and "HYPERLINK" in html
    today = "2000-01-01"
    html = client.get(f"/admin/requests/?from={today}&to={today}").get_data(as_text=True)
    assert "0 requests" in html
    html = client.get("/admin/requests/?from=2000-01-01&to=2999-12-31").get_data(as_text=True)
    assert "2 requests" in html


def test_export_is_spreadsheet_safe(client, staff):
    add_requests(client)
    response = client.get("/admin/requests.csv?service=neuropathic-pain-treatment")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["name"] == "'=HYPERLINK(1)"
    assert rows[0]["phone"] == "+13145550123"
    assert rows[0]["utm_source"] == "newsletter"
    assert rows[0]["location"] == "Gateway Pain Relief Florissant"


def test_post_without_token_for_an_unknown_page_is_refused(app, client):
    response = client.post(FORM, data={"page": "/nope/nowhere/", "name": "Ann"})
    assert response.status_code == 400
    assert count(app) == 0
