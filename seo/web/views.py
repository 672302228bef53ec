"""The app whose views are set up on first use, so commands start without them.

A command such as `seo build` renders pages but serves no request: it never needs the admin,
its forms, the limiter or the login manager. The views, with the extensions only they use,
are registered when the app first handles a request (or a test builds one)."""

from __future__ import annotations

import threading

from flask import Flask


def register(app: Flask) -> None:
    """Set up CSRF, logins and limits, then register every blueprint."""
    from seo import extensions
    from seo.web import admin, appointments, locator, public

    extensions.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(locator.bp)
    admin.init_app(app)
    app.register_blueprint(appointments.bp)


class App(Flask):
    """Flask with its views registered on the first request, test request or route listing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._views_lock = threading.Lock()
        self._views_ready = False

    def load_views(self) -> None:
        if self._views_ready:
            return
        with self._views_lock:
            if not self._views_ready:
                register(self)
                self._views_ready = True

    def wsgi_app(self, environ, start_response):
        self.load_views()
        return super().wsgi_app(environ, start_response)

    def test_request_context(self, *args, **kwargs):
        self.load_views()
        return super().test_request_context(*args, **kwargs)
