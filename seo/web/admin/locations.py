"""The location list, and adding, editing and retiring a location (with edit conflicts)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from seo.core.locations import COLUMNS, STATE_NAMES, STATUSES, intro_column
from seo.core.timezones import zone_for
from seo.services import gate
from seo.services.locations import check_location, save_location
from seo.store import history, models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.filters import PER_PAGE, ListArgs
from seo.web.admin.forms import LocationForm, RetireForm, location_form
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import location_or_404, staff_email

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


def _location_form(row: models.Location | None = None) -> LocationForm:
    """The form, with an introduction field per language: each language a service has an
    article in, and each the clinic has an intro in."""
    db = get_session()
    default = current_app.config["SITE_LANGUAGE"]
    languages = {t.language for t in queries.translations(db, published_only=False)}
    languages |= {language for language, _text in (row.intros if row is not None else ())}
    form = location_form(sorted(languages - {default}))
    form.services.choices = [SelectChoice(s, s) for s in queries.service_slugs(db)]
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
    form = _location_form()
    if request.method == "GET":
        form.status.data = "draft"
    if form.validate_on_submit():
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
        flash("Please correct the marked fields.", "error")
        return render_template("admin/location_form.html", form=form, row=None), 422
    return render_template("admin/location_form.html", form=form, row=None)


def _fill(form: LocationForm, row: models.Location) -> None:
    snapshot = history.location_snapshot(row)
    for name in FORM_FIELDS:
        if name != "services":
            form[name].data = snapshot[name]
    # A zone the coordinates give shows as "From the coordinates", so moving the clinic
    # moves its zone; only a zone staff chose stays chosen.
    if row.time_zone == zone_for(row.latitude, row.longitude, row.state):
        form.time_zone.data = ""
    form.services.data = list(row.to_core().services)
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
        value, errors = check_location(db, form.raw(), row)
        if value is not None:
            if value == row.to_core():
                flash("Nothing changed.", "info")
                return redirect(url_for("admin.location_edit", location_id=row.id))
            try:
                save_location(db, row, value, staff_email(), "update", override())
            except StaleDataError:
                return _conflict(form, row)
            except gate.Refused as refused:
                flash_blockers(refused.findings)
                return _edit_page(form, location_or_404(location_id), refused.findings), 422
            flash(f"Saved {row.name}.", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        _show_errors(form, errors)
        flash("Please correct the marked fields.", "error")
        return _edit_page(form, row), 422
    return _edit_page(form, row)


def _edit_page(form: LocationForm, row: models.Location, blockers=()) -> str:
    db = get_session()
    overrides = {o.service.slug: o for o in queries.overrides_for_location(db, row.id)}
    return render_template(
        "admin/location_form.html",
        form=form,
        row=row,
        blockers=blockers,
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
        raw["status"], raw["redirect_to"] = "retired", (form.redirect_to.data or "").strip()
        value, errors = check_location(db, raw, row)
        if value is not None:
            save_location(db, row, value, staff_email(), "retire")  # puts nothing live
            target = f" Its pages now redirect to {value.redirect_to}." if value.redirect_to else ""
            flash(f"Retired {row.name}.{target}", "success")
            return redirect(url_for("admin.location_edit", location_id=row.id))
        form.redirect_to.errors = [e.message for e in errors]
        return render_template("admin/retire.html", form=form, row=row), 422
    return render_template("admin/retire.html", form=form, row=row)
