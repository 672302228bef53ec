"""Sitemaps validate against the sitemaps.org XSDs; a crawl from robots.txt reaches every page."""

from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import xmlschema
from conftest import make_app, rendered_pages
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.core import urls as core_urls
from seo.core.sitemaps import Lengths, Limits, urlset_bytes, write_urlset_rows
from seo.services import feeds, page_state
from seo.services.locations import save_location
from seo.store import queries
from seo.store.db import get_engine
from seo.store.models import Location, PageState

DATA = Path(__file__).parent / "data"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://clinics.example"


def sitemap_schema() -> xmlschema.XMLSchema:
    """The sitemaps.org schema with Google's image extension and the XHTML <link> of
    language versions (strict on <image:image> and <xhtml:link>)."""
    return xmlschema.XMLSchema(
        [str(DATA / n) for n in ("sitemap.xsd", "sitemap-image.xsd", "sitemap-xhtml.xsd")]
    )


@pytest.fixture(scope="module")
def schemas():
    return (xmlschema.XMLSchema(str(DATA / "siteindex.xsd")), sitemap_schema())


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/")
    return urlsplit(url).path


def read_sitemaps(client, schemas) -> dict[str, str]:
    """Follow robots.txt to every sitemap; return {page URL: lastmod}."""
    index_schema, sitemap_schema = schemas
    robots = client.get("/robots.txt").get_data(as_text=True)
    (index_url,) = [
        line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")
    ]
    index = client.get(path_of(index_url))
    assert index.status_code == 200 and index.mimetype == "application/xml"
    index_schema.validate(index.data)
    urls: dict[str, str] = {}
    for loc in etree.fromstring(index.data).findall("s:sitemap/s:loc", NS):
        response = client.get(path_of(loc.text))
        assert response.status_code == 200
        sitemap_schema.validate(response.data)
        for url in etree.fromstring(response.data).findall("s:url", NS):
            location = url.find("s:loc", NS).text
            assert location not in urls
            urls[location] = url.find("s:lastmod", NS).text
    return urls


def test_sitemaps_validate_and_list_every_published_page(app, client, schemas):
    urls = read_sitemaps(client, schemas)
    with app.test_request_context():
        with Session(get_engine()) as session:
            expected = {BASE + page.path for page, _body in rendered_pages(session)}
    assert set(urls) == expected
    assert BASE + "/neuropathic-pain-treatment/florissant-mo/" in urls
    assert not any("ballwin" in url for url in urls)  # draft
    assert len(urls) == 59  # 49 English pages, 10 Spanish


def test_crawl_canonicals_lastmod_and_links(client, schemas):
    urls = read_sitemaps(client, schemas)
    seen_links: set[str] = set()
    for url, lastmod in urls.items():
        response = client.get(path_of(url))
        assert response.status_code == 200, url
        tree = lxml.html.fromstring(response.data)
        (canonical,) = tree.xpath('//link[@rel="canonical"]/@href')
        assert canonical == url
        modified = parsedate_to_datetime(response.headers["Last-Modified"])
        assert modified == datetime.fromisoformat(lastmod)
        seen_links |= {h for h in tree.xpath("//a/@href") if h.startswith("/")}
    for link in seen_links:
        assert client.get(link).status_code == 200, link
    assert {path_of(u) for u in urls} <= seen_links | {"/"}


def test_sitemaps_split_at_the_limit(app, client, schemas):
    app.config["SITEMAP_URL_LIMIT"] = 5
    urls = read_sitemaps(client, schemas)
    index = client.get("/sitemap.xml").data
    files = etree.fromstring(index).findall("s:sitemap/s:loc", NS)
    assert len(files) > 5
    assert len(urls) == 59  # 49 English pages, 10 Spanish
    assert client.get("/sitemaps/locations-99.xml").status_code == 404
    for name in ("-1", "1", "locations"):  # noindex pages have the group ""
        assert client.get(f"/sitemaps/{name}.xml").status_code == 404, name


def index_files(client) -> list[str]:
    index = etree.fromstring(client.get("/sitemap.xml").data)
    return [path_of(loc.text) for loc in index.findall("s:sitemap/s:loc", NS)]


@pytest.mark.parametrize("limit", [1, 2500])
def test_sitemaps_split_at_the_byte_limit(app, client, schemas, limit):
    whole = len(index_files(client))
    app.config["SITEMAP_BYTE_LIMIT"] = limit
    urls = read_sitemaps(client, schemas)  # every file valid, every page listed once
    assert len(urls) == 59
    sizes = [len(client.get(path).data) for path in index_files(client)]
    if limit == 1:  # an entry is never split: one a file
        assert len(sizes) == 59
    else:
        assert max(sizes) <= limit and len(sizes) > whole


def test_a_sitemap_files_size_is_known_before_it_is_written(app, client):
    """The database's lengths give each file's size exactly, on SQLite and PostgreSQL."""
    with app.app_context(), Session(get_engine()) as session:
        files = feeds.sitemap_files(session, BASE, Limits())
        assert len(files) > 2
        for item in files:
            lengths = queries.chunk_lengths(session, item.group, item.start, item.end)
            served = client.get(core_urls.sitemap_file(item.name)).data
            assert urlset_bytes(BASE, lengths) == len(served), item.name


SLUG = st.text("abcdefghijklmnopqrstuvwxyz0123456789-/", max_size=40)


@given(
    base=st.text(max_size=30),
    rows=st.lists(
        st.tuples(
            SLUG,
            st.lists(SLUG, max_size=4),
            st.lists(st.tuples(st.sampled_from(["en", "es", "x-default"]), SLUG), max_size=3),
        ),
        max_size=6,
    ),
)
def test_the_size_formula_is_the_writers(base, rows):
    stamp = "2026-01-02T03:04:05+00:00"
    written = [
        ("/" + path, stamp, "\n".join(images), "\n".join(f"{c} {p}" for c, p in versions))
        for path, images, versions in rows
    ]
    images, alternates = [r[2] for r in written], [r[3] for r in written]
    lengths = Lengths(
        rows=len(written),
        paths=sum(len(r[0]) for r in written),
        image_text=sum(map(len, images)),
        image_breaks=sum(t.count("\n") for t in images),
        with_images=sum(1 for t in images if t),
        alternate_text=sum(map(len, alternates)),
        alternate_breaks=sum(t.count("\n") for t in alternates),
        with_alternates=sum(1 for t in alternates if t),
    )
    document = "".join(write_urlset_rows(base, written)).encode()
    assert urlset_bytes(base, lengths) == len(document)


def test_sitemaps_are_counted_once_per_site_generation(app, client, monkeypatch):
    with app.app_context(), Session(get_engine()) as session:  # older than any edit below
        session.execute(update(PageState).values(changed_at=datetime(2020, 1, 1)))
        session.commit()
    index = client.get("/sitemap.xml").data
    listed = client.get("/sitemaps/locations-1.xml").data
    for n in range(100):  # names made up by a visitor keep nothing, evict nothing
        assert client.get(f"/sitemaps/junk{n}-1.xml").status_code == 404

    def counted(*_args, **_kwargs):
        raise AssertionError("the sitemap files were counted again")

    monkeypatch.setattr(feeds, "sitemap_files", counted)
    assert client.get("/sitemap.xml").data == index
    assert client.get("/sitemaps/locations-1.xml").data == listed
    monkeypatch.undo()
    with app.app_context(), Session(get_engine()) as session:  # an edit moves the generation
        row = queries.location_by_slug(session, "kirkwood-mo")
        save_location(session, row, replace(row.to_core(), intro=row.intro + " More."), "t", "u")
    assert client.get("/sitemap.xml").data != index  # a newer lastmod, at once
    assert client.get("/sitemaps/locations-1.xml").data != listed


def test_sitemap_is_streamed(client):
    response = client.get("/sitemaps/locations-1.xml")
    assert response.is_streamed
    assert response.get_data().endswith(b"</urlset>\n")
    response.close()


def test_urlset_escapes_xml():
    moment = datetime(2026, 1, 2, 3, 4, 5)
    text = "".join(write_urlset_rows(BASE, [("/a&b/", moment)]))
    assert "<loc>https://clinics.example/a&amp;b/</loc>" in text
    assert "<lastmod>2026-01-02T03:04:05+00:00</lastmod>" in text


def test_editing_one_location_moves_only_its_pages(app, client, runner):
    old = datetime(2020, 1, 1)
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(PageState).values(changed_at=old))
        session.execute(
            update(Location)
            .where(Location.slug == "kirkwood-mo")
            .values(intro="A new introduction written for the Kirkwood clinic.")
        )
        session.commit()
        with app.test_request_context():
            page_state.refresh(session)
        moved = {s.path for s in session.scalars(select(PageState)) if s.changed_at != old}
    assert moved == {
        "/locations/kirkwood-mo/",
        "/neuropathic-pain-treatment/kirkwood-mo/",
        "/ketamine-infusion-therapy/kirkwood-mo/",
    }
    response = client.get("/locations/florissant-mo/")
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == old.replace(tzinfo=UTC)
    response = client.get("/locations/kirkwood-mo/")
    assert parsedate_to_datetime(response.headers["Last-Modified"]).year >= 2026


def test_row_writer_batches_give_the_same_document():
    moment = datetime(2026, 3, 4, 5, 6, 7)
    rows = [("/a/", moment), ("/b&c/", moment), ("/d/", moment)]
    one = "".join(write_urlset_rows(BASE, rows, batch=1))
    assert one == "".join(write_urlset_rows(BASE, rows, batch=2000))
    assert one.count("<url>") == 3 and "/b&amp;c/" in one


def test_after_a_site_url_change_init_keeps_lastmod_equal_to_last_modified(
    app, database_url, schemas
):
    """Every page's bytes hold SITE_URL: once it changes, `seo init` (which `make run`
    runs) brings page state up to date, so each sitemap's lastmod is the new bytes' date."""
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(PageState).values(changed_at=datetime(2026, 1, 1)))
        session.commit()
    moved = make_app(database_url, SITE_URL="https://www.example.com")
    result = moved.test_cli_runner().invoke(args=["seo", "init"])
    assert result.exit_code == 0, result.output
    assert "settings changed: 59 pages changed, 0 removed" in result.output
    client = moved.test_client()
    index = etree.fromstring(client.get("/sitemap.xml").data)
    lastmods = {}
    for loc in index.findall("s:sitemap/s:loc", NS):
        sitemap = client.get(urlsplit(loc.text).path)
        schemas[1].validate(sitemap.data)
        for url in etree.fromstring(sitemap.data).findall("s:url", NS):
            lastmods[urlsplit(url.find("s:loc", NS).text).path] = url.find("s:lastmod", NS).text
    assert len(lastmods) == 59
    for path, lastmod in lastmods.items():
        modified = parsedate_to_datetime(client.get(path).headers["Last-Modified"])
        assert modified == datetime.fromisoformat(lastmod), path
    with moved.app_context():
        get_engine().dispose()


def test_page_paths_sort_in_code_point_order(app):
    """Sitemap files are ranges of paths, and a build compares paths in Python: the
    database must order them as Python does, whatever its default collation."""
    with app.app_context(), get_engine().connect() as connection:
        if connection.dialect.name == "postgresql":
            collation = connection.exec_driver_sql(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_name = 'page_state' AND column_name = 'path'"
            ).scalar()
            assert collation == "C"
        paths = connection.execute(select(PageState.path).order_by(PageState.path)).scalars()
        listed = list(paths)
    assert listed == sorted(listed) and len(listed) > 50
