"""The admin blueprint: every /admin URL needs a signed-in account and is never cached."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_login() -> Response | None:
    if request.endpoint in ("admin.login", "admin.static") or current_user.is_authenticated:
        return None
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


@bp.app_context_processor
def new_requests() -> dict:
    """The count of new appointment requests for the header, read only when it is shown."""
    from seo.store import queries
    from seo.store.db import get_session

    def count() -> int:
        return queries.new_request_count(get_session())

    return {"new_request_count": count}


@bp.after_app_request
def staff_headers(response: Response) -> Response:
    """Keep staff pages out of search engines and out of shared caches."""
    if request.path == "/admin" or request.path.startswith("/admin/"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("admin/error.html", title="Form expired", message=error.description), 400


@bp.errorhandler(429)
def too_many(error) -> tuple[str, int]:
    message = "Too many sign-in attempts. Wait a minute and try again."
    return render_template("admin/error.html", title="Slow down", message=message), 429
