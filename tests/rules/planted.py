"""A seeded synthetic CRM export spread over eighteen files, with planted problems and the truth about them.

    planted = write_planted(folder, seed=11)
    planted.paths     # the exports, in the order to audit them
    planted.truth     # kind -> {(file name, row)} of every planted problem
    planted.severity  # (file name, row) -> the severity its finding must have, where a plant says so
    planted.settings  # the Config settings the plants assume (internal and partner domains)

The files are written the way their platforms write them (see EXPORTS for each file's platform,
object and role):
- a Salesforce org: Lead, Contact and a thin Account export (Data Loader API names), and next to
  them tables that hold no people: Opportunity, OpportunityHistory, Task, User, CampaignMember
  (planted_tables.py);
- a HubSpot contacts export (English labels), a Dynamics 365 lead view (an Excel export's hidden
  columns included) and Pipedrive people;
- a Zoho CRM org: Leads and Contacts (English, Zoho's "15 Apr, 2021 00:03:00" dates), deals exported
  in Spanish (Tratos) and calls (planted_exports.py);
- a Dynamics 365 contact view without its hidden key columns and a Spanish Dynamics 365 lead view
  (Nombre beside Apellidos, "15 abr 2024 10:22"), and a Polish Pipedrive people export with no
  country column (planted_exports.py).

Most records are clean people from eight countries; every kind the rules report is planted several
ways and in several platforms, next to near-misses that must stay clean: "Nan Null", national phone
numbers with a country, converted and closed leads, a customer account whose website is gmail.com,
a lead exactly 365 days old, a became-customer date after the audit date, the 15-character form of
a contact id; lost and open opportunities, a company name on two accounts of different types,
partner-portal users, converted Zoho leads that keep their last status, qualified Spanish Dynamics
leads untouched for years, contacts reachable only by their home phone, colleagues at one office
with direct lines one digit apart, national numbers in a file without a country, "O'Brien" and
"AT&T".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.rules.planted_exports import (
    dynamics_contact_view,
    dynamics_spanish_leads,
    pipedrive_polish,
    plan_zoho_deals,
    zoho_exports,
)
from tests.rules.planted_kit import (
    ADDRESSES,
    AS_OF,
    CUSTOM_LEAD_STATUSES,
    CUSTOM_STAGES,
    INTERNAL_DOMAIN,
    KINDS,
    ODD_BUT_REAL_COMPANIES,
    ODD_BUT_REAL_LAST_NAMES,
    PARTNER_DOMAINS,
    SUSPICIOUS_NAMES,
    File,
    Maker,
    Org,
    Person,
    Spoil,
    Truth,
    birth_date,
    data_quality_plants,
    direct_lines,
    salesforce_id,
    sf_datetime,
)
from tests.rules.planted_tables import (
    salesforce_campaign_members,
    salesforce_opportunities,
    salesforce_tasks,
    salesforce_users,
)

__all__ = ["AS_OF", "EXPORTS", "KINDS", "Planted", "write_planted"]

# file name -> (platform, object, role) as the audit must read it.
EXPORTS: dict[str, tuple[str, str, str]] = {
    "Lead.csv": ("salesforce", "lead", "audited"),
    "Contact.csv": ("salesforce", "contact", "audited"),
    "Account.csv": ("salesforce", "account", "audited"),
    "Opportunity.csv": ("salesforce", "deal", "evidence"),
    "OpportunityHistory.csv": ("salesforce", "history", "not audited"),
    "Task.csv": ("salesforce", "activity", "not audited"),
    "User.csv": ("salesforce", "user", "evidence"),
    "CampaignMember.csv": ("salesforce", "campaign", "not audited"),
    "hubspot-contacts.csv": ("hubspot", "contact", "audited"),
    "Dynamics-Leads.csv": ("dynamics365", "lead", "audited"),
    "pipedrive-people.csv": ("pipedrive", "person", "audited"),
    "Leads_001.csv": ("zoho", "lead", "audited"),
    "Contacts_001.csv": ("zoho", "contact", "audited"),
    "Tratos_001.csv": ("zoho", "deal", "evidence"),
    "Calls_001.csv": ("zoho", "activity", "not audited"),
    "Active Contacts 11-1-2026 9-12-40 AM.csv": ("dynamics365", "contact", "audited"),
    "Todos los clientes potenciales 1-11-2026 9-13-02.csv": ("dynamics365", "lead", "audited"),
    "pipedrive-osoby.csv": ("pipedrive", "person", "audited"),
}


@dataclass
class Planted:
    paths: list[Path]
    truth: dict[str, set[tuple[str, int]]]
    settings: dict[str, Any]
    severity: dict[tuple[str, int], str]


def write_planted(folder: Path, seed: int = 11, scale: int = 1) -> Planted:
    maker = Maker(seed)
    truth: Truth = defaultdict(set)
    org = Org()
    accounts = _salesforce_accounts(maker, truth, scale, org)
    contacts = _salesforce_contacts(maker, truth, scale, org)
    users = salesforce_users(maker, org)
    plan_zoho_deals(maker, scale, org)
    leads = _salesforce_leads(maker, truth, scale, org)
    opportunities, history = salesforce_opportunities(maker, org)
    tasks = salesforce_tasks(maker, org)
    members = salesforce_campaign_members(maker, leads, contacts, org)
    hubspot = _hubspot(maker, truth, scale, org)
    dynamics = _dynamics(maker, truth, scale)
    pipedrive = _pipedrive(maker, truth, scale)
    zoho = zoho_exports(maker, truth, scale, org)
    dynamics_contacts = dynamics_contact_view(maker, truth, scale, org)
    dynamics_es = dynamics_spanish_leads(maker, truth, scale, org)
    osoby = pipedrive_polish(maker, truth, scale)
    files = [
        leads, contacts, accounts, opportunities, history, tasks, users, members, hubspot, dynamics, pipedrive,
        *zoho, dynamics_contacts, dynamics_es, osoby,
    ]  # fmt: skip
    assert [file.name for file in files] == list(EXPORTS)
    return Planted(
        paths=[file.write(folder) for file in files],
        truth=dict(truth),
        settings={"internal_domains": (INTERNAL_DOMAIN,), "partner_domains": PARTNER_DOMAINS},
        severity=org.severity,
    )


_INDUSTRIES = ["Technology", "Manufacturing", "Retail", "Energy", "Consulting", "Transportation", ""]


def _salesforce_accounts(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    # A thin Data Loader export: only the ids tell it is Salesforce.
    accounts = File("Account.csv", ["Id", "Name", "Type", "Website", "Industry"])
    # --- Salesforce accounts: customers, partners, prospects, and a sole trader on gmail.com ---
    for number in range(1, 1 + 36 * scale):
        kind = ["customer", "partner", "prospect", "prospect"][number % 4]
        company = maker.company()
        account_type = {
            "customer": maker.pick(["Customer - Direct", "Customer - Channel"]),
            "partner": maker.pick(["Channel Partner / Reseller", "Technology Partner"]),
            "prospect": "Prospect",
        }[kind]
        account_id = salesforce_id("001", number)
        website = maker.pick([f"https://www.{company.domain}", company.domain, f"http://{company.domain}/"])
        accounts.add(
            {
                "Id": account_id,
                "Name": company.name,
                "Type": account_type,
                "Website": website,
                "Industry": maker.pick(_INDUSTRIES),
            },
            truth,
        )
        org.companies[kind].append(company)
        org.account_ids[company.name] = account_id
    accounts.add(
        {"Id": salesforce_id("001", 900), "Name": "Kowalski Consulting", "Type": "Customer - Direct",
         "Website": "gmail.com", "Industry": "Consulting"},
        truth,
    )  # fmt: skip
    accounts.add(
        {"Id": salesforce_id("001", 901), "Name": "", "Type": "Prospect", "Website": ""},
        truth,
        "missing_required",
    )
    # One company name on two accounts: a prospect in Spain and a customer in Germany. The name ties
    # a lead to neither; a work email's domain still tells which.
    prospect_one = maker.company("ES")
    customer_one = maker.company("DE")
    customer_one.name, customer_one.base = prospect_one.name, prospect_one.base
    # The customer is written first: an auditor that let the first row decide would call the
    # prospect's people customers.
    for number, (company, account_type) in enumerate(
        ((customer_one, "Customer - Direct"), (prospect_one, "Prospect")), start=902
    ):
        accounts.add(
            {"Id": salesforce_id("001", number), "Name": company.name, "Type": account_type,
             "Website": f"www.{company.domain}", "Industry": "Energy"},
            truth,
        )  # fmt: skip
    org.shared_name = [prospect_one, customer_one]
    # Prospects by what their opportunities did (planted_tables.py writes them).
    prospects = org.companies["prospect"]
    org.deals["won"] = prospects[: 5 * scale]
    org.deals["lost"] = prospects[5 * scale : 9 * scale]
    org.deals["open"] = prospects[9 * scale : 13 * scale]
    return accounts


def _salesforce_contacts(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    contacts = File(
        "Contact.csv",
        ["Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "HomePhone",
         "MailingStreet", "MailingCity", "MailingPostalCode", "MailingCountry", "Title", "Birthdate",
         "CreatedDate", "LastModifiedDate", "LastActivityDate"],
    )  # fmt: skip
    # --- Salesforce contacts ---
    contact_count = 0

    def add_contact(
        person: Person, account_id: str, *kinds_: str, spoil: Spoil | None = None, **overrides: str
    ) -> str:
        nonlocal contact_count
        contact_count += 1
        contact_id = salesforce_id("003", contact_count)
        values = {
            "Id": contact_id,
            "AccountId": account_id,
            "FirstName": person.first,
            "LastName": person.last,
            "Email": person.email,
            "Phone": person.phone,
            "MailingCountry": person.country,
            "Title": maker.pick(["CEO", "CFO", "Buyer", "Head of IT", "Office Manager"]),
            "CreatedDate": sf_datetime(maker.days_ago(300, 2000)),
            "LastModifiedDate": sf_datetime(maker.days_ago(1, 200)),
            "LastActivityDate": maker.days_ago(1, 200).isoformat(),
        }
        values.update(overrides)
        if spoil:
            spoil(maker, person, values)
        contacts.add(values, truth, *kinds_)
        return contact_id

    for companies in org.companies.values():
        for company in companies:
            for _ in range(maker.rng.randint(1, 3)):
                person = maker.person(company)
                # A Salesforce contact has no type of its own: at a customer or partner account it is
                # a fact for the who-is-who matrix, not a label to correct (no type_mismatch).
                contact_id = add_contact(person, org.account_ids[company.name])
                org.contact_of.setdefault(company.name, (contact_id, person))
                org.contacts_at[company.name].append((contact_id, person))
                org.task_whos.append(contact_id)
    # Colleagues kept as contacts (two are the org's users too): no label of theirs says otherwise.
    for _ in range(4 * scale):
        person = maker.person(domain=INTERNAL_DOMAIN)
        add_contact(person, "")
        org.internal_contacts.append(person)
    contact_plants = data_quality_plants(
        {
            "first": "FirstName",
            "last": "LastName",
            "email": "Email",
            "phone": "Phone",
            "country": "MailingCountry",
        }
    )
    for kind, spoil in contact_plants:
        for _ in range(4 * scale):
            company = maker.pick(org.companies["prospect"])
            add_contact(maker.person(company), org.account_ids[company.name], kind, spoil=spoil)
    for _ in range(12 * scale):  # clean contacts without an account
        person = maker.person()
        add_contact(person, "")
        org.loose_contacts.append(person)
    # Colleagues at one office: one account, street, city and postcode; their own names, mailboxes,
    # birth dates and direct lines one digit apart. Not one person (no duplicate).
    offices = org.companies["customer"][: 2 * scale] + org.companies["prospect"][13 * scale : 15 * scale]
    for company in offices:
        street, city, postcode = maker.pick(ADDRESSES[company.country_code])
        for line in direct_lines(maker, company.country_code, 3):
            add_contact(
                maker.person(company), org.account_ids[company.name], Phone=line, MailingStreet=street,
                MailingCity=city, MailingPostalCode=postcode, Birthdate=birth_date(maker).isoformat(),
            )  # fmt: skip
    for _ in range(4 * scale):  # only a home phone: reachable (HomePhone is a standard field)
        company = maker.pick(org.companies["customer"])
        person = maker.person(company)
        add_contact(
            person,
            org.account_ids[company.name],
            Email="",
            Phone="",
            HomePhone=maker.phone(company.country_code),
        )
    for _ in range(3 * scale):  # invalid_phone: the email address typed into the phone field
        company = maker.pick(org.companies["customer"])
        person = maker.person(company)
        add_contact(person, org.account_ids[company.name], "invalid_phone", Phone=person.email)
    for _ in range(3 * scale):  # duplicate: also a contact in the Dynamics 365 contact view
        person = maker.person()
        add_contact(person, "", "duplicate")
        org.dynamics_twins.append(person)
    return contacts


def _salesforce_leads(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    leads = File(
        "Lead.csv",
        ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "Country", "Status", "Rating",
         "LeadSource", "IsConverted", "ConvertedDate", "ConvertedContactId", "ConvertedAccountId",
         "CreatedDate", "LastModifiedDate", "LastActivityDate"],
    )  # fmt: skip

    # --- Salesforce leads ---
    lead_count = 0

    def add_lead(person: Person, *kinds_: str, severity: str = "", **overrides: str) -> int:
        nonlocal lead_count
        lead_count += 1
        created = maker.days_ago(200, 1500)
        activity = maker.days_ago(1, 300)
        values = {
            "Id": salesforce_id("00Q", lead_count),
            "FirstName": person.first,
            "LastName": person.last,
            "Company": person.company,
            "Email": person.email,
            "Phone": person.phone,
            "Country": person.country,
            "Status": maker.pick(["Open - Not Contacted", "Working - Contacted"]),
            "Rating": maker.pick(["Hot", "Warm", "Cold", ""]),
            "LeadSource": maker.pick(["Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Other"]),
            "IsConverted": "false",
            "CreatedDate": sf_datetime(created),
            "LastModifiedDate": sf_datetime(activity),
            "LastActivityDate": activity.isoformat(),
        }
        values.update(overrides)
        row = leads.add(values, truth, *kinds_)
        if severity:
            org.severity[(leads.name, row)] = severity
        return row

    for _ in range(200 * scale):  # clean open leads
        row = add_lead(maker.person(free_mail=maker.chance(0.2)))
        org.task_whos.append(leads.values(row)["Id"])
    for _ in range(20 * scale):  # national numbers without a country: unchecked, not invalid
        person = maker.person()
        add_lead(person, Country="", Phone=maker.phone(person.country_code, national=True))
    for _ in range(30 * scale):  # closed, long untouched: not stale
        old = maker.days_ago(400, 1500)
        add_lead(
            maker.person(), Status="Closed - Not Converted", LastActivityDate=old.isoformat(),
            LastModifiedDate=sf_datetime(old), CreatedDate=sf_datetime(old),
        )  # fmt: skip
    for _ in range(10 * scale):  # exactly at the limit: not stale
        limit = AS_OF - dt.timedelta(days=365)
        add_lead(maker.person(), LastActivityDate=limit.isoformat(), LastModifiedDate=sf_datetime(limit))
    for company in org.companies["prospect"]:  # converted properly into a contact of a prospect account
        contact_id, person = org.contact_of[company.name]
        short = maker.chance(0.3)  # a report export's 15-character id
        add_lead(
            person,
            Status="Closed - Converted",
            IsConverted="true",
            ConvertedDate=maker.days_ago(10, 400).isoformat(),
            ConvertedContactId=contact_id[:15] if short else contact_id,
            ConvertedAccountId=org.account_ids[company.name],
        )
    for _ in range(12 * scale):  # sole traders on free mail while a customer account has gmail.com
        add_lead(maker.person(free_mail=True), Company="")

    for _ in range(6 * scale):  # customer_as_lead: company is a customer account, legal form aside
        company = maker.pick(org.companies["customer"])
        person = maker.person(maker.company(company.country_code))
        written = maker.pick([company.base, company.name.upper(), company.name])
        add_lead(person, "customer_as_lead", Company=written)
    for _ in range(6 * scale):  # customer_as_lead: email on a customer account's domain
        company = maker.pick(org.companies["customer"])
        person = maker.person(company)
        add_lead(person, "customer_as_lead", Company=f"{company.name.split()[0]} Group")
    # customer_as_lead: a won opportunity on the account their work email's domain finds, an account
    # still typed Prospect. A firm link (the domain, then the opportunity's account id): a warning.
    for company in org.deals["won"]:
        written = maker.pick([company.name, company.base, f"{company.name.split()[0]} Group"])
        add_lead(maker.person(company), "customer_as_lead", severity="warning", Company=written)
    for company in org.deals["lost"] + org.deals["open"]:  # a lost or open opportunity proves nothing
        add_lead(maker.person(company), Company=company.name)
    # customer_as_lead by the company name alone: a Zoho deal won by an account of that name. Said
    # to be a name-only link, and a severity lower: info.
    for company in org.zoho_deals["won"][: 3 * scale]:
        add_lead(maker.person(company), "customer_as_lead", severity="info", Company=company.name)
    for company in org.zoho_deals["lost"][: 2 * scale]:  # a lost Zoho deal proves nothing
        add_lead(maker.person(company), Company=company.name)
    # A company name that two accounts of different types share ties nobody to either; the work
    # email's domain still finds the one account it names.
    prospect_one, customer_one = org.shared_name
    for _ in range(2 * scale):
        add_lead(maker.person(prospect_one, free_mail=True), Company=prospect_one.name)
    add_lead(maker.person(prospect_one), Company=prospect_one.name)
    add_lead(maker.person(customer_one), "customer_as_lead", severity="warning", Company=customer_one.name)
    for _ in range(5 * scale):  # partner_as_lead: partner domains (and their subdomains)
        domain = maker.pick([*PARTNER_DOMAINS, f"eu.{PARTNER_DOMAINS[0]}"])
        add_lead(maker.person(domain=domain), "partner_as_lead")
    for _ in range(5 * scale):  # partner_as_lead: a partner account
        company = maker.pick(org.companies["partner"])
        add_lead(maker.person(maker.company(company.country_code)), "partner_as_lead", Company=company.name)
    # partner_as_lead: people at the partner whose staff log in as partner-portal users. Portal
    # users are not the org's staff, so their domain is no internal domain (not employee_as_lead).
    assert org.portal_company is not None
    for _ in range(3 * scale):
        add_lead(maker.person(org.portal_company), "partner_as_lead", severity="warning", Company="")
    for _ in range(8 * scale):  # employee_as_lead
        add_lead(
            maker.person(domain=maker.pick([INTERNAL_DOMAIN, f"sales.{INTERNAL_DOMAIN}"])), "employee_as_lead"
        )
    # employee_as_lead: a user's own address (a colleague's test lead); a second domain the org's
    # users share (given nowhere else); a user who signs in with a free-mail address.
    for person in org.staff[2:4]:
        add_lead(person, "employee_as_lead", Company="Northwind")
    for person in org.subsidiary_staff:
        add_lead(
            maker.person(domain=person.email.split("@")[1]), "employee_as_lead", Company="Northwind GmbH"
        )
    assert org.contractor is not None
    add_lead(org.contractor, "employee_as_lead", Company="")
    for _ in range(3 * scale):  # a colleague's test lead, closed: no label of its own to correct
        person = maker.person(domain=INTERNAL_DOMAIN)
        add_lead(person, Status="Closed - Not Converted")
    for company in org.companies["customer"][
        : 4 * scale
    ]:  # converted; the account has become a customer since (no label of its own to correct)
        contact_id, person = org.contact_of[company.name]
        add_lead(
            person, Company=company.name, Status="Closed - Converted", IsConverted="true",
            ConvertedContactId=contact_id, ConvertedAccountId=org.account_ids[company.name],
        )  # fmt: skip
    for _ in range(5 * scale):  # converted_lead_open: flag set, status still open
        add_lead(
            maker.person(),
            "converted_lead_open",
            IsConverted="true",
            ConvertedDate=maker.days_ago(5, 300).isoformat(),
        )
    for _ in range(4 * scale):  # converted_lead_open: converted status typed in, never converted
        add_lead(maker.person(), "converted_lead_open", Status="Closed - Converted")
    for number in range(4 * scale):  # converted_lead_open (CL005): the converted contact is gone
        add_lead(
            maker.person(), "converted_lead_open", Status="Closed - Converted", IsConverted="true",
            ConvertedContactId=salesforce_id("003", 90000 + number),
        )  # fmt: skip
    for _ in range(8 * scale):  # stale_lead: last activity long ago
        old = maker.days_ago(366, 1200)
        add_lead(
            maker.person(), "stale_lead", LastActivityDate=old.isoformat(), LastModifiedDate=sf_datetime(old)
        )
    for _ in range(4 * scale):  # stale_lead: no activity logged, last modified long ago
        old = maker.days_ago(400, 900)
        add_lead(
            maker.person(),
            "stale_lead",
            LastActivityDate="",
            LastModifiedDate=sf_datetime(old),
            CreatedDate=sf_datetime(old),
        )
    for _ in range(6 * scale):  # duplicate: the same person entered twice, the address in capitals once
        person = maker.person()
        add_lead(person, "duplicate")
        add_lead(person, "duplicate", Email=person.email.upper())
    # duplicate: the same lead in the Spanish Dynamics 365 view, on a private address there; only
    # the given name (Nombre, beside Apellidos) ties the two.
    for _ in range(5 * scale):
        person = maker.person(maker.company("ES"))
        add_lead(person, "duplicate", Company=person.company)
        org.spanish_twins.append(person)
    for person in org.loose_contacts[: 6 * scale]:  # lead_is_contact: an open lead for a known contact
        add_lead(person, "lead_is_contact")
    for _ in range(6 * scale):  # unmapped_label: a custom status someone added to the picklist
        add_lead(maker.person(), "unmapped_label", Status=maker.pick(CUSTOM_LEAD_STATUSES))
    # suspicious_value: what a bot or a probe typed into a web form; and odd but real names.
    for column, value in (("FirstName", SUSPICIOUS_NAMES[0]), ("Company", SUSPICIOUS_NAMES[1]),
                          ("LastName", SUSPICIOUS_NAMES[2]), ("FirstName", SUSPICIOUS_NAMES[3])):  # fmt: skip
        add_lead(maker.person(), "suspicious_value", **{column: value})
    for name in ODD_BUT_REAL_COMPANIES[:3]:
        add_lead(maker.person(), Company=name)
    for name in ODD_BUT_REAL_LAST_NAMES[:2]:
        add_lead(maker.person(maker.company("US")), LastName=name)
    for _ in range(2 * scale):  # invalid_phone: the email address typed into the phone field
        person = maker.person()
        add_lead(person, "invalid_phone", Phone=person.email)
    lead_plants = data_quality_plants(
        {"first": "FirstName", "last": "LastName", "email": "Email", "phone": "Phone", "country": "Country"}
    )
    for kind, spoil in lead_plants:
        for _ in range(5 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add_lead(person, kind, **values)

    return leads


def _hubspot(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    file = File(
        "hubspot-contacts.csv",
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Street Address",
         "City", "Postal Code", "Country/Region", "Date of birth", "Lifecycle Stage", "Lead Status",
         "Create Date", "Last Activity Date", "Became a Customer Date"],
    )  # fmt: skip
    record = 5000

    def add(*kinds: str, person: Person | None = None, **overrides: str) -> None:
        nonlocal record
        record += 1
        person = person or maker.person(free_mail=maker.chance(0.3))
        values = {
            "Record ID": str(record),
            "First Name": person.first,
            "Last Name": person.last,
            "Email": person.email,
            "Phone Number": person.phone,
            "Company Name": person.company,
            "Country/Region": person.country,
            "Lifecycle Stage": maker.pick(
                ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead"]
            ),
            "Lead Status": maker.pick(
                ["New", "Open", "In Progress", "Attempted to Contact", "Connected", ""]
            ),
            "Create Date": f"{maker.days_ago(200, 1500).isoformat()} 10:15",
            "Last Activity Date": f"{maker.days_ago(1, 300).isoformat()} 16:40",
        }
        values.update(overrides)
        file.add(values, truth, *kinds)

    def past() -> str:
        return maker.days_ago(30, 900).isoformat()

    for _ in range(80 * scale):
        add()
    for person in org.loose_contacts[6 * scale : 11 * scale]:  # lead_is_contact, across platforms
        add("lead_is_contact", person=person, **{"Lifecycle Stage": "Lead", "Lead Status": "New"})
    for _ in range(5 * scale):  # unmapped_label: a custom lifecycle stage
        add("unmapped_label", **{"Lifecycle Stage": maker.pick(CUSTOM_STAGES), "Lead Status": ""})
    for _ in range(30 * scale):
        add(**{"Lifecycle Stage": "Customer", "Lead Status": "", "Became a Customer Date": past()})
    for _ in range(15 * scale):
        add(**{"Lifecycle Stage": "Opportunity", "Lead Status": maker.pick(["Open Deal", ""])})
    for _ in range(5 * scale):  # a customer date after the audit date is no evidence yet
        future = (AS_OF + dt.timedelta(days=maker.rng.randint(5, 90))).isoformat()
        add(**{"Lifecycle Stage": "Lead", "Became a Customer Date": future})
    for _ in range(6 * scale):
        add(
            "customer_as_lead",
            **{
                "Lifecycle Stage": maker.pick(["Lead", "Marketing Qualified Lead"]),
                "Became a Customer Date": past(),
            },
        )
    for _ in range(4 * scale):
        add(
            "type_mismatch",
            **{
                "Lifecycle Stage": maker.pick(["Opportunity", "Other"]),
                "Lead Status": "",
                "Became a Customer Date": past(),
            },
        )
    for _ in range(5 * scale):
        add(
            "lifecycle_conflict",
            **{"Lifecycle Stage": maker.pick(["Customer", "Evangelist"]), "Lead Status": maker.pick(["New", "In Progress", "Unqualified"]),
               "Became a Customer Date": past()},
        )  # fmt: skip
    for _ in range(2 * scale):  # labelled contacts whose addresses say staff or partner
        add(
            "type_mismatch",
            person=maker.person(domain=INTERNAL_DOMAIN),
            **{"Lifecycle Stage": "Other", "Lead Status": ""},
        )
        add(
            "type_mismatch",
            person=maker.person(domain=PARTNER_DOMAINS[0]),
            **{"Lifecycle Stage": "Opportunity", "Lead Status": ""},
        )
    for _ in range(3 * scale):  # staff and partners signing up through a form
        add("employee_as_lead", person=maker.person(domain=INTERNAL_DOMAIN), **{"Lifecycle Stage": "Lead"})
        add(
            "partner_as_lead",
            person=maker.person(domain=PARTNER_DOMAINS[1]),
            **{"Lifecycle Stage": "Subscriber"},
        )
    for _ in range(5 * scale):
        add(
            "stale_lead",
            **{
                "Lifecycle Stage": "Lead",
                "Last Activity Date": f"{maker.days_ago(400, 1000).isoformat()} 09:00",
            },
        )
    # Colleagues at one office who filled in the same form: not one person (no duplicate).
    for _ in range(3 * scale):
        company = maker.company()
        street, city, postcode = maker.pick(ADDRESSES[company.country_code])
        for line in direct_lines(maker, company.country_code, 3):
            add(
                person=maker.person(company),
                **{"Phone Number": line, "Street Address": street, "City": city, "Postal Code": postcode,
                   "Date of birth": birth_date(maker).isoformat()},
            )  # fmt: skip
    # suspicious_value in a second platform; and odd but real names.
    for column, value in (("First Name", SUSPICIOUS_NAMES[4]), ("Company Name", SUSPICIOUS_NAMES[5]),
                          ("Last Name", SUSPICIOUS_NAMES[8])):  # fmt: skip
        add("suspicious_value", person=maker.person(), **{column: value})
    add(person=maker.person(), **{"Company Name": ODD_BUT_REAL_COMPANIES[3]})
    add(person=maker.person(maker.company("US")), **{"Last Name": ODD_BUT_REAL_LAST_NAMES[2]})
    plants = data_quality_plants(
        {
            "first": "First Name",
            "last": "Last Name",
            "email": "Email",
            "phone": "Phone Number",
            "country": "Country/Region",
        }
    )
    for kind, spoil in plants:
        for _ in range(3 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add(kind, person=person, **values)
    return file


def _dynamics(maker: Maker, truth: Truth, scale: int) -> File:
    file = File(
        "Dynamics-Leads.csv",
        ["(Do Not Modify) Lead", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Name",
         "Topic", "Company Name", "Email", "Business Phone", "Country/Region", "Status", "Status Reason", "Created On"],
    )  # fmt: skip

    def add(state: str, reason: str, *kinds: str, modified: dt.date | None = None, person: Person | None = None,
            **overrides: str) -> None:  # fmt: skip
        person = person or maker.person()
        modified = modified or maker.days_ago(1, 300)
        created = modified - dt.timedelta(days=maker.rng.randint(0, 900))
        values = {
            "(Do Not Modify) Lead": f"{maker.rng.getrandbits(32):08x}-0c1e-ef11-840a-000d3a4b{maker.rng.getrandbits(16):04x}",
            "(Do Not Modify) Row Checksum": "c2VlZA==",
            "(Do Not Modify) Modified On": modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Name": f"{person.first} {person.last}",
            "Topic": maker.pick(["Website enquiry", "Trade show", "Webinar", "Referral"]),
            "Company Name": person.company,
            "Email": person.email,
            "Business Phone": person.phone,
            "Country/Region": person.country,
            "Status": state,
            "Status Reason": reason,
            "Created On": created.strftime("%m/%d/%Y 9:00 AM"),
        }
        values.update(overrides)
        file.add(values, truth, *kinds)

    clean = [
        ("Open", "New"), ("Open", "Contacted"), ("Qualified", "Qualified"), ("Disqualified", "Lost"),
        ("Disqualified", "Cannot Contact"), ("Disqualified", "No Longer Interested"), ("Disqualified", "Canceled"),
    ]  # fmt: skip
    for _ in range(70 * scale):
        add(*maker.pick(clean))
    for _ in range(5 * scale):
        add("Open", "Qualified", "converted_lead_open")
    conflicts = [
        ("Disqualified", "Qualified"),
        ("Qualified", "Lost"),
        ("Open", "Lost"),
        ("Disqualified", "New"),
    ]
    for _ in range(6 * scale):
        add(*maker.pick(conflicts), "lifecycle_conflict")
    for _ in range(4 * scale):
        add("Open", maker.pick(["New", "Contacted"]), "stale_lead", modified=maker.days_ago(400, 1200))
    plants = data_quality_plants(
        {"name": "Name", "email": "Email", "phone": "Business Phone", "country": "Country/Region"}
    )
    for kind, spoil in plants:
        for _ in range(2 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add("Open", "New", kind, person=person, **values)
    return file


def _pipedrive(maker: Maker, truth: Truth, scale: int) -> File:
    file = File(
        "pipedrive-people.csv",
        ["Person - ID", "Person - Name", "Person - Email - Work", "Person - Phone - Work", "Person - Organization",
         "Person - Label", "Person - Won deals", "Person - Open deals", "Person - Country",
         "Person - Last activity date", "Person - Person created"],
    )  # fmt: skip
    record = 300

    def add(label: str, won: int, *kinds: str, person: Person | None = None, **overrides: str) -> None:
        nonlocal record
        record += 1
        person = person or maker.person()
        values = {
            "Person - ID": str(record),
            "Person - Name": f"{person.first} {person.last}",
            "Person - Email - Work": person.email,
            "Person - Phone - Work": person.phone,
            "Person - Organization": person.company,
            "Person - Label": label,
            "Person - Won deals": str(won),
            "Person - Open deals": str(maker.rng.randint(0, 2)),
            "Person - Country": person.country,
            "Person - Last activity date": maker.days_ago(1, 300).isoformat(),
            "Person - Person created": f"{maker.days_ago(200, 1500).isoformat()} 11:20:00",
        }
        values.update(overrides)
        file.add(values, truth, *kinds)

    for _ in range(50 * scale):
        add(maker.pick(["Hot lead", "Warm lead", "Cold lead"]), 0)
    for _ in range(25 * scale):
        add("Customer", maker.rng.randint(1, 6))
    for _ in range(20 * scale):
        add("", 0)
    for _ in range(6 * scale):
        add(maker.pick(["Hot lead", "Warm lead", "Cold lead"]), maker.rng.randint(1, 4), "customer_as_lead")
    for _ in range(4 * scale):  # won deals, no label: nothing to correct
        add("", maker.rng.randint(1, 3))
    for _ in range(3 * scale):  # a colleague labelled Customer: the label contradicts the address
        add("Customer", 0, "type_mismatch", person=maker.person(domain=INTERNAL_DOMAIN))
    for _ in range(3 * scale):
        add("Warm lead", 0, "employee_as_lead", person=maker.person(domain=INTERNAL_DOMAIN))
    for _ in range(4 * scale):
        add(
            "Cold lead",
            0,
            "stale_lead",
            **{"Person - Last activity date": maker.days_ago(500, 1500).isoformat()},
        )
    plants = data_quality_plants(
        {
            "name": "Person - Name",
            "email": "Person - Email - Work",
            "phone": "Person - Phone - Work",
            "country": "Person - Country",
        }
    )
    for kind, spoil in plants:
        for _ in range(2 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add("", 0, kind, person=person, **values)
    return file
