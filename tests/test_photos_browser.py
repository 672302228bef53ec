"""Uploading a clinic photo in a real browser and seeing it on the public page: Playwright
driving Debian's chromium, axe-core on the staff page and the public page."""

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD
from photo_data import jpeg

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser
ALT = "The Kirkwood clinic's front door, with a bench and two planters beside it"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_no_violations(page):
    results = axe_sync.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_upload_a_photo_and_see_it_on_the_clinic_page(page, tmp_path):
    photo = tmp_path / "kirkwood.jpg"
    photo.write_bytes(jpeg(1800, 1200, orientation=6, gps=True))
    page.goto("/admin/login")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto("/admin/locations/?q=Kirkwood")
    page.click("a:has-text('Gateway Pain Relief Kirkwood')")
    page.click("a:has-text('Photos')")
    sync_api.expect(page.locator("h1")).to_have_text("Photos of Gateway Pain Relief Kirkwood")

    page.set_input_files("input[name=file]", str(photo))
    page.click("button:has-text('Upload')")  # no alt text yet
    sync_api.expect(page.locator("#alt-error")).to_contain_text("alt text is required")
    assert_no_violations(page)

    page.set_input_files("input[name=file]", str(photo))
    page.fill("input[name=alt]", ALT)
    page.click("button:has-text('Upload')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Added a photo")
    sync_api.expect(page.locator(".photo-item img")).to_have_attribute("alt", ALT)
    assert_no_violations(page)

    page.goto("/locations/kirkwood-mo/")
    img = page.locator("figure.photo img")
    img.scroll_into_view_if_needed()  # loaded lazily, below the fold
    sync_api.expect(img).to_have_attribute("alt", ALT)
    page.wait_for_function("() => document.querySelector('figure.photo img').complete")
    chosen = img.evaluate("i => [i.naturalWidth, i.naturalHeight, i.currentSrc]")
    assert chosen[0] < chosen[1]  # stored sideways, shown upright: 1200 x 1800
    assert chosen[2].endswith(".webp")  # chromium takes the WebP source
    assert_no_violations(page)
