"""A service's article in other languages: which exist, which are stale, and the editor
that shows the original beside the translation."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from seo.core import urls
from seo.core.articles import (
    TRANSLATED_FIELDS,
    ArticleError,
    parse_markdown,
    write_markdown,
)
from seo.core.pages.model import language_name
from seo.services import gate, translations
from seo.store import queries
from seo.store.db import get_session
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import LanguageForm, TranslationForm
from seo.web.admin.gating import flash_blockers, override
from seo.web.admin.lookups import service_or_404, staff_email


@bp.route("/services/<slug>/languages", methods=["POST"])
def translation_new(slug: str):
    """Start a translation in a language given by its code."""
    service = service_or_404(slug)
    form = LanguageForm()
    language = (form.language.data or "").strip().lower()
    if not form.validate_on_submit() or not urls.is_language_code(language):
        flash("Give a two-letter language code such as es.", "error")
        return redirect(url_for("admin.services"))
    if language == current_app.config["SITE_LANGUAGE"]:
        flash(f"{language} is the site's default language: edit the article itself.", "error")
        return redirect(url_for("admin.service_edit", slug=service.slug))
    return redirect(url_for("admin.translation_edit", slug=service.slug, language=language))


@bp.route("/services/<slug>/<language>/", methods=["GET", "POST"])
def translation_edit(slug: str, language: str):
    db = get_session()
    service = service_or_404(slug)
    if not urls.is_language_code(language) or language == current_app.config["SITE_LANGUAGE"]:
        abort(404, "no such language")
    row = queries.translation(db, service.id, language)
    form = TranslationForm()
    if request.method == "GET" and row is not None:
        for name in TRANSLATED_FIELDS:
            form[name].data = getattr(row, name)
        form.article.data = write_markdown(row.to_article())
    problems: list[str] = []
    blockers: list = []
    if form.validate_on_submit():
        fields = {name: form[name].data or "" for name in TRANSLATED_FIELDS}
        try:
            article = parse_markdown((form.article.data or "").replace("\r\n", "\n"))
            translations.put_translation(
                db, service, language, fields, article, staff_email(), override()
            )
        except ArticleError as exc:
            problems = exc.problems
        except gate.Refused as refused:
            flash_blockers(refused.findings)
            blockers = refused.findings
        else:
            flash(f"Saved the {language_name(language)} article of {service.name}.", "success")
            return redirect(url_for("admin.translation_edit", slug=slug, language=language))
        flash("Not saved: fix the problems listed.", "error")
    page = render_template(
        "admin/translation.html",
        form=form,
        service=service,
        language=language,
        language_label=language_name(language),
        original=write_markdown(service.to_article()),
        row=row,
        stale=row is not None and row.updated_at < service.updated_at,
        problems=problems,
        blockers=blockers,
    )
    return (page, 422) if problems or blockers else page
