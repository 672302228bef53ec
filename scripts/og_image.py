"""Draw static/og-image.png (1200x630) once with chromium; the PNG is committed.

Run: .venv/bin/python scripts/og_image.py  (needs playwright and /usr/bin/chromium)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "og-image.png"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BRAND = "Gateway Pain Relief"

HTML = f"""<!doctype html><html><head><style>
body{{margin:0;width:1200px;height:630px;display:flex;align-items:center;
  font-family:system-ui,"DejaVu Sans",sans-serif;color:#1b2a33;
  background:linear-gradient(135deg,#f8f7f3 0%,#e7f2f0 60%,#cfe6e2 100%)}}
.card{{margin-left:96px;max-width:1020px}}
.mark{{width:112px;height:112px;border-radius:24px;background:#0b6e69;display:flex;
  align-items:center;justify-content:center;margin-bottom:44px}}
h1{{font-size:80px;line-height:1.05;margin:0 0 24px;letter-spacing:-1px}}
p{{font-size:40px;line-height:1.3;margin:0;color:#3d4f5a}}
.band{{position:absolute;left:0;right:0;bottom:0;height:22px;background:#0b6e69}}
</style></head><body><div class="card">
<div class="mark"><svg width="72" height="72" viewBox="0 0 32 32"><path d="M9 16h14M16 9v14"
 stroke="#fff" stroke-width="4" stroke-linecap="round"/></svg></div>
<h1>{BRAND}</h1><p>Specialist care for chronic and nerve pain, close to home.</p>
</div><div class="band"></div></body></html>"""


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(HTML)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
