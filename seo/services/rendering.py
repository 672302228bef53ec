"""The one read path: a path or a page reference -> its inputs -> compose -> render.

The server, the static build, page state, the audit and every staff preview call these."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from markupsafe import Markup

from seo.core import pages, schema_org
from seo.core.articles import CompiledArticle, compile_article
from seo.core.pages.model import Page, Site, language_name, og_locale
from seo.core.schema_org import script_json
from seo.services import catalogs, site_settings
from seo.store import models

_compiled: dict[tuple[str, int, str, str], CompiledArticle] = {}


def current_site() -> Site:
    url, brand, language = site_settings.site_values()
    return Site(url, brand, language, language, catalogs.interface(language))


def compiled(service: models.Service | models.Translation) -> CompiledArticle:
    """A service's article (or its translation), compiled once per version."""
    # updated_at has one-second precision: the content itself keeps quick edits apart.
    content = hashlib.sha256(repr(service.to_article()).encode()).hexdigest()
    key = (service.__tablename__, service.id, service.updated_at.isoformat(), content)
    if key not in _compiled:
        if len(_compiled) > 256:
            _compiled.clear()
        _compiled[key] = compile_article(service.to_article())
    return _compiled[key]


# What a public page template may read: its own values and the URL authority. Nothing per
# request (session, signed-in user, CSRF token), so it is rendered without Flask's
# render_template, whose context processors cost 40 % of a page's render (tests hold the
# templates to this list: tests/test_rendering.py).
PAGE_TEMPLATE_NAMES = frozenset(
    {"page", "site", "jsonld", "urls", "ui", "_", "ngettext", "og_locale", "language_name"}
)


def render(page: Page) -> bytes:
    """Render a composed page to the bytes every client receives."""
    ui = catalogs.interface(page.language)
    site = replace(current_site(), language=page.language)
    if not ui.english:
        page = schema_org.with_breadcrumbs(page, site, ui.crumb)
    template = catalogs.environment(ui).get_template(f"public/{page.kind}.html")
    html = template.render(
        page=page,
        site=site,
        urls=site.urls,  # links to pages in the page's own language
        og_locale=og_locale,
        language_name=language_name,
        jsonld=Markup(script_json(page.graph)),
        ui=ui,
        _=ui.gettext,
        ngettext=ui.ngettext,
    )
    return html.encode("utf-8")


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def inputs_key(inputs: object) -> str:
    """A page's rebuild key: equal keys, equal bytes."""
    return pages.digest(inputs, site_settings.render_version())
