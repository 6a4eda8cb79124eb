"""The report in a real headless Chromium: no JavaScript error, search, filter and sort work, Arabic
reads right to left, hostile data runs nothing, and the page is whole with JavaScript off."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.reporting.html_report import write_html
from tests.reports.sample_result import sample_result, scaled_result

pytestmark = pytest.mark.browser


class _Watched:
    """A page with its console errors, uncaught exceptions and dialogs (an alert() means a script
    from the data ran) collected, and every network request refused."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(result: Any, *, javascript: bool = True) -> _Watched:
        path = tmp_path / f"report-{len(contexts)}.html"
        write_html(result, path)
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        watched = _Watched(context.new_page())
        watched.page.goto(path.as_uri())
        watched.page.wait_for_load_state("load")
        return watched

    yield open_
    for context in contexts:
        context.close()


# Rows the filters left in (not `hidden`). Read from the DOM, not from layout: what is tested here is
# the filtering itself, wherever the rows are on the page.
SHOWN = "tbody tr:not([hidden])"


def _visible_rules(section: Any) -> list[str]:
    return [text.strip() for text in section.locator(f"{SHOWN} td:nth-child(2)").all_text_contents()]


def test_search_filter_and_sort_a_findings_table(open_report: Any) -> None:
    watched = open_report(scaled_result(2000, 300))
    page = watched.page
    section = page.locator("#kind-invalid-email")
    # Brought on screen the way a reader would, so the clicks below happen where they can be seen.
    section.scroll_into_view_if_needed()
    rows = section.locator("tbody tr")
    total = rows.count()
    assert total > 10
    status = section.locator(".toolbar .status")
    assert status.text_content() == f"Showing {total} of {total}"

    # Search: one email address leaves its row alone.
    email = rows.nth(3).locator(".person-fields li bdi").first.text_content() or ""
    section.get_by_label("Search").fill(email)
    page.wait_for_function(
        "el => el.textContent.startsWith('Showing 1 of')", arg=status.element_handle(), timeout=5000
    )
    assert section.locator(SHOWN).count() == 1
    assert email in (section.locator(SHOWN).text_content() or "")
    # The report's own words are not data: "invalid" is in every message here, in no value.
    section.get_by_label("Search").fill("invalid")
    page.wait_for_function(
        "el => el.textContent.startsWith('Showing 0 of')", arg=status.element_handle(), timeout=5000
    )
    # A rule's code is searchable.
    section.get_by_label("Search").fill("dq011")
    page.wait_for_function(
        "el => !el.textContent.startsWith('Showing 0 of')", arg=status.element_handle(), timeout=5000
    )
    assert set(_visible_rules(section)) == {"DQ011"}
    section.get_by_label("Search").fill("")
    page.wait_for_function(
        f"el => el.textContent === 'Showing {total} of {total}'", arg=status.element_handle(), timeout=5000
    )

    # Filter: the info severity keeps only DQ011's rows; a rule filter keeps only that rule.
    section.get_by_label("Severity").select_option("info")
    info_rules = set(_visible_rules(section))
    assert info_rules == {"DQ011"}
    section.get_by_label("Severity").select_option("")
    section.get_by_label("Rule").select_option("DQ001")
    assert set(_visible_rules(section)) == {"DQ001"}
    section.get_by_label("Rule").select_option("")
    assert section.locator(SHOWN).count() == total

    # Sort by rule: ascending, then descending; the header says which.
    header = section.locator("thead th").nth(1)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = _visible_rules(section)
    assert ascending == sorted(ascending) and ascending[0] == "DQ001" and ascending[-1] == "DQ011"
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert _visible_rules(section) == sorted(ascending, reverse=True)

    # Sort by severity is numeric (error > warning > info), by its hidden rank.
    severity = section.locator("thead th").nth(0)
    severity.get_by_role("button").click()
    assert section.locator("tbody tr").first.get_attribute("data-severity") == "info"

    # A keyboard user reaches the sort buttons and the search box.
    section.get_by_label("Search").focus()
    assert page.evaluate("document.activeElement.type") == "search"
    assert watched.problems == []


def test_arabic_report_reads_right_to_left(open_report: Any) -> None:
    watched = open_report(sample_result(lang="ar"))
    page = watched.page
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The layout is mirrored: the table of contents sits to the right of the content.
    nav = page.locator("nav.toc").bounding_box()
    main = page.locator("main").bounding_box()
    assert nav is not None and main is not None and nav["x"] > main["x"]
    # Nothing sticks out sideways (a classic right-to-left bug).
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert watched.problems == []


def test_hostile_data_runs_nothing_and_loads_nothing(open_report: Any) -> None:
    watched = open_report(sample_result(hostile=True))
    page = watched.page
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("img, iframe").count() == 0
    assert page.get_by_text("<script>alert(1)</script>").count() >= 1
    assert watched.problems == []
    assert [url for url in watched.requests if not url.startswith("file://")] == []


def test_the_report_is_whole_without_javascript(open_report: Any) -> None:
    watched = open_report(scaled_result(300, 60), javascript=False)
    page = watched.page
    # Every row is there and none is hidden; the controls that would not work stay hidden.
    assert page.locator(f"#kind-invalid-email {SHOWN}").count() > 3
    assert page.locator("#kind-invalid-email tbody tr[hidden]").count() == 0
    assert page.locator(".toolbar:not([hidden])").count() == 0
    note = page.locator("[data-js-off]")
    assert note.get_attribute("hidden") is None
    assert "Sorting, filtering and searching need JavaScript" in (note.text_content() or "")


def test_a_capped_section_says_what_its_filters_match_in_the_whole_section(
    browser: Any, tmp_path: Path
) -> None:
    from auditor.reporting.html_report import render_html
    from auditor.reporting.view import Limits

    result = scaled_result(2000, 300)
    emails = [f for f in result.findings if f.kind == "invalid_email"]
    per_rule = Counter(f.rule for f in emails)
    assert len(per_rule) > 1 and len(emails) > 10
    path = tmp_path / "capped.html"
    path.write_text(render_html(result, limits=Limits(rows_per_kind=10)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.as_uri())
        section = page.locator("#kind-invalid-email")
        section.scroll_into_view_if_needed()
        status = section.locator(".toolbar .status")
        assert status.text_content() == (
            f"Showing 10 of the 10 on this page. In the whole section {len(emails)} of {len(emails)} match "
            "these filters; the XLSX and JSON reports hold them all."
        )
        rule, count = per_rule.most_common()[-1]
        section.locator('[data-filter="rule"]').select_option(rule)
        shown = len(_visible_rules(section))
        assert status.text_content().startswith(
            f"Showing {shown} of the 10 on this page. In the whole section {count} of {len(emails)} match"
        )
        section.locator('[data-filter="rule"]').select_option("")
        # A search counts over the whole section. One address of a finding the page does not show:
        # none here, one in the section (a status no other step can show, so no race with the
        # debounce or the decoding of the section's index).
        shown_ids = set(section.locator("tbody tr td.loc").all_text_contents())
        hidden = next(f for f in emails if not any(f.records[0].id in text for text in shown_ids))
        address = result.records.loc[(result.records["source_id"] == hidden.records[0].id), "email"].iloc[0]
        section.get_by_label("Search").fill(address)
        page.wait_for_function(
            "el => el.textContent.includes('In the whole section 1 of')",
            arg=status.element_handle(),
            timeout=15000,
        )
        assert (status.text_content() or "").startswith("Showing 0 of the 10 on this page.")
        # Every address here is at example.com.
        section.get_by_label("Search").fill("example")
        page.wait_for_function(
            f"el => el.textContent.includes('In the whole section {len(emails)} of {len(emails)} match')",
            arg=status.element_handle(),
            timeout=15000,
        )
    finally:
        page.close()


def test_stale_leads_sort_by_days_and_by_temperature(open_report: Any) -> None:
    from auditor.demo import audit_samples, demo_config

    page = open_report(audit_samples(demo_config())).page
    section = page.locator("#kind-stale-lead")
    section.scroll_into_view_if_needed()
    headers = section.locator("thead th").all_text_contents()
    days_at = next(i for i, text in enumerate(headers) if text.startswith("Days"))
    warmth_at = next(i for i, text in enumerate(headers) if text.startswith("Temperature"))

    def column(at: int) -> list[int]:
        return [int(v) for v in section.locator(f"tbody tr td:nth-child({at + 1})").evaluate_all(
            "cells => cells.map(cell => cell.getAttribute('data-value'))")]  # fmt: skip

    days = section.locator("thead th").nth(days_at)
    days.get_by_role("button").click()
    days.get_by_role("button").click()
    assert days.get_attribute("aria-sort") == "descending"
    assert column(days_at) == sorted(column(days_at), reverse=True) and len(set(column(days_at))) > 3
    warmth = section.locator("thead th").nth(warmth_at)
    warmth.get_by_role("button").click()
    warmth.get_by_role("button").click()
    assert column(warmth_at) == sorted(column(warmth_at), reverse=True)  # the warmest first
    assert len(set(column(warmth_at))) > 1


def test_a_group_marked_not_the_same_person_downloads_as_decisions_the_next_audit_honours(
    browser: Any, tmp_path: Path
) -> None:
    from auditor.api import audit
    from auditor.demo import audit_samples, demo_config, sample_paths
    from auditor.reporting.html_report import render_html

    result = audit_samples(demo_config())
    path = tmp_path / "demo.html"
    path.write_text(render_html(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page.goto(path.as_uri())
        card = page.locator("#kind-duplicate article.cluster").first
        card.scroll_into_view_if_needed()
        mark = card.get_by_role("button", name="Not the same person")
        bar = page.locator(".decisions-bar")
        assert bar.is_hidden()
        mark.click()
        assert mark.get_attribute("aria-pressed") == "true"
        assert bar.is_visible() and "1 group(s) marked" in (bar.text_content() or "")
        with page.expect_download() as download:
            bar.get_by_role("button").click()
        decisions = tmp_path / "decisions.csv"
        download.value.save_as(decisions)
    finally:
        page.close()
    lines = decisions.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file_a,id_a,file_b,id_b,decision" and len(lines) >= 2
    # The next audit of the same files with that file: the group is not reported again.
    first_card = next(f for f in result.findings if f.kind == "duplicate")
    group = {(Path(ref.file).name, ref.id or f"row:{ref.row}") for ref in first_card.records}
    with sample_paths() as paths:
        again = audit(
            paths,
            demo_config().with_overrides(decisions=str(decisions)),
            display_names=[p.name for p in paths],
        )
    assert again.decisions is not None and again.decisions.applied == len(lines) - 1
    for finding in again.findings:
        if finding.kind in ("duplicate", "lead_is_contact"):
            named = {(Path(ref.file).name, ref.id or f"row:{ref.row}") for ref in finding.records}
            assert len(named & group) < 2, named
