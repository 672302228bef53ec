"""Staff edits: validate, write, record the change, refresh page state."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from seo.core.articles import Article, Section, check_placeholders, check_template
from seo.core.locations import STATE_NAMES, FieldError, Location, validate_location
from seo.core.pages import parse_questions
from seo.services import rendering as site
from seo.services.importer import replace_article
from seo.store import history, models, queries

PATTERNS = ("heading_pattern", "title_pattern", "description_pattern", "keyword_pattern")
# A location slug equal to a state code would shadow the state page /locations/<code>/.
STATE_SLUGS = {code.lower() for code in STATE_NAMES}


def check_location(
    session: Session, raw: dict[str, str], row: models.Location | None
) -> tuple[Location | None, list[FieldError]]:
    """validate_location plus the checks that need the database."""
    value, errors = validate_location(raw, known_services=queries.service_slugs(session))
    if value is None:
        return None, errors
    other = queries.location_by_slug(session, value.slug)
    if other is not None and (row is None or other.id != row.id):
        errors.append(FieldError("slug", f"{value.slug!r} is used by {other.name}; choose another"))
    if value.slug in STATE_SLUGS:
        errors.append(FieldError("slug", f"{value.slug!r} is a state code; add the city"))
    if value.redirect_to:
        target = queries.location_by_slug(session, value.redirect_to)
        if target is None:
            errors.append(
                FieldError("redirect_to", f"no location has the slug {value.redirect_to!r}")
            )
        elif target.status == "retired":
            errors.append(
                FieldError("redirect_to", f"{value.redirect_to!r} is retired too; pick an open one")
            )
    return (None, errors) if errors else (value, [])


def save_location(
    session: Session, row: models.Location | None, value: Location, user: str, action: str
) -> models.Location:
    """Write a validated location, keep its old slug as a redirect, record the change, commit."""
    now = models.utcnow()
    before = None
    old_slug = None
    if row is None:
        row = models.Location(created_at=now)
        session.add(row)
    else:
        before = history.location_snapshot(row)
        old_slug = row.slug
    row.assign(value)
    row.updated_at = now
    if old_slug and old_slug != value.slug:
        reclaimed = queries.redirect_for_slug(session, value.slug)
        if reclaimed is not None:  # the live location now owns this slug again
            session.delete(reclaimed)
        session.add(models.SlugRedirect(old_slug=old_slug, location_id=row.id, created_at=now))
    session.flush()
    history.record(
        session,
        user=user,
        entity="location",
        entity_id=row.id,
        label=row.slug,
        action=action if before is not None else "create",
        before=before,
        after=history.location_snapshot(row),
    )
    session.commit()
    site.refresh_page_state(session)
    return row


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
    """Check patterns (`{city}`) and sections (`{{ city }}`) for bad placeholders."""
    article = Article(
        title=title.strip(),
        intro=intro.strip(),
        keyword=service.article_keyword,
        share=service.article_share,
        sections=tuple(sections),
    )
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
    if not sections:
        problems.append("sections: an article needs at least one section")
    problems += check_placeholders(article)
    return ArticleDraft(patterns, article, problems)


def save_service(session: Session, service: models.Service, draft: ArticleDraft, user: str) -> None:
    replace_article(
        session, service, draft.article, user=user, action="update", patterns=draft.patterns
    )
    site.refresh_page_state(session)


def set_service_status(session: Session, service: models.Service, status: str, user: str) -> None:
    before = history.service_snapshot(service)
    service.status, service.updated_at = status, models.utcnow()
    history.record(
        session,
        user=user,
        entity="service",
        entity_id=service.id,
        label=service.slug,
        action="publish" if status == "published" else "update",
        before=before,
        after=history.service_snapshot(service),
    )
    session.commit()
    site.refresh_page_state(session)


def save_override(
    session: Session,
    service: models.Service,
    location: models.Location,
    values: dict,
    user: str,
) -> list[str]:
    """Write one page's override (or remove it when empty); return problems instead."""
    _questions, problems = parse_questions(values["questions"])
    if problems:
        return problems
    row = queries.page_override(session, service.id, location.id)
    before = history.override_snapshot(row) if row is not None else None
    if row is None:
        row = models.PageOverride(service_id=service.id, location_id=location.id)
        session.add(row)
    row.intro = values["intro"].strip()
    row.questions = values["questions"].strip()
    row.noindex, row.excluded = bool(values["noindex"]), bool(values["excluded"])
    row.updated_at = models.utcnow()
    after = history.override_snapshot(row)
    history.record(
        session,
        user=user,
        entity="override",
        entity_id=location.id,
        label=service.slug,
        action="update" if before else "create",
        before=before,
        after=after,
    )
    session.commit()
    site.refresh_page_state(session)
    return []


def restore(session: Session, change: models.Change, user: str) -> list[str]:
    """Bring a location, article or override back to the state a change recorded."""
    snapshot = history.snapshot_of(change)
    label = f"restore of change {change.id}"
    if change.entity == "location":
        row = queries.location_by_id(session, change.entity_id)
        if row is None:
            return ["that location no longer exists"]
        value, errors = check_location(session, snapshot, row)
        if value is None:
            return [f"{e.column}: {e.message}" for e in errors]
        if value == row.to_core():
            return ["the location already has exactly these values"]
        save_location(session, row, value, user, "restore")
        return []
    if change.entity == "service":
        service = session.get(models.Service, change.entity_id)
        if service is None:
            return ["that service no longer exists"]
        sections = [Section(s["heading"], s["level"], s["body"]) for s in snapshot["sections"]]
        draft = check_article(
            service,
            {name: snapshot[name] for name in PATTERNS},
            snapshot["article_title"],
            snapshot["article_intro"],
            sections,
        )
        if draft.problems:
            return draft.problems
        save_service(session, service, draft, user)
        return []
    if change.entity == "override":
        location = queries.location_by_id(session, change.entity_id)
        service = queries.service_by_slug(session, change.label)
        if location is None or service is None:
            return ["that page no longer exists"]
        values = {
            "intro": snapshot["intro"],
            "questions": snapshot["questions"],
            "noindex": snapshot["noindex"] == "yes",
            "excluded": snapshot["excluded"] == "yes",
        }
        return save_override(session, service, location, values, user)
    return [f"cannot restore {change.entity} changes ({label})"]
