"""Staff tasks in a real browser (Playwright, Debian chromium), each checked by axe-core at
desktop and phone sizes: hours and holidays set in the day grid reach the public page and
its JSON-LD; a visitor's request moves new -> contacted -> booked, on the clinic's clock."""

import json
import re

import pytest
from conftest import STAFF_EMAIL
from test_admin_browser import login, open_location

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture(scope="module")
def axe():
    return axe_sync.Axe()


def assert_no_violations(axe, page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_fits(page, viewport):
    """Nothing is cut off at the right: the page is no wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.fixture
def context(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    yield context
    context.close()


def new_page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def clinic_node(page) -> dict:
    graph = json.loads(page.locator("script[type='application/ld+json']").text_content())
    return next(n for n in graph["@graph"] if n["@type"] == "MedicalClinic")


@SIZES
def test_hours_and_two_holidays_set_in_the_grid_reach_the_page_and_json_ld(context, axe, viewport):
    page = new_page(context)
    login(page)
    open_location(page, "Gateway Pain Relief Chesterfield")
    monday = page.locator("[data-day=Mo]")
    monday.locator("input[name$=-opens]").first.fill("08:00")
    monday.locator("input[name$=-closes]").first.fill("12:00")
    monday.locator("[data-add-range]").click()  # a second range, added in place
    monday.locator("input[name$=-opens]").nth(1).fill("13:00")
    monday.locator("input[name$=-closes]").nth(1).fill("17:00")
    page.click("button:has-text('Copy Monday')")
    assert page.locator("[data-day=Fr] input[name$=-closes]").nth(1).input_value() == "17:00"
    saturday = page.locator("[data-day=Sa]")
    saturday.locator("input[name$=-opens]").first.fill("09:00")
    saturday.locator("input[name$=-closes]").first.fill("12:00")
    holidays = page.locator("[data-holiday]")
    first, second = holidays.nth(0), holidays.nth(1)
    first.locator("input[type=date]").fill("2026-12-24")
    first.locator("input[name$=-opens]").first.fill("09:00")
    first.locator("input[name$=-closes]").first.fill("12:00")
    second.locator("input[type=date]").fill("2026-12-31")
    second.locator("input[name$=-name]").fill("New Year's Eve")
    second.locator("[data-closed]").check()
    assert_no_violations(axe, page)
    assert_fits(page, viewport)
    page.click("button:has-text('Save and publish')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Saved")
    # Saved back into the grid as entered.
    sync_api.expect(page.locator("[data-day=We] input[name$=-opens]").nth(1)).to_have_value("13:00")
    sync_api.expect(page.locator("[data-holiday] input[name$=-name]").nth(1)).to_have_value(
        "New Year's Eve"
    )

    page.goto("/locations/chesterfield-mo/")
    rows = page.locator("table.hours tr")
    sync_api.expect(rows.nth(0)).to_contain_text("8:00 AM – 12:00 PM, 1:00 PM – 5:00 PM")
    sync_api.expect(rows.nth(4)).to_contain_text("1:00 PM – 5:00 PM")
    sync_api.expect(rows.nth(5)).to_contain_text("9:00 AM – 12:00 PM")
    sync_api.expect(rows.nth(6)).to_contain_text("Closed")
    special = page.locator(".special-hours")
    sync_api.expect(special).to_contain_text("New Year's Eve")
    sync_api.expect(special).to_contain_text("December 24")
    node = clinic_node(page)
    weekly = node["openingHoursSpecification"]
    assert {"opens": "13:00", "closes": "17:00"}.items() <= weekly[1].items() or any(
        s["opens"] == "13:00" and s["closes"] == "17:00" for s in weekly
    )
    dated = {s["validFrom"]: s for s in node["specialOpeningHoursSpecification"]}
    assert dated["2026-12-24"]["opens"] == "09:00" and dated["2026-12-24"]["closes"] == "12:00"
    assert dated["2026-12-31"]["opens"] == dated["2026-12-31"]["closes"] == "00:00"  # closed
    assert dated["2026-12-31"].get("name") == "New Year's Eve"
    assert_no_violations(axe, page)
    assert_fits(page, viewport)


@SIZES
def test_every_bad_entry_in_the_grid_is_named_beside_its_day(context, axe, viewport):
    page = new_page(context)
    login(page)
    open_location(page, "Gateway Pain Relief Chesterfield")
    page.locator("[data-day=Mo] input[name$=-opens]").first.fill("9")
    page.locator("[data-day=Tu] input[name$=-closes]").first.fill("")
    page.locator("[data-holiday] input[type=date]").first.fill("2026-12-24")
    page.locator("[data-holiday] input[name$=-opens]").first.fill("25:00")
    page.locator("[data-holiday] input[name$=-closes]").first.fill("26:00")
    page.click("button:has-text('Save and publish')")
    sync_api.expect(page.locator("#opening_hours-Mo-error")).to_contain_text("'9-17:00'")
    sync_api.expect(page.locator("#opening_hours-Tu-error")).to_contain_text("give both")
    sync_api.expect(page.locator("#special_hours-h0-error")).to_contain_text("'25:00-26:00'")
    # The first field to correct has the focus.
    assert page.evaluate("document.activeElement.name") == "opening_hours-Mo-opens"
    assert_no_violations(axe, page)


@SIZES
def test_a_request_moves_new_contacted_booked_on_the_clinic_clock(context, axe, viewport):
    visitor = new_page(context)
    visitor.goto("/locations/florissant-mo/")
    visitor.click(".cta button:has-text('Request a visit')")  # straight to the form
    sync_api.expect(visitor.locator("h1")).to_have_text("Request an appointment")
    visitor.fill("#name", "Dana Whitfield")
    visitor.fill("#phone", "314 555 0100")
    visitor.check("#consent")
    visitor.click("button:has-text('Send request')")
    sync_api.expect(visitor.locator("h1")).to_contain_text("Thank you")
    visitor.close()

    page = new_page(context)
    login(page)
    sync_api.expect(page.locator("header .badge")).to_contain_text("1")
    page.click("header a:has-text('Requests')")
    row = page.locator("table.requests tbody tr", has_text="Dana Whitfield")
    sync_api.expect(row).to_contain_text("(314) 555-0100")
    # Florissant is in Missouri: the time reads on America/Chicago's clock.
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T", row.locator("time").first.inner_text())
    assert_no_violations(axe, page)
    assert_fits(page, viewport)
    for status, label in (("contacted", "Contacted"), ("booked", "Booked")):
        row.locator("select[name=status]").select_option(status)
        row.locator("button:has-text('Update')").click()
        sync_api.expect(page.locator(".flash.success")).to_contain_text(f"→ {label}")
        row = page.locator("table.requests tbody tr", has_text="Dana Whitfield")
        sync_api.expect(row.locator(".status-history li").last).to_contain_text(
            f"{label} · {STAFF_EMAIL}"
        )
    history = row.locator(".status-history li")
    sync_api.expect(history).to_have_count(2)
    assert all(re.search(r"C[SD]T$", t) for t in history.locator("time").all_inner_texts())
    sync_api.expect(page.locator("header .badge")).to_have_count(0)  # nothing new left
    assert_no_violations(axe, page)
    assert_fits(page, viewport)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_request_form_marks_required_fields_and_focuses_the_first_problem(
    context, axe, viewport
):
    page = new_page(context)
    page.goto("/appointments/new/?page=/locations/florissant-mo/")
    sync_api.expect(page.locator("label[for=name] .required-mark")).to_be_visible()
    page.fill("#email", "not-an-address")
    page.click("button:has-text('Send request')")
    sync_api.expect(page.locator("#name-error")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "name"
    assert_no_violations(axe, page)
