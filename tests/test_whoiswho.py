"""Who is who: suggested_type from the evidence, each suggestion with its reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor import whoiswho
from auditor.catalogue import report_languages
from auditor.evidence import Evidence
from auditor.whoiswho import WhoIsWho, link_words, reason_facts, worded_reasons
from auditor.wording import Words


def by_email(result) -> pd.DataFrame:
    assert_reasons_worded(result)
    return result.records.set_index("email")[["record_type", "suggested_type", "suggested_reason"]]


def assert_reasons_worded(result) -> None:
    """Each reason worded from the templates says the English of `suggested_reason`, and reads in
    every report language."""
    records, who = result.records, result.who
    positions = np.flatnonzero(who.evidence != "")
    reasons = worded_reasons(reason_facts(records, who, positions))
    assert [str(reason) for reason in reasons] == records["suggested_reason"].take(positions).tolist()
    for reason in reasons:
        assert isinstance(reason, Words)
        for lang in report_languages():
            assert reason.in_language(lang), (reason.key, lang)


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
    result = run_audit([leads, contacts])
    assert_reasons_worded(result)
    types = result.records.set_index("source_id")
    assert types.loc["00Q1", "suggested_type"] == "contact"
    assert "Contact.csv" in types.loc["00Q1", "suggested_reason"]


@pytest.mark.parametrize("lang", ["en", "fr", "pl"])
def test_every_reason_is_worded_in_the_report_language(lang: str) -> None:
    """Each evidence code's reason, from plain columns: the English the findings JSON has always
    written, and every other language's wording."""
    records = pd.DataFrame(
        {
            "email": ["ann@ours.example", " Bo@Users.Example ", "", "cy@partner.example", "", "", "", "", ""],
            "company": ["", "", "", "", "Initech", "Acme", "", "", ""],
            "won_deals": ["", "", "", "", "", "", "1,204", "", ""],
            "became_customer_date": pd.to_datetime([None] * 7 + ["2025-03-01", None]),
            "record_type": ["lead", "lead", "lead", "lead", "partner", "customer", "lead", "lead", "lead"],
            "source_file": ["Lead.csv"] * 9,
            "source_row": list(range(2, 11)),
        }
    )
    deals = pd.DataFrame(
        {
            "deal_name": ["Renewal", ""],
            "source_id": ["006A", ""],
            "source_file": ["Opportunity.csv", "Opportunity.csv"],
            "source_row": [2, 3],
        }
    )
    codes = [
        whoiswho.INTERNAL_DOMAIN,
        whoiswho.STAFF_USER,
        whoiswho.STAFF_USER,
        whoiswho.PARTNER_DOMAIN,
        whoiswho.PARTNER_ACCOUNT,
        whoiswho.CUSTOMER_ACCOUNT,
        whoiswho.WON_DEALS,
        whoiswho.BECAME_CUSTOMER,
        whoiswho.MATCHED_RECORD,
        whoiswho.WON_DEAL,
        whoiswho.WON_DEAL,
        "",
    ]
    # Then a lead with a named won deal, one with an unnamed one, and the contact lead 8 is.
    records = pd.concat([records, records.iloc[[0, 0, 0]]], ignore_index=True)
    records.loc[11, ["record_type", "source_file", "source_row"]] = ["contact", "Contact.csv", 5]
    size = len(records)
    account_position = np.full(size, -1)
    account_position[[4, 5]] = [4, 5]
    account_link = np.full(size, "", dtype=object)
    account_link[[4, 5]] = [link_words("email domain"), link_words("company name")]
    deal_position = np.full(size, -1)
    deal_position[[9, 10]] = [0, 1]
    deal_link = np.full(size, "", dtype=object)
    deal_link[[9, 10]] = [link_words("account id", "email domain"), link_words("contact id")]
    matched = np.full(size, -1)
    matched[8] = 11
    who = WhoIsWho(
        evidence=np.array(codes, dtype=object),
        account_position=account_position,
        account_link=account_link,
        deal_position=deal_position,
        deal_link=deal_link,
        won_deal_count=np.array([0] * 9 + [2, 1, 0]),
        evidence_tables=Evidence(deals=deals),
        matched_position=matched,
    )
    reasons = worded_reasons(reason_facts(records, who, np.arange(size)))
    said = [reason.in_language(lang) if isinstance(reason, Words) else reason for reason in reasons]
    expected = {
        "en": [
            "email domain ours.example is an internal domain",
            "a user of the CRM (email bo@users.example)",
            "a user of the CRM (its own record)",
            "email domain partner.example is a partner domain",
            "account Initech is typed as a partner (found by email domain)",
            "account Acme is typed Customer (found by company name)",
            "1204 won deal(s)",
            "became a customer on 2025-03-01",
            "same person as contact Contact.csv row 5",
            "2 won deal(s), e.g. 'Renewal' (Opportunity.csv row 2) "
            "(found by account id, through the account found by email domain)",
            "1 won deal(s), e.g. a deal (Opportunity.csv row 3) (found by contact id)",
            "",
        ]
    }
    if lang in expected:
        assert said == expected[lang]
    else:
        assert all(said[:-1]) and said[-1] == ""
        assert said[:-1] != [str(reason) for reason in reasons[:-1]]
    if lang == "fr":
        assert said[5] == "le compte Acme est de type Client (trouvé par le nom de l'entreprise)"
