"""Screenshot the staff hours form and the requests inbox into docs/screenshots/.

Run with a suffix, e.g. `python scripts/staff_screenshots.py after`: writes
hours-after.png (desktop), inbox-after.png (desktop) and inbox-after-phone.png (390 px).
A visitor's request is sent first, so the inbox has a row to show."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import ROOT, demo_server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
EMAIL, PASSWORD = "staff@clinics.example", "screenshots-only-1"
OUT = ROOT / "docs" / "screenshots"


def main(suffix: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server((EMAIL, PASSWORD)) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for who, phone in (("Dana Whitfield", "314 555 0100"), ("Sam Okafor", "636-555-0188")):
            visitor = browser.new_page(viewport=PHONE)
            visitor.goto(origin + "/locations/florissant-mo/")
            visitor.click("text=Request a visit")
            if "/appointments/new/" not in visitor.url:
                visitor.click("#book button")
            visitor.fill("input[name=name]", who)
            visitor.fill("input[name=phone]", phone)
            visitor.check("input[name=consent]")
            visitor.click("button:has-text('Send request')")
            visitor.close()
        for name, viewport in (("", DESKTOP), ("-phone", PHONE)):
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(origin + "/admin/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.goto(origin + "/admin/requests/")
            status = page.locator("table.requests select[name=status]")
            if not name and status.count():  # a request someone has called back
                status.last.select_option("contacted")
                page.locator("table.requests button:has-text('Update')").last.click()
            page.screenshot(path=str(OUT / f"inbox-{suffix}{name}.png"), full_page=True)
            if not name:
                page.goto(origin + "/admin/locations/")
                page.click("a:has-text('Gateway Pain Relief Florissant')")
                page.locator("fieldset", has_text="Hours").first.screenshot(
                    path=str(OUT / f"hours-{suffix}.png")
                )
            page.close()
        browser.close()
    print(f"wrote docs/screenshots/*-{suffix}*.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "after")
