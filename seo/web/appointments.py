"""Appointment requests: the per-visitor form, storage and staff notification.

Public pages are the same bytes for everyone, so they carry no CSRF token: their
"Request an appointment" button GETs /appointments/new/?page=<path>, a private
(noindex, no-store) form with the token, which POSTs back to the same URL."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from seo.core import appointments as core
from seo.core.interface import N_
from seo.core.locations import display_phone
from seo.services import catalogs
from seo.services import rendering as site
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.limits import limited

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
log = logging.getLogger(__name__)


@dataclass
class Target:
    """The clinic, and the service if the page names one, a request is made from."""

    path: str
    location: models.Location
    service: models.Service | None
    choices: list[models.Service]  # services the visitor may pick (location pages)


def _target(path: str) -> Target:
    """The published page a request comes from, or 404."""
    named = core.page_target(path)
    db = get_session()
    row = queries.location_by_slug(db, named.location) if named else None
    if named is None or row is None or row.status != "published":
        abort(404, "no clinic page has this address")
    value = row.to_core()
    if named.service:
        service = queries.service_by_slug(db, named.service)
        if service is None or service.status != "published" or not value.offers(service.slug):
            abort(404, "no clinic page has this address")
        return Target(path, row, service, [])
    choices = [s for s in queries.services(db) if value.offers(s.slug)]
    return Target(path, row, None, choices)


@bp.after_request
def private(response: Response) -> Response:
    """Per-visitor pages: never indexed, never stored by a cache."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _external_referrer() -> str:
    """The Referer header when it comes from another site (our own pages say nothing)."""
    referrer = core.clean_referrer(request.referrer or "")
    if referrer and urlsplit(referrer).netloc != request.host:
        return referrer
    return ""


def _render_form(target: Target, values: dict, errors: dict, alert: str = "", status=200):
    body = catalogs.render_template(
        catalogs.for_path(target.path),
        "appointments/form.html",
        site=site.current_site(),
        target=target,
        phone=display_phone(target.location.phone),
        values=values,
        errors=errors,
        alert=alert,
        times=core.PREFERRED_TIMES,
        honeypot=core.HONEYPOT,
        utm_keys=core.UTM_KEYS,
    )
    return body, status


@bp.route("/new/", methods=["GET"])
def new():
    target = _target(request.args.get("page", ""))
    # Campaign parameters come from the page's script, or else from the Referer header.
    values = core.campaign(request.args) or core.campaign_from_url(request.referrer or "")
    values["ref"] = core.clean_referrer(request.args.get("ref", "")) or _external_referrer()
    values["service"] = request.args.get("service", "")
    return _render_form(target, values, {})


@bp.route("/new/", methods=["POST"])
@limited("APPOINTMENT_RATE_LIMIT")
def create():
    form = request.form
    target = _target(form.get("page", ""))
    values = form.to_dict()
    if core.is_spam(form):
        log.info("appointment request refused: the honeypot field was filled in")
        alert = N_("Your request could not be sent. Please call the clinic instead.")
        return _render_form(target, values, {}, alert, 400)
    allowed = [] if target.service else [s.slug for s in target.choices]
    value, errors = core.validate_request(form, allowed, catalogs.for_path(target.path))
    if value is None:
        return _render_form(target, values, errors, N_("Please correct the marked fields."), 400)
    row = store(target, value, core.clean_referrer(form.get("ref", "")))
    notify(row)
    return redirect(url_for("appointments.thanks", page=target.path), code=303)


def store(
    target: Target, value: core.AppointmentRequest, referrer: str
) -> models.AppointmentRequest:
    """Save a valid request with where it came from."""
    db = get_session()
    service = target.service
    if service is None and value.service:
        service = next((s for s in target.choices if s.slug == value.service), None)
    row = models.AppointmentRequest(
        created_at=models.utcnow(),
        location_id=target.location.id,
        service_id=service.id if service else None,
        name=value.name,
        phone=value.phone,
        email=value.email,
        preferred_time=value.preferred_time,
        message=value.message,
        consent=True,
        page_url=site.current_site().absolute(target.path),
        referrer=referrer,
        **{key: value.campaign.get(key, "") for key in core.UTM_KEYS},
    )
    db.add(row)
    db.commit()
    return row


def notify(row: models.AppointmentRequest) -> None:
    """Tell staff about a stored request. A notice that fails for any reason is logged: the
    request is already saved, and the visitor's answer never depends on the mail server."""
    try:
        _email_staff(row)
    except Exception:
        log.exception("appointment request %s stored, but notifying staff failed", row.id)


def _email_staff(row: models.AppointmentRequest) -> None:
    """Email staff over SMTP when SMTP_HOST is set; otherwise log."""
    config = current_app.config
    where = row.location.name if row.location else "an unknown clinic"
    service = row.service.name if row.service else ""
    admin_url = config["SITE_URL"] + url_for("admin.requests")
    recipients = [a.strip() for a in (config.get("NOTIFY_TO") or "").split(",") if a.strip()]
    if not config.get("SMTP_HOST") or not recipients:
        log.info(
            "appointment request %s for %s (SMTP_HOST not set: no email)",
            row.id,
            core.one_line(where),
        )
        return
    message = EmailMessage()
    # Clinic names come from staff and CSV files: headers get them on one clean line.
    message["Subject"] = core.notification_subject(where)
    message["From"] = config.get("SMTP_FROM") or f"no-reply@{urlsplit(config['SITE_URL']).hostname}"
    message["To"] = ", ".join(recipients)
    message.set_content(core.notification_text(service, where, row.preferred_time, admin_url))
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=10) as s:
        s.send_message(message)


@bp.route("/thanks/")
def thanks():
    target = _target(request.args.get("page", ""))
    return catalogs.render_template(
        catalogs.for_path(target.path),
        "appointments/thanks.html",
        site=site.current_site(),
        target=target,
        phone=display_phone(target.location.phone),
    )


@bp.errorhandler(CSRFError)
def expired(error: CSRFError):
    """A post without a valid token stores nothing; show the form again with a fresh token."""
    ui = catalogs.for_path(request.form.get("page", ""))
    try:
        target = _target(request.form.get("page", ""))
    except NotFound:
        return Response(ui.gettext("This form has expired. Go back and try again."), 400)
    alert = N_("This form expired before it was sent. Please check it and send it again.")
    return _render_form(target, request.form.to_dict(), {}, alert, 400)


@bp.errorhandler(429)
def too_many(error):
    message = N_(
        "We have received several requests from your address. "
        "Please call the clinic, or try again in an hour."
    )
    ui = catalogs.for_path(request.form.get("page", ""))
    title = N_("Too many requests")
    body = catalogs.render_template(
        ui, "error.html", code=429, title=title, message=message, site=site.current_site()
    )
    return body, 429
