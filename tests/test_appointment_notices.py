"""Staff notices of appointment requests: never the visitor's problem, never a header injection."""

import email
import email.policy
import logging
import socketserver
import threading

import pytest
from conftest import csrf_token
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from seo.core.appointments import notification_subject, notification_text, one_line
from seo.store.db import get_engine
from seo.store.models import AppointmentRequest, Location

LANDING = "/neuropathic-pain-treatment/florissant-mo/"
FORM = "/appointments/new/"
# A clinic name as a hostile CSV or a direct database write could leave it.
HOSTILE_NAME = (
    "Gateway\r\nBcc: victim@evil.example\x85Cc: other@evil.example\u2028Florissant\u202e\u2029"
)


def count(app) -> int:
    with app.app_context(), Session(get_engine()) as session:
        return session.scalar(select(func.count()).select_from(AppointmentRequest))


def request_appointment(client):
    html = client.get(f"{FORM}?page={LANDING}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "page": LANDING, "consent": "y"}
    return client.post(FORM, data={**data, "name": "Ann Lee", "phone": "314-555-0123"})


def rename_clinic(app, name: str) -> None:
    """Write the name straight into the database, past the validator."""
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(Location).where(Location.slug == "florissant-mo").values(name=name))
        session.commit()


class SMTPStub(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message: what arrives is kept on the server."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 stub ready")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 stub")
            elif verb == b"RCPT":
                self.server.recipients.append(line.decode().partition("<")[2].partition(">")[0])
                self.reply("250 ok")
            elif verb == b"DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) != b".\r\n":
                    lines.append(data)
                self.server.messages.append(b"".join(lines))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPStub)
    server.daemon_threads = True
    server.messages, server.recipients = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.server_address[1], NOTIFY_TO="desk@clinics.example"
    )
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_stub_receives_an_ordinary_notice(app, client, smtp_server):
    assert request_appointment(client).status_code == 303
    (raw,) = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Appointment request: Gateway Pain Relief Florissant"
    assert smtp_server.recipients == ["desk@clinics.example"]


def test_a_hostile_clinic_name_never_breaks_a_header(app, client, smtp_server):
    rename_clinic(app, HOSTILE_NAME)
    response = request_appointment(client)
    assert response.status_code == 303
    assert count(app) == 1
    (raw,) = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None and message["Cc"] is None
    assert set(message.keys()) == {
        "Subject",
        "From",
        "To",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }
    assert message["Subject"] == (
        "Appointment request: Gateway Bcc: victim@evil.example Cc: other@evil.example Florissant"
    )
    assert smtp_server.recipients == ["desk@clinics.example"]
    body = message.get_content()
    assert "Neuropathic Pain Treatment at Gateway Bcc: victim@evil.example" in body
    assert not any(c in body for c in "\x85\u2028\u2029\u202e")
    assert [line for line in body.splitlines() if "evil" in line] == [body.splitlines()[0]]


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("the mail library broke"), ValueError("bad header"), LookupError("no codec")],
    ids=["RuntimeError", "ValueError", "LookupError"],
)
def test_a_notice_failing_for_any_reason_is_logged_and_the_request_kept(
    app, client, monkeypatch, caplog, failure
):
    class BrokenSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            raise failure

    monkeypatch.setattr("smtplib.SMTP", BrokenSMTP)
    app.config.update(SMTP_HOST="127.0.0.1", NOTIFY_TO="desk@clinics.example")
    caplog.set_level(logging.ERROR, logger="seo.web.appointments")
    response = request_appointment(client)
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert count(app) == 1
    assert "stored, but notifying staff failed" in caplog.text
    assert type(failure).__name__ in caplog.text


def test_without_smtp_the_log_line_stays_one_line(app, client, caplog):
    rename_clinic(app, HOSTILE_NAME)
    caplog.set_level(logging.INFO, logger="seo.web.appointments")
    assert request_appointment(client).status_code == 303
    (record,) = [r for r in caplog.records if "SMTP_HOST not set" in r.getMessage()]
    assert len(record.getMessage().splitlines()) == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A\r\nB", "A B"),
        ("A\x85B\u2028C\u2029D", "A B C D"),
        ("A\u202eB\u200bC\x00D\x1bE", "ABCDE"),
        ("  many   spaces\t", "many spaces"),
        ("x" * 500, "x" * 200),
    ],
)
def test_one_line_text_for_headers(text, expected):
    assert one_line(text) == expected
    assert len(notification_subject(text).splitlines()) == 1


def test_the_notice_text_keeps_names_on_their_line():
    text = notification_text("Pain\u2028Care", "Clinic\r\nX", "morning", "https://x.example/")
    assert text.splitlines()[0] == "A new appointment request arrived for Pain Care at Clinic X."
