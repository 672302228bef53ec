"""The article editor and the audit page in a real browser (Debian chromium), at desktop and
phone sizes, with axe-core: change, insert and reorder sections by keyboard and by drag,
preview the real page beside the editor, save; follow an audit finding to its field and fix it."""

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD
from sqlalchemy.orm import Session

from seo.services.locations import check_location, save_location
from seo.store import history, queries
from seo.store.db import get_engine

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
expect = sync_api.expect

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
EDITOR = "/admin/services/neuropathic-pain-treatment/"


@pytest.fixture(params=list(SIZES))
def page(request, browser, live_server):
    width, height = SIZES[request.param]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page.locator(".flash.success")).to_contain_text("Signed in")
    page.size = request.param
    yield page
    context.close()


def no_axe_violations(page) -> None:
    results = axe_sync.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def headings(page) -> list[str]:
    return page.locator("[data-sections] input[name$='-heading']").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )


def test_edit_insert_reorder_preview_and_save_an_article(page):
    page.goto(EDITOR)
    frame = page.frame_locator("iframe[name='page-preview']")
    expect(frame.locator(".preview-banner")).to_have_text("Preview – not published")
    form, aside = page.locator("#article-form"), page.locator(".editor-preview")
    if page.size == "desktop":  # side by side
        assert aside.bounding_box()["x"] >= form.bounding_box()["x"] + 400
    else:  # stacked
        assert aside.bounding_box()["y"] > form.bounding_box()["y"] + 400
    no_axe_violations(page)
    page.evaluate("window.stillThisPage = true")
    first, second, third = headings(page)[:3]
    count = len(headings(page))

    # Change a section, then insert one above the third: in place, announced, focused.
    page.fill("textarea[name='sections-0-body']", "Nerve pain care close to {{ city }}.")
    page.locator("#section-2 button:has-text('Insert above')").click()
    status = page.locator("[data-announce]")
    expect(status).to_have_text(f"An empty section was inserted at position 3 of {count + 1}.")
    expect(page.locator("#section-2 input[name='sections-2-heading']")).to_be_focused()
    page.keyboard.type("Parking and transit")
    page.fill("textarea[name='sections-2-body']", "Free parking behind the {{ city }} clinic.")
    assert headings(page)[:4] == [first, second, "Parking and transit", third]

    # Keyboard: the first section moves down with its button, and focus stays with it.
    page.locator("#section-0 button:has-text('Move down')").focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text(f"“{first}” moved down to position 2")
    assert headings(page)[:2] == [second, first]
    focused = page.evaluate("document.activeElement.closest('[data-section]').id")
    assert focused == "section-1"

    # Drag: the new section goes to the top by its handle.
    page.locator("#section-2 .drag-handle").drag_to(
        page.locator("#section-0 .section-head"), target_position={"x": 40, "y": 2}
    )
    expect(status).to_contain_text("“Parking and transit” dropped at position 1")
    assert headings(page)[:3] == ["Parking and transit", second, first]
    assert page.evaluate("window.stillThisPage") is True  # no reload on the way

    # Preview beside the editor, for a clinic picked by name, with the unsaved changes.
    page.fill("#preview_location", "Gateway Pain Relief St. Louis")
    page.locator(".preview-controls button:has-text('Update preview')").click()
    expect(frame.locator("h1")).to_contain_text("St. Louis")
    expect(frame.locator("h2", has_text="Parking and transit")).to_be_visible()
    shown = frame.locator("h2").all_inner_texts()
    assert shown.index("Parking and transit") < shown.index(second) < shown.index(first)
    expect(frame.locator(".preview-banner")).to_be_visible()
    assert page.evaluate("window.stillThisPage") is True
    no_axe_violations(page)

    page.click("button:has-text('Save and publish')")
    expect(page.locator(".flash.success")).to_contain_text("Saved the Neuropathic Pain")
    page.goto("/neuropathic-pain-treatment/florissant-mo/")
    article = page.locator("h2").all_inner_texts()
    assert article.index("Parking and transit") < article.index(second) < article.index(first)
    expect(page.locator("main")).to_contain_text("Free parking behind the Florissant clinic.")
    expect(page.locator(".preview-banner")).to_have_count(0)


def _remove_coordinates(live_server, slug: str) -> None:
    with live_server.app.app_context(), Session(get_engine(), expire_on_commit=False) as s:
        row = queries.location_by_slug(s, slug)
        raw = {**history.location_snapshot(row), "latitude": "", "longitude": ""}
        value, errors = check_location(s, raw, row)
        assert value is not None, errors
        save_location(s, row, value, "test", "update")


def test_an_audit_finding_links_to_the_field_and_the_fix_clears_it(page, live_server):
    _remove_coordinates(live_server, "kirkwood-mo")
    page.goto("/admin/audit/")
    clinic = page.locator(".audit-subject", has_text="Gateway Pain Relief Kirkwood")
    expect(clinic.locator(".finding")).to_have_count(1)
    expect(clinic).to_contain_text("The clinic has no map position")
    expect(clinic.locator("code").first).to_have_text("coordinates-missing")  # secondary
    no_axe_violations(page)
    clinic.locator("a:has-text('Fix: Latitude')").click()
    assert page.url.endswith("/#field-latitude")
    expect(page.locator("#latitude")).to_be_focused()
    page.keyboard.type("38.5834")
    page.fill("#longitude", "-90.4068")
    no_axe_violations(page)
    page.click("button:has-text('Save and publish')")
    expect(page.locator(".flash.success")).to_contain_text("Saved")
    page.goto("/admin/audit/")
    expect(page.locator(".audit-subject", has_text="Kirkwood")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing to fix")
