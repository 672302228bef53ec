"""Local SEO landing-page manager."""

from __future__ import annotations

import os

from flask import Flask

from seo.web.views import App


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = App(
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

    from seo import cli
    from seo.core import urls
    from seo.services import catalogs
    from seo.store import db
    from seo.web import cache, security

    if app.config["TRUSTED_PROXIES"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client address, scheme and host as the nearest N proxies saw them; headers a
        # client wrote itself sit further left and are ignored.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    cache.init_app(app)
    # Templates make page paths with the one URL authority, as Python code does, and
    # write their interface text as messages of the catalogs.
    app.jinja_env.globals["urls"] = urls
    catalogs.install(app)
    cli.init_app(app)
    security.init_app(app)
    return app  # the views follow on first use (seo.web.views)
