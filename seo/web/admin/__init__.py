"""The staff workspace: accounts, locations, CSV imports, articles, page overrides, history."""

from __future__ import annotations

from flask import Flask

from seo.web.admin.auth import csrf, limiter, login_manager


def init_app(app: Flask) -> None:
    """Register CSRF protection, logins, login throttling and the admin blueprint."""
    from seo.web.admin import quality, views  # noqa: F401 (quality adds its routes to views.bp)

    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    app.register_blueprint(views.bp)
