"""Screenshots of an mlscan HTML report in headless Chromium (the system browser, driven by Playwright).

    python scripts/screenshot_report.py REPORT.html DESKTOP.png PHONE.png

The first failing control is opened, as a compliance lead would on the first screen; the phone
shot is the same page at 390 px. The browser runs offline: the report must render with no network.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main(report: Path, desktop: Path, phone: Path) -> None:
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        sys.exit("screenshot_report.py: chromium not found (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, headless=True, args=FLAGS)
        for out, width, height in ((desktop, 1400, 1100), (phone, 390, 1600)):
            page = browser.new_page(viewport={"width": width, "height": height}, offline=True)
            page.goto(report.resolve().as_uri())
            page.eval_on_selector("details.control[data-status=fail]", "el => { el.open = true; }")
            page.screenshot(path=str(out))
            page.close()
            print(f"wrote {out} ({width} px)")
        browser.close()


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:4]))
