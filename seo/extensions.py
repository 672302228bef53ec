"""Extensions created once and set up per app: CSRF, staff logins and request limits."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from seo.web import limits

csrf = CSRFProtect()

login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


def init_app(app: Flask) -> None:
    """Set up CSRF protection, staff logins and request limits (after the database)."""
    csrf.init_app(app)
    login_manager.init_app(app)
    limits.init_app(app)
