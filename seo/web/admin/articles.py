"""The services list and the article editor: reorder sections, preview on a location, save."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for

from seo.core.articles import Section, compile_article
from seo.core.urls import PageRef
from seo.services import gate, lookup, rendering, translations
from seo.services.articles import PATTERNS, ArticleDraft, check_article, save_service
from seo.store import models, queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import ArticleForm, LanguageForm
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import service_or_404, staff_email


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
    values = data or {
        name: getattr(service, name) for name in (*PATTERNS, "article_title", "article_intro")
    }
    form = ArticleForm(formdata=None, data={**values, "sections": sections})
    return form


@bp.route("/services/<slug>/", methods=["GET", "POST"])
def service_edit(slug: str):
    db = get_session()
    service = service_or_404(slug)
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
            data = {name: form[name].data for name in (*PATTERNS, "article_title", "article_intro")}
            location = form.preview_location.data
            form = _article_form(service, sections, data)
            form.preview_location.data = location
            return _article_page(form, service, None, None)
        kept = [s for s in sections if s["heading"].strip()]
        draft = check_article(
            service,
            {name: form[name].data or "" for name in PATTERNS},
            form.article_title.data or "",
            form.article_intro.data or "",
            [Section(s["heading"].strip(), int(s["level"]), s["body"].strip()) for s in kept],
        )
        if draft.problems:
            flash("Not saved: fix the problems listed.", "error")
            return _article_page(form, service, draft, None), 422
        if action == "save":
            try:
                save_service(db, service, draft, staff_email(), override())
            except gate.Refused as refused:
                flash_blockers(refused.findings)
                return _article_page(form, service, draft, None, refused.findings), 422
            flash(f"Saved the {service.name} article.", "success")
            return redirect(url_for("admin.service_edit", slug=service.slug))
        preview_page = _compose_preview(service, draft, form.preview_location.data)
        if preview_page is None:
            form.preview_location.errors = ["no location has this slug"]
    return _article_page(form, service, draft, preview_page)


def _compose_preview(service: models.Service, draft: ArticleDraft, location_slug: str):
    """The landing page the public would get at one location with the edited article."""
    db = get_session()
    if location_slug:
        row = queries.location_by_slug(db, location_slug.strip())
    else:
        first = queries.first_published(db, 1)
        row = first[0] if first else None
    if row is None:
        return None
    core = replace(service.to_core(), **{k: v.strip() for k, v in draft.patterns.items()})
    ref = PageRef("landing", (service.slug, row.slug))
    return lookup.preview(db, ref, service=(core, compile_article(draft.article)))


def _article_page(form, service, draft, preview_page, blockers=()):
    return render_template(
        "admin/article.html",
        form=form,
        service=service,
        draft=draft,
        preview=preview_page,
        preview_html=rendering.render(preview_page).decode() if preview_page else "",
        blockers=blockers,
        locations=queries.first_published(get_session(), 100),
    )
