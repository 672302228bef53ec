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
    config.check(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)

    from seo import cli, extensions
    from seo.store import db
    from seo.web import admin, appointments, cache, locator, public, security

    if app.config["TRUSTED_PROXIES"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client address, scheme and host as the nearest N proxies saw them; headers a
        # client wrote itself sit further left and are ignored.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    extensions.init_app(app)
    cache.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(locator.bp)
    admin.init_app(app)
    app.register_blueprint(appointments.bp)
    cli.init_app(app)
    security.init_app(app)
    return app
