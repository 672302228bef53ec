"""A clinic's photos: upload with alt text, edit the alt text, order, main photo, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from seo.core.photos import ALT_MAX, PHOTOS_PER_LOCATION
from seo.services import gate, images
from seo.services import photos as photo_service
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import PhotoAltForm, PhotoUploadForm
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import location_or_404, staff_email


def _photo_or_404(location: models.Location, photo_id: int) -> models.Photo:
    photo = queries.photo_by_id(get_session(), photo_id)
    if photo is None or photo.location_id != location.id:
        abort(404, f"{location.name} has no photo with the id {photo_id}")
    return photo


def _page(row: models.Location, form: PhotoUploadForm, blockers=(), status: int = 200):
    photos = queries.photos_of(get_session(), row.id)
    page = render_template(
        "admin/photos.html",
        row=row,
        form=form,
        photos=[(photo, photo.to_core()) for photo in photos],
        blockers=blockers,
        accepted=images.ACCEPTED,
        limit=PHOTOS_PER_LOCATION,
        alt_max=ALT_MAX,
    )
    return page, status


def _back(row: models.Location):
    return redirect(url_for("admin.location_photos", location_id=row.id))


@bp.route("/locations/<int:location_id>/photos/", methods=["GET", "POST"])
def location_photos(location_id: int):
    db = get_session()
    row = location_or_404(location_id)
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        if request.method == "POST":
            flash("Please correct the marked fields.", "error")
            return _page(row, form, status=422)
        return _page(row, form)
    data = form.file.data.read()
    try:
        photo_service.add_photo(
            db,
            row,
            data,
            form.alt.data or "",
            staff_email(),
            main=bool(form.main.data),
            override=override(),
        )
    except photo_service.PhotoProblems as problems:
        for name, message in problems.errors.items():
            form[name].errors = [*form[name].errors, message]
        flash("The photo was not added; nothing was stored.", "error")
        return _page(row, form, status=422)
    except gate.Refused as refused:
        flash_blockers(refused.findings)
        return _page(row, form, refused.findings, 422)
    flash(f"Added a photo of {row.name}.", "success")
    return _back(row)


def _act(location_id: int, photo_id: int, action, done: str):
    """Run one photo action from a button; say what happened."""
    db = get_session()
    row = location_or_404(location_id)
    photo = _photo_or_404(row, photo_id)
    try:
        action(db, photo)
    except photo_service.PhotoProblems as problems:
        flash(f"Not saved: {problems}", "error")
        return _page(row, PhotoUploadForm(formdata=None), status=422)
    except gate.Refused as refused:
        flash_blockers(refused.findings)
        return _page(row, PhotoUploadForm(formdata=None), refused.findings, 422)
    flash(done, "success")
    return _back(row)


@bp.route("/locations/<int:location_id>/photos/<int:photo_id>/alt", methods=["POST"])
def photo_alt(location_id: int, photo_id: int):
    form = PhotoAltForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        location_id,
        photo_id,
        lambda db, photo: photo_service.update_alt(
            db, photo, form.alt.data or "", staff_email(), override()
        ),
        "Saved the alt text.",
    )


@bp.route("/locations/<int:location_id>/photos/<int:photo_id>/move", methods=["POST"])
def photo_move(location_id: int, photo_id: int):
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400, "direction must be up or down")
    return _act(
        location_id,
        photo_id,
        lambda db, photo: photo_service.move(db, photo, step, staff_email(), override()),
        "Moved the photo.",
    )


@bp.route("/locations/<int:location_id>/photos/<int:photo_id>/main", methods=["POST"])
def photo_main(location_id: int, photo_id: int):
    return _act(
        location_id,
        photo_id,
        lambda db, photo: photo_service.make_main(db, photo, staff_email(), override()),
        "The clinic's pages now show this photo.",
    )


@bp.route("/locations/<int:location_id>/photos/<int:photo_id>/delete", methods=["POST"])
def photo_delete(location_id: int, photo_id: int):
    return _act(
        location_id,
        photo_id,
        lambda db, photo: photo_service.delete(db, photo, staff_email(), override()),
        "Deleted the photo and its files.",
    )
