"""Today's row and "open now" in a real browser, on the clinic's clock: the browser runs in
Auckland, the clinic is in Missouri, and the clock is fixed, so each case is one moment."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from seo.services.locations import check_location, save_location
from seo.store import history, queries
from seo.store.db import get_engine

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser

PAGE = "/locations/florissant-mo/"  # Mo-Fr 08:00-17:00; Sa 09:00-13:00, in America/Chicago
VISITOR_ZONE = "Pacific/Auckland"  # 19 hours ahead of Missouri in November: another day


def change_clinic(live_server, **cells: str) -> None:
    """Edit Florissant through the one write path, as the admin form does."""
    with live_server.app.app_context(), Session(get_engine(), expire_on_commit=False) as s:
        row = queries.location_by_slug(s, "florissant-mo")
        raw = {**history.location_snapshot(row), **cells}
        value, errors = check_location(s, raw, row)
        assert value is not None, errors
        save_location(s, row, value, "test", "update")


def visit(browser, live_server, moment: datetime):
    """The clinic page in a browser set to Auckland, at a fixed moment (UTC)."""
    context = browser.new_context(base_url=live_server.url, timezone_id=VISITOR_ZONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.clock.set_fixed_time(moment)
    page.goto(PAGE)
    return context, page


def clinic_state(page) -> tuple[str, str]:
    """(data-day of today's row, the "open now" text)."""
    status = page.locator(".open-now")
    sync_api.expect(status).to_be_visible()
    today = page.locator("table.hours tr.today")
    sync_api.expect(today).to_have_count(1)
    assert today.get_attribute("aria-current") == "date"
    return today.get_attribute("data-day"), status.inner_text()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    "moment, day, status, visitor_day",
    [
        # Friday 5:30 PM in Missouri (closed since 5), Saturday 12:30 PM in Auckland (open).
        (utc(2026, 11, 27, 23, 30), "4", "Closed now", "Sat"),
        # Monday 10:00 AM in Missouri (open), Tuesday 5:00 AM in Auckland (closed).
        (utc(2026, 11, 30, 16, 0), "0", "Open now", "Tue"),
    ],
)
def test_today_and_open_now_follow_the_clinic_clock(
    browser, live_server, moment, day, status, visitor_day
):
    context, page = visit(browser, live_server, moment)
    try:
        weekday = page.evaluate("new Intl.DateTimeFormat('en-US', {weekday: 'short'}).format()")
        assert weekday == visitor_day  # the browser itself is on another day
        assert clinic_state(page) == (day, status)
    finally:
        context.close()


def test_a_range_past_midnight_keeps_the_clinic_open_into_the_next_day(browser, live_server):
    change_clinic(live_server, opening_hours="Mo-Th 08:00-17:00; Fr 08:00-17:00,18:00-02:00")
    axe = axe_sync.Axe()
    # Saturday 1:00 AM in Missouri: still Friday night's hours.
    context, page = visit(browser, live_server, utc(2026, 11, 28, 7, 0))
    try:
        assert clinic_state(page) == ("5", "Open now")
        friday = page.locator('tr[data-day="4"] td')
        sync_api.expect(friday).to_have_text("8:00 AM – 5:00 PM, 6:00 PM – 2:00 AM")
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
    # Saturday 3:00 AM: closed.
    context, page = visit(browser, live_server, utc(2026, 11, 28, 9, 0))
    try:
        assert clinic_state(page) == ("5", "Closed now")
    finally:
        context.close()


def test_a_closed_clinic_is_closed_now_until_it_reopens(browser, live_server):
    change_clinic(live_server, closed_until="2026-12-01")
    axe = axe_sync.Axe()
    # Monday, November 30, 10:00 AM in Missouri: opening hours, but closed.
    context, page = visit(browser, live_server, utc(2026, 11, 30, 16, 0))
    try:
        assert clinic_state(page) == ("0", "Closed now")
        notice = page.locator(".closure")
        sync_api.expect(notice).to_have_text(
            "Temporarily closed, reopening on Tuesday, December 1, 2026."
        )
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
    # Tuesday, December 1, 10:00 AM in Missouri: a page composed earlier (the server's date
    # is pinned to November 25) stops showing the notice and the clinic is open.
    context, page = visit(browser, live_server, utc(2026, 12, 1, 16, 0))
    try:
        assert clinic_state(page) == ("1", "Open now")
        sync_api.expect(page.locator(".closure")).to_be_hidden()
    finally:
        context.close()
