"""Public pages, URLs and HTTP semantics as the contract states them."""

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo.core import urls
from seo.store.db import get_engine
from seo.store.models import Location, SlugRedirect

LANDING = "/neuropathic-pain-treatment/florissant-mo/"


def test_landing_page_has_article_and_nap(client):
    response = client.get(LANDING)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<meta name="viewport"' in html
    assert html.count("<h1") == 1
    assert "<h1>Neuropathic Pain Treatment in Florissant, MO</h1>" in html
    assert "Gateway Pain Relief Florissant" in html
    assert "1001 N New Florissant Rd, Suite 200" in html
    assert 'href="tel:+13145550101"' in html
    assert "(314) 555-0101" in html
    assert (
        '<link rel="canonical" href="https://clinics.example/neuropathic-pain-treatment/florissant-mo/">'
        in html
    )
    assert len(re.findall(r"<h[23] id=", html)) >= 10
    assert "near me" not in html.split("</head>")[1]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/locations/",
        "/locations/mo/",
        "/locations/florissant-mo/",
        "/neuropathic-pain-treatment/",
        "/ketamine-infusion-therapy/st-louis-mo/",
    ],
)
def test_public_pages_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_locations_grouped_by_state(client):
    html = client.get("/locations/").get_data(as_text=True)
    assert html.index("Illinois") < html.index("Missouri")
    assert "ballwin" not in html  # a draft


@pytest.mark.parametrize(
    "path, location",
    [
        ("/neuropathic-pain-treatment/florissant-mo", LANDING),
        ("/Neuropathic-Pain-Treatment/Florissant-MO/", LANDING),
        ("/LOCATIONS/MO", "/locations/mo/"),
        ("/locations?utm_source=x", "/locations/?utm_source=x"),
    ],
)
def test_non_canonical_paths_redirect_permanently(client, path, location):
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    "path",
    [
        "/nope/",
        "/neuropathic-pain-treatment/nowhere-mo/",
        "/locations/zz/",
        "/locations/ballwin-mo/",
        "/neuropathic-pain-treatment/ballwin-mo/",
        "/neuropathic-pain-treatment/florissant-mo/extra/",
        "/sitemaps/nope-1.xml",
        "/ketamine-infusion-therapy/columbia-mo/",
    ],
)
def test_unknown_pages_are_real_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'name="robots" content="noindex"' in response.data


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/NOPE",
        "/Nope/",
        "/a/b/c",
        "/neuropathic-pain-treatment/nope-mo",
        "/locations/zz",
        "/locations/ballwin-mo",  # a draft
        "/es/nope",
        "/fr",
        "/neuropathic-pain-treatment/florissant-mo/extra",
        "/neuropathic-pain-treatment/florissant-mo/%20",
    ],
)
def test_unknown_pages_in_any_form_are_404s_without_a_redirect_first(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "slug, status",
    [("kirkwood-mo", 410), ("north-county-mo", 200)],
)
def test_moved_and_gone_pages_in_another_form_redirect_to_the_canonical_form(
    app, client, slug, status
):
    set_location(app, "kirkwood-mo", status="retired")
    with app.app_context(), Session(get_engine()) as session:
        row = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        row.slug = "north-county-mo"
        session.add(SlugRedirect(old_slug="florissant-mo", location_id=row.id))
        session.commit()
    for path in (f"/locations/{slug}", "/locations/Florissant-MO"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"] == urls.canonical(path)
    assert client.get(f"/locations/{slug}/").status_code == status


def set_location(app, slug, **values):
    with app.app_context(), Session(get_engine()) as session:
        session.execute(update(Location).where(Location.slug == slug).values(**values))
        session.commit()


def test_retired_location_redirects_to_successor(app, client):
    set_location(app, "kirkwood-mo", status="retired", redirect_to="st-louis-mo")
    response = client.get("/neuropathic-pain-treatment/kirkwood-mo/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/neuropathic-pain-treatment/st-louis-mo/"
    location = client.get("/locations/kirkwood-mo/").headers["Location"]
    assert location == "/locations/st-louis-mo/"


def test_retired_location_without_successor_is_gone(app, client):
    set_location(app, "kirkwood-mo", status="retired")
    assert client.get("/neuropathic-pain-treatment/kirkwood-mo/").status_code == 410
    assert client.get("/locations/kirkwood-mo/").status_code == 410


def test_renamed_slug_redirects(app, client):
    with app.app_context(), Session(get_engine()) as session:
        row = session.scalars(select(Location).where(Location.slug == "florissant-mo")).one()
        row.slug = "north-county-mo"
        session.add(SlugRedirect(old_slug="florissant-mo", location_id=row.id))
        session.commit()
    response = client.get(LANDING)
    assert response.status_code == 301
    assert response.headers["Location"] == "/neuropathic-pain-treatment/north-county-mo/"
    assert client.get("/neuropathic-pain-treatment/north-county-mo/").status_code == 200


def test_conditional_get_answers_304(client):
    first = client.get(LANDING)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(LANDING, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(LANDING, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(LANDING, headers={"If-None-Match": '"other"'}).status_code == 200
    assert "max-age" in first.headers["Cache-Control"]


def test_head_has_no_body(client):
    response = client.head(LANDING)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] == client.get(LANDING).headers["ETag"]


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://clinics.example/sitemap.xml" in body
    assert client.get("/robots.txt/").status_code == 404
