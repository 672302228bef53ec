"""Visitor-facing budgets and rules, checked on the bytes every visitor receives."""

import re
import struct
from pathlib import Path

import lxml.html
import pytest
from conftest import rendered_pages as composed

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
LANDING = "/neuropathic-pain-treatment/florissant-mo/"
HTML_BUDGET = 50 * 1024  # bytes of HTML per landing page
CSS_BUDGET = 20 * 1024
JS_BUDGET = 4 * 1024  # today, "open now" in the clinic's zone, campaign parameters
PUBLIC = ["/", "/locations/", "/locations/mo/", "/locations/florissant-mo/",
          "/neuropathic-pain-treatment/", LANDING]  # fmt: skip


def rendered_pages(app) -> dict[str, bytes]:
    """Every public page as the server and the build render it."""
    from sqlalchemy.orm import Session

    from seo.store.db import get_engine

    with app.app_context(), app.test_request_context(), Session(get_engine()) as session:
        return {page.path: body for page, body in composed(session)}


def test_every_landing_page_fits_the_html_budget(app):
    pages = rendered_pages(app)
    landing = {p: len(b) for p, b in pages.items() if p.count("/") == 3 and "locations" not in p}
    assert len(landing) > 20
    heaviest = max(landing, key=landing.get)
    assert landing[heaviest] <= HTML_BUDGET, f"{heaviest} is {landing[heaviest]} bytes"


def test_stylesheet_and_script_fit_their_budgets():
    assert (STATIC / "site.css").stat().st_size <= CSS_BUDGET
    assert (STATIC / "site.js").stat().st_size <= JS_BUDGET


@pytest.mark.parametrize("path", PUBLIC)
def test_no_blocking_script_inline_code_or_style(client, path):
    html = client.get(path).get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json":
            continue
        assert script.get("src") and script.get("defer") is not None, lxml.html.tostring(script)
        assert not (script.text or "").strip()
    assert len(tree.xpath("//script[@type='application/ld+json']")) == 1
    assert tree.xpath("//script[@src='/static/site.js'][@defer]")
    assert not tree.xpath("//*[@style]") and not tree.xpath("//style")
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers are blocked by the CSP"
    assert len(tree.xpath("//link[@rel='stylesheet']")) == 1


@pytest.mark.parametrize("path", [*PUBLIC, f"/appointments/new/?page={LANDING}"])
def test_images_have_size_and_alt(client, path):
    tree = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    for img in tree.iter("img"):
        assert img.get("width") and img.get("height") and img.get("alt") is not None


def test_page_bytes_do_not_depend_on_the_visitor(client):
    first = client.get(LANDING + "?utm_source=newsletter", headers={"User-Agent": "phone"})
    second = client.get(LANDING, headers={"User-Agent": "desktop", "Cookie": "session=x"})
    assert first.get_data() == second.get_data()
    html = first.get_data(as_text=True)
    assert "today" not in re.findall(r'class="([^"]*)"', html)  # site.js marks today's row
    assert "csrf" not in html


def test_landing_page_has_visit_tools(client):
    tree = lxml.html.fromstring(client.get(LANDING).get_data(as_text=True))
    assert tree.xpath("//div[@class='cta']/a[@class='button call'][@href='tel:+13145550101']")
    assert tree.xpath("//div[@class='cta']/form[@action='/appointments/new/']/button")
    assert tree.xpath("//a[starts-with(@href, 'https://www.google.com/maps/dir/')]")
    days = tree.xpath("//table[@class='hours']//tr/@data-day")
    assert days == [str(i) for i in range(7)]
    assert tree.xpath("//div[@class='special-hours']//time[@datetime='2026-12-24']")
    assert len(tree.xpath("//ul[@class='nearby']/li")) == 4
    questions = tree.xpath("//details[@class='qa']/summary/h3")
    assert "Can neuropathic pain go away on its own?" in [q.text for q in questions]
    form = tree.xpath("//section[@id='book']//form")[0]
    assert form.get("method") == "get" and form.get("action") == "/appointments/new/"
    assert tree.xpath("//meta[@property='og:image']/@content") == [
        "https://clinics.example/static/og-image.png"
    ]


def test_open_graph_image_is_a_1200_by_630_png():
    data = (STATIC / "og-image.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)
    assert len(data) < 400 * 1024
