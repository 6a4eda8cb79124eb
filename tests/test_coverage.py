"""Every rule says what it could not check: per rule and file, records checked and records not
checkable with the reason and an example, in the JSON, the terminal and the HTML report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import auditor
from auditor.checking import all_rules
from auditor.checking.coverage import Coverage
from auditor.reporting.html_report import render_html
from auditor.reporting.json_report import write_json
from auditor.reporting.terminal import summary_text

LEAD_HEADER = ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "Status", "LastActivityDate"]


def coverage_of(result: auditor.AuditResult, rule: str, file: str) -> Coverage:
    (entry,) = [c for c in result.coverage if c.rule == rule and Path(c.file).name == file]
    return entry


def test_every_rule_declares_its_reach() -> None:
    assert [rule.code for rule in all_rules() if rule.reach is None] == []


@pytest.fixture
def leads(write_csv: Callable[..., Path]) -> Path:
    return write_csv(
        "Lead.csv",
        [
            LEAD_HEADER,
            ["00Q5g00000Lead01AAA", "Anna", "Nowak", "Acme", "anna@acme.pl", "+48 12 345 67 89", "Open - Not Contacted", "2026-10-01"],
            # a date written in no form the reader knows
            ["00Q5g00000Lead02AAA", "Jan", "Lis", "Globex", "jan@globex.pl", "(850) 644-4200", "Open - Not Contacted", "sometime in spring"],
            # no date at all
            ["00Q5g00000Lead03AAA", "Ewa", "Kot", "", "ewa@gmail.com", "", "Working - Contacted", ""],
        ],
    )  # fmt: skip


def test_unreadable_and_missing_dates_are_counted_not_skipped(
    leads: Path, run_audit: Callable[..., auditor.AuditResult]
) -> None:
    entry = coverage_of(run_audit([leads]), "CL006", "Lead.csv")
    assert (entry.checked, entry.not_checked) == (1, 2)
    assert [(r["reason"], r["records"], r["example"]) for r in entry.reasons] == [
        ("its dates could not be read as dates", 1, "sometime in spring"),
        ("no last-activity, last-modified or created date", 1, None),
    ]


def test_a_national_phone_without_a_country_is_a_blind_spot(
    leads: Path, run_audit: Callable[..., auditor.AuditResult]
) -> None:
    entry = coverage_of(run_audit([leads]), "DQ002", "Lead.csv")
    assert entry.not_checked == 1
    assert entry.reasons[0]["example"] == "(850) 644-4200"


def test_rules_with_nothing_to_compare_against_say_so(
    leads: Path, run_audit: Callable[..., auditor.AuditResult]
) -> None:
    result = run_audit([leads])
    # No accounts, deals, won-deal counts or customer dates: nobody can be told a customer.
    customer = coverage_of(result, "CL001", "Lead.csv")
    assert (customer.checked, customer.not_checked, customer.large) == (0, 3, True)
    # No internal domain and no users export: nobody can be told staff.
    staff = coverage_of(result, "CL003", "Lead.csv")
    assert staff.reasons[0]["reason"].startswith("no internal domain given")
    # Given an internal domain, every lead with an email is checked.
    given = coverage_of(run_audit([leads], internal_domains=("ourcompany.pl",)), "CL003", "Lead.csv")
    assert (given.checked, given.not_checked) == (3, 0)


def test_with_accounts_a_lead_with_nothing_to_link_by_is_counted(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> None:
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "LastName", "Company", "Email"],
            ["00Q5g00000Lead01AAA", "Nowak", "Acme", ""],
            ["00Q5g00000Lead02AAA", "Lis", "", "lis@gmail.com"],
        ],
    )
    accounts = write_csv(
        "Account.csv", [["Id", "Name", "Type"], ["0015g00000Acct01AAA", "Acme", "Customer - Direct"]]
    )
    entry = coverage_of(run_audit([leads, accounts]), "CL001", "Lead.csv")
    # The second lead has only its own id (a deal could name it) and a free-mail address.
    assert (entry.checked, entry.not_checked) == (2, 0)


def test_coverage_reaches_every_report(
    leads: Path, run_audit: Callable[..., auditor.AuditResult], tmp_path: Path
) -> None:
    result = run_audit([leads])
    write_json(result, tmp_path / "findings.json")
    data = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    stale = next(c for c in data["coverage"] if c["rule"] == "CL006")
    assert (stale["checked"], stale["not_checked"]) == (1, 2)
    assert data["coverage"] == result.to_dict()["coverage"]

    text = summary_text(result, [])
    assert "Not checked:" in text
    assert "! CL001 customer_as_lead" in text  # a large share is called out

    html = render_html(result)
    assert 'id="coverage"' in html and "blind-banner" in html
    assert "sometime in spring" in html


def test_records_are_counted_under_their_own_file_and_sheet() -> None:
    import pandas as pd

    from auditor.checking.coverage import Tables

    records = pd.DataFrame(
        {
            "source_file": ["b.xlsx", "a.csv", "b.xlsx", "b.xlsx", "a.csv"],
            "source_sheet": ["Leads", "", "Contacts", "Leads", ""],
        }
    )
    tables = Tables.of(records)
    assert tables.names == [("b.xlsx", "Leads"), ("a.csv", ""), ("b.xlsx", "Contacts")]
    assert tables.codes.tolist() == [0, 1, 2, 0, 1]
