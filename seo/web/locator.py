"""The store locator at /locations/?q=...: a plain GET form the server answers (noindex, cached
briefly), and the clinics' JSON index its script searches on a static host.

/locations/ without a search is the ordinary page, answered by the public blueprint."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request

from seo.core import locator as core
from seo.services import catalogs, locator
from seo.web import public
from seo.web.limits import limited

bp = Blueprint("locator", __name__)

SEARCH_CACHE = "public, max-age=60"  # answers change only when clinics do; keep them brief
INDEX_CACHE = "public, max-age=300"


def _not_a_search() -> bool:
    return not core.is_search(request.args)


@bp.route("/locations/")
@limited("LOCATOR_RATE_LIMIT", exempt=_not_a_search)
def locations() -> Response:
    if _not_a_search():
        return public.page("locations/")
    return _answer()


@bp.route("/<language>/locations/")
@limited("LOCATOR_RATE_LIMIT", exempt=_not_a_search)
def locations_in(language: str) -> Response:
    """The locator of another language's /<language>/locations/ page, in that language."""
    if _not_a_search() or catalogs.for_path(request.path).language != language:
        return public.page(f"{language}/locations/")
    return _answer()


def _answer() -> Response:
    ui = catalogs.for_path(request.path)
    search, problem = core.read_search(request.args, ui)
    body = locator.answer(search, problem, ui)
    response = Response(body, status=400 if problem else 200, mimetype="text/html")
    response.headers["Cache-Control"] = SEARCH_CACHE
    response.headers["X-Robots-Tag"] = "noindex"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


@bp.route("/locations/index.json")
def index() -> Response:
    body = locator.held().index()
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = INDEX_CACHE
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)
