"""Screenshot the demo landing page at phone and desktop widths into docs/.

Run through `make screenshots` (Playwright driving Debian's chromium)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import ROOT, demo_server  # noqa: E402

PAGE = "/neuropathic-pain-treatment/florissant-mo/"
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
        browser.close()


if __name__ == "__main__":
    main()
