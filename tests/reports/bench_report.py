"""How big and how fast the reports are for a large audit (not a test: run it by hand).

    python -m tests.reports.bench_report                      # 1M records, 100k findings
    python -m tests.reports.bench_report --records 200000 --findings 20000 --browser

Builds a synthetic AuditResult (the audit itself is not timed: this measures the renderers), then
times the HTML report (view model + template), the XLSX workbook and the JSON, prints the HTML's
size, and with --browser the time headless Chromium takes to load and script the page.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from auditor.reporting.html_report import render_html
from auditor.reporting.json_report import write_json
from auditor.reporting.xlsx_report import write_xlsx
from tests.reports.sample_result import scaled_result


def _timed(label: str, action) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = action()
    print(f"{label:<28} {time.perf_counter() - started:7.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--browser", action="store_true", help="also time loading the page in Chromium")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the workbook")
    options = parser.parse_args()
    result = _timed("synthetic audit result", lambda: scaled_result(options.records, options.findings))
    print(f"{len(result.records):,} records, {len(result.findings):,} findings")
    with tempfile.TemporaryDirectory() as folder:
        html = _timed("HTML (view + template)", lambda: render_html(result))
        path = Path(folder) / "report.html"
        path.write_text(html, encoding="utf-8")  # type: ignore[arg-type]
        print(f"{'HTML size':<28} {path.stat().st_size / 1e6:7.2f} MB")
        _timed("JSON", lambda: write_json(result, Path(folder) / "findings.json"))
        if not options.no_xlsx:
            _timed("XLSX", lambda: write_xlsx(result, Path(folder) / "audit.xlsx"))
            print(f"{'XLSX size':<28} {(Path(folder) / 'audit.xlsx').stat().st_size / 1e6:7.2f} MB")
        if options.browser:
            _browser(path)


def _browser(path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.reports.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        loaded = time.perf_counter() - started
        # The script has run when every filter's status line is filled in.
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.toolbar .status')).every(s => s.textContent)"
        )
        ready = time.perf_counter() - started
        print(f"{'Chromium: load event':<28} {loaded:7.2f} s")
        print(f"{'Chromium: controls ready':<28} {ready:7.2f} s")
        browser.close()


if __name__ == "__main__":
    main()
