"""The one write path for services and their articles: check, gate, write with history,
refresh page state; used by the admin editor, `seo import-article`, restores and `seo init`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from seo.core.articles import (
    PLACEHOLDERS,
    Article,
    ArticleError,
    Section,
    check_placeholders,
    check_template,
    compile_article,
    parse_article,
)
from seo.core.text import normalize_newlines
from seo.services import gate
from seo.services.sources import DatabaseSource
from seo.store import history, models, queries

PATTERNS = ("heading_pattern", "title_pattern", "description_pattern", "keyword_pattern")


@dataclass
class ArticleDraft:
    """An edited article and patterns, checked but not saved."""

    patterns: dict[str, str]
    article: Article
    problems: list[str] = field(default_factory=list)


def check_article(
    service: models.Service,
    patterns: dict[str, str],
    title: str,
    intro: str,
    sections: list[Section],
) -> ArticleDraft:
    """Check patterns (`{city}`) and sections (`{{ city }}`) for bad placeholders; every
    text with its line endings made LF, so an untouched section stays unchanged."""
    patterns = {name: normalize_newlines(value) for name, value in patterns.items()}
    article = Article(
        title=normalize_newlines(title).strip(),
        intro=normalize_newlines(intro).strip(),
        keyword=service.article_keyword,
        share=service.article_share,
        sections=tuple(
            Section(normalize_newlines(s.heading), s.level, normalize_newlines(s.body))
            for s in sections
        ),
    )
    return ArticleDraft(patterns, article, article_problems(patterns, article))


def article_problems(patterns: dict[str, str], article: Article) -> list[str]:
    """Every check a service's patterns (`{city}`) and article (`{{ city }}`) must pass,
    whichever way they come in: the editor, `seo import-article`, the bundled content."""
    problems: list[str] = []
    for name in PATTERNS:
        source = patterns[name].replace("{", "{{ ").replace("}", " }}")
        problems += [
            p.replace("{{ ", "{").replace(" }}", "}") for p in check_template(source, name)
        ]
        if not patterns[name].strip():
            problems.append(f"{name}: is required")
    if not article.title:
        problems.append("title: is required")
    if not article.sections:
        problems.append("sections: an article needs at least one section")
    problems += check_placeholders(article)
    if not problems:
        # The text as written is fine; pages compile it after Markdown, which turns `>`
        # or `'` inside a placeholder expression into entities and can break it.
        try:
            compile_article(article).render(PLACEHOLDERS)
        except Exception as exc:  # staff text must fail here, never every page later
            problems.append(f"a placeholder cannot be filled once formatted: {exc}")
    return problems


def save_service(
    session: Session,
    service: models.Service,
    draft: ArticleDraft,
    user: str,
    override: gate.Override | None = None,
    action: str = "update",
) -> None:
    """Save an edited article and patterns; gated like every change to live pages."""
    replace_article(
        session,
        service,
        draft.article,
        user=user,
        action=action,
        patterns=draft.patterns,
        override=override,
    )


def set_service_status(
    session: Session,
    service: models.Service,
    status: str,
    user: str,
    override: gate.Override | None = None,
) -> None:
    """Publish or withdraw a service; publishing is gated."""
    before = history.service_snapshot(service)
    service.status, service.updated_at = status, models.utcnow()
    action = "publish" if status == "published" else "update"
    _record_and_commit(session, service, before, user=user, action=action, override=override)


def _record_and_commit(
    session: Session,
    service: models.Service,
    before: dict,
    *,
    user: str,
    action: str,
    override: gate.Override | None,
) -> None:
    """Record a service's change in history, gate its live pages, commit."""
    history.record(
        session,
        user=user,
        entity="service",
        entity_id=service.id,
        label=service.slug,
        action=action,
        before=before,
        after=history.service_snapshot(service),
    )
    live = service.status == "published"
    refs = gate.service_pages(DatabaseSource(session), session, service.slug) if live else []
    gate.commit(session, refs, override, entity="service", row=service)


def save_article(session: Session, service: models.Service, article: Article) -> None:
    """Replace a service's article sections (the caller commits)."""
    service.article_title = article.title
    service.article_intro = article.intro
    service.article_keyword = article.keyword
    service.article_share = article.share
    service.sections.clear()
    session.flush()
    for position, section in enumerate(article.sections):
        service.sections.append(
            models.Section(
                position=position, heading=section.heading, level=section.level, body=section.body
            )
        )
    service.updated_at = models.utcnow()


def import_article(
    session: Session,
    service_slug: str,
    text: str,
    user: str = "cli",
    override: gate.Override | None = None,
) -> Article:
    """Parse an article and make it the service's article, or raise ArticleError (or
    gate.Refused when its published pages would have audit errors)."""
    service = queries.service_by_slug(session, service_slug)
    if service is None:
        known = ", ".join(queries.service_slugs(session)) or "none yet"
        raise ArticleError([f"no service has the slug {service_slug!r}; known: {known}"])
    article = parse_article(text)
    problems = article_problems({name: getattr(service, name) for name in PATTERNS}, article)
    if problems:
        raise ArticleError(problems)
    replace_article(session, service, article, user=user, action="import", override=override)
    return article


def replace_article(
    session: Session,
    service: models.Service,
    article: Article,
    *,
    user: str,
    action: str,
    patterns: dict[str, str] | None = None,
    override: gate.Override | None = None,
) -> None:
    """Replace a service's article (and patterns), record the change in history, gate the
    pages it changes, refresh page state, commit."""
    before = history.service_snapshot(service)
    for name, value in (patterns or {}).items():
        setattr(service, name, value.strip())
    save_article(session, service, article)
    session.flush()
    _record_and_commit(session, service, before, user=user, action=action, override=override)


def load_services(session: Session, content_dir: Path) -> int:
    """Create the bundled services and their articles from content/services.json."""
    specs = json.loads((content_dir / "services.json").read_text(encoding="utf-8"))
    for position, spec in enumerate(specs):
        text = (content_dir / "articles" / spec["article"]).read_text(encoding="utf-8")
        try:
            article = parse_article(text)
        except ArticleError as exc:
            raise ArticleError([f"{spec['article']}: {p}" for p in exc.problems]) from None
        problems = article_problems(spec, article)
        if problems:
            raise ArticleError([f"{spec['slug']}: {p}" for p in problems])
        service = models.Service(
            slug=spec["slug"],
            name=spec["name"],
            condition=spec.get("condition", spec["name"]),
            summary=spec.get("summary", ""),
            business_type=spec.get("business_type", "MedicalClinic"),
            reviewed_by=spec.get("reviewed_by", ""),
            last_reviewed=date.fromisoformat(spec["last_reviewed"])
            if spec.get("last_reviewed")
            else None,
            position=position,
            **{name: spec[name] for name in PATTERNS},
        )
        session.add(service)
        save_article(session, service, article)
        session.flush()
        history.record(
            session,
            user="cli",
            entity="service",
            entity_id=service.id,
            label=service.slug,
            action="create",
            before=None,
            after=history.service_snapshot(service),
        )
    session.commit()
    return len(specs)
