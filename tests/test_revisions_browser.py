"""Revisions and bulk-retire review in a real browser (Playwright, Debian chromium) at a
desktop and a phone size, each screen checked with axe-core."""

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seo.store.db import get_engine
from seo.store.models import Location

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser

SIZES = [pytest.param((1280, 900), id="desktop"), pytest.param((390, 844), id="phone")]
LIVE = "/neuropathic-pain-treatment/florissant-mo/"
NEW_INTRO = (
    "Our Florissant office now opens early on Tuesdays and Thursdays, so patients who work "
    "day shifts at the airport or the Boeing plant can come in before their first break. "
    "Parking moved behind the building on Rue St. Francois, with a ramp at the side door "
    "for wheelchairs and walkers, and the waiting room gained a quiet corner for anyone "
    "who finds bright lights or noise hard after a flare. Dr. Maria Alvarez still sees "
    "every new patient herself and writes each treatment plan with the family doctor."
)


@pytest.fixture(params=SIZES)
def page(request, browser, live_server):
    width, height = request.param
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page):
    page.goto("/admin/login")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button:has-text('Sign in')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Signed in")


def no_violations(page) -> None:
    results = axe_sync.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def published(live_server) -> int:
    with live_server.app.app_context(), Session(get_engine()) as session:
        stmt = select(func.count()).select_from(Location).where(Location.status == "published")
        return session.scalar(stmt)


def test_edit_a_live_clinic_save_a_draft_preview_and_publish(page):
    login(page)
    page.goto("/admin/locations/?q=Florissant")
    page.click("a:has-text('Gateway Pain Relief Florissant')")
    page.fill("textarea[name=intro]", NEW_INTRO)
    page.click("button:has-text('Save draft')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Saved a draft")
    box = page.locator(".revision")
    sync_api.expect(box).to_contain_text(f"Saved by {STAFF_EMAIL}")
    no_violations(page)
    preview_url = box.locator("a:has-text('Preview the draft')").get_attribute("href")
    page.goto(LIVE)  # the live page is unchanged
    sync_api.expect(page.locator("h1")).to_have_text("Neuropathic Pain Treatment in Florissant, MO")
    assert "Rue St. Francois" not in page.content()
    page.goto("/admin/")
    pending = page.locator("table", has_text="Saved by")
    sync_api.expect(pending).to_contain_text("Gateway Pain Relief Florissant")
    sync_api.expect(pending).to_contain_text(STAFF_EMAIL)
    no_violations(page)
    page.goto(preview_url)
    sync_api.expect(page.get_by_text("not published").first).to_be_visible()
    sync_api.expect(page.get_by_text("Rue St. Francois")).to_be_visible()
    no_violations(page)
    page.goto("/admin/")
    page.get_by_role("link", name="Gateway Pain Relief Florissant", exact=True).click()
    page.click("button:has-text('Publish the draft')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("its pages are live")
    sync_api.expect(page.locator(".revision")).to_have_count(0)
    page.goto(LIVE)
    sync_api.expect(page.get_by_text("Rue St. Francois")).to_be_visible()


def test_a_csv_retiring_most_clinics_is_stopped_and_explained(page, live_server, tmp_path):
    login(page)
    page.goto("/admin/import")
    with page.expect_download() as download:
        page.click("a:has-text('Download locations.csv')")
    path = tmp_path / "locations.csv"
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *(x for x in lines if x.startswith(("florissant-mo,", "st-louis-mo,")))]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    page.set_input_files("input[name=file]", path)
    page.check("input[name=retire_missing]")
    page.click("button:has-text('Check the file')")
    alert = page.locator(".blockers[role=alert]")
    sync_api.expect(alert).to_contain_text(
        "Stopped: this file would take 12 of the 14 published clinics offline"
    )
    sync_api.expect(alert).to_contain_text("leaves out")
    sync_api.expect(page.locator(".going")).to_contain_text("Gateway Pain Relief Kirkwood")
    no_violations(page)
    page.check("input[name=confirm_retire]")
    page.click("button:has-text('Confirm the import')")  # the second step is not ticked
    sync_api.expect(page.locator("input[name=allow_mass_retire]")).to_be_visible()
    assert (
        page.evaluate("document.querySelector('input[name=allow_mass_retire]').validity.valid")
        is False
    )
    assert published(live_server) == 14
