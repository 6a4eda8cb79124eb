"""The data profile (issue 16): per file and field, filled and valid shares where the audit really
checks a value; per label column, the labels and what they mean; per owner, the people records that
need a fix, owners with the most first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import auditor
from auditor.reporting.html_report import render_html
from auditor.reporting.profile import NO_OWNER_COLUMN, file_profiles, owner_profile

HEADER = ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "Status", "OwnerId", "CreatedDate"]
ROWS = [
    [
        "00Q000000000001AAA",
        "Anna",
        "Nowak",
        "Acme",
        "anna@acme.pl",
        "+48 12 345 67 89",
        "Open - Not Contacted",
        "005A",
        "2026-01-05",
    ],
    [
        "00Q000000000002AAA",
        "Jan",
        "Lis",
        "Globex",
        "not-an-email",
        "+48 12 345 67 80",
        "Working - Contacted",
        "005A",
        "soon",
    ],
    # a national number, and no country to read it by: not checked, never valid
    [
        "00Q000000000003AAA",
        "Ewa",
        "Kot",
        "Initech",
        "ewa@initech.pl",
        "612 345 678",
        "Frobnicated",
        "005B",
        "",
    ],
    ["00Q000000000004AAA", "Olek", "Wrona", "Umbrella", "", "", "Open - Not Contacted", "", "2026-02-01"],
]


def _audit(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult], rows=ROWS, header=HEADER
):
    return run_audit([write_csv("Lead.csv", [header, *rows])])


def _field(profile, name):
    (found,) = [f for f in profile.fields if f.field == name]
    return found


def test_fields_count_filled_and_only_checked_values_as_valid(write_csv, run_audit) -> None:
    (profile,) = file_profiles(_audit(write_csv, run_audit))
    assert profile.rows == 4 and profile.object == "lead"
    email = _field(profile, "email")
    assert (email.filled, email.valid, email.invalid, email.unchecked) == (3, 2, 1, 0)
    phone = _field(profile, "phone")
    assert phone.checked and phone.filled == 3 and phone.valid == 2
    assert (
        phone.unchecked + phone.invalid == 1 and phone.valid + phone.invalid + phone.unchecked == phone.filled
    )
    created = _field(profile, "created_at")
    assert (created.filled, created.valid, created.invalid) == (3, 2, 1)  # "soon" is no date
    company = _field(profile, "company")
    assert company.filled == 4 and not company.checked
    assert company.headers == ["Company"]


def test_label_columns_list_each_label_with_what_it_means(write_csv, run_audit) -> None:
    (profile,) = file_profiles(_audit(write_csv, run_audit))
    (status,) = [column for column in profile.labels if column.header == "Status"]
    labels = {label: (records, meaning) for label, records, meaning in status.labels}
    assert labels["Open - Not Contacted"][0] == 2
    assert labels["Open - Not Contacted"][1].get("state") == "open"
    assert labels["Frobnicated"] == (1, {})
    assert status.unknown == 1


def test_label_lists_are_capped_and_say_how_many_more(write_csv, run_audit) -> None:
    rows = [
        [f"00Q00000000{i:04d}AAA", "A", f"B{i}", "C", "", "", f"Status {i}", "005A", ""] for i in range(12)
    ]
    result = _audit(write_csv, run_audit, rows=rows)
    (status,) = [c for c in file_profiles(result, labels_per_column=5)[0].labels if c.header == "Status"]
    assert len(status.labels) == 5 and status.more == 7 and status.more_records == 7


def test_owners_with_the_most_records_to_fix_come_first(write_csv, run_audit) -> None:
    owners = owner_profile(_audit(write_csv, run_audit))
    assert owners.mapped and owners.total_owners == 3
    by_owner = {load.owner: load for load in owners.owners}
    assert owners.owners[0].owner == "005A"
    assert by_owner["005A"].records == 2 and by_owner["005A"].needs_fix >= 1
    assert sum(load.records for load in owners.owners) == 4
    # The most severe kind first, as in the summary's list of what to fix first.
    assert by_owner["005A"].kinds[0] == ("invalid_email", 1)


def test_owner_list_is_capped_and_counts_the_rest(write_csv, run_audit) -> None:
    rows = [
        [
            f"00Q00000000{i:04d}AAA",
            "A",
            f"B{i}",
            "C",
            f"a{i}@x.example",
            "",
            "Open - Not Contacted",
            f"005{i:03d}",
            "",
        ]
        for i in range(30)
    ]
    owners = owner_profile(_audit(write_csv, run_audit, rows=rows), limit=10)
    assert len(owners.owners) == 10 and owners.total_owners == 30 and owners.more_records == 20


def test_without_an_owner_column_the_report_says_so(write_csv, run_audit) -> None:
    header = [h for h in HEADER if h != "OwnerId"]
    rows = [[v for h, v in zip(HEADER, row, strict=True) if h != "OwnerId"] for row in ROWS]
    result = _audit(write_csv, run_audit, rows=rows, header=header)
    assert not owner_profile(result).mapped
    html = render_html(result, lang="en")
    assert "No audited export has an owner column" in html
    assert 'id="profile"' in html and 'href="#profile"' in html


def test_owner_names_and_labels_reach_the_page_as_text(write_csv, run_audit) -> None:
    rows = [[*ROWS[0][:6], "<img src=x onerror=alert(1)>", "<b>Boss</b>", ROWS[0][8]]]
    html = render_html(_audit(write_csv, run_audit, rows=rows), lang="fr")
    assert "<b>Boss</b>" not in html and "&lt;b&gt;Boss&lt;/b&gt;" in html
    assert "<img src=x" not in html
    assert "Nettoyage par propriétaire" in html


def test_records_of_a_file_without_an_owner_column_are_not_called_ownerless(write_csv, run_audit) -> None:
    contacts = write_csv(
        "Contact.csv",
        [["Id", "FirstName", "LastName", "Email"], ["003000000000001AAA", "Ola", "Sowa", "not-an-email"]],
    )
    result = run_audit([write_csv("Lead.csv", [HEADER, *ROWS]), contacts])
    owners = {load.owner: load for load in owner_profile(result).owners}
    assert owners[NO_OWNER_COLUMN].records == 1 and owners[NO_OWNER_COLUMN].column_missing
    assert owners[""].records == 1  # the lead whose OwnerId is empty
    html = render_html(result, lang="en")
    assert "(in files with no owner column)" in html and "\x1f" not in html
