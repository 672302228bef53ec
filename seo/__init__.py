"""Local SEO landing-page manager."""

from __future__ import annotations

import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)

    from seo import config

    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)

    from seo import cli
    from seo.store import db
    from seo.web import admin, appointments, cache, public, security

    db.init_app(app)
    cache.init_app(app)
    app.register_blueprint(public.bp)
    admin.init_app(app)
    app.register_blueprint(appointments.bp)
    cli.init_app(app)
    security.init_app(app)
    return app
