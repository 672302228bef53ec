"""The staff workspace: accounts, locations, CSV imports, articles, page overrides, history."""

from __future__ import annotations

from flask import Flask

# Each area module adds its routes to blueprint.bp. The areas import their siblings by full
# name (never `from seo.web.admin import ...`), so nothing imports this package back.
from seo.web.admin import (  # noqa: F401 (imported for their routes)
    articles,
    dashboard,
    history,
    imports,
    locations,
    overrides,
    photos,
    publishing,
    quality,
    requests,
    revisions,
    signin,
    translations,
)
from seo.web.admin.blueprint import bp


def init_app(app: Flask) -> None:
    """Register the admin blueprint (CSRF, logins and limits are set up in seo.extensions)."""
    app.register_blueprint(bp)
