"""Public pages, sitemaps and robots.txt, with canonical URLs and HTTP caching."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from sqlalchemy.orm import Session

from seo import models, queries, site, sitemaps
from seo.db import get_engine, get_session
from seo.pages import Page

bp = Blueprint("public", __name__)

EXACT_PATHS = {"/robots.txt", "/sitemap.xml"}
SITEMAP_NAME_RE = re.compile(r"^(?P<group>[a-z0-9-]+)-(?P<number>[1-9][0-9]*)$")
CACHE_CONTROL = "public, max-age=300"


def _is_public_page_path(path: str) -> bool:
    if path in EXACT_PATHS or path.startswith(("/admin", "/static/", "/sitemaps/")):
        return False
    last = path.rsplit("/", 1)[-1]
    return "." not in last


@bp.before_app_request
def canonical_redirect() -> Response | None:
    """Send a page path without its trailing slash, or with capitals, to the canonical form."""
    path = request.path
    if not _is_public_page_path(path):
        return None
    canonical = path.lower()
    if not canonical.endswith("/"):
        canonical += "/"
    if canonical == path:
        return None
    query = request.query_string.decode("latin-1")
    return redirect(canonical + ("?" + query if query else ""), code=301)


def page_response(page: Page) -> Response:
    """Render a page and answer with ETag, Last-Modified and a 304 when the client has it."""
    session = get_session()
    body = site.render(page)
    state = site.page_state_for(session, page, body)
    response = Response(body, mimetype="text/html")
    response.set_etag(state.fingerprint)
    response.last_modified = site.last_modified(state)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>/")
def page(path: str) -> Response:
    outcome = site.resolve(get_session(), "/" + path)
    if outcome is None:
        abort(404)
    if isinstance(outcome, site.Redirect):
        return redirect(outcome.path, code=301)
    if isinstance(outcome, site.Gone):
        abort(410, outcome.reason)
    return page_response(outcome)


@bp.route("/robots.txt")
def robots() -> Response:
    text = sitemaps.robots_txt(current_app.config["SITE_URL"])
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _sitemap_files() -> list[tuple[str, int, int, object]]:
    """(file name, offset, limit, newest change) for every sitemap file."""
    files = []
    for group, count, _newest in queries.sitemap_groups(get_session()):
        limit = current_app.config.get("SITEMAP_URL_LIMIT", sitemaps.SITEMAP_URL_LIMIT)
        for number in range(1, sitemaps.chunk_count(count, limit) + 1):
            files.append((f"{group}-{number}", (number - 1) * limit, limit, group))
    return files


@bp.route("/sitemap.xml")
def sitemap_index() -> Response:
    session = get_session()
    base = current_app.config["SITE_URL"]
    entries = []
    for name, offset, limit, group in _sitemap_files():
        newest = queries.chunk_newest(session, group, offset, limit)
        entries.append(
            sitemaps.Entry(f"{base}/sitemaps/{name}.xml", models.as_utc(newest) if newest else None)
        )
    return Response("".join(sitemaps.write_index(entries)), mimetype="application/xml")


@bp.route("/sitemaps/<name>.xml")
def sitemap_file(name: str) -> Response:
    match = SITEMAP_NAME_RE.match(name)
    files = {f[0]: f for f in _sitemap_files()}
    if not match or name not in files:
        abort(404)
    _name, offset, limit, group = files[name]
    base = current_app.config["SITE_URL"]
    engine = get_engine()

    def generate():
        # Its own session, so the stream holds a connection only while it is read.
        with Session(engine) as session:
            rows = queries.sitemap_rows(session, group, offset, limit)
            entries = (sitemaps.Entry(base + path, models.as_utc(moment)) for path, moment in rows)
            yield from sitemaps.write_urlset(entries)

    return Response(generate(), mimetype="application/xml")


ERRORS = {
    404: ("Page not found", "We could not find that page. It may have moved."),
    405: ("Method not allowed", "This address does not accept that request."),
    410: ("This clinic has closed", "This location is no longer open."),
}


def error_page(error) -> tuple[str, int]:
    """A real error status with a small noindex page."""
    title, message = ERRORS.get(error.code, (error.name, error.description))
    if error.code == 410 and error.description:
        message = error.description
    body = render_template("error.html", code=error.code, title=title, message=message)
    return body, error.code


for _code in ERRORS:
    bp.app_errorhandler(_code)(error_page)
