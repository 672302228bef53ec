"""The article editor without JavaScript: sections inserted anywhere and moved by plain form
posts that come back at the section; the real page previewed in a frame; name pickers."""

import re

import pytest
from conftest import article_form, csrf_token

from seo.web.admin.articles import rearranged

ARTICLE = "/admin/services/neuropathic-pain-treatment/"
SECTIONS = [{"heading": h, "level": 2, "body": ""} for h in ("A", "B", "C")]


@pytest.mark.parametrize(
    "action, order",
    [
        ("insert-0", ["", "A", "B", "C"]),
        ("insert-2", ["A", "B", "", "C"]),
        ("insert-3", ["A", "B", "C", ""]),
        ("add", ["A", "B", "C", ""]),
        ("up-1", ["B", "A", "C"]),
        ("down-1", ["A", "C", "B"]),
        ("up-0", ["A", "B", "C"]),
        ("down-2", ["A", "B", "C"]),
        ("insert-9", ["A", "B", "C"]),
    ],
)
def test_rearranged(action, order):
    assert [s["heading"] for s in rearranged(SECTIONS, action)] == order


def _headings(html: str) -> list[str]:
    form = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    return re.findall(r'name="sections-\d+-heading"[^>]*value="([^"]*)"', form)


def test_insert_without_javascript_comes_back_at_the_new_section(app, client, staff):
    data = article_form(client)
    before = [data[f"sections-{i}-heading"] for i in range(3)]
    response = client.post(ARTICLE, data={**data, "action": "insert-2"})
    html = response.get_data(as_text=True)
    assert _headings(html)[:4] == [before[0], before[1], "", before[2]]
    # Each button posts to the editor's own address with the section it acts on.
    assert 'value="insert-2" formaction="#section-2"' in html
    assert 'value="down-2" formaction="#section-3"' in html
    assert 'value="up-2" formaction="#section-1"' in html


def test_the_preview_frame_shows_the_real_page_with_the_edit(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = "Only in the preview, in {{ city }}."
    data["preview_location"] = "Gateway Pain Relief St. Louis"  # a name works as well as a slug
    response = client.post(ARTICLE + "preview", data={**data, "action": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Only in the preview, in St. Louis." in html
    assert "Preview – not published" in html and 'content="noindex' in html
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Only in the preview" not in client.get(
        "/neuropathic-pain-treatment/st-louis-mo/"
    ).get_data(as_text=True)
    saved = client.get(ARTICLE + "preview?location=florissant-mo").get_data(as_text=True)
    assert "Preview – not published" in saved and "Florissant" in saved


def test_the_preview_names_its_problems(app, client, staff):
    data = article_form(client)
    data["sections-0-body"] = "Visit us in {{ town }}."
    response = client.post(ARTICLE + "preview", data={**data, "action": "preview"})
    assert response.status_code == 422
    assert "unknown placeholder {{ town }}" in response.get_data(as_text=True)
    data["title_pattern"] = "x" * 301
    too_long = client.post(ARTICLE + "preview", data={**data, "action": "preview"})
    assert too_long.status_code == 422 and "title_pattern:" in too_long.get_data(as_text=True)
    unknown = client.get(ARTICLE + "preview?location=atlantis-zz")
    assert unknown.status_code == 422
    assert "no clinic has the name or slug" in unknown.get_data(as_text=True)


def test_other_staff_pages_cannot_be_framed(app, client, staff):
    response = client.get(ARTICLE)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pickers_show_names_and_send_slugs(app, client, staff):
    html = client.get(ARTICLE).get_data(as_text=True)
    assert 'list="clinic-names"' in html
    assert re.search(r'<option value="florissant-mo" label="Gateway Pain Relief Florissant', html)
    form = client.get("/admin/locations/1/").get_data(as_text=True)
    assert 'id="redirect_to"' in form and 'list="clinic-names"' in form
    assert 'Neuropathic Pain Treatment <small class="slug">neuropathic-pain-treatment</small>' in (
        form
    )


def test_retire_with_the_successor_picked_by_name(app, client, staff):
    page = client.get("/admin/locations/1/retire").get_data(as_text=True)
    assert 'list="clinic-names"' in page
    response = client.post(
        "/admin/locations/1/retire",
        data={"csrf_token": csrf_token(page), "redirect_to": "Gateway Pain Relief St. Louis"},
    )
    assert response.status_code == 302
    assert "redirect to st-louis-mo" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
