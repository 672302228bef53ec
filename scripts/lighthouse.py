"""Run Lighthouse (mobile) on the demo landing page; keep the report in docs/lighthouse/.

Run through `make lighthouse`, which installs lighthouse@12.2.3 into .lighthouse/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_server import ROOT, demo_server  # noqa: E402

LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "docs" / "lighthouse"
PAGE = "/neuropathic-pain-treatment/florissant-mo/"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    with demo_server() as origin:
        command = [
            str(LIGHTHOUSE),
            origin + PAGE,
            "--output=json",
            "--output=html",
            f"--output-path={OUT / 'landing'}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ]
        subprocess.run(command, env=env, check=True)
    report = json.loads((OUT / "landing.report.json").read_text(encoding="utf-8"))
    form_factor = report["configSettings"]["formFactor"]
    print(f"Lighthouse {report['lighthouseVersion']} on {PAGE} ({form_factor})")
    for key in CATEGORIES:
        category = report["categories"][key]
        print(f"  {category['title']:<16} {round(category['score'] * 100):>3}")
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                print(f"    - {audit['id']}: {audit['title']} ({audit['score']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
