"""Sign in to the staff workspace and out of it."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from seo.store.db import get_session
from seo.web.admin.auth import authenticate
from seo.web.admin.blueprint import bp
from seo.web.admin.forms import LoginForm
from seo.web.limits import limited


def _safe_next(target: str | None) -> str:
    """Only local /admin paths: never redirect a signed-in user off the site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin/"):
            return target
    return url_for("admin.dashboard")


def _login_failed(response: Response) -> bool:
    """Only failed sign-ins count towards the throttle."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limited("LOGIN_RATE_LIMIT", methods={"POST"}, counts=_login_failed)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing carried over from before sign-in
            login_user(user)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(_safe_next(form.next.data))
        form.password.errors = ["Wrong email or password, or the account is locked for a while."]
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("Signed out.", "success")
    return redirect(url_for("admin.login"))
