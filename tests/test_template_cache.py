"""Compiled templates kept between processes: read back instead of compiled again, kept
apart by language and code version, and never in the way of a page when they can't be kept."""

import logging

import pytest
from conftest import make_app

from seo.services import site_settings, template_cache

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PAGES = (
    "/neuropathic-pain-treatment/florissant-mo/",
    "/es/neuropathic-pain-treatment/florissant-mo/",
)


def fetch_all(app) -> dict[str, bytes]:
    client = app.test_client()
    answers = {path: client.get(path) for path in PAGES}
    assert all(a.status_code == 200 for a in answers.values()), answers
    return {path: answer.data for path, answer in answers.items()}


def count_compiles(app, monkeypatch) -> list[str]:
    """The names of the templates the app's environments compile from here on."""
    compiled: list[str] = []
    from jinja2 import Environment

    original = Environment.compile

    def compile(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", compile)
    return compiled


@sqlite_only
def test_an_app_that_starts_reads_the_templates_compiled_before(
    app, database_url, tmp_path, monkeypatch
):
    folder = str(tmp_path / "compiled")
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    first = make_app(database_url, TEMPLATE_CACHE_DIR=folder)
    compiled = count_compiles(first, monkeypatch)
    assert fetch_all(first) == plain
    assert "public/landing.html" in compiled
    kept = sorted(p.name for p in (tmp_path / "compiled").iterdir())
    assert kept, "nothing was kept"
    compiled.clear()
    assert fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=folder)) == plain
    assert "public/landing.html" not in compiled and "public/base.html" not in compiled
    assert sorted(p.name for p in (tmp_path / "compiled").iterdir()) == kept


@sqlite_only
def test_each_language_keeps_its_own_compiled_templates(app, database_url, tmp_path):
    """Interface text is translated as a template is compiled: a Spanish page must never
    be rendered from the English compilation, nor the reverse."""
    folder = str(tmp_path / "compiled")
    english, spanish = PAGES
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    assert b'lang="es"' in plain[spanish]
    for order in ([english, spanish], [spanish, english]):
        client = make_app(database_url, TEMPLATE_CACHE_DIR=folder).test_client()
        assert {path: client.get(path).data for path in order} == plain
    caches = [
        template_cache.for_language(folder, language).get_cache_key("public/base.html")
        for language in ("en", "es")
    ]
    assert caches[0] != caches[1]


def test_a_new_code_version_compiles_again(tmp_path, monkeypatch):
    cache = template_cache.TemplateCache(tmp_path, "en")
    before = cache.get_cache_key("public/base.html", "/templates/public/base.html")
    monkeypatch.setattr(site_settings, "render_version", lambda: "another version")
    assert cache.get_cache_key("public/base.html", "/templates/public/base.html") != before


@sqlite_only
def test_a_folder_that_cannot_be_made_leaves_templates_compiled_in_process(
    app, database_url, tmp_path, caplog
):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING):
        broken = make_app(database_url, TEMPLATE_CACHE_DIR=str(blocker / "compiled"))
    assert broken.jinja_env.bytecode_cache is None
    assert "compiled templates are not kept" in caplog.text
    assert fetch_all(broken) == fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))


@sqlite_only
def test_a_folder_that_goes_away_warns_once_and_pages_still_render(
    app, database_url, tmp_path, caplog
):
    folder = tmp_path / "compiled"
    gone = make_app(database_url, TEMPLATE_CACHE_DIR=str(folder))
    folder.rmdir()
    with caplog.at_level(logging.WARNING, logger="seo.services.template_cache"):
        assert fetch_all(gone) == fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    # Once, for the English templates (several could not be kept); Spanish, first used
    # after the folder went, made it again.
    assert caplog.text.count("compiled templates are not kept") == 1
