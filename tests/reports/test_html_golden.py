"""Golden files: the report of a fixed audit, byte for byte, in English and in Arabic.

A renderer change shows up here as a diff to review. After an intended change, regenerate with

    UPDATE_GOLDEN=1 pytest tests/reports/test_html_golden.py

and read the diff of tests/reports/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from auditor import __version__
from auditor.reporting.html_report import render_html
from tests.reports.sample_result import sample_result

GOLDEN = Path(__file__).parent / "golden"


def _normalised(html: str) -> str:
    # The tool's version is printed in the page; it changes with every release, not with the renderer.
    return html.replace(__version__, "VERSION")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_report_matches_golden_file(lang: str) -> None:
    html = _normalised(render_html(sample_result(lang=lang)))
    golden = GOLDEN / f"report-{lang}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8", newline="\n")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                html.splitlines(keepends=True),
                str(golden),
                "rendered",
                n=2,
            )
        )
        pytest.fail(f"the report differs from {golden.name} (UPDATE_GOLDEN=1 to accept):\n{diff[:4000]}")


def test_rendering_is_deterministic() -> None:
    assert render_html(sample_result()) == render_html(sample_result())


def test_golden_report_holds_every_section() -> None:
    html = (GOLDEN / "report-en.html").read_text(encoding="utf-8")
    for anchor in ("summary", "whoiswho", "findings", "inputs", "kind-duplicate", "kind-unmapped-label"):
        assert f'id="{anchor}"' in html
    # The health score's formula is shown with the audit's own numbers.
    # Worst finding per people record: 2 errors (the lead and contact of DU002), 7 warnings; the
    # account row and its info finding do not count.
    assert "100 × (1 − (2 × 1 + 7 × 0.5 + 0 × 0.1) ÷ 9) = 38.9" in html
    # A kind the catalogue does not know yet still gets a section, titled from its code.
    assert "Brand new kind" in html
    # The skipped file is listed with its reason.
    assert "not a CSV or Excel file (looks like a PDF)" in html
