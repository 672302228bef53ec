"""One page model: every kind declared once, every path made and parsed in one place, every
page the same bytes whether served, built or previewed."""

import pytest
from conftest import rendered_pages
from sqlalchemy import text
from sqlalchemy.orm import Session

from seo.core import pages, urls
from seo.core.urls import PageRef
from seo.services import lookup, page_state, rendering
from seo.services.build import build_site
from seo.services.sources import Catalog
from seo.store.db import get_engine

REFS = [
    PageRef("home"),
    PageRef("locations"),
    PageRef("state", ("MO",)),
    PageRef("location", ("florissant-mo",)),
    PageRef("service", ("neuropathic-pain-treatment",)),
    PageRef("landing", ("neuropathic-pain-treatment", "florissant-mo")),
]


@pytest.mark.parametrize("ref", REFS, ids=lambda r: r.kind)
def test_every_path_parses_back_to_its_page(ref):
    assert urls.parse(pages.path_of(ref)) == ref


@pytest.mark.parametrize(
    "path", ["/admin/", "/static/", "/a/b/c/", "/locations/a/b/", "no-slash", "//x/", "/sitemaps/"]
)
def test_paths_that_name_no_page(path):
    assert urls.parse(path) is None


@pytest.mark.parametrize("slug", ["mo", "il", "locations", "admin", "sitemaps"])
def test_state_codes_and_reserved_words_clash_as_location_slugs(slug):
    assert urls.slug_clash(slug)


def test_every_kind_is_declared_once_with_all_it_needs():
    assert set(pages.KINDS) == {"home", "locations", "state", "location", "service", "landing"}
    for name, kind in pages.KINDS.items():
        assert kind.name == name
        assert all(callable(f) for f in (kind.path, kind.keys, kind.inputs, kind.compose))


@pytest.mark.parametrize(
    "path", ["/no-such-page.xml", "/wp-login.php", "/neuropathic-pain-treatment/x.html", "/a.b"]
)
def test_unknown_paths_with_an_extension_are_a_real_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Location" not in response.headers


def strip_preview(body: bytes) -> bytes:
    """The page without the preview's banner (in the page's language) and noindex."""
    start = body.index(b'<p class="preview-banner" role="status">')
    banner = body[start : body.index(b"</p>\n", start) + 5]
    assert body.count(b'class="preview-banner"') == 1
    noindex = b'<meta name="robots" content="noindex">\n'
    assert body.count(noindex) == 1
    return body.replace(banner, b"").replace(noindex, b"")


def test_server_build_and_preview_give_the_same_bytes_for_every_page(app, client, tmp_path):
    out = tmp_path / "site"
    with app.test_request_context():
        build_site(out, workers=1)
        with Session(get_engine()) as session:
            composed = {page.path: body for page, body in rendered_pages(session)}
            catalog = Catalog(session)
            previews = {}
            for ref, path in page_state.placed(catalog):
                previews[path] = rendering.render(lookup.preview(session, ref))
    assert len(composed) == 59  # 49 English pages, 10 Spanish
    for path, body in composed.items():
        served = client.get(path)
        assert served.status_code == 200, path
        assert served.get_data() == body, path
        assert (out / path.strip("/") / "index.html").read_bytes() == body, path
        assert strip_preview(previews[path]) == body, path


def test_a_draft_location_previews_as_its_future_page(app, client):
    with app.test_request_context(), Session(get_engine()) as session:
        session.execute(text("UPDATE locations SET status = 'draft' WHERE slug = 'kirkwood-mo'"))
        session.commit()
        ref = PageRef("landing", ("neuropathic-pain-treatment", "kirkwood-mo"))
        preview = rendering.render(lookup.preview(session, ref))
    assert client.get(pages.path_of(ref)).status_code == 404  # not live
    assert b"Kirkwood" in preview and b"Preview" in preview


def test_a_build_refuses_two_pages_at_one_path(app, tmp_path):
    with app.app_context(), Session(get_engine()) as session:
        session.execute(text("UPDATE locations SET slug = 'mo' WHERE slug = 'florissant-mo'"))
        session.commit()
    result = app.test_cli_runner().invoke(args=["seo", "build", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "two pages at /locations/mo/: the state page MO and the location page mo" in (
        result.stderr
    )
    assert not (tmp_path / "site").exists()
