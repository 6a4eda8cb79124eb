"""Screenshots of the demo report for the README: docs/report-en.png and docs/report-ar.png.

Audits the sample exports shipped with the package (as `crm-audit demo` does), renders the report in
English and Arabic, and photographs the top of each page with the system's headless Chromium
(Debian's `chromium` package) driven by Playwright; no browser is downloaded.

    python docs/make_screenshots.py                 # both screenshots
    python docs/make_screenshots.py --html r.html --out r.png   # any report
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# The same switches as the browser test: no sandbox (containers), no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).resolve().parent
# Tall enough to show the summary and the who-is-who matrix: the two things a reader sees first.
VIEWPORT = {"width": 1360, "height": 1960}


def screenshot(html: Path, out: Path, *, height: int = VIEWPORT["height"]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(
                viewport={"width": VIEWPORT["width"], "height": height}, device_scale_factor=1
            )
            page.goto(html.resolve().as_uri())
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()


def demo_reports(folder: Path) -> dict[str, Path]:
    from auditor.demo import audit_samples
    from auditor.reporting.html_report import write_html

    result = audit_samples()
    reports = {}
    for lang in ("en", "ar"):
        reports[lang] = folder / f"report-{lang}.html"
        write_html(result, reports[lang], lang=lang)
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, help="photograph this report instead of the demo's")
    parser.add_argument("--out", type=Path, help="where to write the PNG (with --html)")
    parser.add_argument("--height", type=int, default=VIEWPORT["height"], help="viewport height in pixels")
    options = parser.parse_args()
    if options.html:
        screenshot(options.html, options.out or options.html.with_suffix(".png"), height=options.height)
        return
    with tempfile.TemporaryDirectory() as folder:
        for lang, html in demo_reports(Path(folder)).items():
            out = DOCS / f"report-{lang}.png"
            screenshot(html, out, height=options.height)
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
