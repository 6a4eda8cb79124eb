"""Who is who: suggested_type from the evidence, each suggestion with its reason."""

from __future__ import annotations

import pandas as pd


def by_email(result) -> pd.DataFrame:
    return result.records.set_index("email")[["record_type", "suggested_type", "suggested_reason"]]


def test_domains_won_deals_and_became_customer_dates(write_csv, run_audit) -> None:
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "FirstName", "LastName", "Company", "Email", "Status", "IsConverted"],
            ["00Q1", "Ann", "Lee", "Us", "ann@ours.example", "Open - Not Contacted", "false"],
            ["00Q2", "Bob", "Ray", "Reseller", "bob@sales.partner.example", "Open - Not Contacted", "false"],
            ["00Q3", "Cy", "Day", "Other", "cy@other.example", "Open - Not Contacted", "false"],
        ],
    )
    people = write_csv(
        "contacts.csv",
        [
            ["Record ID", "First Name", "Last Name", "Email", "Lifecycle Stage", "Became a Customer Date"],
            ["1", "Di", "Fox", "di@fox.example", "Lead", "2025-03-01"],
            ["2", "Ed", "Fry", "ed@fry.example", "Lead", "2027-01-01"],
        ],
    )
    persons = write_csv(
        "people.csv",
        [
            ["Person - ID", "Person - Name", "Person - Email - Work", "Person - Label", "Person - Won deals"],
            ["7", "Flo Gee", "flo@gee.example", "Hot lead", "3"],
            ["8", "Gus Ho", "gus@ho.example", "Hot lead", "0"],
        ],
    )
    result = run_audit(
        [leads, people, persons], internal_domains=("ours.example",), partner_domains=("partner.example",)
    )
    types = by_email(result)
    assert types.loc["ann@ours.example", "suggested_type"] == "employee"
    assert "internal domain" in types.loc["ann@ours.example", "suggested_reason"]
    assert types.loc["bob@sales.partner.example", "suggested_type"] == "partner"
    assert types.loc["cy@other.example", ["suggested_type", "suggested_reason"]].tolist() == ["lead", ""]
    assert types.loc["di@fox.example", "suggested_type"] == "customer"
    assert "2025-03-01" in types.loc["di@fox.example", "suggested_reason"]
    assert (
        types.loc["ed@fry.example", "suggested_type"] == "lead"
    )  # a date after the audit date proves nothing
    assert types.loc["flo@gee.example", ["record_type", "suggested_type"]].tolist() == ["lead", "customer"]
    assert "3 won deal" in types.loc["flo@gee.example", "suggested_reason"]
    assert types.loc["gus@ho.example", "suggested_type"] == "lead"


def test_customer_and_partner_accounts_found_by_id_name_or_domain(write_csv, run_audit) -> None:
    accounts = write_csv(
        "Account.csv",
        [
            ["Id", "Name", "Type", "Website"],
            ["001A", "Acme Corporation", "Customer - Direct", "https://www.acme.example/"],
            ["001B", "Initech Sp. z o.o.", "Channel Partner / Reseller", ""],
            ["001C", "Gmail Fans Ltd", "Customer - Direct", "gmail.com"],
        ],
    )
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "FirstName", "LastName", "Company", "Email", "Status"],
            ["00Q1", "Ann", "Lee", "Someone", "ann@acme.example", "Open - Not Contacted"],
            ["00Q2", "Bob", "Ray", "INITECH", "bob@elsewhere.example", "Open - Not Contacted"],
            ["00Q3", "Cy", "Day", "Nobody", "cy.day@gmail.com", "Open - Not Contacted"],
        ],
    )
    contacts = write_csv(
        "Contact.csv",
        [
            ["Id", "AccountId", "FirstName", "LastName", "Email"],
            ["003A", "001A", "Di", "Fox", "di@fox.example"],
        ],
    )
    types = by_email(run_audit([accounts, leads, contacts]))
    assert types.loc["ann@acme.example", "suggested_type"] == "customer"
    assert "email domain" in types.loc["ann@acme.example", "suggested_reason"]
    assert types.loc["bob@elsewhere.example", "suggested_type"] == "partner"
    assert "company name" in types.loc["bob@elsewhere.example", "suggested_reason"]
    assert types.loc["cy.day@gmail.com", "suggested_type"] == "lead"  # free mail never ties to a company
    assert types.loc["di@fox.example", ["record_type", "suggested_type"]].tolist() == ["contact", "customer"]
    assert "account id" in types.loc["di@fox.example", "suggested_reason"]


def test_a_lead_that_is_already_a_contact_takes_its_type(write_csv, run_audit) -> None:
    leads = write_csv(
        "Lead.csv",
        [
            ["Id", "FirstName", "LastName", "Email", "Status"],
            ["00Q1", "Ann", "Lee", "ann.lee@acme.example", "Open - Not Contacted"],
        ],
    )
    contacts = write_csv(
        "Contact.csv",
        [
            ["Id", "AccountId", "FirstName", "LastName", "Email"],
            ["003A", "001A", "Ann", "Lee", "Ann.Lee@acme.example"],
        ],
    )
    types = run_audit([leads, contacts]).records.set_index("source_id")
    assert types.loc["00Q1", "suggested_type"] == "contact"
    assert "Contact.csv" in types.loc["00Q1", "suggested_reason"]
