"""The services list and the article editor: sections moved, inserted and removed (a plain
form post; static/editor.js does the same in place), and the real page previewed beside it."""

from __future__ import annotations

from dataclasses import replace

from flask import Response, flash, redirect, render_template, request, url_for

from seo.core.articles import Section, compile_article
from seo.core.urls import PageRef
from seo.services import gate, lookup, rendering, revisions, translations
from seo.services.articles import PATTERNS, ArticleDraft, check_article
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import ArticleForm, LanguageForm
from seo.web.admin.gating import flash_blockers, override, wants_publish
from seo.web.admin.lookups import clinic_slug, service_or_404, staff_email
from seo.web.security import frameable

BLANK_SECTION = {"heading": "", "level": 2, "body": ""}
TEXT_FIELDS = (*PATTERNS, "article_title", "article_intro")


@bp.route("/services/")
def services():
    db = get_session()
    rows = queries.services(db, published_only=False)
    return render_template(
        "admin/services.html",
        services=rows,
        languages=translations.languages(db, rows),
        language_form=LanguageForm(),
    )


def _sections_from(form: ArticleForm) -> list[dict]:
    return [
        {"heading": e.heading.data or "", "level": e.level.data or 2, "body": e.body.data or ""}
        for e in form.sections
        if not e.remove.data
    ]


def _article_form(service: models.Service, sections: list[dict], data: dict | None = None):
    values = data or {name: getattr(service, name) for name in TEXT_FIELDS}
    return ArticleForm(formdata=None, data={**values, "sections": sections})


def rearranged(sections: list[dict], action: str) -> list[dict]:
    """The sections after one editing step: `up-N`, `down-N`, `insert-N` (a blank section
    before section N, counted from 0) or `add` (one at the end)."""
    sections = list(sections)
    op, _, number = action.partition("-")
    i = int(number) if number.isdigit() else -1
    if op == "add":
        sections.append(dict(BLANK_SECTION))
    elif op == "insert" and 0 <= i <= len(sections):
        sections.insert(i, dict(BLANK_SECTION))
    elif op in ("up", "down"):
        j = i - 1 if op == "up" else i + 1
        if 0 <= i < len(sections) and 0 <= j < len(sections):
            sections[i], sections[j] = sections[j], sections[i]
    return sections


def _draft(service: models.Service, form: ArticleForm) -> ArticleDraft:
    kept = [s for s in _sections_from(form) if s["heading"].strip()]
    return check_article(
        service,
        {name: form[name].data or "" for name in PATTERNS},
        form.article_title.data or "",
        form.article_intro.data or "",
        [Section(s["heading"].strip(), int(s["level"]), s["body"].strip()) for s in kept],
    )


@bp.route("/services/<slug>/", methods=["GET", "POST"])
def service_edit(slug: str):
    db = get_session()
    service = service_or_404(slug)
    form = ArticleForm()
    draft = preview_page = None
    if request.method == "GET":
        form = _pending_form(service)
        form.preview_location.data = request.args.get("location", "")
    elif form.validate_on_submit():
        action = request.form.get("action", "preview")
        if action.startswith(("up-", "down-", "insert-", "add")):
            data = {name: form[name].data for name in TEXT_FIELDS}
            location = form.preview_location.data
            form = _article_form(service, rearranged(_sections_from(form), action), data)
            form.preview_location.data = location
            return _article_page(form, service, None, None)
        draft = _draft(service, form)
        if draft.problems:
            flash("Not saved: fix the problems listed.", "error")
            return _article_page(form, service, draft, None), 422
        if action in ("save", "draft", "publish") and revisions.is_live(service):
            if not wants_publish():
                return _save_draft(service, draft)
            action = "save"
        if action == "save":
            try:
                revisions.save_and_publish_service(db, service, draft, staff_email(), override())
            except gate.Refused as refused:
                flash_blockers(refused.findings)
                return _article_page(form, service, draft, None, refused.findings), 422
            flash(f"Saved the {service.name} article.", "success")
            return redirect(url_for("admin.service_edit", slug=service.slug))
        preview_page = _compose_preview(service, draft, form.preview_location.data or "")
        if preview_page is None:
            form.preview_location.errors = ["no clinic has this name or slug"]
    return _article_page(form, service, draft, preview_page)


def _pending_form(service: models.Service) -> ArticleForm:
    """The editor shows the pending draft when there is one, else the live article."""
    pending = queries.revision_for(get_session(), "service", service.id)
    if pending is None:
        sections = [
            {"heading": s.heading, "level": s.level, "body": s.body} for s in service.sections
        ]
        return _article_form(service, sections)
    payload = revisions.payload_of(pending)
    data = {
        **payload["patterns"],
        "article_title": payload["title"],
        "article_intro": payload["intro"],
    }
    return _article_form(service, payload["sections"], data)


def _save_draft(service: models.Service, draft: ArticleDraft):
    """A change to a live article waits as a draft until an admin publishes it."""
    revisions.save_service_draft(get_session(), service, draft, staff_email())
    flash(
        f"Saved a draft of the {service.name} article; the live pages are unchanged "
        "until it is published.",
        "success",
    )
    return redirect(url_for("admin.service_edit", slug=service.slug))


def refused_article_page(service: models.Service, revision: models.Revision, blockers) -> str:
    """The editor showing the pending draft with what stopped its publish."""
    service = service_or_404(service.slug)
    draft = revisions.service_draft(service, revision)
    return _article_page(_pending_form(service), service, draft, None, blockers)


@bp.route("/services/<slug>/preview", methods=["GET", "POST"])
def service_preview(slug: str):
    """The real landing page with the article as saved (GET) or as being edited (POST, the
    editor's form aimed at the preview frame), marked as a preview; framed by the editor."""
    service = service_or_404(slug)
    form = ArticleForm()
    if request.method == "GET":
        draft = ArticleDraft(
            {name: getattr(service, name) for name in PATTERNS}, service.to_article()
        )
        location = request.args.get("location", "")
    elif form.validate_on_submit():
        draft, location = _draft(service, form), form.preview_location.data or ""
    else:
        unread = [f"{name}: {'; '.join(map(str, errors))}" for name, errors in form.errors.items()]
        draft, location = ArticleDraft({}, service.to_article(), unread), ""
    page = None if draft.problems else _compose_preview(service, draft, location)
    if page is None:
        problems = draft.problems or [f"no clinic has the name or slug {location!r}"]
        body = render_template("admin/preview_problems.html", service=service, problems=problems)
        return frameable(Response(body, 422))
    return frameable(Response(rendering.render(page), mimetype="text/html"))


def _compose_preview(service: models.Service, draft: ArticleDraft, location: str):
    """The landing page the public would get at one location with the edited article."""
    db = get_session()
    if location.strip():
        row = queries.location_by_slug(db, clinic_slug(location))
    else:
        first = queries.first_published(db, 1)
        row = first[0] if first else None
    if row is None:
        return None
    core = replace(service.to_core(), **{k: v.strip() for k, v in draft.patterns.items()})
    ref = PageRef("landing", (service.slug, row.slug))
    return lookup.preview(db, ref, service=(core, compile_article(draft.article)))


def _article_page(form, service, draft, preview_page, blockers=()):
    blank = ArticleForm(formdata=None, data={"sections": [BLANK_SECTION]}).sections[0]
    return render_template(
        "admin/article.html",
        form=form,
        service=service,
        draft=draft,
        preview=preview_page,
        preview_html=rendering.render(preview_page).decode() if preview_page else "",
        blockers=blockers,
        revision=queries.revision_for(get_session(), "service", service.id),
        blank=blank,
    )
