"""DU001 duplicate and DU002 lead-is-contact on small exports: records that must match, and
near-misses that must not (a namesake, a shared switchboard, a role mailbox, a colleague)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import findings_of

LEAD_HEADER = [
    "Id",
    "FirstName",
    "LastName",
    "Company",
    "Email",
    "Phone",
    "City",
    "Country",
    "Status",
    "OwnerId",
]
CONTACT_HEADER = [
    "Id",
    "AccountId",
    "FirstName",
    "LastName",
    "Email",
    "Phone",
    "MailingCity",
    "MailingCountry",
    "OwnerId",
]

# Different people, so that the model has a population to learn what is common.
CROWD = [
    ("Piotr", "Zieliński", "Orzeł S.A.", "piotr.zielinski@orzel.pl", "+48 22 555 01 01", "Kraków", "Poland"),
    ("Marie", "Dubois", "Azur SARL", "marie.dubois@azur.fr", "+33 1 42 00 00 01", "Paris", "France"),
    ("Lucía", "García", "Solera S.L.", "lucia@solera.es", "+34 910 000 001", "Madrid", "Spain"),
    (
        "Budi",
        "Santoso",
        "PT Garuda Makmur",
        "budi.santoso@garuda.co.id",
        "+62 21 8350 001",
        "Jakarta",
        "Indonesia",
    ),
    ("Omar", "Haddad", "Rawabi LLC", "omar.haddad@rawabi.sa", "+966 11 234 0001", "Riyadh", "Saudi Arabia"),
    (
        "Lukas",
        "Becker",
        "Alpenblick GmbH",
        "lukas.becker@alpenblick.de",
        "+49 30 1234 001",
        "Berlin",
        "Germany",
    ),
    ("João", "Silva", "Aurora Ltda", "joao.silva@aurora.com.br", "+55 11 2345 0001", "São Paulo", "Brazil"),
    (
        "Emily",
        "Carter",
        "Northwind Ltd",
        "emily.carter@northwind.co.uk",
        "+44 20 7946 0001",
        "London",
        "United Kingdom",
    ),
    (
        "Tomasz",
        "Wójcik",
        "Bursztyn Sp. z o.o.",
        "t.wojcik@bursztyn.pl",
        "+48 22 555 02 02",
        "Gdańsk",
        "Poland",
    ),
    ("Chloé", "Martin", "Horizon SAS", "chloe.martin@horizon.fr", "+33 1 42 00 00 02", "Lyon", "France"),
    ("Javier", "López", "Brisa S.A.", "javier.lopez@brisa.es", "+34 910 000 002", "Sevilla", "Spain"),
    ("Siti", "Rahman", "PT Melati", "siti.rahman@melati.co.id", "+62 21 8350 002", "Bandung", "Indonesia"),
    ("Layla", "Mansour", "Nakheel Co.", "layla@nakheel.sa", "+966 11 234 0002", "Jeddah", "Saudi Arabia"),
    ("Jonas", "Weber", "Falke KG", "jonas.weber@falke.de", "+49 30 1234 002", "Hamburg", "Germany"),
    ("Ana", "Costa", "Palmeira ME", "ana.costa@palmeira.com.br", "+55 11 2345 0002", "Curitiba", "Brazil"),
    (
        "James",
        "Turner",
        "Kestrel PLC",
        "james.turner@kestrel.co.uk",
        "+44 20 7946 0002",
        "Leeds",
        "United Kingdom",
    ),
]


def _leads(*people: tuple[str, ...]) -> list[list[str]]:
    rows = [LEAD_HEADER]
    for number, person in enumerate([*CROWD, *people], start=1):
        rows.append([f"00Q5g{number:013d}", *person, "Open - Not Contacted", "005A"])
    return rows


@pytest.fixture
def audit_leads(write_csv: Callable[..., Path], run_audit: Callable[..., object]) -> Callable[..., object]:
    def run(*people: tuple[str, ...]) -> object:
        return run_audit([write_csv("Lead.csv", _leads(*people))])

    return run


def test_the_same_person_twice_is_one_duplicate_finding(audit_leads: Callable[..., object]) -> None:
    result = audit_leads(
        ("Anna", "Nowak", "ACME Sp. z o.o.", "anna.nowak@acme.pl", "+48 22 123 45 67", "Warszawa", "Poland"),
        ("ANNA", "NOWAK", "Acme", " Anna.Nowak@ACME.pl ", "22 123 45 67", "Warsaw", "Poland"),
    )
    [finding] = findings_of(result, "DU001")
    assert finding.kind == "duplicate"
    assert [ref.row for ref in finding.records] == [18, 19]
    evidence = finding.evidence
    assert evidence.score > 0.99
    assert {"email", "phone", "first_name", "last_name", "company"} <= set(evidence.matched_on)
    assert evidence.cluster.startswith("C")
    [pair] = evidence.pairs
    assert (pair.left, pair.right) == (0, 1)
    fields = {entry.field: entry for entry in pair.fields}
    assert fields["email"].values == ["anna.nowak@acme.pl", "Anna.Nowak@ACME.pl"]
    assert fields["email"].level == "exact" and fields["email"].weight > 10
    assert fields["phone"].values == ["+48221234567", "+48221234567"]
    assert fields["company"].level == "exact"  # legal form and case ignored
    assert {"field", "values", "comparison", "level", "weight"} <= set(fields["city"].to_dict())
    assert evidence.keep.record in (0, 1) and evidence.keep.reason
    assert isinstance(evidence.risks, list)
    assert result.records["duplicate_cluster"].iat[16] == result.records["duplicate_cluster"].iat[17] != ""


@pytest.mark.parametrize(
    "second",
    [
        # A nickname, another email (personal), the same direct line.
        (
            "Bob",
            "Smith",
            "Northwind Ltd",
            "bob.smith77@gmail.com",
            "+44 20 7946 0999",
            "London",
            "United Kingdom",
        ),
        # Swapped first and last name with a typo, same email.
        ("Smiht", "Robert", "", "robert.smith@northwind.co.uk", "", "London", "United Kingdom"),
    ],
)
def test_name_variants_still_match(audit_leads: Callable[..., object], second: tuple[str, ...]) -> None:
    first = (
        "Robert",
        "Smith",
        "Northwind Ltd",
        "robert.smith@northwind.co.uk",
        "+44 20 7946 0999",
        "London",
        "United Kingdom",
    )
    result = audit_leads(first, second)
    assert len(findings_of(result, "DU001")) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            (
                "Anna",
                "Nowak",
                "ACME Sp. z o.o.",
                "anna.nowak@acme.pl",
                "+48 22 123 45 67",
                "Warszawa",
                "Poland",
            ),
            ("Anna", "Nowak", "Globex S.A.", "a.nowak@globex.pl", "+48 12 987 65 43", "Kraków", "Poland"),
            id="same name, another person",
        ),
        pytest.param(
            (
                "Jan",
                "Kowalski",
                "ACME Sp. z o.o.",
                "jan.kowalski@acme.pl",
                "+48 22 100 00 00",
                "Warszawa",
                "Poland",
            ),
            ("Ewa", "Lis", "ACME Sp. z o.o.", "ewa.lis@acme.pl", "+48 22 100 00 00", "Warszawa", "Poland"),
            id="shared switchboard only",
        ),
        pytest.param(
            ("Jan", "Kowalski", "ACME Sp. z o.o.", "info@acme.pl", "+48 22 111 11 11", "Warszawa", "Poland"),
            ("Marek", "Zając", "ACME Sp. z o.o.", "info@acme.pl", "+48 22 222 22 22", "Warszawa", "Poland"),
            id="role address only",
        ),
        pytest.param(
            (
                "Jan",
                "Kowalski",
                "ACME Sp. z o.o.",
                "jan.kowalski@acme.pl",
                "+48 22 333 33 33",
                "Warszawa",
                "Poland",
            ),
            (
                "Jan",
                "Nowicki",
                "ACME Sp. z o.o.",
                "jan.nowicki@acme.pl",
                "+48 22 444 44 44",
                "Warszawa",
                "Poland",
            ),
            id="same company and first name, another person",
        ),
    ],
)
def test_near_misses_are_not_duplicates(
    audit_leads: Callable[..., object], first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    result = audit_leads(first, second)
    assert findings_of(result, "DU001") == []
    assert (result.records["duplicate_cluster"] == "").all()


def test_an_open_lead_that_is_already_a_contact(
    write_csv: Callable[..., Path], run_audit: Callable[..., object]
) -> None:
    lead = write_csv(
        "Lead.csv",
        _leads(
            (
                "Jan",
                "Kowalski",
                "ACME Sp. z o.o.",
                "jan.kowalski@acme.pl",
                "+48 22 123 45 67",
                "Warszawa",
                "Poland",
            ),
        ),
    )
    contact = write_csv(
        "Contact.csv",
        [
            CONTACT_HEADER,
            [
                "0035g0000000000001",
                "0015g0000000000001",
                "Jan",
                "Kowalski",
                "JAN.KOWALSKI@ACME.PL",
                "+48221234567",
                "Warszawa",
                "Poland",
                "005B",
            ],
            [
                "0035g0000000000002",
                "0015g0000000000002",
                "Maria",
                "Fernández",
                "maria@solera.es",
                "+34 910 000 009",
                "Madrid",
                "Spain",
                "005B",
            ],
        ],
    )
    result = run_audit([lead, contact])
    [finding] = findings_of(result, "DU002")
    assert finding.kind == "lead_is_contact"
    assert [
        ref.file.endswith(name)
        for ref, name in zip(finding.records, ("Lead.csv", "Contact.csv"), strict=True)
    ] == [True, True]
    assert finding.evidence.keep.record == 1 and finding.evidence.keep.reason.startswith("contact over lead")
    assert "different owners: 005A (row 18) vs 005B (row 2)" in finding.evidence.risks
    assert findings_of(result, "DU001") == []
    lead_row = result.records.index[result.records["source_id"] == "00Q5g0000000000017"][0]
    assert result.records["suggested_type"].iat[lead_row] == "contact"


def test_swapped_names_are_shown_crossed_and_said_so(audit_leads: Callable[..., object]) -> None:
    result = audit_leads(
        (
            "Katarzyna",
            "Wiśniewska",
            "Orbis S.A.",
            "k.wisniewska@orbis.pl",
            "+48 61 555 01 02",
            "Poznań",
            "Poland",
        ),
        ("Wiśniewska", "Katarzyna", "Orbis", "k.wisniewska@orbis.pl", "", "Poznan", "Poland"),
    )
    [finding] = findings_of(result, "DU001")
    fields = {entry.field: entry for entry in finding.evidence.pairs[0].fields}
    # The second record's last name is compared with the first's first name, and shown that way.
    assert fields["first_name"].values == ["Katarzyna", "Katarzyna"]
    assert fields["last_name"].values == ["Wiśniewska", "Wiśniewska"]
    assert fields["first_name"].comparison.endswith("; first and last name swapped")
    # A field empty on one side is still shown; one empty on both sides is left out.
    assert fields["phone"].values == ["+48615550102", ""]
    assert "birth_date" not in fields


def test_every_duplicate_finding_of_the_samples_is_ranked_by_its_own_evidence() -> None:
    from auditor.demo import audit_samples, demo_config

    groups = [
        g for g in audit_samples(demo_config()).findings.groups if g.kind in ("duplicate", "lead_is_contact")
    ]
    assert groups
    for group in groups:
        written = group.findings(0, len(group))
        assert list(group.measure("confidence")) == [f.evidence.confidence for f in written]
        assert list(group.measure("score")) == [f.evidence.score for f in written]


def test_a_keep_reason_names_the_date_it_read_for_what_it_is() -> None:
    import re

    from auditor.demo import audit_samples, demo_config

    result = audit_samples(demo_config())
    records = result.records
    said = Counter()
    for finding in result.findings:
        if finding.kind not in ("duplicate", "lead_is_contact"):
            continue
        found = re.search(
            r"most recent(ly modified| activity) \((\d{4}-\d{2}-\d{2})\)", str(finding.evidence.keep.reason)
        )
        if not found:
            continue
        ref = finding.records[finding.evidence.keep.record]
        (kept,) = records.index[(records["source_file"] == ref.file) & (records["source_row"] == ref.row)]
        activity, modified = records.at[kept, "last_activity_date"], records.at[kept, "last_modified_date"]
        if found.group(1) == " activity":
            assert activity.strftime("%Y-%m-%d") == found.group(2)
        else:
            assert pd.isna(activity) and modified.strftime("%Y-%m-%d") == found.group(2)
        said[found.group(1)] += 1
    assert said[" activity"] and said["ly modified"]
