"""The location list, and adding, editing and retiring a location (with edit conflicts)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from seo.core.hours import same_week
from seo.core.locations import COLUMNS, STATUSES, intro_column, validate_location
from seo.core.states import STATE_NAMES
from seo.core.timezones import zone_for
from seo.services import gate, revisions
from seo.services.locations import check_location, save_location
from seo.store import history, models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.filters import PER_PAGE, ListArgs
from seo.web.admin.forms import LocationForm, RetireForm, location_form
from seo.web.admin.gating import flash_blockers, override, wants_publish
from seo.web.admin.lookups import clinic_slug, location_or_404, staff_email

DEFAULT_ORDER = {("sort", "name"), ("dir", "asc")}
FORM_FIELDS = (*COLUMNS, "time_zone")
FIELD_LABELS = {name: name.replace("_", " ") for name in FORM_FIELDS}


def _list_args(args: ListArgs, services: list[str]) -> dict:
    sort = args.choice("sort", "sort", queries.LOCATION_SORTS, "not a column of the list")
    direction = args.choice("dir", "sort direction", ("asc", "desc"), "use asc or desc")
    return {
        "q": args.text("q", "search"),
        "state": args.choice("state", "state", STATE_NAMES, "not a US state code", str.upper),
        "status": args.choice("status", "status", STATUSES, "not a location status"),
        "service": args.choice("service", "service", services, "no service has this slug"),
        "sort": sort or "name",
        "dir": direction or "asc",
    }


@bp.route("/locations/")
def locations():
    db = get_session()
    args = ListArgs(request.args)
    services = queries.service_slugs(db)
    filters = _list_args(args, services)
    page = args.page()
    args.flash_ignored()
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
        services=services,
        statuses=STATUSES,
        state_names=STATE_NAMES,
    )


def _location_form(row: models.Location | None = None, **kwargs: object) -> LocationForm:
    """The form, with an introduction field per language: each language a service has an
    article in, and each the clinic has an intro in."""
    db = get_session()
    default = current_app.config["SITE_LANGUAGE"]
    languages = {t.language for t in queries.translations(db, published_only=False)}
    languages |= {language for language, _text in (row.intros if row is not None else ())}
    form = location_form(sorted(languages - {default}), **kwargs)
    form.services.choices = [
        SelectChoice(s.slug, Markup('{} <small class="slug">{}</small>').format(s.name, s.slug))
        for s in queries.services(db, published_only=False)
    ]
    return form


def _show_errors(form: LocationForm, errors) -> None:
    for error in errors:
        field = form._fields.get(error.column)
        if field is None:
            continue
        field.errors = [*field.errors, error.message]


def _grid_refused(form: LocationForm, row: models.Location | None) -> None:
    """When only the hours grid stopped a save, still mark every other field's problems."""
    grid = {"opening_hours", "special_hours"}
    if form.errors and set(form.errors) <= grid:
        errors = check_location(get_session(), form.raw(), row)[1]
        _show_errors(form, [e for e in errors if e.column not in grid])


@bp.route("/locations/new", methods=["GET", "POST"])
def location_new():
    db = get_session()
    form = _location_form()
    if request.method == "GET":
        form.status.data = "draft"
    if form.validate_on_submit():
        form.redirect_to.data = clinic_slug(form.redirect_to.data or "")
        value, errors = check_location(db, form.raw(), None)
        if value is not None:
            try:
                row = save_location(db, None, value, staff_email(), "create", override())
            except gate.Refused as refused:
                flash_blockers(refused.findings)
                page = render_template(
                    "admin/location_form.html", form=form, row=None, blockers=refused.findings
                )
                return page, 422
            flash(f"Created {row.name}.", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        _show_errors(form, errors)
    if request.method == "POST":
        _grid_refused(form, None)
        flash("Please correct the marked fields.", "error")
        return render_template("admin/location_form.html", form=form, row=None), 422
    return render_template("admin/location_form.html", form=form, row=None)


def _fill(form: LocationForm, row: models.Location) -> None:
    """The form shows the pending draft when there is one, else the live clinic."""
    db = get_session()
    shown = row.to_core()
    pending = queries.revision_for(db, "location", row.id)
    if pending is not None:
        raw = revisions.payload_of(pending)
        shown = validate_location(raw, known_services=queries.service_slugs(db))[0] or shown
    snapshot = history.value_snapshot(shown)
    for name in FORM_FIELDS:
        if name != "services":
            form[name].data = snapshot[name]
    # A zone the coordinates give shows as "From the coordinates", so moving the clinic
    # moves its zone; only a zone staff chose stays chosen.
    if shown.time_zone == zone_for(shown.latitude, shown.longitude, shown.state):
        form.time_zone.data = ""
    form.services.data = list(shown.services)
    form.version.data = str(row.version)
    for language, text in row.intros:
        form[intro_column(language)].data = text


def _conflict(form: LocationForm, row: models.Location):
    """Show the editor's values beside the current ones; save only on a deliberate click."""
    db = get_session()
    db.rollback()
    db.refresh(row)
    theirs = form.raw()
    current = history.location_snapshot(row)
    if not theirs.get("time_zone"):  # "From the coordinates": not a change of its own
        theirs["time_zone"] = current["time_zone"]
    rows = [
        (
            FIELD_LABELS[name],
            theirs.get(name, ""),
            current[name],
            theirs.get(name, "") != current[name],
        )
        for name in FORM_FIELDS
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
    row = location_or_404(location_id)
    form = _location_form(row)
    if request.method == "GET":
        _fill(form, row)
    elif form.validate_on_submit():
        if form.version.data != str(row.version):
            return _conflict(form, row)
        form.redirect_to.data = clinic_slug(form.redirect_to.data or "")
        if same_week(form.opening_hours.data, row.opening_hours):  # the grid's spelling
            form.opening_hours.data = row.opening_hours
        value, errors = check_location(db, form.raw(), row)
        if value is not None and value == row.to_core():
            flash("Nothing changed.", "info")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        if value is not None and revisions.is_live(row) and not wants_publish():
            return _save_draft(row, value)
        if value is not None:
            try:
                revisions.save_and_publish_location(db, row, value, staff_email(), override())
            except StaleDataError:
                return _conflict(form, row)
            except gate.Refused as refused:
                flash_blockers(refused.findings)
                return _edit_page(form, location_or_404(location_id), refused.findings), 422
            flash(f"Saved {row.name}.", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        _show_errors(form, errors)
    if request.method == "POST":
        _grid_refused(form, row)
        flash("Please correct the marked fields.", "error")
        return _edit_page(form, row), 422
    return _edit_page(form, row)


def _save_draft(row: models.Location, value):
    """A change to a live clinic waits as a draft until an admin publishes it."""
    db = get_session()
    if value == row.to_core():
        pending = queries.revision_for(db, "location", row.id)
        if pending is not None:
            revisions.discard(db, pending)
        flash("Nothing changed from the live page; no draft kept.", "info")
        return redirect(url_for("admin.location_edit", location_id=row.id))
    revisions.save_location_draft(db, row, value, staff_email())
    flash(f"Saved a draft of {row.name}; the live page stays as it is until published.", "success")
    return redirect(url_for("admin.location_edit", location_id=row.id))


def refused_page(location_id: int, **blockers) -> str:
    """The edit page (showing the pending draft, if any) with what stopped a publish."""
    row = location_or_404(location_id)
    form = _location_form(row, formdata=None)
    _fill(form, row)
    return _edit_page(form, row, **blockers)


def _edit_page(form: LocationForm, row: models.Location, blockers=(), publish_blockers=()) -> str:
    db = get_session()
    overrides = {o.service.slug: o for o in queries.overrides_for_location(db, row.id)}
    return render_template(
        "admin/location_form.html",
        form=form,
        row=row,
        blockers=blockers,
        publish_blockers=publish_blockers,
        revision=queries.revision_for(db, "location", row.id),
        services=queries.services(db, published_only=False),
        overrides=overrides,
        core=row.to_core(),
    )


@bp.route("/locations/<int:location_id>/retire", methods=["GET", "POST"])
def location_retire(location_id: int):
    db = get_session()
    row = location_or_404(location_id)
    form = RetireForm()
    if form.validate_on_submit():
        raw = history.location_snapshot(row)
        raw["status"], raw["redirect_to"] = "retired", clinic_slug(form.redirect_to.data or "")
        value, errors = check_location(db, raw, row)
        if value is not None:
            save_location(db, row, value, staff_email(), "retire")  # puts nothing live
            target = f" Its pages now redirect to {value.redirect_to}." if value.redirect_to else ""
            flash(f"Retired {row.name}.{target}", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        form.redirect_to.errors = [e.message for e in errors]
        return render_template("admin/retire.html", form=form, row=row), 422
    return render_template("admin/retire.html", form=form, row=row)
