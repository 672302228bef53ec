"""What a visitor meets around the pages: the successor of a closed clinic says so, the
404 page keeps the site's header and offers the locator, the sticky button opens the form,
and the hours column keeps each range on one line."""

import pytest
from test_public import set_location

CLOSED = "/neuropathic-pain-treatment/kirkwood-mo/"
SUCCESSOR = "/neuropathic-pain-treatment/st-louis-mo/"
NOTICE = "Our Kirkwood clinic has closed; this is the nearest."


@pytest.fixture
def kirkwood_retired(app):
    set_location(app, "kirkwood-mo", status="retired", redirect_to="st-louis-mo")


def test_the_successor_says_which_clinic_closed_when_reached_through_the_redirect(
    client, kirkwood_retired
):
    client.get(SUCCESSOR)  # its page state brought up to date: the next answer is kept
    plain = client.get(SUCCESSOR)
    redirect = client.get(CLOSED)
    assert redirect.status_code == 301 and redirect.headers["Location"] == SUCCESSOR
    moved = client.get(SUCCESSOR)  # the browser carries the redirect's cookie
    assert moved.status_code == 200
    html = moved.get_data(as_text=True)
    assert NOTICE in html
    # The page's own bytes with the notice: the canonical is the clean URL.
    notice = '<p class="moved-notice" role="status">' + NOTICE + "</p>"
    assert moved.get_data().replace(notice.encode(), b"") == plain.get_data()
    assert '<link rel="canonical" href="https://clinics.example' + SUCCESSOR + '">' in html
    assert NOTICE not in plain.get_data(as_text=True)
    assert moved.headers["ETag"] != plain.headers["ETag"]
    assert moved.headers["Cache-Control"] == "private, no-cache"  # never a shared copy
    assert "Cookie" in moved.headers["Vary"]
    assert client.get(SUCCESSOR).get_data() == plain.get_data()  # once: a reload is plain
    client.set_cookie("moved_from", "kirkwood-mo", path=SUCCESSOR)
    again = client.get(SUCCESSOR, headers={"If-None-Match": moved.headers["ETag"]})
    assert again.status_code == 304


def test_the_redirect_names_the_closed_clinic_for_its_successor_page_alone(
    client, kirkwood_retired
):
    cookie = client.get(CLOSED).headers["Set-Cookie"]
    assert cookie.startswith("moved_from=kirkwood-mo;")
    assert f"Path={SUCCESSOR}" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("slug", ["florissant-mo", "nowhere-mo", "Kirkwood", "<b>"])
def test_a_cookie_that_names_no_closed_predecessor_changes_nothing(client, kirkwood_retired, slug):
    plain = client.get(SUCCESSOR)
    client.set_cookie("moved_from", slug, path=SUCCESSOR)
    other = client.get(SUCCESSOR)
    assert other.get_data() == plain.get_data()
    assert other.headers["ETag"] == plain.headers["ETag"]


def test_the_closed_notice_is_only_on_the_page_the_redirect_leads_to(client, kirkwood_retired):
    client.set_cookie("moved_from", "kirkwood-mo", path="/")
    html = client.get("/locations/st-louis-mo/").get_data(as_text=True)
    assert NOTICE in html  # the location page is a redirect target too
    html = client.get("/neuropathic-pain-treatment/florissant-mo/")
    assert NOTICE not in html.get_data(as_text=True)


def test_the_404_page_keeps_the_header_and_offers_the_locator_and_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<header class="top">' in html and "Find a clinic" in html
    assert 'action="/locations/"' in html and 'name="q"' in html
    assert 'href="/">Home page</a>' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_sticky_request_button_opens_the_form(client):
    html = client.get("/locations/florissant-mo/").get_data(as_text=True)
    cta = html[html.index('<div class="cta">') :]
    cta = cta[: cta.index("</div>")]
    assert 'href="#book"' not in cta
    assert '<form method="get" action="/appointments/new/" data-carry>' in cta
    assert 'name="page" value="/locations/florissant-mo/"' in cta


def test_each_range_of_the_hours_column_stays_on_one_line(client):
    html = client.get("/locations/florissant-mo/").get_data(as_text=True)
    assert '<td><span class="span">8:00 AM – 5:00 PM</span></td>' in html
