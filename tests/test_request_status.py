"""Appointment requests' status: new -> contacted -> booked -> closed, with who and when;
the inbox in the clinic's time zone, national phone format, links under SITE_URL."""

from datetime import datetime

import pytest
from conftest import STAFF_EMAIL, csrf_token
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_appointments import add_requests

from seo.services.requests import StatusError, set_status
from seo.store import queries
from seo.store.db import get_engine
from seo.store.models import AppointmentRequest, RequestStatusChange


def first_request(session: Session) -> AppointmentRequest:
    return session.scalars(select(AppointmentRequest).order_by(AppointmentRequest.id)).first()


def test_a_request_starts_new_and_each_move_is_kept_with_who_and_when(app, client):
    add_requests(client)
    with app.app_context(), Session(get_engine()) as session:
        row = first_request(session)
        assert row.status == "new" and row.status_changes == []
        assert queries.new_request_count(session) == 2
        first = set_status(session, row, "contacted", "ann@clinics.example")
        second = set_status(session, row, "booked", "bo@clinics.example")
        assert set_status(session, row, "booked", "bo@clinics.example") is None  # no change
        session.expire_all()
        row = first_request(session)
        assert row.status == "booked"
        steps = [(c.before, c.after, c.user) for c in row.status_changes]
        assert steps == [
            ("new", "contacted", "ann@clinics.example"),
            ("contacted", "booked", "bo@clinics.example"),
        ]
        assert isinstance(first.at, datetime) and first.at <= second.at
        assert queries.new_request_count(session) == 1


def test_an_unknown_status_is_refused_and_nothing_is_written(app, client):
    add_requests(client)
    with app.app_context(), Session(get_engine()) as session:
        row = first_request(session)
        with pytest.raises(StatusError, match="'lost' is not a request status"):
            set_status(session, row, "lost", "ann@clinics.example")
        session.rollback()
        assert first_request(session).status == "new"
        assert session.scalars(select(RequestStatusChange)).all() == []


def test_staff_move_a_request_from_the_inbox(app, client, staff):
    add_requests(client)
    with app.app_context(), Session(get_engine()) as session:
        request_id = first_request(session).id
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert 'class="badge"' in html and ">2<" in html  # two new requests in the header
    back = "/admin/requests/?status=new"
    response = client.post(
        f"/admin/requests/{request_id}/status",
        data={"csrf_token": csrf_token(html), "status": "contacted", "back": back},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{back}#request-{request_id}"
    html = client.get("/admin/requests/?status=contacted").get_data(as_text=True)
    assert "1 request<" in html and f"Contacted · {STAFF_EMAIL}" in html
    assert ">1<span" in html  # one new request left in the header
    bad = client.post(
        f"/admin/requests/{request_id}/status",
        data={"csrf_token": csrf_token(html), "status": "lost"},
    )
    assert bad.status_code == 400 and "not a request status" in bad.get_data(as_text=True)
    elsewhere = client.post(
        f"/admin/requests/{request_id}/status",
        data={"csrf_token": csrf_token(html), "status": "booked", "back": "https://evil.example/"},
    )
    assert elsewhere.headers["Location"] == f"/admin/requests/#request-{request_id}"
    export = client.get("/admin/requests.csv?status=booked").get_data(as_text=True)
    assert export.splitlines()[0].endswith(",status") and export.count(",booked\r\n") == 1


def test_inbox_shows_national_phones_clinic_time_and_links_under_site_url(app, client, staff):
    add_requests(client)
    with app.app_context(), Session(get_engine()) as session:
        for row in session.scalars(select(AppointmentRequest)):
            row.page_url = "http://127.0.0.1:5000" + row.page_url.split("example", 1)[-1]
            row.created_at = datetime(2026, 7, 4, 15, 0)
        session.commit()
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert ">(314) 555-0123</a>" in html and "+13145550123</a>" not in html
    assert "2026-07-04 10:00 CDT" in html  # 15:00 UTC on the clinic's Missouri clock
    site = app.config["SITE_URL"]
    assert f'href="{site}/neuropathic-pain-treatment/florissant-mo/"' in html
    assert "127.0.0.1:5000" not in html


def test_site_url_follows_the_port_served_when_unset(monkeypatch):
    from seo import config

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "5123")
    assert config.site_url() == "http://127.0.0.1:5123"
    monkeypatch.delenv("PORT")
    assert config.site_url() == "http://127.0.0.1:5000"
    monkeypatch.setenv("SITE_URL", "https://clinics.example/")
    assert config.site_url() == "https://clinics.example"
