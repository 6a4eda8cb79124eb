"""The page in a real headless Chromium: choose two exports, audit, read the report, download a result.

Debian's `chromium` driven by Playwright (never a browser download). Without it the test skips,
except in CI (CI=true), where a missing browser is a failure. With CRM_AUDIT_SCREENSHOT=path set,
it audits the bundled samples instead and saves a screenshot of the finished page there (that is
how docs/serve.png is made).
"""

from __future__ import annotations

import importlib.util
import json
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from tests.conftest import AS_OF
from tests.serve.conftest import CONTACT, LEAD, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Reports every Content-Security-Policy violation in any frame as a console error.
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_present() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    elif importlib.util.find_spec("playwright") is None:
        problem = "Playwright for Python is missing: pip install playwright (the [browser] extra)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI is set, so the browser test must run, but {problem}")
        pytest.skip(problem)


def test_upload_two_exports_and_read_the_report(chromium_present, tmp_path) -> None:
    # Playwright's sync API runs an event loop in its thread, and another suite's session-wide browser
    # may already hold this one: a thread of its own keeps the two apart.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(_upload_and_read, tmp_path).result(timeout=180)


def _upload_and_read(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    screenshot = os.environ.get("CRM_AUDIT_SCREENSHOT")
    with ExitStack() as stack:
        if screenshot:
            from auditor.demo import demo_config, sample_paths

            files = stack.enter_context(sample_paths())
            config = demo_config()
        else:
            files, config = [LEAD, CONTACT], Config(as_of=AS_OF, internal_domains=("example.com",))
        expected = auditor.audit(files, config, display_names=[path.name for path in files]).summary()
        server = stack.enter_context(running_server(tmp_path))
        playwright = stack.enter_context(sync_playwright())
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(chromium.close)
        context = chromium.new_context(
            viewport={"width": 1280, "height": 1000}, accept_downloads=True, device_scale_factor=1
        )
        stack.callback(context.close)
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        # Nothing may leave the machine: every request goes to the server itself (or is inline data).
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))

        page.goto(server.url)
        # A wrong file is named at once, before anything is sent, and can be taken out again.
        page.set_input_files("#files", {"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG"})
        assert page.locator("#message").inner_text().startswith("photo.png: not a CSV or Excel file.")
        assert page.locator("#audit").is_disabled()
        page.click("#file-list button[aria-label='Remove photo.png']")
        assert page.locator("#message").is_hidden()

        page.set_input_files("#files", [str(path) for path in files])
        assert page.locator("#file-list li").count() == len(files)
        assert page.locator("#audit").is_enabled()
        page.fill("#as_of", config.as_of.isoformat())
        page.fill("#internal_domains", ", ".join(config.internal_domains))
        page.fill("#partner_domains", ", ".join(config.partner_domains))
        page.click("#audit")

        page.wait_for_selector("#result:not([hidden])", timeout=60_000)
        assert page.locator("[data-count=records]").inner_text() == f"{expected['records']:,}"
        assert page.locator("[data-count=findings]").inner_text() == f"{expected['findings']:,}"
        report = page.frame_locator("#report")
        report.locator("body").wait_for(timeout=30_000)
        text = report.locator("body").inner_text()
        for path in files:
            assert path.name in text, f"the report names {path.name}"

        if screenshot:
            page.wait_for_timeout(500)
            page.screenshot(path=screenshot, full_page=False)

        with page.expect_download() as download_info:
            page.click(".downloads a[data-kind=json]")
        findings = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
        assert findings["summary"] == expected
        assert problems == [], problems
        assert all(url.startswith((server.url, "data:", "blob:")) for url in requests), requests
