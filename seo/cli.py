"""The `flask seo ...` command group: parse arguments, call, echo.

Each command imports what it runs in its body: `flask seo <command> --help`, and every
command, starts without the database layer, the services or the admin."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from seo.store.db import get_engine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from seo.services import gate

seo = AppGroup("seo", help="Manage the landing-page site.")


ALLOW_AUDIT_ERRORS = click.option(
    "--allow-audit-errors",
    is_flag=True,
    help="Publish even when the audit finds errors on the pages; recorded in history.",
)


def _cli_override(allowed: bool) -> gate.Override | None:
    from seo.services import gate

    return gate.Override("cli", "--allow-audit-errors") if allowed else None


def _session() -> Session:
    from sqlalchemy.orm import Session

    return Session(get_engine(), expire_on_commit=False)


def _fail(lines: list[str], advice: list[str] | None = None) -> None:
    """Exit 1 with one problem a line on stderr (machine-readable, `row N, column NAME:
    message` for a file's rows) and any advice for the person on stdout."""
    for line in lines:
        click.echo(line, err=True)
    for line in advice or ():
        click.echo(line)
    sys.exit(1)


def _read_bytes(path: str) -> bytes:
    from seo.core.locations import MAX_FILE_BYTES

    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:  # refused before a byte is read into memory
            _fail([f"{path}: the file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are read"])
        return Path(path).read_bytes()
    except OSError as exc:
        _fail([f"{path}: {exc.strerror}"])
    raise AssertionError("unreachable")


def _read_file(path: str) -> str:
    """A locations file's text; a byte that is not UTF-8 is named by its row and column."""
    from seo.core.locations import decode_csv

    try:
        return decode_csv(_read_bytes(path))
    except ValueError as exc:  # names its row and column, as every other problem does
        _fail([str(exc)])
    raise AssertionError("unreachable")


def _read_text(path: str) -> str:
    """An article's text: UTF-8 (a byte-order mark is accepted), a bad byte named by line."""
    data = _read_bytes(path)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(data[start:], "utf-8")
    except UnicodeDecodeError as exc:
        at = start + exc.start
        line = data[:at].count(b"\n") + 1
        _fail([f"{path}: line {line}: byte 0x{data[at]:02X} is not UTF-8; save as UTF-8"])
    raise AssertionError("unreachable")


@seo.command("init")
def init_command() -> None:
    """Create or migrate the schema; load the demo content into an empty database."""
    from sqlalchemy import func, select

    from seo.core.articles import ArticleError
    from seo.services import articles, gate, locations, page_state, photos, translations
    from seo.store import migrate, queries
    from seo.store.models import Service

    migrate.upgrade(get_engine())
    with _session() as session:
        if session.scalar(select(func.count()).select_from(Service)):
            click.echo("database is up to date; content left as it is")
            if not page_state.is_current(session):
                # Settings every page reads (SITE_URL, the brand, code) changed since pages
                # were fingerprinted: sitemaps' lastmod would disagree with Last-Modified.
                changed, removed = page_state.refresh(session)
                click.echo(f"settings changed: {changed} pages changed, {removed} removed")
            return
        content = Path(current_app.config["CONTENT_DIR"])
        try:
            count = articles.load_services(session, content)
        except ArticleError as exc:
            _fail(exc.problems)
        text = _read_file(current_app.config["LOCATIONS_CSV"])
        report = locations.import_locations(session, text)
        if not report.ok:
            _fail([str(e) for e in report.errors])
        try:
            translations.load_translations(session, content)
        except (ArticleError, gate.Refused) as exc:
            _fail(getattr(exc, "problems", None) or [str(f) for f in exc.findings])
        pictures = photos.load_demo(session, content / "photos")
        pages = len(queries.page_states(session))
        click.echo(
            f"loaded {count} services; locations: {report.summary()}; "
            f"{pictures} photos; {pages} pages"
        )


@seo.command("import-locations")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing.")
@click.option("--retire-missing", is_flag=True, help="Retire locations the file leaves out.")
@click.option(
    "--allow-mass-retire",
    is_flag=True,
    help="Allow retiring more than half of the published clinics.",
)
@ALLOW_AUDIT_ERRORS
def import_locations_command(
    file: str,
    dry_run: bool,
    retire_missing: bool,
    allow_mass_retire: bool,
    allow_audit_errors: bool,
) -> None:
    """Validate a locations CSV, then upsert it by slug in one transaction."""
    from seo.services import locations

    text = _read_file(file)
    with _session() as session:
        report = locations.import_locations(
            session,
            text,
            dry_run=dry_run,
            retire_missing=retire_missing,
            override=_cli_override(allow_audit_errors),
            allow_mass_retire=allow_mass_retire,
        )
        if report.mass_retire:
            going = [f"  {o.name} ({o.slug})" for o in report.retiring_live]
            _fail(
                [str(e) for e in report.errors],
                ["it would take these clinics offline:", *going]
                + ["check the file; to retire them all the same: --allow-mass-retire"],
            )
        if not report.ok:
            hint = ["(publishing despite them: --allow-audit-errors)"] if report.gated else []
            _fail([str(e) for e in report.errors], hint)
    click.echo(report.summary() + (" (dry run: nothing written)" if dry_run else ""))


@seo.command("export-locations")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_locations_command(file: str) -> None:
    """Write every location in the locations.csv format."""
    import csv
    import io

    from seo.services import locations

    with _session() as session:
        text = locations.export_locations(session)
    Path(file).write_text(text, encoding="utf-8", newline="")
    rows = sum(1 for _row in csv.reader(io.StringIO(text))) - 1  # an intro may hold lines
    click.echo(f"wrote {max(rows, 0)} rows to {file}", err=True)


@seo.command("import-article")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--service", "service_slug", required=True, help="The service's slug.")
@click.option(
    "--language",
    default=None,
    help="The article's language (e.g. es) when it is not the site's default language.",
)
@ALLOW_AUDIT_ERRORS
def import_article_command(
    file: str, service_slug: str, language: str | None, allow_audit_errors: bool
) -> None:
    """Import a service's article from Markdown or the pasted plain-text layout."""
    from seo.core.articles import ArticleError
    from seo.services import articles, gate, translations

    text = _read_text(file)
    override = _cli_override(allow_audit_errors)
    with _session() as session:
        try:
            if language is None:
                article = articles.import_article(session, service_slug, text, override=override)
            else:
                article = translations.import_translation(
                    session, service_slug, language, text, override=override
                )
        except ArticleError as exc:
            _fail([f"{file}: {p}" for p in exc.problems])
        except gate.Refused as refused:
            _fail(
                [f"{file}: {f.path}: {f.rule}: {f.message}" for f in refused.findings]
                + ["not imported (publishing despite them: --allow-audit-errors)"]
            )
    click.echo(f"imported {article.title!r}: {len(article.sections)} sections")


@seo.command("build")
@click.argument("outdir", type=click.Path())
@click.option(
    "--workers", type=int, default=None, help="Processes to render with (default: all cores)."
)
@click.option("--strict", is_flag=True, help="Refuse to build while the audit reports errors.")
def build_command(outdir: str, workers: int | None, strict: bool) -> None:
    """Write every public URL, the sitemaps and robots.txt as a static file tree."""
    from seo.core.urls import PathClash
    from seo.services import build, build_folder

    if strict:
        from seo.services import quality as auditing

        with _session() as session:
            blocking = auditing.blocking_findings(session)
        if blocking:
            _fail(
                [f"{f.path}: {f.rule}: {f.message}" for f in blocking]
                + [f"build refused: {len(blocking)} error findings (see `seo audit`)"]
            )
    progress = build.terminal_progress if sys.stderr.isatty() else None
    try:
        report = build.build_site(Path(outdir), workers=workers, progress=progress)
    except (build_folder.OutdirRefused, PathClash) as exc:
        _fail([f"build refused: {exc}"])
    click.echo(report.summary())


@seo.command("indexnow")
@click.option("--dry-run", is_flag=True, help="Print the URLs that would be sent; change nothing.")
def indexnow_command(dry_run: bool) -> None:
    """Send the queued IndexNow notices of pages added, changed or removed (run it by cron)."""
    from seo.core.indexnow import URL_LIMIT
    from seo.services import indexnow

    config = current_app.config
    if not config.get("INDEXNOW_KEY"):
        click.echo("IndexNow is off (INDEXNOW_KEY is not set): nothing sent", err=True)
        return
    if dry_run:
        with get_engine().connect() as connection:
            for url in indexnow.due(connection):
                click.echo(url)
        return
    report = indexnow.send(
        get_engine(),
        key=config["INDEXNOW_KEY"],
        endpoint=config["INDEXNOW_ENDPOINT"],
        limit=config.get("INDEXNOW_URL_LIMIT", URL_LIMIT),
    )
    click.echo(report.summary())


def init_app(app: Flask) -> None:
    app.cli.add_command(seo)


@seo.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor", show_default=True)
def create_user_command(email: str, role: str) -> None:
    """Create a staff account (password from SEO_PASSWORD or a prompt)."""
    import os

    from seo.store import migrate
    from seo.web.admin.auth import AccountError, create_user

    password = os.environ.get("SEO_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    migrate.upgrade(get_engine())
    with _session() as session:
        try:
            user, created = create_user(session, email, password, role)
        except AccountError as exc:
            _fail([f"create-user: {exc}"])
    verb = "created" if created else "updated password and role of"
    click.echo(f"{verb} {user.email} ({user.role})")


@seo.command("audit")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def audit_command(output: str) -> None:
    """Check every published page; exit status 1 when any finding is an error."""
    from seo import audit
    from seo.services import quality as auditing

    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            if done % 200 == 0 or done == total:
                click.echo(f"\raudited {done}/{total} pages", err=True, nl=done == total)

    with _session() as session:
        findings, pages = auditing.run_audit(session, progress=progress)
    formatter = audit.format_json if output == "json" else audit.format_text
    click.echo(formatter(findings, pages), nl=False)
    if any(f.level == audit.ERROR for f in findings):
        sys.exit(1)


@seo.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def dump_command(file: str) -> None:
    """Write the whole content (every table) to a JSON Lines backup (.gz: compressed)."""
    from seo.store import backup

    try:
        summary = backup.dump(get_engine(), Path(file))
    except backup.BackupError as exc:
        _fail([f"dump: {exc}"])
    click.echo(summary.text(f"dumped to {file}"))


@seo.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the content of a database that has some.")
def restore_command(file: str, force: bool) -> None:
    """Load a backup from `seo dump` into an empty database (migrated first), in one transaction."""
    from seo.store import backup

    try:
        summary = backup.restore(get_engine(), Path(file), force=force)
    except backup.BackupError as exc:
        _fail([f"restore: {exc}"])
    click.echo(summary.text(f"restored from {file}"))
