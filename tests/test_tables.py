"""Tables that hold no people are never audited as people, in any platform and UI language; what
they prove (won deals, users) is read as evidence; objects are told apart by ids, key columns,
headers and file names, and a table that may not be leads is never audited as leads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import auditor
import auditor.api
from auditor.config import Config
from auditor.findings import evidence_dict
from tests.conftest import AS_OF, csv_bytes


def inspect(path: Path) -> auditor.InputReport:
    (report,) = auditor.api.inspect([path], Config(as_of=AS_OF))
    assert report.error is None, report.error
    return report


# (file name, header, one row, platform, object, role)
TABLES = [
    # Salesforce Data Export: one CSV per object, API names.
    ("Opportunity.csv", ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsWon", "IsClosed", "OwnerId"],
     ["0065g00000Opp00AAA", "0015g00000Acct0AAA", "Big deal", "Closed Won", "1000", "2026-01-01", "true", "true", "0055g00000User0AAA"],
     "salesforce", "deal", "evidence"),
    ("OpportunityHistory.csv", ["Id", "OpportunityId", "StageName", "Amount", "CloseDate", "Probability", "CreatedDate"],
     ["0085g00000Hist0AAA", "0065g00000Opp00AAA", "Prospecting", "1000", "2026-01-01", "10", "2025-12-01T10:00:00.000Z"],
     "salesforce", "history", "not audited"),
    ("LeadHistory.csv", ["Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate"],
     ["0175g00000Hist0AAA", "00Q5g00000Lead0AAA", "Status", "Open - Not Contacted", "Working - Contacted", "2026-01-01T10:00:00.000Z"],
     "salesforce", "history", "not audited"),
    ("Task.csv", ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "Priority", "OwnerId"],
     ["00T5g00000Task0AAA", "0035g00000Cont0AAA", "0065g00000Opp00AAA", "Call", "2026-01-01", "Completed", "Normal", "0055g00000User0AAA"],
     "salesforce", "activity", "not audited"),
    ("CampaignMember.csv", ["Id", "CampaignId", "LeadId", "ContactId", "Status", "FirstName", "LastName", "Email", "HasResponded"],
     ["00v5g00000Memb0AAA", "7015g00000Camp0AAA", "00Q5g00000Lead0AAA", "", "Sent", "Anna", "Nowak", "anna@acme.pl", "1"],
     "salesforce", "campaign", "not audited"),
    ("User.csv", ["Id", "Username", "FirstName", "LastName", "Email", "IsActive", "ProfileId", "UserType", "TimeZoneSidKey"],
     ["0055g00000User0AAA", "marta@ourcompany.pl", "Marta", "Kaczmarek", "marta@ourcompany.pl", "true", "00e5g000000ProfAAA", "Standard", "Europe/Warsaw"],
     "salesforce", "user", "evidence"),
    ("Vehicle__c.csv", ["Id", "OwnerId", "Name", "CreatedDate", "Account__c", "Battery__c"],
     ["a045g00000Veh00AAA", "0055g00000User0AAA", "V-000062", "2020-03-12T23:06:09.000+0000", "0015g00000Acct0AAA", "75 kWh"],
     "salesforce", "other", "not audited"),
    # Zoho CRM module exports (English and Spanish UI).
    ("Potentials.csv", ["Record Id", "Potential Owner", "Potential Name", "Account Name", "Contact Name", "Stage", "Amount", "Closing Date", "Probability (%)"],
     ["zcrm_4876876000000500001", "Ana Ruiz", "Renewal", "Nile Trading", "Hana Khalil", "Closed Won", "1000", "15 Apr, 2021", "100"],
     "zoho", "deal", "evidence"),
    ("Calls.csv", ["Record Id", "Subject", "Call Type", "Call Purpose", "Contact Name", "Call Start Time", "Call Duration", "Call Owner"],
     ["zcrm_4876876000000600001", "Follow up", "Outbound", "Prospecting", "Hana Khalil", "15 Apr, 2021 00:03:00", "05:00", "Ana Ruiz"],
     "zoho", "activity", "not audited"),
    ("Tareas.csv", ["Asunto", "Fecha de vencimiento", "Estado", "Prioridad", "Propietario de la tarea"],
     ["Llamar", "15/04/2021", "Completada", "Alta", "Ana Ruiz"],
     "generic", "activity", "not audited"),
    # HubSpot and Pipedrive deal exports; a French Dynamics 365 opportunity view.
    ("hubspot-crm-exports-all-deals-2026-11-01.csv", ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Deal owner", "Associated Company"],
     ["9001", "Renewal", "Closed won", "Sales Pipeline", "1000", "2026-01-01", "Ana Ruiz", "Nile Trading"],
     "hubspot", "deal", "evidence"),
    ("deals-export.csv", ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Status", "Deal - Organization", "Deal - Contact person", "Deal - Stage"],
     ["1", "Renewal", "1000", "won", "Nile Trading", "Hana Khalil", "Negotiation"],
     "pipedrive", "deal", "evidence"),
    # Today's Pipedrive deals export names its columns without the "Deal - " prefix.
    ("pipedrive-export.csv", ["ID", "Title", "Creator", "Owner", "Value", "Currency of Value", "Weighted value", "Organization", "Pipeline", "Contact person", "Stage", "Status", "Deal created", "Won time", "Visible to"],
     ["1", "P Deal 1", "Siim", "Siim", "0", "EUR", "0", "", "Pipeline", "siim", "Qualified", "Won", "2021-03-01 10:22:22", "2021-07-08 07:56:00", "Item owner's visibility group"],
     "pipedrive", "deal", "evidence"),
    ("Opportunités.csv", ["(Ne pas modifier) Opportunité", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Sujet", "Client potentiel", "Revenu estimé", "Date de clôture", "Statut"],
     ["5f1c7a52-0c1e-ef11-840a-000d3a4b7c09", "aGVsbG8=", "2026-10-01T10:00:00Z", "Panneaux", "Lumière SA", "1000", "01/01/2026", "Gagnée"],
     "dynamics365", "deal", "evidence"),
    ("Produkty.csv", ["Nazwa produktu", "Kod produktu", "Cena jednostkowa"],
     ["Rower", "R-1", "1000"],
     "generic", "product", "not audited"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "header", "row", "platform", "obj", "role"), TABLES, ids=[table[0] for table in TABLES]
)
def test_tables_that_hold_no_people_are_recognised(
    tmp_path: Path, name: str, header: list[str], row: list[str], platform: str, obj: str, role: str
) -> None:
    path = tmp_path / name
    path.write_bytes(csv_bytes([header, row]))
    report = inspect(path)
    assert (report.platform, report.object, report.role) == (platform, obj, role)
    assert report.reason


def test_a_salesforce_export_folder_audits_only_people(
    tmp_path: Path, run_audit: Callable[..., auditor.AuditResult]
) -> None:
    """Reported: Opportunity.csv next to the people gave 128 false findings ("United Oil
    Installations is recorded 3 times as a contact")."""
    folder = tmp_path / "export"
    folder.mkdir()
    for name, header, row, *_ in TABLES[:7]:
        # three opportunities of one account, as a real export has them
        rows = (
            [row]
            if name != "Opportunity.csv"
            else [row, [row[0][:-3] + "BBB", *row[1:]], [row[0][:-3] + "CCC", *row[1:]]]
        )
        (folder / name).write_bytes(csv_bytes([header, *rows]))
    (folder / "Lead.csv").write_bytes(
        csv_bytes(
            [
                ["Id", "FirstName", "LastName", "Company", "Email", "Status"],
                ["00Q5g00000Lead0AAA", "Anna", "Nowak", "Acme", "anna@acme.pl", "Open - Not Contacted"],
            ]
        )
    )
    result = run_audit([folder])
    assert set(result.records["source_file"].map(lambda file: Path(file).name)) == {"Lead.csv"}
    for finding in result.findings:
        assert {Path(ref.file).name for ref in finding.records} == {"Lead.csv"}, finding.message
    roles = {Path(report.file).name: report.role for report in result.inputs}
    assert roles["Opportunity.csv"] == "evidence" and roles["Task.csv"] == "not audited"


def test_a_thin_salesforce_account_export_is_known_by_its_ids(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Id", "Name", "Type", "Website", "Industry"],
                ["0015g0000Acct01AAA", "Acme", "Customer - Direct", "acme.pl", "Technology"],
                ["0015g0000Acct02AAA", "Globex", "Prospect", "globex.de", "Energy"],
            ]
        )
    )
    report = inspect(path)
    assert (report.platform, report.object) == ("salesforce", "account")


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("Active Contacts 3-12-2024 10-30-21 AM.csv", ["Full Name", "Business Phone", "Company Name", "Birthday", "Email"]),
        ("export.csv", ["Full Name", "Business Phone", "Company Name", "Birthday", "Email", "Address 1: City"]),
        ("Mis contactos.csv", ["(No modificar) Contacto", "Nombre completo", "Teléfono del trabajo", "Nombre de la compañía", "Cumpleaños"]),
    ],
)  # fmt: skip
def test_a_dynamics_contact_view_is_read_as_contacts(tmp_path: Path, name: str, header: list[str]) -> None:
    """Reported: a Dynamics 365 contact export was detected as leads, so every contact was audited
    as an open lead."""
    path = tmp_path / name
    path.write_bytes(csv_bytes([header, ["x"] * len(header)]))
    report = inspect(path)
    assert report.object == "contact"


def test_a_table_that_may_not_be_leads_is_not_audited_as_leads(tmp_path: Path) -> None:
    """One header typical of leads against one typical of contacts, nothing else: unsure, so the
    table is read as a list of people, and detection says why."""
    path = tmp_path / "export.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["(Do Not Modify) Row Checksum", "Full Name", "Topic", "Email"],
                ["aGVsbG8=", "Hana Khalil", "Solar panels", "hana@niletrading.eg"],
            ]
        )
    )
    report = inspect(path)
    assert report.object == "person"
    assert any("could not tell whether the table holds leads or contacts" in note for note in report.notes)


def test_a_won_deal_is_customer_evidence_graded_by_its_link(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> None:
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "FirstName", "LastName", "Company", "Email", "Status"],
            ["00Q5g0000Lead01AAA", "Anna", "Nowak", "Acme", "anna.nowak@acme.pl", "Open - Not Contacted"],
            ["00Q5g0000Lead02AAA", "Jan", "Lis", "Nile Trading", "jan@gmail.com", "Open - Not Contacted"],
            ["00Q5g0000Lead03AAA", "Ewa", "Kot", "Globex", "ewa@globex.de", "Open - Not Contacted"],
        ],
    )
    accounts = write_csv(
        "Account.csv",
        [["Id", "Name", "Type", "Website"], ["0015g0000Acct01AAA", "Acme S.A.", "Prospect", "acme.pl"]],
    )
    opportunities = write_csv(
        "Opportunity.csv",
        [
            ["Id", "AccountId", "Name", "StageName", "IsWon", "CloseDate"],
            ["0065g0000Opp001AAA", "0015g0000Acct01AAA", "Acme renewal", "Closed Won", "true", "2026-01-01"],
            ["0065g0000Opp002AAA", "", "Globex pilot", "Closed Lost", "false", "2026-01-01"],
        ],
    )
    potentials = write_csv(
        "Potentials.csv",
        [
            ["Potential Name", "Account Name", "Stage", "Amount"],
            ["Nile 2026", "Nile Trading", "Closed Won", "10"],
        ],
    )
    result = run_audit([leads, accounts, opportunities, potentials])
    found = {f.records[0].id: f for f in result.findings if f.kind == "customer_as_lead"}
    # Through the account its work email's domain found, by the deal's account id.
    assert found["00Q5g0000Lead01AAA"].severity == "warning"
    evidence = evidence_dict(found["00Q5g0000Lead01AAA"].evidence)
    assert evidence["grade"] == "domain"
    assert evidence["deal"]["name"] == "Acme renewal"
    # By the company name alone: said to be so, a level lower.
    assert found["00Q5g0000Lead02AAA"].severity == "info"
    assert "only link" in found["00Q5g0000Lead02AAA"].message
    # A lost deal proves nothing.
    assert "00Q5g0000Lead03AAA" not in found


def test_users_tell_staff_apart(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> None:
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "FirstName", "LastName", "Email", "Status"],
            ["00Q5g0000Lead01AAA", "Marta", "Kaczmarek", "marta@ourcompany.pl", "Open - Not Contacted"],
            ["00Q5g0000Lead02AAA", "Tomasz", "Wójcik", "tomasz.test@ourcompany.pl", "Open - Not Contacted"],
            ["00Q5g0000Lead03AAA", "Piotr", "Mazur", "piotr@customer.example", "Open - Not Contacted"],
        ],
    )
    users = write_csv(
        "User.csv",
        [
            ["Id", "Username", "FirstName", "LastName", "Email", "IsActive", "UserType"],
            [
                "0055g00000User0AAA",
                "marta@ourcompany.pl",
                "Marta",
                "Kaczmarek",
                "marta@ourcompany.pl",
                "true",
                "Standard",
            ],
            [
                "0055g00000User0AAA",
                "jan@ourcompany.pl",
                "Jan",
                "Lis",
                "jan@ourcompany.pl",
                "true",
                "Standard",
            ],
            # a partner-portal user at a customer's domain is no colleague
            [
                "0055g00000User0AAA",
                "piotr@customer.example",
                "Piotr",
                "Mazur",
                "piotr@customer.example",
                "true",
                "PowerPartner",
            ],
        ],
    )
    result = run_audit([leads, users])
    staff = {f.records[0].id for f in result.findings if f.kind == "employee_as_lead"}
    assert staff == {"00Q5g0000Lead01AAA", "00Q5g0000Lead02AAA"}
    (user_input,) = [report for report in result.inputs if report.object == "user"]
    assert any("ourcompany.pl (2 users)" in note for note in user_input.notes)
