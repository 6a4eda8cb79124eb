"""Comparing an audit with an earlier one (`--baseline`): new, still open and fixed findings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import auditor
from auditor.baseline import compare
from auditor.cli import main
from auditor.config import Config
from auditor.reporting.html_report import render_html
from auditor.reporting.terminal import summary_text
from auditor.reporting.writing import write_reports
from auditor.resources import samples_dir

CONFIG = Config(as_of=dt.date(2026, 11, 1), internal_domains=("example.com",))


def _finding(kind: str, *records: tuple[str, int, str | None], **evidence: Any) -> dict[str, Any]:
    return {
        "rule": "X001",
        "kind": kind,
        "records": [{"file": file, "row": row, "id": id_} for file, row, id_ in records],
        "evidence": evidence,
    }


def test_a_record_is_known_by_its_id_wherever_its_row_and_folder_moved() -> None:
    before = [_finding("invalid_email", ("run1/Lead.csv", 10, "00Q1"), field="email")]
    after = [_finding("invalid_email", ("C:\\run2\\Lead.csv", 9, "00Q1"), field="email")]
    compared = compare(after, before, "before.json")
    assert compared.still_open == [True] and compared.fixed == []


def test_without_an_id_the_row_decides() -> None:
    before = [_finding("placeholder", ("leads.csv", 4, None), field="email")]
    assert compare([_finding("placeholder", ("leads.csv", 4, None), field="email")], before, "b").new == 0
    moved = compare([_finding("placeholder", ("leads.csv", 5, None), field="email")], before, "b")
    assert moved.new == 1 and len(moved.fixed) == 1


def test_two_findings_of_one_kind_on_one_record_are_told_apart_by_field() -> None:
    before = [
        _finding("invalid_phone", ("Lead.csv", 2, "00Q1"), field="phone"),
        _finding("invalid_phone", ("Lead.csv", 2, "00Q1"), field="mobile"),
    ]
    after = [_finding("invalid_phone", ("Lead.csv", 2, "00Q1"), field="mobile")]
    compared = compare(after, before, "b")
    assert compared.still_open == [True]
    assert [fixed["records"][0]["id"] for fixed in compared.fixed] == ["00Q1"]
    assert len(compared.fixed) == 1


def test_a_group_that_lost_one_member_is_still_open_one_that_lost_two_is_fixed() -> None:
    a, b, c = ("Lead.csv", 2, "00Q1"), ("Lead.csv", 3, "00Q2"), ("Contact.csv", 2, "0031")
    before = [_finding("duplicate", a, b, c)]
    assert compare([_finding("duplicate", a, c)], before, "b").still_open == [True]
    # Sharing one record is not the same group: a is now a duplicate of someone else.
    elsewhere = compare([_finding("duplicate", a, ("Lead.csv", 9, "00Q9"))], before, "b")
    assert elsewhere.still_open == [False] and len(elsewhere.fixed) == 1
    # Another kind on the same records is another problem.
    assert compare([_finding("lead_is_contact", a, c)], before, "b").still_open == [False]


finding_lists = st.lists(
    st.builds(
        lambda kind, records, field_name: _finding(kind, *records, field=field_name),
        st.sampled_from(["duplicate", "invalid_email", "stale_lead"]),
        st.lists(
            st.tuples(
                st.sampled_from(["a.csv", "dir/b.xlsx"]),
                st.integers(2, 9),
                st.none() | st.text("0Q", max_size=3),
            ),
            min_size=1,
            max_size=3,
        ),
        st.sampled_from(["email", "phone", ""]),
    ),
    max_size=12,
)


@given(finding_lists)
def test_an_audit_compared_with_itself_has_nothing_new_and_nothing_fixed(
    findings: list[dict[str, Any]],
) -> None:
    compared = compare(findings, findings, "same.json")
    assert compared.new == 0 and compared.fixed == []
    assert compared.still_open_count == len(findings)


@given(finding_lists, finding_lists)
def test_every_earlier_finding_is_either_matched_or_fixed(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> None:
    compared = compare(after, before, "b")
    assert compared.new + compared.still_open_count == len(after)
    assert len(compared.fixed) <= len(before)
    # Nothing matched means everything earlier is fixed.
    if compared.still_open_count == 0:
        assert len(compared.fixed) == len(before)


def _cleaned_copy(tmp_path: Path) -> tuple[Path, Path, str]:
    """The samples as audited last month, and a copy after a partial clean-up: one invalid email
    corrected, and one lead deleted (every row under it moves up)."""
    before = tmp_path / "before"
    shutil.copytree(
        Path(str(samples_dir())), before, ignore=shutil.ignore_patterns("*.py", "*.toml", "__pycache__")
    )
    after = tmp_path / "after"
    shutil.copytree(before, after)
    path = after / "salesforce_Lead.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    email = rows[0].index("Email")
    bad = next(row for row in rows[1:] if row[email] == "mark.owens@harwick-sons")
    bad[email] = "mark.owens@harwick-sons.co.uk"
    del rows[4]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return before, after, bad[0]


def test_a_clean_up_shows_as_fixed_and_nothing_else_moves(tmp_path: Path) -> None:
    before, after, fixed_id = _cleaned_copy(tmp_path)
    earlier = tmp_path / "earlier.json"
    write_reports(auditor.audit([before], CONFIG), json=str(earlier))
    result = auditor.audit([after], CONFIG, baseline=earlier)
    compared = result.baseline
    assert compared is not None
    assert [(f["kind"], f["records"][0]["id"]) for f in compared.fixed] == [("invalid_email", fixed_id)]
    assert compared.new == 0 and compared.still_open_count == len(result.findings)
    written = tmp_path / "now.json"
    write_reports(result, json=str(written))  # the schema check of conftest runs on it
    data = json.loads(written.read_text(encoding="utf-8"))
    assert {key: data["baseline"][key] for key in ("new", "still_open", "fixed")} == {
        "new": 0,
        "still_open": len(result.findings),
        "fixed": 1,
    }
    assert {finding["baseline_status"] for finding in data["findings"]} == {"still_open"}
    assert f"Since {earlier}: 0 new, {len(result.findings)} still open, 1 fixed." in summary_text(result, [])

    # The first screen gives each action its trend: the invalid emails lost one, nothing is new.
    from auditor.reporting.view import Limits, build_view

    trends = {k.kind: (k.new, k.fixed) for k in build_view(result).by_kind}
    assert trends.pop("invalid_email") == (0, 1)
    assert set(trends.values()) == {(0, 0)}
    assert "Since the earlier audit: 0 new, 1 fixed" in render_html(result, limits=Limits(actions=20))
    assert all(k.new is None for k in build_view(auditor.audit([after], CONFIG)).by_kind)


def test_the_cli_marks_findings_and_refuses_a_file_that_is_not_a_findings_json(tmp_path: Path) -> None:
    before, _, _ = _cleaned_copy(tmp_path)
    earlier, now = tmp_path / "earlier.json", tmp_path / "now.json"
    common = [str(before), "--as-of", "2026-11-01", "--internal-domain", "example.com", "-q"]
    runner = CliRunner()
    assert runner.invoke(main, ["audit", *common, "--json", str(earlier)]).exit_code == 0
    html = tmp_path / "now.html"
    done = runner.invoke(
        main, ["audit", *common, "--baseline", str(earlier), "--json", str(now), "--html", str(html)]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(now.read_text(encoding="utf-8"))["baseline"]["new"] == 0
    assert "Compared with the earlier audit" in html.read_text(encoding="utf-8")

    lead = before / "salesforce_Lead.csv"
    refused = runner.invoke(main, ["audit", *common, "--baseline", str(lead)])
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        f"crm-audit: {lead}: is not JSON. Give the findings JSON an earlier crm-audit audit wrote with --json"
    ]


def test_findings_in_files_not_audited_again_are_not_called_fixed(tmp_path: Path) -> None:
    before, after, _ = _cleaned_copy(tmp_path)
    earlier = tmp_path / "earlier.json"
    write_reports(auditor.audit([before], CONFIG), json=str(earlier))
    previous = json.loads(earlier.read_text(encoding="utf-8"))["findings"]
    # Only the Salesforce leads this time: what the other files had is unknown, not fixed.
    result = auditor.audit([after / "salesforce_Lead.csv"], CONFIG, baseline=earlier)
    compared = result.baseline
    assert compared is not None
    in_leads = [f for f in previous if all(r["file"].endswith("salesforce_Lead.csv") for r in f["records"])]
    assert compared.not_audited_now == len(previous) - len(in_leads) > 0
    assert all(r["file"].endswith("salesforce_Lead.csv") for f in compared.fixed for r in f["records"])
    assert "not counted as fixed" in summary_text(result, [])
    assert f"(not counted as fixed): {compared.not_audited_now}" in render_html(result)
