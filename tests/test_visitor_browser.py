"""The visitor's pages in a real browser: axe-core finds no violations, the hours table
marks today, the call button stays in reach on phones, and a request from a campaign link
reaches the staff list with its UTM parameters."""

import re

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

LANDING = "/neuropathic-pain-treatment/florissant-mo/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return axe_sync.Axe()


def new_page(browser, live_server, viewport=DESKTOP):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = new_page(browser, live_server)
    yield page
    context.close()


def assert_no_violations(axe, page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


PAGES = [
    "/",
    "/locations/",
    "/locations/mo/",
    "/locations/florissant-mo/",
    "/neuropathic-pain-treatment/",
    LANDING,
    f"/appointments/new/?page={LANDING}",
    "/appointments/new/?page=/locations/florissant-mo/",
]
CASES = [(path, DESKTOP) for path in PAGES] + [(LANDING, PHONE), (PAGES[6], PHONE)]


@pytest.mark.parametrize("path, viewport", CASES, ids=[f"{v['width']}{p}" for p, v in CASES])
def test_axe_finds_no_violations(browser, live_server, axe, path, viewport):
    context, page = new_page(browser, live_server, viewport)
    try:
        page.goto(path)
        page.locator("details.qa").evaluate_all("all => all.forEach(d => d.open = true)")
        assert_no_violations(axe, page)
    finally:
        context.close()


def test_axe_on_the_form_with_errors_and_the_thank_you_page(page, axe):
    page.goto(f"/appointments/new/?page={LANDING}")
    page.fill("#phone", "314-55")
    page.click("button:has-text('Send request')")
    sync_api.expect(page.locator("#phone-error")).to_be_visible()
    assert_no_violations(axe, page)
    page.fill("#name", "Ann Lee")
    page.fill("#phone", "(314) 555-0123")
    page.check("#consent")
    page.click("button:has-text('Send request')")
    sync_api.expect(page.locator("h1")).to_contain_text("Thank you")
    assert_no_violations(axe, page)


def test_todays_row_is_marked_by_the_script(page):
    page.goto("/locations/florissant-mo/")
    # Today at the clinic, in Missouri (tests/test_clinic_hours_browser.py: other zones).
    weekday = page.evaluate(
        "['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(new Intl.DateTimeFormat("
        "'en-US', {timeZone: 'America/Chicago', weekday: 'short'}).format(new Date()))"
    )
    today = page.locator("table.hours tr.today")
    sync_api.expect(today).to_have_count(1)
    assert today.get_attribute("data-day") == str(weekday)
    assert today.get_attribute("aria-current") == "date"


def test_call_button_stays_in_reach_on_a_phone(browser, live_server):
    context, page = new_page(browser, live_server, PHONE)
    try:
        page.goto(LANDING)
        page.mouse.wheel(0, 6000)
        page.wait_for_timeout(100)
        call = page.locator(".cta a.call")
        sync_api.expect(call).to_be_in_viewport()
        box = call.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] and box["y"] > PHONE["height"] / 2
        assert call.get_attribute("href") == "tel:+13145550101"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_request_from_a_campaign_link_reaches_the_staff_list(page):
    page.goto(LANDING + "?utm_source=newsletter&utm_campaign=spring")
    page.click("#book button:has-text('Request an appointment')")
    sync_api.expect(page.locator("h1")).to_have_text("Request an appointment")
    assert "utm_source=newsletter" in page.url and "utm_campaign=spring" in page.url  # site.js
    page.fill("#name", "Robin Campaign")
    page.fill("#phone", "(314) 555-0142")
    page.fill("#email", "robin@example.com")
    page.select_option("#preferred_time", "afternoon")
    page.fill("#message", "Any weekday after 2 pm.")
    page.check("#consent")
    page.click("button:has-text('Send request')")
    sync_api.expect(page.locator("h1")).to_contain_text("Thank you")

    page.goto("/admin/requests/")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button:has-text('Sign in')")
    row = page.locator("table.requests tbody tr", has_text="Robin Campaign")
    sync_api.expect(row).to_contain_text("source: newsletter")
    sync_api.expect(row).to_contain_text("campaign: spring")
    sync_api.expect(row).to_contain_text("(314) 555-0142")
    sync_api.expect(row).to_contain_text("Gateway Pain Relief Florissant")
    assert re.search(r"Afternoon", row.inner_text())
