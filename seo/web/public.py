"""Public pages, sitemaps and robots.txt, with canonical URLs and HTTP caching."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    send_from_directory,
)

from seo.core import sitemaps, urls
from seo.core.interface import N_
from seo.services import catalogs, feeds, lookup, page_state, rendering, site_settings
from seo.store import generation, media, models, queries
from seo.store.db import get_engine, get_session
from seo.web import cache

bp = Blueprint("public", __name__)


CACHE_CONTROL = "public, max-age=300"


@bp.before_app_request
def canonical_redirect() -> Response | None:
    """Send a page path without its trailing slash, or with capitals, to the canonical form;
    a path whose canonical form is no page answers 404 at once, never a redirect first."""
    path = request.path
    if not urls.is_page_path(path):
        return None
    canonical = urls.canonical(path)
    if canonical == path:
        return None
    if not _answers(canonical):
        abort(404)
    query = request.query_string.decode("latin-1")
    return redirect(canonical + ("?" + query if query else ""), code=301)


def _answers(path: str) -> bool:
    """Whether a canonical page path answers other than 404: a page, or where one went (a
    renamed slug, a retired clinic)."""
    with get_engine().connect() as connection:
        if queries.page_fingerprint(connection, path) is not None:
            return True
    return lookup.resolve(get_session(), path) is not None


def _conditional(body: bytes, fingerprint: str, changed_at) -> Response:
    response = Response(body, mimetype="text/html")
    response.set_etag(fingerprint)
    response.last_modified = changed_at
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


def page_response(item: page_state.Planned) -> Response:
    """Render a page and answer with ETag, Last-Modified and a 304 when the client has it."""
    _page, body, _state = page_state.render(item)
    state = page_state.state_for(get_session(), item, body)
    day = site_settings.today()
    cache.get_cache().set(cache.page_key(item.path, state.fingerprint, day.isoformat()), body)
    cache.mark_cacheable(day)
    return _conditional(body, state.fingerprint, page_state.last_modified(state))


def _from_cache(path: str) -> Response | None:
    """Answer from the page cache when the page's current fingerprint is cached."""
    # A Core read on a pooled connection: the ORM session costs more than the rest.
    with get_engine().connect() as connection:
        state = queries.page_fingerprint(connection, path)
    if state is None:
        return None
    fingerprint, changed_at = state
    if request.if_none_match and fingerprint in request.if_none_match:
        return _conditional(b"", fingerprint, models.as_utc(changed_at))
    day = site_settings.today()
    body = cache.get_cache().get(cache.page_key(path, fingerprint, day.isoformat()))
    if body is None:
        return None
    cache.mark_cacheable(day)
    return _conditional(body, fingerprint, models.as_utc(changed_at))


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>", strict_slashes=False)
def page(path: str) -> Response:
    canonical = "/" + path
    if not urls.is_page_path(canonical) or not canonical.endswith("/"):
        abort(404)  # a file that is not there (/wp-login.php): a real 404, no redirect first
    if cache.MOVED_COOKIE in request.cookies:
        moved = _successor_page(canonical, request.cookies[cache.MOVED_COOKIE])
        if moved is not None:
            return moved
    cached = _from_cache(canonical)
    if cached is not None:
        return cached
    outcome = lookup.resolve(get_session(), canonical)
    if outcome is None:
        abort(404)
    if isinstance(outcome, lookup.Redirect):
        response = redirect(outcome.path, code=301)
        if outcome.closed:
            # For the successor's page alone: it says which clinic closed, once. Crawlers
            # keep no cookies and see the page as it is.
            response.set_cookie(
                cache.MOVED_COOKIE,
                outcome.closed,
                max_age=300,
                path=outcome.path,
                secure=request.is_secure,
                httponly=True,
                samesite="Lax",
            )
        return response
    if isinstance(outcome, lookup.Gone):
        abort(410, outcome.reason)
    return page_response(outcome)


MAIN_OPENS = b'<main id="main" class="wrap">'


def _successor_page(path: str, slug: str) -> Response | None:
    """The page a retired clinic's redirect leads to, saying which clinic closed: the page's
    own bytes (canonical and all) with a notice, under an ETag of its own. None when `slug`
    is not a retired clinic that redirects here: then the page is served as it always is."""
    session = get_session()
    closed = lookup.closed_predecessor(session, path, slug)
    outcome = lookup.resolve(session, path) if closed is not None else None
    if not isinstance(outcome, page_state.Planned):
        return None
    _page, body, _state = page_state.render(outcome)
    state = page_state.state_for(session, outcome, body)
    ui = catalogs.for_path(path)
    notice = catalogs.render_template(ui, "public/_moved.html", closed=closed).encode()
    body = body.replace(MAIN_OPENS, MAIN_OPENS + notice, 1)
    response = _conditional(body, f"{state.fingerprint}-{slug}", page_state.last_modified(state))
    response.headers["Cache-Control"] = "private, no-cache"  # this visitor's, not a CDN's
    response.vary.add("Cookie")
    response.delete_cookie(cache.MOVED_COOKIE, path=path, httponly=True, samesite="Lax")
    return response


# A variant's name holds the hash of its content: a changed photo is a new URL.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_TYPES = {"jpg": "image/jpeg", "webp": "image/webp"}


@bp.route(f"/{urls.MEDIA}/photos/<name>")
def photo_file(name: str) -> Response:
    if urls.parse_photo(request.path) != name:
        abort(404)
    response = send_from_directory(
        media.current().photos, name, mimetype=MEDIA_TYPES[name.rsplit(".", 1)[1]]
    )
    response.headers["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response


@bp.route("/robots.txt")
def robots() -> Response:
    text = sitemaps.robots_txt(current_app.config["SITE_URL"])
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.route("/<name>.txt")
def indexnow_key_file(name: str) -> Response:
    """The IndexNow key file: the key as plain text, at the path made for it."""
    key = current_app.config.get("INDEXNOW_KEY")
    if not key or request.path != urls.indexnow_key_file(key):
        abort(404)
    response = Response(key, mimetype="text/plain")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@dataclass
class _Counted:
    """The sitemap files counted at one site generation, and their index once asked for."""

    key: tuple
    files: list[feeds.SitemapFile]
    index: str | None = None


def _counted() -> _Counted:
    """The sitemap files, counted once per site generation: page state, which sitemaps are
    made of, moves the generation with every change (seo.store.generation)."""
    session, site_url = get_session(), current_app.config["SITE_URL"]
    limits = site_settings.sitemap_limits()
    key = (site_url, limits, generation.value(session))
    counted = current_app.extensions.get("sitemaps")
    if counted is None or counted.key != key:
        counted = _Counted(key, feeds.sitemap_files(session, site_url, limits))
        current_app.extensions["sitemaps"] = counted
    return counted


@bp.route("/sitemap.xml")
def sitemap_index() -> Response:
    counted = _counted()
    if counted.index is None:
        site_url = current_app.config["SITE_URL"]
        counted.index = feeds.sitemap_index(get_session(), site_url, counted.files)
    return Response(counted.index, mimetype="application/xml")


@bp.route("/sitemaps/<name>.xml")
def sitemap_file(name: str) -> Response:
    item = next((f for f in _counted().files if f.name == name), None)
    if item is None:
        abort(404)
    document = feeds.sitemap_document(get_engine(), current_app.config["SITE_URL"], item)
    return Response(document, mimetype="application/xml")


ERRORS = {
    404: (N_("Page not found"), N_("We could not find that page. It may have moved.")),
    405: (N_("Method not allowed"), N_("This address does not accept that request.")),
    410: (N_("This clinic has closed"), N_("This location is no longer open.")),
    # Searches of the store locator over LOCATOR_RATE_LIMIT.
    429: (
        N_("Too many requests"),
        N_("We have received many searches from your address. Please wait a while and try again."),
    ),
}


def error_page(error) -> tuple[str, int]:
    """A real error status with a small noindex page."""
    title, message = ERRORS.get(error.code, (error.name, error.description))
    if error.code == 410 and error.description:
        message = error.description
    ui = catalogs.for_path(request.path)
    body = catalogs.render_template(
        ui,
        "error.html",
        code=error.code,
        title=title,
        message=message,
        site=rendering.current_site(),
    )
    return body, error.code


for _code in ERRORS:
    bp.app_errorhandler(_code)(error_page)
