"""Fixtures of the report tests: a real headless Chromium for the browser tests.

The browser is Debian's `chromium` package driven by Playwright (never a browser download). Without
it the browser tests skip, except in CI (the CI variable set), where a missing browser is a failure:
CI installs it (.ci/run), so its absence means the check did not run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            problem = "Playwright for Python is missing: pip install playwright (or the [browser] extra)"
    if problem:
        if _in_ci():
            pytest.fail(f"CI is set, so the browser test must run, but {problem}")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
