"""Pending revisions of live clinics and articles: preview one as the real page, publish it
(admins) or discard it."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from seo.services import gate, rendering, revisions
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.articles import refused_article_page
from seo.web.admin.blueprint import bp
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.locations import refused_page
from seo.web.admin.lookups import staff_email


def _revision_or_404(revision_id: int) -> models.Revision:
    revision = queries.revision_by_id(get_session(), revision_id)
    if revision is None:
        abort(404, "this draft is gone: it was published or discarded")
    return revision


def _target(revision: models.Revision) -> models.Location | models.Service:
    db = get_session()
    if revision.entity == "location":
        row = queries.location_by_id(db, revision.entity_id)
    else:
        row = db.get(models.Service, revision.entity_id)
    if row is None:
        abort(404, "the clinic or article of this draft is gone")
    return row


def edit_url(revision: models.Revision) -> str:
    """Where staff edit the content a revision belongs to."""
    if revision.entity == "location":
        return url_for("admin.location_edit", location_id=revision.entity_id)
    return url_for("admin.service_edit", slug=_target(revision).slug)


@bp.route("/revisions/<int:revision_id>/preview")
def revision_preview(revision_id: int):
    """The page as publishing the draft would make it: noindex, with a preview banner."""
    db = get_session()
    revision = _revision_or_404(revision_id)
    row = _target(revision)
    service_slug = request.args.get("service", "")
    if isinstance(row, models.Location):
        page = revisions.preview_location(db, row, revision, service_slug)
    else:
        location = request.args.get("location", "")
        if not location:
            first = queries.first_published(db, 1)
            location = first[0].slug if first else ""
        page = revisions.preview_service(db, row, revision, location)
    if page is None:
        abort(404, "no such page in this draft; it may no longer pass the checks")
    return Response(rendering.render(page), mimetype="text/html")


@bp.route("/revisions/<int:revision_id>/publish", methods=["POST"])
def revision_publish(revision_id: int):
    """Admins publish drafts: the change is checked again and gated like any write."""
    if not current_user.is_admin:
        abort(403, "only an admin can publish a draft")
    revision = _revision_or_404(revision_id)
    row, back = _target(revision), edit_url(revision)
    clinic = isinstance(row, models.Location)
    publish = revisions.publish_location if clinic else revisions.publish_service
    try:
        publish(get_session(), row, revision, staff_email(), override())
    except revisions.Invalid as invalid:
        flash("Not published: " + "; ".join(invalid.problems), "error")
        return redirect(back)
    except gate.Refused as refused:
        flash_blockers(refused.findings)
        if clinic:
            return refused_page(row.id, blockers=refused.findings), 422
        return refused_article_page(row, revision, refused.findings), 422
    what = row.name if clinic else f"the {row.name} article"
    flash(f"Published {what}: its pages are live.", "success")
    return redirect(back)


@bp.route("/revisions/<int:revision_id>/discard", methods=["POST"])
def revision_discard(revision_id: int):
    revision = _revision_or_404(revision_id)
    target = edit_url(revision)
    revisions.discard(get_session(), revision)
    flash(f"Discarded the draft of {revision.label}; the live page is as it was.", "info")
    return redirect(target)
