"""The upload page in a real headless Chromium, in English and in Arabic (right to left): no WCAG 2.1
AA violation axe-core can find at a phone's, a tablet's and a desktop's width, empty and with a
finished audit; where focus goes after a refusal (which the server words in the page's language), a
finished audit and "New audit"; what is said when the audit finishes; the report on its own in a new
tab; and the page once every result has been downloaded and the server has deleted them.

Skips without Debian's chromium, except in CI, like tests/serve/test_browser.py.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from auditor.reporting.i18n import Translator
from auditor.serve.page import server_words
from auditor.serve.worker import OUTPUTS
from auditor.wording import said
from tests.axe import axe_violations
from tests.conftest import AS_OF
from tests.serve.conftest import CONTACT, LEAD, PNG, running_server
from tests.serve.test_browser import CHROMIUM, CHROMIUM_ARGS, WATCH_CSP, chromium_present  # noqa: F401

pytestmark = pytest.mark.browser

WIDTHS = (390, 1024, 1440)
FILES = [LEAD, CONTACT]


@pytest.mark.usefixtures("chromium_present")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_page_is_accessible_and_keeps_focus_and_says_what_happened(tmp_path, lang) -> None:
    expected = auditor.audit(
        FILES, Config(as_of=AS_OF), display_names=[path.name for path in FILES]
    ).summary()
    # Playwright's sync API runs an event loop in its thread: a thread of its own keeps it apart from
    # another suite's session-wide browser.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(_check_page, tmp_path, lang, expected).result(timeout=240)


def _focused(page) -> str:
    """The focused element's id; "<body>" when focus was dropped."""
    return page.evaluate(
        "() => document.activeElement === document.body ? '<body>' : document.activeElement.id"
    )


def _no_violations(page, when: str, exclude: list[str] | None = None) -> None:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page, exclude=exclude)
        if violations:
            found[width] = violations
    assert found == {}, f"axe, {when}: {found}"


def _check_page(tmp_path: Path, lang: str, expected: dict) -> None:
    from playwright.sync_api import sync_playwright

    t = Translator(lang)
    with ExitStack() as stack:
        server = stack.enter_context(running_server(tmp_path))
        playwright = stack.enter_context(sync_playwright())
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(chromium.close)
        context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        stack.callback(context.close)
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        problems: list[str] = []
        # Refusals (415) and a deleted audit (410) are part of the story: only CSP and script errors count.
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if message.text.startswith("CSP violation") else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{server.url}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == t.direction
        assert page.locator("#lang").input_value() == lang, "the report's language follows the page's"
        _no_violations(page, "empty page")

        # A refused upload: the page has hidden the form, so focus goes to the message that says why.
        page.set_input_files("#files", {"name": "photo.csv", "mimeType": "text/csv", "buffer": PNG})
        page.click("#audit")
        page.wait_for_selector("#message:not([hidden])")
        assert _focused(page) == "message"
        assert page.locator("#message").get_attribute("role") == "alert"
        # The server's refusal, in the page's language (an X-Page-Lang header on the upload).
        refusal = page.locator("#message").inner_text()
        why = (
            server_words("looks_like", name="photo.csv", what=server_words("format_png")),
            server_words("accepted"),
        )
        assert refusal == " ".join(said(sentence, lang)[0] for sentence in why)
        if lang == "en":
            assert refusal.startswith("photo.csv is not a CSV or Excel file (it looks like a PNG image).")
        else:
            # No Latin sentence: the only Latin words are the file's name and the names of formats.
            names = {"photo", "csv", "CSV", "Excel", "PNG", "TSV", "TXT", "xlsx", "xlsm", "xls", "ods"}
            assert set(re.findall(r"[A-Za-z]+", refusal)) <= names, refusal
        page.click("#file-list li button")
        assert _focused(page) == "files", "the removed file's button is gone: focus goes back to the chooser"

        page.set_input_files("#files", [str(path) for path in FILES])
        page.fill("#as_of", AS_OF.isoformat())
        page.click("#audit")
        page.wait_for_selector("#result:not([hidden])", timeout=90_000)
        assert _focused(page) == "result-title"
        assert page.locator("#announce").inner_text() == t(
            "page.js_finished", findings=expected["findings"], records=expected["records"]
        )
        assert page.locator("#announce").get_attribute("role") == "status"
        assert page.locator("[data-count=records]").inner_text() == t.number(expected["records"])
        bar = page.locator("#bar")
        assert bar.get_attribute("aria-labelledby") == "progress-title"
        steps = page.locator("#steps li").all_inner_texts()
        assert bar.get_attribute("aria-valuetext") in {
            t("page.js_step", number=number, count=len(steps), step=step)
            for number, step in enumerate(steps, 1)
        }
        for kind in OUTPUTS:
            assert page.get_by_role("link", name=t(f"page.dl_{kind}_name"), exact=True).count() == 1
        page.frame_locator("#report").locator("body").wait_for(timeout=30_000)
        _no_violations(page, "finished audit", exclude=["#report"])

        # The report on its own, in a new tab, from the keyboard.
        full = page.get_by_role("link", name=t("page.full_name"), exact=True)
        assert full.get_attribute("target") == "_blank"
        full.focus()
        with context.expect_page() as opened:
            page.keyboard.press("Enter")
        alone = opened.value
        alone.wait_for_load_state()
        assert all(path.name in alone.locator("body").inner_text() for path in FILES)
        alone.close()

        # Every result downloaded: the server deletes the audit, and the page stops offering it.
        for kind in OUTPUTS:
            with page.expect_download() as download:
                page.click(f".downloads a[data-kind={kind}]")
            download.value.path()  # waits until it has arrived in full
        page.wait_for_function(
            "text => document.getElementById('expiry').textContent === text",
            arg=t("page.js_all_downloaded"),
            timeout=15_000,
        )
        for link in page.locator(".downloads a").all():
            assert link.get_attribute("href") is None and link.get_attribute("aria-disabled") == "true"
        # The frame, reloaded, says the audit was deleted, in the page's language: not raw JSON.
        page.evaluate("() => { const frame = document.getElementById('report'); frame.src = frame.src; }")
        gone = page.frame_locator("#report").locator("h1")
        gone.wait_for(timeout=10_000)
        assert gone.inner_text() == t("page.gone_title")
        _no_violations(page, "deleted audit", exclude=["#report"])

        page.click("#again")
        assert _focused(page) == "files"
        assert problems == [], problems
