"""Regenerate docs/seed-report.png from reports/seed.html (run the README demo first).

    python docs/screenshot.py [reports/seed.html] [docs/seed-report.png]

Uses Debian's Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

src = Path(sys.argv[1] if len(sys.argv) > 1 else "reports/seed.html").resolve()
out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/seed-report.png")
chromium = shutil.which("chromium") or "/usr/bin/chromium"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(src.as_uri())
    page.click('#article [data-units^="Q2"]')  # the altered quotation: USA -> us, its -> our
    page.screenshot(path=str(out))
    browser.close()
print(f"Wrote {out}")
