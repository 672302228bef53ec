"""CSV imports of locations (upload, preview, confirm or cancel) and the CSV export."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from seo.core.locations import decode_csv
from seo.services.locations import export_locations, import_locations
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import UploadForm
from seo.web.admin.gating import override
from seo.web.admin.lookups import staff_email

UPLOAD_LIFETIME = timedelta(days=1)
PREVIEW_LIMIT = 500  # rows listed per outcome in an import preview


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
        report = import_locations(
            db, text, dry_run=True, retire_missing=form.retire_missing.data, allow_mass_retire=True
        )
        if not report.ok and not report.gated:  # gate errors are shown on the preview
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
    report = import_locations(
        get_session(),
        stored.text,
        dry_run=True,
        retire_missing=stored.retire_missing,
        allow_mass_retire=True,  # shown in full; the confirmation asks for the second step
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
    confirmed = request.form.get("confirm_retire", "0")
    report = import_locations(
        db,
        text,
        retire_missing=retire_missing,
        user=staff_email(),
        override=override(),
        allow_mass_retire=current_user.is_admin and request.form.get("allow_mass_retire") == "yes",
        expected=request.form.get("preview", ""),
        confirm_retire=int(confirmed) if confirmed.isdigit() else 0,
    )
    if not report.ok:
        if report.gated:
            flash("Not imported: the audit found errors on the pages it puts live.", "error")
        else:
            flash("Not imported: " + "; ".join(e.message for e in report.errors), "error")
        return redirect(url_for("admin.upload_preview", token=token))
    db.delete(stored)
    db.commit()
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
    text = export_locations(get_session())
    name = f"locations-{models.utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
