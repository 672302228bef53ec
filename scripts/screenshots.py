"""Screenshot the demo landing page at phone and desktop widths, and the store locator's
answer on a phone, into docs/.

Run through `make screenshots` (Playwright driving Debian's chromium)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import ROOT, demo_server  # noqa: E402

PAGE = "/neuropathic-pain-treatment/florissant-mo/"
LOCATOR = "/locations/"
LOCATOR_SHOT = "screenshot-locator-phone.png"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = {
    "screenshot-phone.png": {"width": 390, "height": 844},
    "screenshot-desktop.png": {"width": 1280, "height": 800},
}


def main() -> None:
    with demo_server() as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, viewport in SHOTS.items():
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(origin + PAGE)
            page.screenshot(path=str(ROOT / "docs" / name))
            page.close()
            print(f"wrote docs/{name}")
        locator(browser, origin)
        browser.close()


def locator(browser, origin: str) -> None:
    """The locator on a phone after a search, on a weekday morning in the clinics' zone."""
    page = browser.new_page(viewport=SHOTS["screenshot-phone.png"], device_scale_factor=1)
    page.clock.set_fixed_time("2026-11-25T15:30:00Z")
    page.goto(origin + LOCATOR)
    page.fill("#q", "Florissant, MO")
    page.click("form[data-locator] button[type=submit]")
    page.locator("#locator-results li.clinic .today").first.wait_for()
    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "docs" / LOCATOR_SHOT))
    page.close()
    print(f"wrote docs/{LOCATOR_SHOT}")


if __name__ == "__main__":
    main()
