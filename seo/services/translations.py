"""The one write path for a service's article in another language, and what staff and the
audit know of each: which languages exist, which are stale against the original."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from seo.core import urls
from seo.core.articles import (
    TRANSLATED_FIELDS,
    Article,
    ArticleError,
    parse_article,
    split_front_matter,
)
from seo.services import catalogs, gate
from seo.services.articles import PATTERNS, article_problems
from seo.services.sources import DatabaseSource
from seo.store import history, models, queries


def default_language() -> str:
    return current_app.config["SITE_LANGUAGE"]


def snapshot(row: models.Translation) -> dict:
    """A translation's name, patterns and article, sections in order."""
    return {
        **{name: getattr(row, name) for name in TRANSLATED_FIELDS},
        "article_title": row.article_title,
        "article_intro": row.article_intro,
        "sections": [
            {"heading": heading, "level": level, "body": body}
            for heading, level, body in json.loads(row.sections)
        ],
    }


def check_translation(language: str, fields: dict[str, str], article: Article) -> list[str]:
    """Every check a translation passes: a language code other than the default, its name
    and patterns given, the article's own checks."""
    if not urls.is_language_code(language):
        return [f"language: {language!r} is not a two-letter code such as es"]
    if language == default_language():
        return [
            f"language: {language} is the site's default language; import the article "
            "without --language"
        ]
    problems = article_problems({name: fields.get(name, "") for name in PATTERNS}, article)
    if not fields.get("name", "").strip():
        problems.append("name: is required (the service's name in this language)")
    return problems


def import_translation(
    session: Session,
    service_slug: str,
    language: str,
    text: str,
    user: str = "cli",
    override: gate.Override | None = None,
) -> Article:
    """Make an article the service's article in `language`, with the name and patterns of
    its front matter (those not given are kept from the previous import); raise
    ArticleError, or gate.Refused when its published pages would have audit errors."""
    service = queries.service_by_slug(session, service_slug)
    if service is None:
        known = ", ".join(queries.service_slugs(session)) or "none yet"
        raise ArticleError([f"no service has the slug {service_slug!r}; known: {known}"])
    given, body = split_front_matter(text)
    article = parse_article(body)
    row = queries.translation(session, service.id, language)
    kept = {name: getattr(row, name) for name in TRANSLATED_FIELDS} if row is not None else {}
    fields = {name: given.get(name) or kept.get(name, "") for name in TRANSLATED_FIELDS}
    put_translation(session, service, language, fields, article, user, override, "import")
    return article


def put_translation(
    session: Session,
    service: models.Service,
    language: str,
    fields: dict[str, str],
    article: Article,
    user: str,
    override: gate.Override | None = None,
    action: str = "update",
) -> None:
    """Check and save a service's article in a language, record it in history, gate the
    pages it puts live, refresh page state, commit; raise ArticleError or gate.Refused."""
    problems = check_translation(language, fields, article)
    if language not in catalogs.languages(current_app.config["TRANSLATIONS_DIR"]):
        problems.append(
            f"the site has no interface text in {language!r}: add its catalog "
            f"seo/translations/{language}/LC_MESSAGES/messages.po first (docs/LANGUAGES.md)"
        )
    if problems:
        raise ArticleError(problems)
    row = queries.translation(session, service.id, language)
    before = snapshot(row) if row is not None else None
    if row is None:
        row = models.Translation(service=service, language=language)
        session.add(row)
    save_translation(row, fields, article)
    session.flush()
    history.record(
        session,
        user=user,
        entity="translation",
        entity_id=row.id,
        label=f"{service.slug} ({language})",
        action=action,
        before=before,
        after=snapshot(row),
    )
    live = service.status == "published"
    source = DatabaseSource(session)
    refs = gate.service_pages(source, session, service.slug, language) if live else []
    gate.commit(session, refs, override, entity="service", row=service)


def save_translation(row: models.Translation, fields: dict[str, str], article: Article) -> None:
    for name in TRANSLATED_FIELDS:
        setattr(row, name, fields[name].strip())
    row.article_title = article.title
    row.article_intro = article.intro
    row.article_keyword = article.keyword
    row.sections = json.dumps(
        [[s.heading, s.level, s.body] for s in article.sections], ensure_ascii=False
    )
    row.updated_at = models.utcnow()


@dataclass(frozen=True)
class Version:
    """One service's article in one language, as staff see it."""

    language: str
    state: str  # "original", "current", "stale"
    edited: str


def load_translations(session: Session, content_dir: Path) -> int:
    """Import the bundled articles in other languages: translations/<language>/<service>.md."""
    count = 0
    for path in sorted((content_dir / "translations").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        try:
            import_translation(session, path.stem, path.parent.name, text)
        except ArticleError as exc:
            raise ArticleError([f"{path.name}: {p}" for p in exc.problems]) from None
        count += 1
    return count


def languages(session: Session, services: list[models.Service]) -> dict[str, list[Version]]:
    """Each service's article in every language of the site: the original, then per other
    language "current", "stale" (edited before the original) or "missing"."""
    rows = queries.translations(session, published_only=False)
    others = sorted({row.language for row in rows} - {default_language()})
    written = {(row.service_id, row.language): row for row in rows}
    found: dict[str, list[Version]] = {}
    for service in services:
        versions = [Version(default_language(), "original", f"{service.updated_at:%Y-%m-%d}")]
        for language in others:
            row = written.get((service.id, language))
            if row is None:
                versions.append(Version(language, "missing", ""))
            else:
                state = "stale" if row.updated_at < service.updated_at else "current"
                versions.append(Version(language, state, f"{row.updated_at:%Y-%m-%d}"))
        found[service.slug] = versions
    return found
