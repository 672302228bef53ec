"""The appointment requests inbox, filtered by location, service and dates, and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, request, url_for

from seo.core.appointments import PREFERRED_TIMES, STATUSES, UTM_KEYS
from seo.core.locations import display_phone, protect_cell
from seo.core.timezones import local_time
from seo.services import rendering as site
from seo.services.requests import StatusError, set_status
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.filters import PER_PAGE, ListArgs
from seo.web.admin.lookups import staff_email

REQUEST_COLUMNS = (
    "received_utc",
    "service",
    "location",
    "name",
    "phone",
    "email",
    "preferred_time",
    "message",
    "page_url",
    "referrer",
    *UTM_KEYS,
    "status",
)


def _request_filters(args: ListArgs) -> tuple[dict, dict]:
    """The list filters as shown in the form, and as query arguments."""
    db = get_session()
    location = service = None
    if slug := args.text("location", "location"):
        location = queries.location_by_slug(db, slug)
        if location is None:
            args.ignore("location", slug, "no location has this slug")
    if slug := args.text("service", "service"):
        service = queries.service_by_slug(db, slug)
        if service is None:
            args.ignore("service", slug, "no service has this slug")
    start, end = args.day("from", "from date"), args.day("to", "to date")
    status = args.choice("status", "status", STATUSES, "not a request status")
    shown = {
        "status": status or "",
        "location": location.slug if location else "",
        "service": service.slug if service else "",
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    # Requests before the day after `to`; the calendar's last day has none, so no end.
    after = end + timedelta(days=1) if end and end < date.max else None
    query = {
        "location_id": location.id if location else None,
        "service_id": service.id if service else None,
        "start": datetime.combine(start, time.min) if start else None,
        "end": datetime.combine(after, time.min) if after else None,
        "status": status or None,
    }
    return shown, query


@bp.route("/requests/")
def requests():
    db = get_session()
    args = ListArgs(request.args)
    shown, query = _request_filters(args)
    page = args.page()
    args.flash_ignored()
    rows, total = queries.appointment_requests(
        db, **query, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    return render_template(
        "admin/requests.html",
        rows=rows,
        received={row.id: received_at(row) for row in rows},
        clinic_time=clinic_time,
        phones={row.id: display_phone(row.phone) for row in rows if row.phone},
        links={row.id: page_link(row) for row in rows},
        statuses=STATUSES,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters=shown,
        query={k: v for k, v in shown.items() if v},
        locations=queries.request_locations(db),
        services=queries.services(db, published_only=False),
        times=PREFERRED_TIMES,
    )


def received_at(row: models.AppointmentRequest) -> str:
    """When a request came in, on the clinic's wall clock (UTC when its clinic is gone)."""
    return clinic_time(row, row.created_at)


def clinic_time(row: models.AppointmentRequest, moment: datetime) -> str:
    """A moment of a request's life on its clinic's wall clock (UTC when the clinic is gone)."""
    zone = row.location.time_zone if row.location is not None else ""
    return local_time(moment, zone).strftime("%Y-%m-%d %H:%M %Z")


def page_link(row: models.AppointmentRequest) -> str:
    """The page a request came from, under this site's SITE_URL (not the origin it was
    stored under, which may have been another port or host)."""
    return site.current_site().absolute(urlsplit(row.page_url).path or "/")


@bp.route("/requests/<int:request_id>/status", methods=["POST"])
def request_status(request_id: int):
    """Move one request to another status; back to the inbox as it was filtered."""
    db = get_session()
    row = queries.appointment_request(db, request_id)
    if row is None:
        abort(404, "no appointment request has this number")
    status = request.form.get("status", "")
    try:
        change = set_status(db, row, status, staff_email())
    except StatusError as error:
        return render_template(
            "admin/error.html", title="Status not changed", message=str(error)
        ), 400
    if change is not None:
        flash(f"{row.name}: {STATUSES[change.before]} → {STATUSES[change.after]}.", "success")
    back = request.form.get("back", "")
    # Only a path inside the inbox: never an address someone else wrote.
    if not back.startswith(url_for("admin.requests")) or "//" in back or "\\" in back:
        back = url_for("admin.requests")
    return redirect(f"{back}#request-{row.id}")


@bp.route("/requests.csv")
def requests_export():
    """The filtered requests as CSV; free text is protected from spreadsheet formulas."""
    args = ListArgs(request.args)
    _shown, query = _request_filters(args)
    if args.ignored:
        message = " ".join([*args.ignored, "Nothing was exported: correct the filters."])
        return render_template("admin/error.html", title="Export refused", message=message), 400
    rows, _total = queries.appointment_requests(get_session(), **query, limit=None)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REQUEST_COLUMNS)
    for row in rows:
        text = [
            row.service.name if row.service else "",
            row.location.name if row.location else "",
            row.name,
        ]
        rest = [row.email, row.preferred_time, row.message, row.page_url, row.referrer]
        utm = [getattr(row, key) for key in UTM_KEYS]
        writer.writerow(
            [
                row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                *(protect_cell(v) for v in text),
                row.phone,  # validated E.164, written as it is
                *(protect_cell(v) for v in (*rest, *utm)),
                row.status,  # one of STATUSES, written as it is
            ]
        )
    name = f"appointment-requests-{models.utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
