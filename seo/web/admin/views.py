"""The staff workspace blueprint: every /admin URL needs a signed-in account."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from seo.core.appointments import PREFERRED_TIMES, UTM_KEYS
from seo.core.articles import Section
from seo.core.locations import COLUMNS, STATE_NAMES, STATUSES, decode_csv, protect_cell
from seo.services import importer
from seo.services import rendering as site
from seo.store import history, models, queries
from seo.store.db import get_session
from seo.web.admin import editing
from seo.web.admin.auth import authenticate, limiter
from seo.web.admin.forms import (
    ArticleForm,
    LocationForm,
    LoginForm,
    OverrideForm,
    RetireForm,
    UploadForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
DEFAULT_ORDER = {("sort", "name"), ("dir", "asc")}
UPLOAD_LIFETIME = timedelta(days=1)
PREVIEW_LIMIT = 500  # rows listed per outcome in an import preview
FIELD_LABELS = {name: name.replace("_", " ") for name in COLUMNS}


# --- every admin response: login, noindex, no caching ------------------------------


@bp.before_request
def require_login() -> Response | None:
    if request.endpoint in ("admin.login", "admin.static") or current_user.is_authenticated:
        return None
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


@bp.after_app_request
def staff_headers(response: Response) -> Response:
    """Keep staff pages out of search engines and out of shared caches."""
    if request.path == "/admin" or request.path.startswith("/admin/"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("admin/error.html", title="Form expired", message=error.description), 400


@bp.app_errorhandler(429)
def too_many(error) -> tuple[str, int]:
    message = "Too many sign-in attempts. Wait a minute and try again."
    return render_template("admin/error.html", title="Slow down", message=message), 429


def _user() -> str:
    return current_user.email


def _safe_next(target: str | None) -> str:
    """Only local /admin paths: never redirect a signed-in user off the site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin/"):
            return target
    return url_for("admin.dashboard")


# --- sign in and out ----------------------------------------------------------------


def _login_failed(response: Response) -> bool:
    """Only failed sign-ins count towards the throttle."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("LOGIN_RATE_LIMIT", "5 per minute"),
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing carried over from before sign-in
            login_user(user)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(_safe_next(form.next.data))
        form.password.errors = ["Wrong email or password, or the account is locked for a while."]
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("Signed out.", "success")
    return redirect(url_for("admin.login"))


@bp.route("/")
def dashboard():
    db = get_session()
    return render_template(
        "admin/dashboard.html",
        counts=queries.location_counts(db),
        services=queries.services(db, published_only=False),
        changes=queries.recent_changes(db),
    )


# --- locations ----------------------------------------------------------------------


def _list_args() -> dict:
    args = request.args
    sort = args.get("sort", "name")
    return {
        "q": args.get("q", "").strip()[:100],
        "state": args.get("state", "").upper()
        if args.get("state", "").upper() in STATE_NAMES
        else "",
        "status": args.get("status", "") if args.get("status") in STATUSES else "",
        "service": args.get("service", "")[:100],
        "sort": sort if sort in queries.LOCATION_SORTS else "name",
        "dir": "desc" if args.get("dir") == "desc" else "asc",
    }


@bp.route("/locations/")
def locations():
    db = get_session()
    filters = _list_args()
    try:
        page = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    rows, total = queries.location_page(
        db,
        q=filters["q"],
        state=filters["state"],
        status=filters["status"],
        service=filters["service"],
        sort=filters["sort"],
        descending=filters["dir"] == "desc",
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "admin/locations.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        query={k: v for k, v in filters.items() if v and (k, v) not in DEFAULT_ORDER},
        services=queries.service_slugs(db),
        statuses=STATUSES,
        state_names=STATE_NAMES,
    )


def _location_form(form: LocationForm) -> LocationForm:
    form.services.choices = [SelectChoice(s, s) for s in queries.service_slugs(get_session())]
    return form


def _show_errors(form: LocationForm, errors) -> None:
    for error in errors:
        field = form._fields.get(error.column)
        if field is None:
            continue
        field.errors = [*field.errors, error.message]


@bp.route("/locations/new", methods=["GET", "POST"])
def location_new():
    db = get_session()
    form = _location_form(LocationForm())
    if request.method == "GET":
        form.status.data = "draft"
    if form.validate_on_submit():
        value, errors = editing.check_location(db, form.raw(), None)
        if value is not None:
            row = editing.save_location(db, None, value, _user(), "create")
            flash(f"Created {row.name}.", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        _show_errors(form, errors)
        flash("Please correct the marked fields.", "error")
        return render_template("admin/location_form.html", form=form, row=None), 422
    return render_template("admin/location_form.html", form=form, row=None)


def _location_or_404(location_id: int) -> models.Location:
    row = queries.location_by_id(get_session(), location_id)
    if row is None:
        abort(404, f"no location has the id {location_id}")
    return row


def _fill(form: LocationForm, row: models.Location) -> None:
    snapshot = history.location_snapshot(row)
    for name in COLUMNS:
        if name != "services":
            form[name].data = snapshot[name]
    form.services.data = list(row.to_core().services)
    form.version.data = str(row.version)


def _conflict(form: LocationForm, row: models.Location):
    """Show the editor's values beside the current ones; save only on a deliberate click."""
    db = get_session()
    db.rollback()
    db.refresh(row)
    theirs = form.raw()
    current = history.location_snapshot(row)
    rows = [
        (
            FIELD_LABELS[name],
            theirs.get(name, ""),
            current[name],
            theirs.get(name, "") != current[name],
        )
        for name in COLUMNS
    ]
    form.version.data = str(row.version)
    changes = queries.changes_for(db, ("location",), row.id, limit=1)
    return (
        render_template(
            "admin/conflict.html",
            form=form,
            row=row,
            rows=rows,
            latest=changes[0] if changes else None,
        ),
        409,
    )


@bp.route("/locations/<int:location_id>/", methods=["GET", "POST"])
def location_edit(location_id: int):
    db = get_session()
    row = _location_or_404(location_id)
    form = _location_form(LocationForm())
    if request.method == "GET":
        _fill(form, row)
    elif form.validate_on_submit():
        if form.version.data != str(row.version):
            return _conflict(form, row)
        value, errors = editing.check_location(db, form.raw(), row)
        if value is not None:
            if value == row.to_core():
                flash("Nothing changed.", "info")
                return redirect(url_for("admin.location_edit", location_id=row.id))
            try:
                editing.save_location(db, row, value, _user(), "update")
            except StaleDataError:
                return _conflict(form, row)
            flash(f"Saved {row.name}.", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        _show_errors(form, errors)
        flash("Please correct the marked fields.", "error")
        return _edit_page(form, row), 422
    return _edit_page(form, row)


def _edit_page(form: LocationForm, row: models.Location) -> str:
    db = get_session()
    overrides = {o.service.slug: o for o in queries.overrides_for_location(db, row.id)}
    return render_template(
        "admin/location_form.html",
        form=form,
        row=row,
        services=queries.services(db, published_only=False),
        overrides=overrides,
        core=row.to_core(),
    )


@bp.route("/locations/<int:location_id>/retire", methods=["GET", "POST"])
def location_retire(location_id: int):
    db = get_session()
    row = _location_or_404(location_id)
    form = RetireForm()
    if form.validate_on_submit():
        raw = history.location_snapshot(row)
        raw["status"], raw["redirect_to"] = "retired", (form.redirect_to.data or "").strip()
        value, errors = editing.check_location(db, raw, row)
        if value is not None:
            editing.save_location(db, row, value, _user(), "retire")
            target = f" Its pages now redirect to {value.redirect_to}." if value.redirect_to else ""
            flash(f"Retired {row.name}.{target}", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        form.redirect_to.errors = [e.message for e in errors]
        return render_template("admin/retire.html", form=form, row=row), 422
    return render_template("admin/retire.html", form=form, row=row)


@bp.route("/locations/<int:location_id>/publish", methods=["POST"])
def location_publish(location_id: int):
    db = get_session()
    row = _location_or_404(location_id)
    raw = history.location_snapshot(row)
    raw["status"], raw["redirect_to"] = "published", ""
    value, errors = editing.check_location(db, raw, row)
    if value is None:
        flash("Cannot publish: " + "; ".join(f"{e.column} {e.message}" for e in errors), "error")
        return redirect(url_for("admin.location_edit", location_id=row.id))
    from seo.web.admin import quality

    blockers = quality.publish_blockers(db, location=row)
    row = _location_or_404(location_id)
    if blockers and not _overriding():
        _flash_blockers(blockers)
        return redirect(url_for("admin.location_edit", location_id=row.id))
    editing.save_location(db, row, value, _user(), "publish")
    if blockers:
        quality.record_override(db, user=_user(), entity="location", row=row, findings=blockers)
        db.commit()
    flash(f"Published {row.name}: its pages are live.", "success")
    return redirect(url_for("admin.location_edit", location_id=row.id))


def _overriding() -> bool:
    """An admin may publish despite audit errors by asking for it explicitly."""
    return request.form.get("override_audit") == "yes" and current_user.is_admin


def _flash_blockers(blockers) -> None:
    shown = "; ".join(f"{f.path} {f.rule}: {f.message}" for f in blockers[:5])
    more = f" (and {len(blockers) - 5} more)" if len(blockers) > 5 else ""
    flash(
        f"Not published: the audit found {len(blockers)} errors on its pages. {shown}{more}. "
        "Fix them, or an admin can publish anyway.",
        "error",
    )


@bp.route("/locations/<int:location_id>/history")
def location_history(location_id: int):
    db = get_session()
    row = _location_or_404(location_id)
    changes = queries.changes_for(db, ("location", "override"), row.id)
    return render_template(
        "admin/history.html",
        title=f"History of {row.name}",
        back=url_for("admin.location_edit", location_id=row.id),
        changes=[(c, history.fields_of(c)) for c in changes],
    )


@bp.route("/history/<int:change_id>/restore", methods=["POST"])
def restore(change_id: int):
    if not current_user.is_admin:
        abort(403)
    db = get_session()
    change = queries.change_by_id(db, change_id)
    if change is None:
        abort(404)
    problems = editing.restore(db, change, _user())
    if problems:
        flash("Not restored: " + "; ".join(problems), "error")
    else:
        flash(f"Restored {change.label} to the version of {change.at:%Y-%m-%d %H:%M}.", "success")
    if change.entity == "service":
        return redirect(url_for("admin.service_history", slug=change.label))
    return redirect(url_for("admin.location_history", location_id=change.entity_id))


# --- page overrides and previews ----------------------------------------------------


@bp.route("/pages/<service_slug>/<int:location_id>/", methods=["GET", "POST"])
def page_override(service_slug: str, location_id: int):
    db = get_session()
    service = queries.service_by_slug(db, service_slug)
    if service is None:
        abort(404)
    row = _location_or_404(location_id)
    current = queries.page_override(db, service.id, row.id)
    form = OverrideForm(obj=current)
    if form.validate_on_submit():
        problems = editing.save_override(db, service, row, form.data, _user())
        if not problems:
            flash(f"Saved the {service.name} page of {row.name}.", "success")
            return redirect(
                url_for("admin.page_override", service_slug=service.slug, location_id=row.id)
            )
        form.questions.errors = problems
        return render_template("admin/override.html", form=form, service=service, row=row), 422
    return render_template("admin/override.html", form=form, service=service, row=row)


@bp.route("/preview/<service_slug>/<location_slug>/")
def preview(service_slug: str, location_slug: str):
    page = site.preview(get_session(), service_slug, location_slug)
    if page is None:
        abort(404)
    return Response(site.render(page), mimetype="text/html")


# --- CSV import and export ----------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def upload():
    db = get_session()
    form = UploadForm()
    if form.validate_on_submit():
        try:
            text = decode_csv(form.file.data.read())
        except ValueError as exc:
            form.file.errors = [str(exc)]
            return render_template("admin/import.html", form=form, errors=[]), 422
        report = importer.import_locations(
            db, text, dry_run=True, retire_missing=form.retire_missing.data
        )
        if not report.ok:
            flash("The file has problems; nothing was changed.", "error")
            return render_template("admin/import.html", form=form, errors=report.errors), 422
        for old in queries.uploads_before(db, models.utcnow() - UPLOAD_LIFETIME):
            db.delete(old)
        token = secrets.token_urlsafe(32)
        db.add(
            models.Upload(
                token=token,
                user_id=current_user.id,
                filename=(form.file.data.filename or "locations.csv")[:300],
                text=text,
                retire_missing=bool(form.retire_missing.data),
                created_at=models.utcnow(),
            )
        )
        db.commit()
        return redirect(url_for("admin.upload_preview", token=token))
    return render_template("admin/import.html", form=form, errors=[])


def _upload_or_404(token: str) -> models.Upload:
    stored = queries.upload_by_token(get_session(), token)
    if stored is None or stored.user_id != current_user.id:
        abort(404, "this upload is gone; upload the file again")
    return stored


@bp.route("/import/<token>")
def upload_preview(token: str):
    stored = _upload_or_404(token)
    report = importer.import_locations(
        get_session(), stored.text, dry_run=True, retire_missing=stored.retire_missing
    )
    groups = {}
    for outcome in report.outcomes:
        groups.setdefault(outcome.action, []).append(outcome)
    return render_template(
        "admin/import_preview.html",
        stored=stored,
        report=report,
        groups=groups,
        limit=PREVIEW_LIMIT,
    )


@bp.route("/import/<token>/confirm", methods=["POST"])
def upload_confirm(token: str):
    db = get_session()
    stored = _upload_or_404(token)
    text, retire_missing = stored.text, stored.retire_missing
    report = importer.import_locations(db, text, retire_missing=retire_missing, user=_user())
    if not report.ok:
        flash("The data changed since the preview and the file no longer applies.", "error")
        return redirect(url_for("admin.upload_preview", token=token))
    db.delete(stored)
    db.commit()
    site.refresh_page_state(db)
    flash(f"Imported {stored.filename}: {report.summary()}.", "success")
    return redirect(url_for("admin.locations"))


@bp.route("/import/<token>/cancel", methods=["POST"])
def upload_cancel(token: str):
    db = get_session()
    db.delete(_upload_or_404(token))
    db.commit()
    flash("Import cancelled; nothing was changed.", "info")
    return redirect(url_for("admin.upload"))


@bp.route("/export.csv")
def export():
    text = importer.export_locations(get_session())
    name = f"locations-{models.utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- services and their articles ----------------------------------------------------


def _service_or_404(slug: str) -> models.Service:
    service = queries.service_by_slug(get_session(), slug)
    if service is None:
        abort(404, f"no service has the slug {slug!r}")
    return service


@bp.route("/services/")
def services():
    return render_template(
        "admin/services.html", services=queries.services(get_session(), published_only=False)
    )


def _sections_from(form: ArticleForm) -> list[dict]:
    return [
        {"heading": e.heading.data or "", "level": e.level.data or 2, "body": e.body.data or ""}
        for e in form.sections
        if not e.remove.data
    ]


def _article_form(service: models.Service, sections: list[dict], data: dict | None = None):
    values = data or {
        name: getattr(service, name)
        for name in (*editing.PATTERNS, "article_title", "article_intro")
    }
    form = ArticleForm(formdata=None, data={**values, "sections": sections})
    return form


@bp.route("/services/<slug>/", methods=["GET", "POST"])
def service_edit(slug: str):
    db = get_session()
    service = _service_or_404(slug)
    form = ArticleForm()
    draft = preview_page = None
    if request.method == "GET":
        sections = [
            {"heading": s.heading, "level": s.level, "body": s.body} for s in service.sections
        ]
        form = _article_form(service, sections)
        form.preview_location.data = request.args.get("location", "")
    elif form.validate_on_submit():
        action = request.form.get("action", "preview")
        sections = _sections_from(form)
        if action.startswith(("up-", "down-", "add")):
            if action == "add":
                sections.append({"heading": "", "level": 2, "body": ""})
            else:
                direction, _, number = action.partition("-")
                i = int(number) if number.isdigit() else -1
                j = i - 1 if direction == "up" else i + 1
                if 0 <= i < len(sections) and 0 <= j < len(sections):
                    sections[i], sections[j] = sections[j], sections[i]
            data = {
                name: form[name].data
                for name in (*editing.PATTERNS, "article_title", "article_intro")
            }
            location = form.preview_location.data
            form = _article_form(service, sections, data)
            form.preview_location.data = location
            return _article_page(form, service, None, None)
        kept = [s for s in sections if s["heading"].strip()]
        draft = editing.check_article(
            service,
            {name: form[name].data or "" for name in editing.PATTERNS},
            form.article_title.data or "",
            form.article_intro.data or "",
            [Section(s["heading"].strip(), int(s["level"]), s["body"].strip()) for s in kept],
        )
        if draft.problems:
            flash("Not saved: fix the problems listed.", "error")
            return _article_page(form, service, draft, None), 422
        if action == "save":
            editing.save_service(db, service, draft, _user())
            flash(f"Saved the {service.name} article.", "success")
            return redirect(url_for("admin.service_edit", slug=service.slug))
        preview_page = _compose_preview(service, draft, form.preview_location.data)
        if preview_page is None:
            form.preview_location.errors = ["no location has this slug"]
    return _article_page(form, service, draft, preview_page)


def _compose_preview(service: models.Service, draft: editing.ArticleDraft, location_slug: str):
    from dataclasses import replace

    from seo.core import pages
    from seo.core.articles import compile_article

    db = get_session()
    if location_slug:
        row = queries.location_by_slug(db, location_slug.strip())
    else:
        first = queries.first_published(db, 1)
        row = first[0] if first else None
    if row is None:
        return None
    core = replace(service.to_core(), **{k: v.strip() for k, v in draft.patterns.items()})
    return pages.compose_landing(
        site.current_site(), core, row.to_core(), compile_article(draft.article), [], site.today()
    )


def _article_page(form, service, draft, preview_page):
    return render_template(
        "admin/article.html",
        form=form,
        service=service,
        draft=draft,
        preview=preview_page,
        locations=queries.first_published(get_session(), 100),
    )


@bp.route("/services/<slug>/publish", methods=["POST"])
def service_publish(slug: str):
    from seo.web.admin import quality

    db = get_session()
    blockers = quality.publish_blockers(db, service=_service_or_404(slug))
    service = _service_or_404(slug)
    if blockers and not _overriding():
        _flash_blockers(blockers)
        return redirect(url_for("admin.services"))
    editing.set_service_status(db, service, "published", _user())
    if blockers:
        quality.record_override(db, user=_user(), entity="service", row=service, findings=blockers)
        db.commit()
    flash(f"Published {service.name}: its pages are live.", "success")
    return redirect(url_for("admin.services"))


@bp.route("/services/<slug>/history")
def service_history(slug: str):
    db = get_session()
    service = _service_or_404(slug)
    changes = queries.changes_for(db, ("service",), service.id)
    return render_template(
        "admin/history.html",
        title=f"History of the {service.name} article",
        back=url_for("admin.service_edit", slug=service.slug),
        changes=[(c, history.fields_of(c)) for c in changes],
    )


# --- appointment requests -----------------------------------------------------------

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
)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _request_filters() -> tuple[dict, dict]:
    """The list filters as shown in the form, and as query arguments."""
    db = get_session()
    args = request.args
    location = queries.location_by_slug(db, args.get("location", "")[:100])
    service = queries.service_by_slug(db, args.get("service", "")[:100])
    start, end = _day(args.get("from", "")), _day(args.get("to", ""))
    shown = {
        "location": location.slug if location else "",
        "service": service.slug if service else "",
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    query = {
        "location_id": location.id if location else None,
        "service_id": service.id if service else None,
        "start": datetime.combine(start, time.min) if start else None,
        "end": datetime.combine(end + timedelta(days=1), time.min) if end else None,
    }
    return shown, query


@bp.route("/requests/")
def requests():
    db = get_session()
    shown, query = _request_filters()
    try:
        page = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    rows, total = queries.appointment_requests(
        db, **query, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    return render_template(
        "admin/requests.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters=shown,
        query={k: v for k, v in shown.items() if v},
        locations=queries.request_locations(db),
        services=queries.services(db, published_only=False),
        times=PREFERRED_TIMES,
    )


@bp.route("/requests.csv")
def requests_export():
    """The filtered requests as CSV; free text is protected from spreadsheet formulas."""
    _shown, query = _request_filters()
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
            ]
        )
    name = f"appointment-requests-{models.utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
