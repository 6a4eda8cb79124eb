"""A seeded synthetic CRM export spread over six files, with planted problems and the truth about them.

    planted = write_planted(folder, seed=11)
    planted.paths     # the exports, in the order to audit them
    planted.truth     # kind -> {(file name, row)} of every planted problem
    planted.settings  # the Config settings the plants assume (internal and partner domains)

The files are written the way their platforms write them: Salesforce Lead, Contact and Account
(Data Loader API names), a HubSpot contacts export (English labels), a Dynamics 365 lead view (an
Excel export's hidden columns included) and Pipedrive people. Most records are clean people from
eight countries; every kind the rules report is planted several ways and in several platforms,
next to near-misses that must stay clean: "Nan Null", national phone numbers with a country,
converted and closed leads, a customer account whose website is gmail.com, a lead exactly 365 days
old, a became-customer date after the audit date, the 15-character form of a contact id.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

AS_OF = dt.date(2026, 11, 1)
INTERNAL_DOMAIN = "northwind.io"
PARTNER_DOMAINS = ("channelpro.de", "partnerhub.fr")

# country code -> (country as written, first names, last names, email top-level domain, legal forms)
# fmt: off
_PEOPLE: dict[str, tuple[str, list[str], list[str], str, list[str]]] = {
    "PL": (
        "Poland",
        ["Anna", "Jan", "Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Zofia", "Wojciech", "Ewa", "Marek",
         "Magdalena", "Krzysztof", "Joanna", "Paweł", "Barbara", "Michał"],
        ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Mazur",
         "Szymański", "Woźniak", "Dąbrowska", "Kozłowski", "Jankowska", "Wojciechowski", "Kwiatkowska",
         "Krawczyk", "Kaczmarek", "Piotrowski"],
        "pl",
        ["Sp. z o.o.", "S.A.", ""],
    ),
    "FR": (
        "France",
        ["Élodie", "Louis", "Camille", "Chloé", "Quentin", "Marie", "Hugo", "Léa", "Antoine", "Manon",
         "Julien", "Pauline", "Nicolas", "Céline", "Mathieu", "Amélie"],
        ["Dubois", "Moreau", "Laurent", "Lefebvre", "Bernard", "Martin", "Girard", "Roux", "Fontaine",
         "Chevalier", "Rousseau", "Mercier", "Blanchard", "Garnier", "Faure", "Lemoine", "Bonnet",
         "Perrin"],
        "fr",
        ["SARL", "SAS", "S.A."],
    ),
    "ES": (
        "España",
        ["Lucía", "Javier", "Carlos", "José", "Sofía", "Pablo", "Carmen", "Diego", "Alejandro", "Elena",
         "Andrés", "Marta", "Sergio", "Isabel", "Raúl", "Paula"],
        ["García", "Fernández", "López", "Sánchez", "Ramírez", "Torres", "Navarro", "Ortega",
         "Domínguez", "Vázquez", "Castillo", "Morales", "Jiménez", "Romero", "Herrera", "Medina",
         "Iglesias", "Cortés"],
        "es",
        ["S.L.", "S.A."],
    ),
    "DE": (
        "Deutschland",
        ["Lukas", "Lena", "Jonas", "Mia", "Felix", "Hannah", "Paul", "Emma", "Maximilian", "Sophie",
         "Leon", "Clara", "Tobias", "Johanna", "Florian", "Katharina"],
        ["Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Wagner",
         "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun"],
        "de",
        ["GmbH", "AG", "KG"],
    ),
    "ID": (
        "Indonesia",
        ["Budi", "Dewi", "Siti", "Rizky", "Ayu", "Agus", "Putri", "Nan", "Bambang", "Indah", "Hendra",
         "Wulan", "Fajar", "Ratna", "Yoga", "Sari"],
        ["Santoso", "Pratama", "Saputra", "Wijaya", "Hidayat", "Nugroho", "Kurniawan", "Lestari",
         "Setiawan", "Susanto", "Gunawan", "Halim", "Purnomo", "Siregar", "Nasution", "Harahap",
         "Sihombing", "Utomo"],
        "co.id",
        ["PT", "CV"],
    ),
    "BR": (
        "Brasil",
        ["João", "Ana", "Beatriz", "Thiago", "Lucas", "Mariana", "Rafael", "Juliana", "Gabriel",
         "Larissa", "Felipe", "Camila", "Bruno", "Fernanda", "Gustavo", "Letícia"],
        ["Silva", "Costa", "Oliveira", "Pereira", "Souza", "Lima", "Gomes", "Ribeiro", "Carvalho",
         "Almeida", "Barbosa", "Rocha", "Dias", "Teixeira", "Cardoso", "Araújo", "Moura", "Batista"],
        "com.br",
        ["Ltda", "S.A."],
    ),
    "US": (
        "United States",
        ["Emily", "Michael", "Sarah", "David", "Jessica", "Nan", "Robert", "Linda", "James", "Ashley",
         "Daniel", "Megan", "Brian", "Rachel", "Kevin", "Laura"],
        ["Smith", "Johnson", "Null", "Lee", "Doe", "Brown", "Miller", "Davis", "Wilson", "Anderson",
         "Thompson", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "Wright"],
        "com",
        ["Inc.", "LLC", "Corp."],
    ),
    "SA": (
        "Saudi Arabia",
        ["محمد", "ليلى", "عمر", "فاطمة", "خالد", "نورة", "عبدالله", "سارة", "فيصل", "ريم", "سلطان", "هند"],
        ["الحربي", "العتيبي", "القحطاني", "الشمري", "الدوسري", "الزهراني", "الغامدي", "المطيري",
         "السبيعي", "العنزي", "الشهري", "المالكي"],
        "sa",
        ["", "Co."],
    ),
}
# Latin spellings of the Arabic names, for email addresses.
_LATIN = {
    "محمد": "mohammed", "ليلى": "layla", "عمر": "omar", "فاطمة": "fatima", "خالد": "khalid", "نورة":
    "noura", "عبدالله": "abdullah", "سارة": "sara", "فيصل": "faisal", "ريم": "reem", "سلطان": "sultan",
    "هند": "hind", "الحربي": "alharbi", "العتيبي": "alotaibi", "القحطاني": "alqahtani", "الشمري":
    "alshammari", "الدوسري": "aldosari", "الزهراني": "alzahrani", "الغامدي": "alghamdi", "المطيري":
    "almutairi", "السبيعي": "alsubaie", "العنزي": "alanazi", "الشهري": "alshehri", "المالكي": "almalki",
}
# fmt: on
_COMPANY_WORDS = [
    "Nordic",
    "Atlas",
    "Vertex",
    "Solaris",
    "Orbita",
    "Quantum",
    "Baltic",
    "Lumen",
    "Sierra",
    "Cobalt",
    "Meridian",
    "Aurora",
    "Granit",
    "Delta",
    "Helios",
    "Kestrel",
    "Tundra",
    "Zenit",
    "Pioneer",
    "Summit",
]  # fmt: skip
_COMPANY_KINDS = ["Logistics", "Systems", "Foods", "Energy", "Media", "Textiles", "Pharma", "Trading"]
_FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "wp.pl", "orange.fr", "web.de", "yahoo.co.id"]

_PLACEHOLDER_NAMES = [
    "Test", "asdf", "N/A", "xxx", "Unknown", "Inconnu", "Desconocido", "Nieznany", "Tidak diketahui",
    "غير معروف", "Unbekannt", "Desconhecido",
]  # fmt: skip
_PLACEHOLDER_EMAILS = ["test@test.com", "noemail@{domain}", "a@a.com", "none@{domain}", "test@example.com"]
_INVALID_EMAILS = ["{local}@{stem}", "{local}@@{domain}", "{local}.{domain}", "{local}@{stem}..{tld}"]

KINDS = (
    "customer_as_lead",
    "partner_as_lead",
    "employee_as_lead",
    "converted_lead_open",
    "stale_lead",
    "lifecycle_conflict",
    "type_mismatch",
    "invalid_email",
    "invalid_phone",
    "unreachable",
    "placeholder",
    "missing_required",
    "unmapped_label",
    "duplicate",
    "lead_is_contact",
)
# Custom label values that no vocabulary places (what an admin adds to a picklist): unmapped_label.
_CUSTOM_LEAD_STATUSES = ["Parked - Budget Freeze", "Waiting on Procurement", "Zombie"]
_CUSTOM_STAGES = ["Kunde VIP", "Gala Invitee 2025"]


@dataclass
class Person:
    first: str
    last: str
    email: str
    phone: str
    country_code: str
    country: str
    company: str
    domain: str


@dataclass
class Company:
    name: str  # as the account writes it, legal form included
    base: str  # without the legal form
    domain: str
    country_code: str


@dataclass
class _File:
    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, values: dict[str, str], truth: dict[str, set[tuple[str, int]]], *kinds: str) -> int:
        unknown = set(values) - set(self.header)
        assert not unknown, f"{self.name}: no column {unknown}"
        self.rows.append([values.get(column, "") for column in self.header])
        row = len(self.rows) + 1  # header = row 1
        for kind in kinds:
            assert kind in KINDS, kind
            truth[kind].add((self.name, row))
        return row

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows([self.header, *self.rows])
        return path


@dataclass
class Planted:
    paths: list[Path]
    truth: dict[str, set[tuple[str, int]]]
    settings: dict[str, Any]


class _Maker:
    """Clean people, companies, phones and dates, all from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.emails: set[str] = set()
        # Namesakes would be matched as one person by the matching step, which is not what these
        # plants are about: every person gets a name of their own.
        self.names: set[tuple[str, str]] = set()
        self.company_count = 0

    def pick(self, values: list[Any]) -> Any:
        return self.rng.choice(values)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def company(self, country_code: str | None = None) -> Company:
        country_code = country_code or self.pick(list(_PEOPLE))
        tld, forms = _PEOPLE[country_code][3], _PEOPLE[country_code][4]
        self.company_count += 1
        stem = f"{self.pick(_COMPANY_WORDS)} {self.pick(_COMPANY_KINDS)}"
        slug = _ascii(stem).replace(" ", "-")
        legal = self.pick(forms)
        base = f"{stem} {self.company_count}"
        return Company(
            name=f"{base} {legal}" if legal else base,
            base=base,
            domain=f"{slug}{self.company_count}.{tld}",
            country_code=country_code,
        )

    def person(self, company: Company | None = None, *, free_mail: bool = False, domain: str = "") -> Person:
        company = company or self.company()
        code = company.country_code
        country, firsts, lasts, _, _ = _PEOPLE[code]
        for attempt in range(1000):
            first, last = self.pick(firsts), self.pick(lasts)
            if attempt > 20:  # the plain names are used up: a double-barrelled surname
                last = f"{last}-{self.pick(lasts)}"
            if (first, last) not in self.names:
                break
        self.names.add((first, last))
        mailbox = domain or (self.pick(_FREE_MAIL) if free_mail else company.domain)
        local = f"{_ascii(_LATIN.get(first, first))}.{_ascii(_LATIN.get(last, last))}".replace(" ", "")
        email = f"{local}@{mailbox}"
        number = 2
        while email in self.emails:
            email = f"{local}{number}@{mailbox}"
            number += 1
        self.emails.add(email)
        return Person(first, last, email, self.phone(code), code, country, company.name, company.domain)

    def phone(self, region: str, *, national: bool | None = None) -> str:
        """A valid number of the region, written nationally (needs the country) or internationally."""
        kind = self.pick([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
        example = phonenumbers.example_number_for_type(region, kind)
        while True:
            digits = str(example.national_number)
            digits = digits[:-4] + "".join(str(self.rng.randrange(10)) for _ in range(4))
            number = phonenumbers.parse(f"+{example.country_code}{digits}")
            if phonenumbers.is_valid_number(number):
                break
        national = self.chance(0.5) if national is None else national
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if national
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, style)

    def invalid_phone(self, region: str) -> str:
        while True:
            digits = "".join(str(self.rng.randrange(10)) for _ in range(self.rng.randrange(3, 6)))
            written = self.pick(
                [f"{digits[:2]} {digits[2:]}", f"+{phonenumbers.country_code_for_region(region)} {digits}"]
            )
            try:
                valid = phonenumbers.is_valid_number(phonenumbers.parse(written, region))
            except phonenumbers.NumberParseException:
                valid = False
            if not valid:
                return written

    def invalid_email(self, person: Person) -> str:
        local, domain = person.email.split("@")
        stem, _, tld = domain.partition(".")
        return self.pick(_INVALID_EMAILS).format(local=local, domain=domain, stem=stem, tld=tld)

    def placeholder_email(self, person: Person) -> str:
        return self.pick(_PLACEHOLDER_EMAILS).format(domain=person.domain)

    def days_ago(self, low: int, high: int) -> dt.date:
        return AS_OF - dt.timedelta(days=self.rng.randint(low, high))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _sf_datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T09:30:00.000Z"


def _salesforce_id(prefix: str, number: int) -> str:
    return f"{prefix}5g00000{number:05d}AAA"


# A data-quality problem planted on one person: (kind, what it does to the record's values).
_Spoil = Callable[[_Maker, Person, dict[str, str]], None]


def _data_quality_plants(columns: dict[str, str]) -> list[tuple[str, _Spoil]]:
    """The data-quality plants for a file whose person columns are named in `columns`
    (keys: first, last, email, phone, country; a missing key means the file lacks that column)."""

    def invalid_email(maker: _Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["email"]] = maker.invalid_email(person)

    def invalid_phone(maker: _Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["phone"]] = maker.invalid_phone(person.country_code)

    def unreachable(maker: _Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["email"]] = ""
        values[columns["phone"]] = ""

    def placeholder(maker: _Maker, person: Person, values: dict[str, str]) -> None:
        where = maker.pick(["first", "last", "email"] if "first" in columns else ["name", "email"])
        if where == "email":
            values[columns["email"]] = maker.placeholder_email(person)
        elif where == "name":  # a whole-name column holds nothing but the filler
            values[columns["name"]] = maker.pick(_PLACEHOLDER_NAMES)
        else:
            values[columns[where]] = maker.pick(_PLACEHOLDER_NAMES)

    def missing_required(maker: _Maker, person: Person, values: dict[str, str]) -> None:
        values[columns.get("last", columns.get("name", ""))] = ""

    return [
        ("invalid_email", invalid_email),
        ("invalid_phone", invalid_phone),
        ("unreachable", unreachable),
        ("placeholder", placeholder),
        ("missing_required", missing_required),
    ]


Truth = dict[str, set[tuple[str, int]]]


def write_planted(folder: Path, seed: int = 11, scale: int = 1) -> Planted:
    maker = _Maker(seed)
    truth: Truth = defaultdict(set)
    org = _Org()
    accounts = _salesforce_accounts(maker, truth, scale, org)
    contacts = _salesforce_contacts(maker, truth, scale, org)
    leads = _salesforce_leads(maker, truth, scale, org)
    hubspot = _hubspot(maker, truth, scale, org)
    dynamics = _dynamics(maker, truth, scale)
    pipedrive = _pipedrive(maker, truth, scale)
    files = [leads, contacts, accounts, hubspot, dynamics, pipedrive]
    return Planted(
        paths=[file.write(folder) for file in files],
        truth=dict(truth),
        settings={"internal_domains": (INTERNAL_DOMAIN,), "partner_domains": PARTNER_DOMAINS},
    )


@dataclass
class _Org:
    """The Salesforce org's accounts by kind, their ids, and one contact per account."""

    companies: dict[str, list[Company]] = field(
        default_factory=lambda: {"customer": [], "partner": [], "prospect": []}
    )
    account_ids: dict[str, str] = field(default_factory=dict)  # company name -> account id
    contact_of: dict[str, tuple[str, Person]] = field(default_factory=dict)  # company name -> (id, person)
    loose_contacts: list[Person] = field(default_factory=list)  # contacts without an account


def _salesforce_accounts(maker: _Maker, truth: Truth, scale: int, org: _Org) -> _File:
    accounts = _File(
        "Account.csv", ["Id", "Name", "Type", "Website", "Industry", "BillingCountry", "CreatedDate"]
    )
    # --- Salesforce accounts: customers, partners, prospects, and a sole trader on gmail.com ---
    for number in range(1, 1 + 36 * scale):
        kind = ["customer", "partner", "prospect", "prospect"][number % 4]
        company = maker.company()
        account_type = {
            "customer": maker.pick(["Customer - Direct", "Customer - Channel"]),
            "partner": maker.pick(["Channel Partner / Reseller", "Technology Partner"]),
            "prospect": "Prospect",
        }[kind]
        account_id = _salesforce_id("001", number)
        website = maker.pick([f"https://www.{company.domain}", company.domain, f"http://{company.domain}/"])
        accounts.add(
            {
                "Id": account_id,
                "Name": company.name,
                "Type": account_type,
                "Website": website,
                "Industry": "Technology",
                "BillingCountry": _PEOPLE[company.country_code][0],
                "CreatedDate": _sf_datetime(maker.days_ago(400, 3000)),
            },
            truth,
        )
        org.companies[kind].append(company)
        org.account_ids[company.name] = account_id
    accounts.add(
        {"Id": _salesforce_id("001", 900), "Name": "Kowalski Consulting", "Type": "Customer - Direct",
         "Website": "gmail.com", "Industry": "Consulting", "BillingCountry": "Poland"},
        truth,
    )  # fmt: skip
    accounts.add(
        {
            "Id": _salesforce_id("001", 901),
            "Name": "",
            "Type": "Prospect",
            "Website": "",
            "BillingCountry": "Poland",
        },
        truth,
        "missing_required",
    )

    return accounts


def _salesforce_contacts(maker: _Maker, truth: Truth, scale: int, org: _Org) -> _File:
    contacts = _File(
        "Contact.csv",
        ["Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingCountry",
         "Title", "CreatedDate", "LastModifiedDate", "LastActivityDate"],
    )  # fmt: skip
    # --- Salesforce contacts ---
    contact_count = 0

    def add_contact(person: Person, account_id: str, *kinds_: str, spoil: _Spoil | None = None) -> str:
        nonlocal contact_count
        contact_count += 1
        contact_id = _salesforce_id("003", contact_count)
        values = {
            "Id": contact_id,
            "AccountId": account_id,
            "FirstName": person.first,
            "LastName": person.last,
            "Email": person.email,
            "Phone": person.phone,
            "MailingCountry": person.country,
            "Title": maker.pick(["CEO", "CFO", "Buyer", "Head of IT", "Office Manager"]),
            "CreatedDate": _sf_datetime(maker.days_ago(300, 2000)),
            "LastModifiedDate": _sf_datetime(maker.days_ago(1, 200)),
            "LastActivityDate": maker.days_ago(1, 200).isoformat(),
        }
        if spoil:
            spoil(maker, person, values)
        contacts.add(values, truth, *kinds_)
        return contact_id

    for kind, companies in org.companies.items():
        for company in companies:
            for _ in range(maker.rng.randint(1, 3)):
                person = maker.person(company)
                # A Salesforce contact has no type of its own: at a customer or partner account it is
                # a fact for the who-is-who matrix, not a label to correct (no type_mismatch).
                contact_id = add_contact(person, org.account_ids[company.name])
                org.contact_of.setdefault(company.name, (contact_id, person))
    for _ in range(4 * scale):  # colleagues kept as contacts: no label of theirs says otherwise
        add_contact(maker.person(domain=INTERNAL_DOMAIN), "")
    contact_plants = _data_quality_plants(
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

    return contacts


def _salesforce_leads(maker: _Maker, truth: Truth, scale: int, org: _Org) -> _File:
    leads = _File(
        "Lead.csv",
        ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "Country", "Status", "Rating",
         "LeadSource", "IsConverted", "ConvertedDate", "ConvertedContactId", "ConvertedAccountId",
         "CreatedDate", "LastModifiedDate", "LastActivityDate"],
    )  # fmt: skip

    # --- Salesforce leads ---
    lead_count = 0

    def add_lead(person: Person, *kinds_: str, **overrides: str) -> int:
        nonlocal lead_count
        lead_count += 1
        created = maker.days_ago(200, 1500)
        activity = maker.days_ago(1, 300)
        values = {
            "Id": _salesforce_id("00Q", lead_count),
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
            "CreatedDate": _sf_datetime(created),
            "LastModifiedDate": _sf_datetime(activity),
            "LastActivityDate": activity.isoformat(),
        }
        values.update(overrides)
        return leads.add(values, truth, *kinds_)

    for _ in range(200 * scale):  # clean open leads
        add_lead(maker.person(free_mail=maker.chance(0.2)))
    for _ in range(20 * scale):  # national numbers without a country: unchecked, not invalid
        person = maker.person()
        add_lead(person, Country="", Phone=maker.phone(person.country_code, national=True))
    for _ in range(30 * scale):  # closed, long untouched: not stale
        old = maker.days_ago(400, 1500)
        add_lead(
            maker.person(), Status="Closed - Not Converted", LastActivityDate=old.isoformat(),
            LastModifiedDate=_sf_datetime(old), CreatedDate=_sf_datetime(old),
        )  # fmt: skip
    for _ in range(10 * scale):  # exactly at the limit: not stale
        limit = AS_OF - dt.timedelta(days=365)
        add_lead(maker.person(), LastActivityDate=limit.isoformat(), LastModifiedDate=_sf_datetime(limit))
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
    for _ in range(5 * scale):  # partner_as_lead: partner domains (and their subdomains)
        domain = maker.pick([*PARTNER_DOMAINS, f"eu.{PARTNER_DOMAINS[0]}"])
        add_lead(maker.person(domain=domain), "partner_as_lead")
    for _ in range(5 * scale):  # partner_as_lead: a partner account
        company = maker.pick(org.companies["partner"])
        add_lead(maker.person(maker.company(company.country_code)), "partner_as_lead", Company=company.name)
    for _ in range(8 * scale):  # employee_as_lead
        add_lead(
            maker.person(domain=maker.pick([INTERNAL_DOMAIN, f"sales.{INTERNAL_DOMAIN}"])), "employee_as_lead"
        )
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
            ConvertedContactId=_salesforce_id("003", 90000 + number),
        )  # fmt: skip
    for _ in range(8 * scale):  # stale_lead: last activity long ago
        old = maker.days_ago(366, 1200)
        add_lead(
            maker.person(), "stale_lead", LastActivityDate=old.isoformat(), LastModifiedDate=_sf_datetime(old)
        )
    for _ in range(4 * scale):  # stale_lead: no activity logged, last modified long ago
        old = maker.days_ago(400, 900)
        add_lead(
            maker.person(),
            "stale_lead",
            LastActivityDate="",
            LastModifiedDate=_sf_datetime(old),
            CreatedDate=_sf_datetime(old),
        )
    for _ in range(6 * scale):  # duplicate: the same person entered twice, the address in capitals once
        person = maker.person()
        add_lead(person, "duplicate")
        add_lead(person, "duplicate", Email=person.email.upper())
    for person in org.loose_contacts[: 6 * scale]:  # lead_is_contact: an open lead for a known contact
        add_lead(person, "lead_is_contact")
    for _ in range(6 * scale):  # unmapped_label: a custom status someone added to the picklist
        add_lead(maker.person(), "unmapped_label", Status=maker.pick(_CUSTOM_LEAD_STATUSES))
    lead_plants = _data_quality_plants(
        {"first": "FirstName", "last": "LastName", "email": "Email", "phone": "Phone", "country": "Country"}
    )
    for kind, spoil in lead_plants:
        for _ in range(5 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add_lead(person, kind, **values)

    return leads


def _hubspot(maker: _Maker, truth: Truth, scale: int, org: _Org) -> _File:
    file = _File(
        "hubspot-contacts.csv",
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Country/Region",
         "Lifecycle Stage", "Lead Status", "Create Date", "Last Activity Date", "Became a Customer Date"],
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
        add("unmapped_label", **{"Lifecycle Stage": maker.pick(_CUSTOM_STAGES), "Lead Status": ""})
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
        add("type_mismatch", person=maker.person(domain=INTERNAL_DOMAIN), **{"Lifecycle Stage": "Other", "Lead Status": ""})
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
    plants = _data_quality_plants(
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


def _dynamics(maker: _Maker, truth: Truth, scale: int) -> _File:
    file = _File(
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
    plants = _data_quality_plants(
        {"name": "Name", "email": "Email", "phone": "Business Phone", "country": "Country/Region"}
    )
    for kind, spoil in plants:
        for _ in range(2 * scale):
            person = maker.person()
            values: dict[str, str] = {}
            spoil(maker, person, values)
            add("Open", "New", kind, person=person, **values)
    return file


def _pipedrive(maker: _Maker, truth: Truth, scale: int) -> _File:
    file = _File(
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
    plants = _data_quality_plants(
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
