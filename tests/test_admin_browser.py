"""The staff workspace in a real browser: Playwright driving Debian's chromium."""

import re

import pytest
from conftest import NEW_CLINIC, STAFF_EMAIL, STAFF_PASSWORD

sync_api = pytest.importorskip("playwright.sync_api")


pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, email=STAFF_EMAIL, start="/admin/"):
    page.goto(start)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button:has-text('Sign in')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text(f"Signed in as {email}")


def open_location(page, name):
    page.goto("/admin/locations/")
    page.fill("input[name=q]", name)
    page.click("button:has-text('Filter')")
    page.click(f"a:has-text('{name}')")


def test_log_in_and_out(page):
    page.goto("/admin/locations/")
    assert "/admin/login" in page.url
    login(page, start="/admin/locations/")
    assert page.url.endswith("/admin/locations/")
    page.click("button:has-text('Sign out')")
    sync_api.expect(page.locator(".flash")).to_contain_text("Signed out")


def test_add_a_location_and_see_its_page_live(page):
    login(page)
    page.click("a:has-text('Add a location')")
    page.fill("input[name=name]", "Gateway Pain Relief Webster Groves")
    page.fill("input[name=street_address]", "8 N Gore Ave")
    page.fill("input[name=city]", "Webster Groves")
    page.select_option("select[name=state]", "MO")
    page.fill("input[name=postal_code]", "63119")
    page.fill("input[name=phone]", "(314) 555-0177")
    page.select_option("select[name=status]", "published")
    page.fill("textarea[name=intro]", NEW_CLINIC["intro"])
    page.click("button:has-text('Create location')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Created")
    page.goto("/neuropathic-pain-treatment/webster-groves-mo/")
    sync_api.expect(page.locator("h1")).to_have_text(
        "Neuropathic Pain Treatment in Webster Groves, MO"
    )
    sync_api.expect(page.locator("a[href='tel:+13145550177']").first).to_be_visible()


def test_csv_with_one_bad_row_shows_the_error_and_changes_nothing(page, tmp_path):
    login(page)
    page.goto("/admin/import")
    with page.expect_download() as download:
        page.click("a:has-text('Download locations.csv')")
    path = tmp_path / "locations.csv"
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith("st-louis-mo,"))
    lines[bad] = lines[bad].replace("+13145550102", "314-55")
    lines = [line.replace("Gateway Pain Relief Florissant", "Renamed Clinic") for line in lines]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    page.set_input_files("input[name=file]", path)
    page.click("button:has-text('Check the file')")
    problems = page.locator(".problems")
    sync_api.expect(problems).to_contain_text(
        f"row {bad + 1}, column phone: '314-55' is not a US phone number"
    )
    sync_api.expect(problems).to_contain_text("nothing was changed")
    page.goto("/neuropathic-pain-treatment/florissant-mo/")
    sync_api.expect(page.locator(".nap")).to_contain_text("Gateway Pain Relief Florissant")


def test_edit_conflict_between_two_sessions(browser, live_server):
    contexts = [browser.new_context(base_url=live_server.url) for _ in range(2)]
    first, second = (c.new_page() for c in contexts)
    try:
        for page in (first, second):
            page.set_default_timeout(10_000)
            login(page)
            open_location(page, "Gateway Pain Relief Chesterfield")
        first.fill("input[name=name]", "Chesterfield Saved First")
        first.click("button:has-text('Save and publish')")
        sync_api.expect(first.locator(".flash.success")).to_contain_text("Saved")
        second.fill("input[name=name]", "Chesterfield Saved Second")
        second.click("button:has-text('Save and publish')")
        sync_api.expect(second.locator("h1")).to_contain_text("Someone else saved")
        row = second.locator("tr.differs", has_text="name")
        sync_api.expect(row).to_contain_text("Chesterfield Saved Second")
        sync_api.expect(row).to_contain_text("Chesterfield Saved First")
        first.goto("/locations/chesterfield-mo/")
        sync_api.expect(first.locator("h1")).to_have_text("Chesterfield Saved First")
    finally:
        for context in contexts:
            context.close()


def test_admin_restores_an_earlier_version(page):
    login(page)
    open_location(page, "Gateway Pain Relief Florissant")
    page.fill("input[name=phone]", "314-555-0199")
    page.click("button:has-text('Save and publish')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Saved")
    page.click("a:has-text('History')")
    sync_api.expect(page.locator(".history li").first).to_contain_text("+13145550199")
    # The history also lists the demo's photo uploads: restore the version first imported.
    imported = page.locator(".history li", has_text="create by")
    imported.locator("a:has-text('Restore v')").click()
    sync_api.expect(page.locator("main")).to_contain_text("the state after v")
    page.click("button:has-text('Restore v')")
    sync_api.expect(page.locator(".flash.success")).to_contain_text("Restored florissant-mo")
    page.goto("/neuropathic-pain-treatment/florissant-mo/")
    sync_api.expect(page.locator("a[href='tel:+13145550101']").first).to_be_visible()
    assert re.search(r"\(314\) 555-0101", page.content())
