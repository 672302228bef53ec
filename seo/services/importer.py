"""Write validated locations and articles in one transaction each; return a report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seo.core.articles import (
    PLACEHOLDERS,
    Article,
    ArticleError,
    check_template,
    compile_article,
    parse_article,
)
from seo.core.locations import RowError, parse_locations, write_locations
from seo.store import history, models, queries


@dataclass(frozen=True)
class RowOutcome:
    """What an import does to one location: created, updated, unchanged or retired."""

    action: str
    slug: str
    row: int | None = None  # file line; None for a location the file leaves out
    fields: tuple[str, ...] = ()  # the columns that change


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, retired {self.retired}"
        )


def import_locations(
    session: Session,
    text: str,
    *,
    dry_run: bool = False,
    retire_missing: bool = False,
    user: str = "cli",
) -> ImportReport:
    """Validate a whole locations file, then upsert it by slug in one transaction.

    Set-based: one read of the current values, then executemany INSERT and UPDATE
    statements (and history rows), not one ORM object per row. Every written
    location is recorded in the change history under `user`."""
    # Versions first, values second: a save landing between the two reads leaves a version
    # older than the values, so the UPDATE below finds it changed and nothing is lost.
    versions = dict(session.execute(select(models.Location.slug, models.Location.version)).all())
    existing = queries.location_values(session)
    parsed = parse_locations(
        text, known_services=queries.service_slugs(session), existing_slugs=existing.keys()
    )
    report = ImportReport(errors=parsed.errors)
    if parsed.errors:
        return report
    now = models.utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    changes: list[tuple[str, str, dict | None, dict]] = []  # action, slug, before, after
    in_file = set()
    rows_of: dict[str, int] = {}
    for row_no, value in parsed.rows:
        in_file.add(value.slug)
        current = existing.get(value.slug)
        if current is None:
            inserts.append({**models.location_columns(value), "created_at": now, "updated_at": now})
            report.created += 1
            report.outcomes.append(RowOutcome("created", value.slug, row_no))
            changes.append(("create", value.slug, None, history.value_snapshot(value)))
            continue
        location_id, before = current
        if before == value:
            report.unchanged += 1
            report.outcomes.append(RowOutcome("unchanged", value.slug, row_no))
            continue
        updates.append(
            {
                **models.location_columns(value),
                "_id": location_id,
                "_version": versions.get(value.slug),
                "updated_at": now,
            }
        )
        rows_of[value.slug] = row_no
        old, new = history.value_snapshot(before), history.value_snapshot(value)
        changed = tuple(history.diff(old, new))
        if value.status == "retired" and before.status != "retired":
            report.retired += 1
            report.outcomes.append(RowOutcome("retired", value.slug, row_no, changed))
        else:
            report.updated += 1
            report.outcomes.append(RowOutcome("updated", value.slug, row_no, changed))
        changes.append(("import", value.slug, old, new))
    if retire_missing:
        for slug, (location_id, before) in existing.items():
            if slug not in in_file and before.status != "retired":
                columns = {**models.location_columns(before), "status": "retired"}
                updates.append(
                    {
                        **columns,
                        "_id": location_id,
                        "_version": versions.get(slug),
                        "updated_at": now,
                    }
                )
                report.retired += 1
                report.outcomes.append(RowOutcome("retired", slug, None, ("status",)))
                old = history.value_snapshot(before)
                changes.append(("retire", slug, old, {**old, "status": "retired"}))
    if dry_run:
        return report
    table = models.Location.__table__
    try:
        if inserts:
            session.execute(table.insert(), inserts)
    except IntegrityError:  # another writer created one of these slugs meanwhile
        session.rollback()
        taken = set(queries.location_ids(session))
        report.errors = [
            RowError(
                row_no,
                "slug",
                f"{value.slug!r} was created by someone else during "
                "this import; nothing was written; run the import again",
            )
            for row_no, value in parsed.rows
            if value.slug in taken and value.slug not in existing
        ] or [RowError(1, "-", "the import collided with another change; run it again")]
        return report
    if updates:
        columns = {k: bindparam(k) for k in updates[0] if k not in ("_id", "_version")}
        statement = (
            table.update()
            .where(table.c.id == bindparam("_id"), table.c.version == bindparam("_version"))
            .values(**columns, version=table.c.version + 1)
        )
        if session.execute(statement, updates).rowcount != len(updates):
            # Optimistic locking, as the ORM does for staff edits: never overwrite a save
            # made after this import read the location.
            session.rollback()
            now_versions = dict(
                session.execute(select(models.Location.slug, models.Location.version)).all()
            )
            report.errors = [
                RowError(
                    rows_of.get(u["slug"], 1),
                    "-",
                    f"location {u['slug']!r} was changed "
                    "by someone else during this import; nothing was written; run it again",
                )
                for u in updates
                if now_versions.get(u["slug"]) != u["_version"]
            ] or [RowError(1, "-", "the import collided with another change; run it again")]
            return report
    if changes:
        ids = queries.location_ids(session) if inserts else {}
        rows = [
            history.change_row(
                at=now,
                user=user,
                entity_id=ids[slug] if action == "create" else existing[slug][0],
                label=slug,
                action=action,
                before=before,
                after=after,
            )
            for action, slug, before, after in changes
        ]
        session.execute(models.Change.__table__.insert(), rows)
    session.commit()
    return report


def export_locations(session: Session) -> str:
    """Every location in the locations.csv format."""
    return write_locations(row.to_core() for row in queries.all_locations(session))


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


def check_compiled(article: Article) -> None:
    """Raise ArticleError unless the article, as the pages compile it, fills without error.

    parse_article checks the text as written; pages compile it after Markdown, which turns
    `>` or `'` inside a placeholder expression into entities and can break it."""
    try:
        compile_article(article).render(PLACEHOLDERS)
    except Exception as exc:  # staff text must fail the import, never every page later
        raise ArticleError([f"a placeholder cannot be filled once formatted: {exc}"]) from None


def import_article(session: Session, service_slug: str, text: str, user: str = "cli") -> Article:
    """Parse an article and make it the service's article, or raise ArticleError."""
    service = queries.service_by_slug(session, service_slug)
    if service is None:
        known = ", ".join(queries.service_slugs(session)) or "none yet"
        raise ArticleError([f"no service has the slug {service_slug!r}; known: {known}"])
    article = parse_article(text)
    check_compiled(article)
    replace_article(session, service, article, user=user, action="import")
    return article


def replace_article(
    session: Session,
    service: models.Service,
    article: Article,
    *,
    user: str,
    action: str,
    patterns: dict[str, str] | None = None,
) -> None:
    """Replace a service's article (and patterns), record the change in history, commit."""
    before = history.service_snapshot(service)
    for name, value in (patterns or {}).items():
        setattr(service, name, value.strip())
    save_article(session, service, article)
    session.flush()
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
    session.commit()


SERVICE_PATTERNS = ("heading_pattern", "keyword_pattern", "title_pattern", "description_pattern")


def load_services(session: Session, content_dir: Path) -> int:
    """Create the bundled services and their articles from content/services.json."""
    specs = json.loads((content_dir / "services.json").read_text(encoding="utf-8"))
    for position, spec in enumerate(specs):
        for name in SERVICE_PATTERNS:
            problems = check_template(spec[name].replace("{", "{{ ").replace("}", " }}"), name)
            if problems:
                raise ArticleError([f"services.json, {spec['slug']}: {p}" for p in problems])
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
            **{name: spec[name] for name in SERVICE_PATTERNS},
        )
        session.add(service)
        text = (content_dir / "articles" / spec["article"]).read_text(encoding="utf-8")
        try:
            save_article(session, service, parse_article(text))
        except ArticleError as exc:
            raise ArticleError([f"{spec['article']}: {p}" for p in exc.problems]) from None
    session.commit()
    return len(specs)
