"""Spanish pages in a real browser: axe-core finds no violations, the page and the language
switcher say which language each text is in, and the switcher reaches every version."""

import re

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

SPANISH = "/es/neuropathic-pain-treatment/florissant-mo/"
PAGES = [
    "/es/",
    "/es/locations/",
    "/es/locations/mo/",
    "/es/locations/florissant-mo/",
    "/es/neuropathic-pain-treatment/",
    SPANISH,
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return axe_sync.Axe()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations_on_spanish_pages(page, axe, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "es"
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_switcher_names_each_language_in_itself_and_reaches_every_version(page):
    page.goto(SPANISH)
    switcher = page.get_by_role("navigation", name="Idioma")  # named in the page's language
    english = switcher.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en"
    assert switcher.get_by_role("link", name="Español").get_attribute("aria-current") == "page"
    english.click()
    sync_api.expect(page).to_have_url(re.compile(r"^http://[^/]+/neuropathic-pain-treatment/"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    sync_api.expect(page.locator("h1")).to_have_text(
        "Tratamiento del dolor neuropático en Florissant, MO"
    )
