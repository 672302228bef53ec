"""Clinic photos on the public site: responsive markup, JSON-LD, image sitemaps, /media/
files with long caching, and static builds that carry the variants."""

import json

import lxml.html
import pytest
from lxml import etree
from test_sitemaps import sitemap_schema

from seo.core import urls
from seo.core.photos import files_named_in
from seo.services.build import build_site

BASE = "https://clinics.example"
FLORISSANT = ("/locations/florissant-mo/", "/neuropathic-pain-treatment/florissant-mo/")
# Its pages in every language: photos' alt text aside, the same photos.
EVERY_FLORISSANT = FLORISSANT + tuple("/es" + path for path in FLORISSANT)
FRONT_ALT = "Front of Gateway Pain Relief Florissant: a one-storey clinic"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


def fetch(client, url: str):
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def tree_of(client, path: str):
    return lxml.html.fromstring(client.get(path).get_data(as_text=True))


def clinic_node(tree) -> dict:
    (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
    graph = json.loads(script)["@graph"]
    (clinic,) = [n for n in graph if n["@id"].endswith("#clinic")]
    return clinic


@pytest.mark.parametrize("path", FLORISSANT)
def test_the_page_shows_the_main_photo_responsively(client, path):
    # lxml's HTML parser does not know <source> is empty: look below the <picture>.
    (picture,) = tree_of(client, path).xpath("//figure[@class='photo']/picture")
    (source,) = picture.xpath(".//source")
    (img,) = picture.xpath(".//img")
    assert source.get("type") == "image/webp"
    assert img.get("alt").startswith(FRONT_ALT)
    assert (img.get("width"), img.get("height")) == ("1600", "1067")
    assert img.get("loading") == "lazy" and img.get("decoding") == "async"
    assert img.get("sizes") == source.get("sizes") == "(min-width: 900px) 21rem, calc(100vw - 2rem)"
    for srcset, extension, kind in (
        (img.get("srcset"), "jpg", "image/jpeg"),
        (source.get("srcset"), "webp", "image/webp"),
    ):
        candidates = [c.split() for c in srcset.split(", ")]
        assert [w for _u, w in candidates] == ["480w", "960w", "1600w"]
        for url, _width in candidates:
            assert url.endswith("." + extension) and urls.parse_photo(url)
            response = fetch(client, url)
            assert response.status_code == 200 and response.mimetype == kind
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert img.get("src") in img.get("srcset")


def test_a_clinic_without_photos_shows_none(client):
    for path in ("/locations/kirkwood-mo/", "/neuropathic-pain-treatment/kirkwood-mo/"):
        tree = tree_of(client, path)
        assert not tree.xpath("//figure[@class='photo']")
        assert "image" not in clinic_node(tree)


@pytest.mark.parametrize("path", EVERY_FLORISSANT)
def test_the_clinic_json_ld_names_every_photo_by_absolute_url(client, path):
    images = clinic_node(tree_of(client, path))["image"]
    assert len(images) == 2
    assert all(i.startswith(BASE + "/media/photos/") and i.endswith("-1600.jpg") for i in images)
    main = tree_of(client, path).xpath("//figure[@class='photo']//img/@srcset")[0]
    assert images[0].removeprefix(BASE) in main  # the main photo first
    for image in images:
        assert fetch(client, image.removeprefix(BASE)).status_code == 200


def sitemap_images(client, name: str) -> dict[str, list[str]]:
    data = client.get(f"/sitemaps/{name}-1.xml").get_data()
    sitemap_schema().validate(data)
    return {
        url.findtext("s:loc", namespaces=NS): url.xpath(
            "image:image/image:loc/text()", namespaces=NS
        )
        for url in etree.fromstring(data).findall("s:url", NS)
    }


def test_the_location_sitemap_lists_the_photos_and_validates(client):
    listed = sitemap_images(client, "locations")
    assert len(listed[BASE + "/locations/florissant-mo/"]) == 2
    assert len(listed[BASE + "/locations/st-louis-mo/"]) == 1
    assert listed[BASE + "/locations/kirkwood-mo/"] == []


def test_every_page_of_a_clinic_lists_its_photos_as_its_json_ld_names_them(client):
    listed = sitemap_images(client, "locations") | sitemap_images(
        client, "neuropathic-pain-treatment"
    )
    for path in EVERY_FLORISSANT:
        images = clinic_node(tree_of(client, path))["image"]
        assert len(images) == 2
        assert listed[BASE + path] == images, path
    assert listed[BASE + "/neuropathic-pain-treatment/kirkwood-mo/"] == []


def test_a_spanish_page_shows_the_photo_with_the_clinics_name_as_alt_text(client):
    """Staff write alt text in the default language: another language's page shows the
    clinic's name instead of English."""
    (alt,) = tree_of(client, "/es/locations/florissant-mo/").xpath("//figure//img/@alt")
    assert alt == "Gateway Pain Relief Florissant"
    (alt,) = tree_of(client, "/locations/florissant-mo/").xpath("//figure//img/@alt")
    assert alt.startswith(FRONT_ALT)


@pytest.mark.parametrize(
    "path",
    [
        "/media/photos/0123456789abcdef0123-480.jpg",  # well formed, no such file
        "/media/photos/not-a-photo.jpg",
        "/media/photos/../originals/x.jpg",
        "/media/originals/0123456789abcdef0123.jpg",
        "/media/photos/",
        "/media/",
    ],
)
def test_media_answers_only_existing_variants(client, path):
    response = fetch(client, path)
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_the_originals_are_never_served(app, client):
    from pathlib import Path

    originals = list((Path(app.config["MEDIA_DIR"]) / "originals").iterdir())
    assert len(originals) == 3
    for original in originals:
        assert fetch(client, f"/media/originals/{original.name}").status_code == 404
        assert fetch(client, f"/media/photos/{original.name}").status_code == 404


def test_media_is_a_reserved_segment():
    assert urls.slug_clash("media")
    assert urls.parse("/media/") is None
    assert not urls.is_page_path("/media/photos/")


def test_the_build_copies_the_variants_the_pages_show(app, client, tmp_path):
    out = tmp_path / "site"
    with app.test_request_context():
        build_site(out, workers=1)
    shown = set()
    for path in FLORISSANT + ("/locations/st-louis-mo/",):
        tree = lxml.html.fromstring((out / path.strip("/") / "index.html").read_bytes())
        for srcset in tree.xpath("//figure[@class='photo']//@srcset"):
            shown |= {c.split()[0] for c in srcset.split(", ")}
    sitemap = (out / "sitemaps" / "locations-1.xml").read_bytes()
    shown |= {
        u.removeprefix(BASE)
        for u in etree.fromstring(sitemap).xpath("//image:loc/text()", namespaces=NS)
    }
    assert len(shown) == 12 + 1  # two photos' six variants each, St. Louis's 1600 JPEG
    for url in shown:
        built = out / url.lstrip("/")
        assert built.read_bytes() == fetch(client, url).get_data(), url
    copied = {p.name for p in (out / "media" / "photos").iterdir()}
    assert len(copied) == 18  # every variant of the three demo photos, nothing else
    assert not (out / "media" / "originals").exists()


def test_the_files_of_the_photos_a_page_names():
    big, small = "a" * 20, "b" * 20
    text = (
        f'<img src="/media/photos/{big}-960.webp"> "https://x.example/media/photos/{big}-1600.jpg"'
    )
    text += f' <a href="/media/photos/{small}-700.jpg">'
    assert files_named_in(text) == {
        *(f"{big}-{w}.{e}" for w in (480, 960, 1600) for e in ("webp", "jpg")),
        *(f"{small}-{w}.{e}" for w in (480, 700) for e in ("webp", "jpg")),
    }
    assert files_named_in("/media/photos/nothing-here.jpg") == set()
