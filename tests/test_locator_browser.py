"""The store locator in a real browser (chromium): with its script the results update in place,
"Use my location" searches around the browser's position and each clinic says whether it is
open now in its own time zone; without the script the form is a plain GET the server answers;
on a static host the script searches the build's JSON index. axe-core finds no violations."""

import functools
import http.server
import threading

import pytest

from seo.services import build

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
expect = sync_api.expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [PHONE, DESKTOP]
SPRINGFIELD = {"latitude": 39.78, "longitude": -89.65}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return axe_sync.Axe()


@pytest.fixture
def open_page(browser):
    """Open pages in fresh browser contexts; all are closed after the test."""
    contexts = []

    def open_(base_url: str, viewport=DESKTOP, **options):
        context = browser.new_context(base_url=base_url, viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def assert_no_violations(axe, page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def names(page) -> list[str]:
    return page.locator("#locator-results ol.clinics > li h3").all_inner_texts()


def search(page, text: str) -> None:
    page.fill("#q", text)
    page.click("form[data-locator] button[type=submit]")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: str(v["width"]))
def test_results_update_in_place_with_the_script(open_page, live_server, axe, viewport):
    page = open_page(live_server.url, viewport)
    page.goto("/locations/")
    page.evaluate("window.stayed = true")  # gone if the form navigated away
    search(page, "63031")
    expect(page.locator("#results-heading")).to_have_text("Clinics near 63031 (Florissant, MO)")
    assert page.evaluate("window.stayed") is True
    assert page.url.endswith("/locations/?q=63031")
    assert names(page)[0] == "Gateway Pain Relief Florissant"
    first = page.locator("#locator-results li.clinic").first
    expect(first.locator(".today")).to_contain_text(" · ")
    expect(first.locator("a.call")).to_have_attribute("href", "tel:+13145550101")
    expect(page.locator("#locator-status")).to_have_text("10 clinics found.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_violations(axe, page)


def test_the_service_filter_and_a_suggestion_search_in_place(open_page, live_server):
    page = open_page(live_server.url)
    page.goto("/locations/")
    page.select_option("#service", "ketamine-infusion-therapy")
    search(page, "Flrissant, MO")
    expect(page.locator("#locator-results .notice")).to_have_text(
        'We could not find "Flrissant" in Missouri.'
    )
    page.evaluate("window.stayed = true")
    page.click("#locator-results .suggest a")
    expect(page.locator("#results-heading")).to_have_text(
        "Ketamine Infusion Therapy near Florissant, MO"
    )
    assert page.evaluate("window.stayed") is True
    links = page.locator("#locator-results li h3 a").evaluate_all("all => all.map(a => a.pathname)")
    assert links and all(link.startswith("/ketamine-infusion-therapy/") for link in links)


def test_a_refused_position_is_explained_where_the_results_go(open_page, live_server, axe):
    page = open_page(live_server.url, PHONE)  # no geolocation permission
    page.goto("/locations/")
    page.click("text=Use my location")
    expect(page.locator("#locator-results .notice")).to_have_text(
        "Your location is not available. Type a ZIP code, a city or a state."
    )
    expect(page.locator("#locator-status")).to_have_text(
        "Your location is not available. Type a ZIP code, a city or a state."
    )
    assert_no_violations(axe, page)


def test_back_and_forward_follow_the_searches(open_page, live_server):
    page = open_page(live_server.url)
    page.goto("/locations/")
    search(page, "63031")
    expect(page.locator("#results-heading")).to_contain_text("63031")
    search(page, "Kansas City, MO")
    expect(page.locator("#results-heading")).to_have_text("Clinics near Kansas City, MO")
    page.go_back()
    expect(page.locator("#results-heading")).to_contain_text("63031")
    expect(page.locator("#q")).to_have_value("63031")
    page.go_back()
    expect(page.locator("#locator-results")).to_have_count(0)
    assert page.url.endswith("/locations/")


def test_use_my_location_searches_around_the_browser_position(open_page, live_server):
    page = open_page(live_server.url, PHONE, geolocation=SPRINGFIELD, permissions=["geolocation"])
    page.goto("/locations/")
    page.click("text=Use my location")
    expect(page.locator("#results-heading")).to_have_text("Clinics near your location")
    assert names(page)[0] == "Gateway Pain Relief Springfield"
    assert page.url.endswith("/locations/")  # the position is not put in the address


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2026-11-25T15:30:00Z", "Open now · Today 8:00 AM – 5:00 PM"),  # Wednesday 9:30 in MO
        ("2026-11-25T23:30:00Z", "Closed now · Today 8:00 AM – 5:00 PM"),  # 5:30 PM
        ("2026-11-29T17:00:00Z", "Closed now · Closed today"),  # a Sunday
        ("2026-12-24T19:00:00Z", "Closed now · Today 8:00 AM – 12:00 PM"),  # holiday hours
        ("2026-12-25T16:00:00Z", "Closed now · Closed today"),  # Christmas, closed
    ],
)
def test_open_now_is_worked_out_in_the_clinics_time_zone(open_page, live_server, moment, expected):
    page = open_page(live_server.url, timezone_id="Asia/Tokyo")  # the visitor's zone is not used
    page.clock.set_fixed_time(moment)
    page.goto("/locations/?q=63031")
    today = page.locator("#locator-results li.clinic").first.locator(".today")
    expect(today).to_have_text(expected)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: str(v["width"]))
def test_the_form_works_without_javascript(open_page, live_server, viewport):
    page = open_page(live_server.url, viewport, java_script_enabled=False)
    page.goto("/locations/")
    expect(page.locator("[data-locate]")).to_be_hidden()
    page.fill("#q", "Springfield, IL")
    page.select_option("#service", "neuropathic-pain-treatment")
    page.click("form[data-locator] button[type=submit]")
    page.wait_for_url("**/locations/?q=Springfield*")
    assert "service=neuropathic-pain-treatment" in page.url
    expect(page.locator("#results-heading")).to_have_text(
        "Neuropathic Pain Treatment near Springfield, IL"
    )
    assert names(page)[0] == "Gateway Pain Relief Springfield"
    expect(page.locator("#locator-results .week").first).to_have_text("Mon–Fri 7:00 AM – 3:30 PM")
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    assert page.locator("#locator-results .today").count() == 0  # no script, no clock


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: str(v["width"]))
def test_axe_finds_no_violations_on_the_server_answer(open_page, live_server, axe, viewport):
    page = open_page(live_server.url, viewport)
    page.goto("/locations/?q=Flrissant")
    expect(page.locator("#locator-results .suggest a")).to_have_count(1)
    assert_no_violations(axe, page)
    page.goto("/locations/?q=MO")
    assert_no_violations(axe, page)


@pytest.fixture
def static_site(live_server, tmp_path):
    """The demo built to files and served by a plain file server (no application)."""
    with live_server.app.app_context():
        build.build_site(tmp_path / "site", workers=1)
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site")
    )
    handler.func.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.mark.parametrize(
    "text, heading, first",
    [
        ("Florissant", "Clinics near Florissant, MO", "Gateway Pain Relief Florissant"),
        ("63031", "Clinics near 63031", "Gateway Pain Relief Florissant"),
        # No ZIP table here: placed between our clinics whose ZIP codes start 630 (Florissant
        # and Chesterfield), so St. Charles comes first.
        ("63034", "Clinics near 63034", "Gateway Pain Relief St. Charles"),
        ("st louis, mo", "Clinics near St. Louis, MO", "Gateway Pain Relief St. Louis"),
        ("Illinois", "Clinics in Illinois", None),
    ],
)
def test_a_static_host_searches_the_json_index(open_page, static_site, text, heading, first):
    page = open_page(static_site, PHONE)
    page.goto("/locations/")
    search(page, text)
    expect(page.locator("#results-heading")).to_have_text(heading)
    if first:
        assert names(page)[0] == first
    else:
        assert set(names(page)) == {
            "Gateway Pain Relief Belleville",
            "Gateway Pain Relief Edwardsville",
            "Gateway Pain Relief Springfield",
        }
    assert page.locator("#locator-results li.clinic .today").count() == len(names(page))


def test_a_static_host_explains_what_it_cannot_place(open_page, static_site):
    page = open_page(static_site)
    page.goto("/locations/?q=Hazelwood%2C+MO")  # a link to a search, opened on a static host
    expect(page.locator("#locator-results .notice")).to_have_text(
        "We could not find a clinic in “Hazelwood”."
    )
    assert len(names(page)) == 8  # the state's clinics instead
    search(page, "90210")
    expect(page.locator("#locator-results .notice")).to_contain_text("use your location")
    search(page, "Flrissant")
    expect(page.locator("#locator-results .suggest a")).to_have_text("Florissant, MO")
