"""The Salesforce tables of the planted export that hold no people: User, Opportunity,
OpportunityHistory, Task and CampaignMember, as a Data Export writes them (API names, 18-character
ids with their key prefixes, "true"/"false", ISO dates).

They are never audited as people (no finding may name one of their rows), but two of them are
evidence: a won opportunity on an account still typed Prospect makes the leads at that account
customers, and the users tell the org's staff (Standard users, at the internal domain, a second
domain they share, or a free-mail address one of them signs in with) from partner-portal users,
who are not staff.
"""

from __future__ import annotations

import datetime as dt

from tests.rules.planted_kit import (
    AS_OF,
    INTERNAL_DOMAIN,
    File,
    Maker,
    Org,
    Person,
    Truth,
    ascii_fold,
    salesforce_id,
    sf_datetime,
)

# Rows of these tables carry no truth: nothing may be found in them.
_NO_TRUTH: Truth = {}

_TIME_ZONES = {
    "PL": ("Europe/Warsaw", "pl_PL"), "FR": ("Europe/Paris", "fr_FR"), "ES": ("Europe/Madrid", "es_ES"),
    "DE": ("Europe/Berlin", "de_DE"), "ID": ("Asia/Jakarta", "in_ID"), "BR": ("America/Sao_Paulo", "pt_BR"),
    "US": ("America/New_York", "en_US"), "SA": ("Asia/Riyadh", "ar_SA"),
}  # fmt: skip


def salesforce_users(maker: Maker, org: Org) -> File:
    users = File(
        "User.csv",
        ["Id", "Username", "LastName", "FirstName", "Name", "CompanyName", "Title", "Email", "Phone", "Alias",
         "CommunityNickname", "IsActive", "TimeZoneSidKey", "LocaleSidKey", "EmailEncodingKey", "ProfileId",
         "UserType", "LanguageLocaleKey", "UserRoleId", "ContactId", "AccountId", "LastLoginDate", "CreatedDate"],
    )  # fmt: skip

    def add(person: Person, user_type: str, profile: str, **overrides: str) -> str:
        user_id = salesforce_id("005", len(users.rows) + 1)
        zone, locale = _TIME_ZONES[person.country_code]
        alias = ascii_fold(person.first[:1] + person.last[:4]).replace(" ", "")
        values = {
            "Id": user_id,
            "Username": person.email,
            "LastName": person.last,
            "FirstName": person.first,
            "Name": f"{person.first} {person.last}",
            "CompanyName": "Northwind",
            "Title": maker.pick(["Account Executive", "Sales Manager", "SDR", "Customer Success Manager"]),
            "Email": person.email,
            "Phone": person.phone,
            "Alias": alias[:8],
            "CommunityNickname": f"{alias}{len(users.rows) + 1}",
            "IsActive": "true",
            "TimeZoneSidKey": zone,
            "LocaleSidKey": locale,
            "EmailEncodingKey": "UTF-8",
            "ProfileId": profile,
            "UserType": user_type,
            "LanguageLocaleKey": "en_US",
            "UserRoleId": salesforce_id("00E", maker.rng.randint(1, 4)) if user_type == "Standard" else "",
            "LastLoginDate": sf_datetime(maker.days_ago(0, 30)),
            "CreatedDate": sf_datetime(maker.days_ago(400, 2500)),
        }
        values.update(overrides)
        users.add(values, _NO_TRUTH)
        return user_id

    standard, partner_profile = salesforce_id("00e", 1), salesforce_id("00e", 7)
    # Staff: two of them are kept as contacts too; the rest are new people.
    org.staff = org.internal_contacts[:2] + [maker.person(domain=INTERNAL_DOMAIN) for _ in range(6)]
    org.user_ids = [add(person, "Standard", standard) for person in org.staff]
    add(maker.person(domain=INTERNAL_DOMAIN), "Standard", standard, IsActive="false")  # left the company
    # A subsidiary's staff, at a domain nobody configured: two users share it, so it is the org's own.
    org.subsidiary_staff = [maker.person(maker.company("DE"), domain="northwind.de") for _ in range(2)]
    for person in org.subsidiary_staff:
        org.user_ids.append(add(person, "Standard", standard, CompanyName="Northwind GmbH"))
    # A field rep who signs in with a free-mail address: the username is the org's, the email theirs.
    org.contractor = maker.person(free_mail=True)
    local = org.contractor.email.split("@")[0]
    add(org.contractor, "Standard", standard, Username=f"{local}@{INTERNAL_DOMAIN}.ext")
    # Partner-portal users: the partner's own people (contacts of its account), not the org's staff.
    portal = max(org.companies["partner"], key=lambda company: len(org.contacts_at[company.name]))
    org.portal_company = portal
    for contact_id, person in org.contacts_at[portal.name]:
        org.portal_users.append(person)
        add(
            person, "PowerPartner", partner_profile, CompanyName=portal.name, ContactId=contact_id,
            AccountId=org.account_ids[portal.name], Title="Partner Sales",
        )  # fmt: skip
    # The process user every org has.
    users.add(
        {"Id": salesforce_id("005", len(users.rows) + 1), "Username": "autoproc@00d5g000004xyzeaa",
         "LastName": "Automated Process", "Name": "Automated Process", "Alias": "autoproc",
         "Email": "autoproc@00d5g000004xyzeaa", "IsActive": "true", "TimeZoneSidKey": "America/Los_Angeles",
         "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8", "ProfileId": salesforce_id("00e", 9),
         "UserType": "AutomatedProcess", "LanguageLocaleKey": "en_US", "CreatedDate": sf_datetime(maker.days_ago(2000, 2500))},
        _NO_TRUTH,
    )  # fmt: skip
    return users


# Salesforce's default opportunity stages: (stage, probability, ForecastCategory API value).
_OPEN_STAGES = [
    ("Prospecting", 10, "Pipeline"), ("Qualification", 10, "Pipeline"), ("Needs Analysis", 20, "Pipeline"),
    ("Value Proposition", 50, "Pipeline"), ("Id. Decision Makers", 60, "Pipeline"),
    ("Perception Analysis", 70, "Pipeline"), ("Proposal/Price Quote", 75, "Pipeline"),
    ("Negotiation/Review", 90, "Forecast"),
]  # fmt: skip
_WON = ("Closed Won", 100, "Closed")
_LOST = ("Closed Lost", 0, "Omitted")
_PRODUCTS = ["Platform licences", "Implementation", "Renewal 2026", "Support plan", "Pilot", "Upgrade"]


def salesforce_opportunities(maker: Maker, org: Org) -> tuple[File, File]:
    """Opportunity.csv and its OpportunityHistory.csv: won deals at customers and at the prospects
    in `org.deals["won"]`, lost and open ones elsewhere."""
    opportunities = File(
        "Opportunity.csv",
        ["Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type",
         "LeadSource", "IsClosed", "IsWon", "ForecastCategory", "OwnerId", "CreatedDate", "LastModifiedDate"],
    )  # fmt: skip
    history = File(
        "OpportunityHistory.csv",
        ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue",
         "CloseDate", "Probability", "ForecastCategory", "SystemModstamp", "IsDeleted"],
    )  # fmt: skip

    def add(account: str, company_base: str, outcome: str) -> None:
        opportunity_id = salesforce_id("006", len(opportunities.rows) + 1)
        owner = maker.pick(org.user_ids)
        amount = maker.rng.randrange(20, 400) * 250
        created = maker.days_ago(120, 900)
        path = _OPEN_STAGES[: maker.rng.randint(1, len(_OPEN_STAGES))]
        if outcome == "won":
            path = [*path, _WON]
        elif outcome == "lost":
            path = [*path, _LOST]
        closed = outcome in ("won", "lost")
        close = created + dt.timedelta(days=maker.rng.randint(30, 110))
        if not closed:
            close = AS_OF + dt.timedelta(days=maker.rng.randint(10, 120))
        stage, probability, forecast = path[-1]
        moved = created
        for step_stage, step_probability, step_forecast in path:
            history.add(
                {"Id": salesforce_id("008", len(history.rows) + 1), "OpportunityId": opportunity_id,
                 "CreatedById": owner, "CreatedDate": sf_datetime(moved), "StageName": step_stage,
                 "Amount": str(amount), "ExpectedRevenue": str(amount * step_probability // 100),
                 "CloseDate": close.isoformat(), "Probability": str(step_probability),
                 "ForecastCategory": step_forecast, "SystemModstamp": sf_datetime(moved), "IsDeleted": "false"},
                _NO_TRUTH,
            )  # fmt: skip
            moved = min(moved + dt.timedelta(days=maker.rng.randint(3, 20)), AS_OF)
        opportunities.add(
            {"Id": opportunity_id, "IsDeleted": "false", "AccountId": account,
             "Name": f"{company_base} - {maker.pick(_PRODUCTS)}", "StageName": stage, "Amount": str(amount),
             "Probability": str(probability), "CloseDate": close.isoformat(),
             "Type": maker.pick(["New Business", "Existing Business"]),
             "LeadSource": maker.pick(["Web", "Partner Referral", "Trade Show", ""]),
             "IsClosed": str(closed).lower(), "IsWon": str(outcome == "won").lower(), "ForecastCategory": forecast,
             "OwnerId": owner, "CreatedDate": sf_datetime(created), "LastModifiedDate": sf_datetime(moved)},
            _NO_TRUTH,
        )  # fmt: skip

    for company in org.companies["customer"]:  # a customer's deals, several of them to one account
        for _ in range(maker.rng.randint(1, 3)):
            add(org.account_ids[company.name], company.base, "won")
        if maker.chance(0.4):
            add(org.account_ids[company.name], company.base, "open")
    for company in org.companies["partner"][:4]:
        add(org.account_ids[company.name], company.base, maker.pick(["open", "lost"]))
    for company in org.deals["won"]:  # won, and nobody updated the account's type
        add(org.account_ids[company.name], company.base, "won")
        if maker.chance(0.5):
            add(org.account_ids[company.name], company.base, "lost")
    for company in org.deals["lost"]:
        for _ in range(maker.rng.randint(1, 2)):
            add(org.account_ids[company.name], company.base, "lost")
    for company in org.deals["open"]:
        add(org.account_ids[company.name], company.base, "open")
    return opportunities, history


def salesforce_tasks(maker: Maker, org: Org) -> File:
    """Calls, emails and to-dos logged against people recently worked (several per person)."""
    tasks = File(
        "Task.csv",
        ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "Priority", "OwnerId", "Description",
         "IsDeleted", "AccountId", "IsClosed", "CreatedDate", "TaskSubtype", "CallType", "CallDurationInSeconds"],
    )  # fmt: skip
    whos = maker.rng.sample(org.task_whos, min(70, len(org.task_whos)))
    for who in whos + whos[:15]:
        subject = maker.pick(["Call", "Email", "Send Quote", "Follow up on proposal", "Call"])
        status = maker.pick(["Completed", "Completed", "Not Started", "In Progress"])
        day = maker.days_ago(1, 200)
        call = subject == "Call"
        tasks.add(
            {"Id": salesforce_id("00T", len(tasks.rows) + 1), "WhoId": who, "Subject": subject,
             "ActivityDate": day.isoformat(), "Status": status, "Priority": maker.pick(["Normal", "High", "Low"]),
             "OwnerId": maker.pick(org.user_ids),
             "Description": maker.pick(["Left a voicemail", "Sent the price list", "Asked for a demo", ""]),
             "IsDeleted": "false", "IsClosed": str(status == "Completed").lower(), "CreatedDate": sf_datetime(day),
             "TaskSubtype": "Call" if call else ("Email" if subject == "Email" else "Task"),
             "CallType": "Outbound" if call else "", "CallDurationInSeconds": str(maker.rng.randint(30, 900)) if call else ""},
            _NO_TRUTH,
        )  # fmt: skip
    return tasks


def salesforce_campaign_members(maker: Maker, leads: File, contacts: File, org: Org) -> File:
    """Campaign members carry a copy of each lead's or contact's name, email and phone: audited as
    people they would make every member a duplicate of its lead."""
    members = File(
        "CampaignMember.csv",
        ["Id", "IsDeleted", "CampaignId", "LeadId", "ContactId", "Status", "HasResponded", "CreatedDate",
         "FirstRespondedDate", "Name", "FirstName", "LastName", "Title", "Country", "Email", "Phone",
         "CompanyOrAccount", "Type", "LeadOrContactId"],
    )  # fmt: skip
    campaigns = [salesforce_id("701", number) for number in range(1, 4)]
    account_names = {account_id: name for name, account_id in org.account_ids.items()}
    lead_rows = maker.rng.sample(range(2, len(leads.rows) + 2), 50)
    contact_rows = maker.rng.sample(range(2, len(contacts.rows) + 2), 20)
    chosen = [(leads, row) for row in lead_rows + lead_rows[:5]] + [(contacts, row) for row in contact_rows]
    for file, row in chosen:
        person = file.values(row)
        is_lead = file is leads
        responded = maker.chance(0.4)
        day = maker.days_ago(10, 400)
        members.add(
            {"Id": salesforce_id("00v", len(members.rows) + 1), "IsDeleted": "false",
             "CampaignId": maker.pick(campaigns), "LeadId": person["Id"] if is_lead else "",
             "ContactId": "" if is_lead else person["Id"], "Status": "Responded" if responded else "Sent",
             "HasResponded": str(responded).lower(), "CreatedDate": sf_datetime(day),
             "FirstRespondedDate": (day + dt.timedelta(days=2)).isoformat() if responded else "",
             "Name": f"{person['FirstName']} {person['LastName']}".strip(), "FirstName": person["FirstName"],
             "LastName": person["LastName"], "Title": person.get("Title", ""),
             "Country": person.get("Country", person.get("MailingCountry", "")), "Email": person["Email"],
             "Phone": person["Phone"],
             "CompanyOrAccount": person["Company"] if is_lead else account_names.get(person["AccountId"], ""),
             "Type": "Lead" if is_lead else "Contact", "LeadOrContactId": person["Id"]},
            _NO_TRUTH,
        )  # fmt: skip
    return members
