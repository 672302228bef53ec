"""Compiled templates kept between processes: read back instead of compiled again, kept
apart by language, catalog and code version, and never in the way of a page when they
can't be kept."""

import logging
import shutil
from pathlib import Path

import pytest
from conftest import make_app
from jinja2 import Environment

from seo.services import catalogs as catalogs_module
from seo.services import site_settings, template_cache

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ENGLISH = "/neuropathic-pain-treatment/florissant-mo/"
SPANISH = "/es/neuropathic-pain-treatment/florissant-mo/"
PAGES = (ENGLISH, SPANISH)
TRANSLATIONS = Path(__file__).resolve().parent.parent / "seo" / "translations"


def fetch_all(app) -> dict[str, bytes]:
    client = app.test_client()
    answers = {path: client.get(path) for path in PAGES}
    assert all(a.status_code == 200 for a in answers.values()), answers
    return {path: answer.data for path, answer in answers.items()}


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.jinja"))


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The names of the templates compiled from here on, by any environment."""
    names: list[str] = []
    original = Environment.compile

    def compile(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", compile)
    return names


@sqlite_only
def test_an_app_that_starts_reads_the_templates_compiled_before(
    app, database_url, tmp_path, compiled
):
    folder = tmp_path / "compiled"
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    assert "public/landing.html" in compiled
    compiled.clear()
    assert fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=str(folder))) == plain
    assert "public/landing.html" in compiled
    kept = entries(folder)
    assert kept, "nothing was kept"
    compiled.clear()
    assert fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=str(folder))) == plain
    assert "public/landing.html" not in compiled and "public/base.html" not in compiled
    assert entries(folder) == kept


@sqlite_only
def test_each_language_keeps_its_own_compiled_templates(app, database_url, tmp_path):
    """Interface text is translated as a template is compiled: a Spanish page must never
    be rendered from the English compilation, nor the reverse."""
    folder = str(tmp_path / "compiled")
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    assert b'lang="es"' in plain[SPANISH]
    for order in ([ENGLISH, SPANISH], [SPANISH, ENGLISH]):
        client = make_app(database_url, TEMPLATE_CACHE_DIR=folder).test_client()
        assert {path: client.get(path).data for path in order} == plain


@sqlite_only
def test_an_edited_catalog_is_compiled_again(app, database_url, tmp_path):
    folder = str(tmp_path / "compiled")
    catalogs = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, catalogs, ignore=shutil.ignore_patterns("*.mo"))
    first = make_app(database_url, TEMPLATE_CACHE_DIR=folder, TRANSLATIONS_DIR=str(catalogs))
    assert "Ir al contenido" in fetch_all(first)[SPANISH].decode()
    po = catalogs / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('"Ir al contenido"', '"Saltar al contenido"'))
    catalogs_module._interface.cache_clear()  # as in a process that starts after the edit
    edited = make_app(database_url, TEMPLATE_CACHE_DIR=folder, TRANSLATIONS_DIR=str(catalogs))
    body = fetch_all(edited)[SPANISH].decode()
    assert "Saltar al contenido" in body and "Ir al contenido" not in body


def test_a_new_code_version_starts_a_new_folder_and_drops_the_old(tmp_path, monkeypatch):
    template_cache._version_folder.cache_clear()
    old = Path(template_cache.TemplateCache(str(tmp_path), "en").directory)
    (old / "entry.jinja").write_bytes(b"")
    monkeypatch.setattr(site_settings, "render_version", lambda: "another version")
    template_cache._version_folder.cache_clear()
    new = Path(template_cache.TemplateCache(str(tmp_path), "en").directory)
    assert new != old and new.parent == old.parent == tmp_path
    assert not old.exists() and new.is_dir()
    template_cache._version_folder.cache_clear()


@sqlite_only
def test_a_folder_that_cannot_be_made_leaves_templates_compiled_in_process(
    app, database_url, tmp_path, caplog
):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=""))
    broken = make_app(database_url, TEMPLATE_CACHE_DIR=str(blocker / "compiled"))
    with caplog.at_level(logging.WARNING, logger="seo.services.template_cache"):
        assert fetch_all(broken) == plain
    assert caplog.text.count("compiled templates are not kept") == 2  # once per language


@sqlite_only
def test_a_folder_that_goes_away_warns_once_and_pages_still_render(
    app, database_url, tmp_path, caplog
):
    folder = tmp_path / "compiled"
    plain = fetch_all(make_app(database_url, TEMPLATE_CACHE_DIR=str(folder)))
    shutil.rmtree(folder)
    gone = make_app(database_url, TEMPLATE_CACHE_DIR=str(folder))
    with caplog.at_level(logging.WARNING, logger="seo.services.template_cache"):
        assert fetch_all(gone) == plain
    assert caplog.text.count("compiled templates are not kept") == 2  # once per language
