"""The planted export's other platforms: a Zoho CRM org (Leads and Contacts in English, deals exported
in Spanish, calls), a Dynamics 365 contact view without its hidden key columns, a Spanish Dynamics
365 lead view, and a Polish Pipedrive people export that has no country column.

What they plant beyond planted.py's files:
- Zoho: converted leads that keep their last status (never converted_lead_open), stale leads dated
  the Zoho way ("15 Apr, 2021 00:03:00"), leads at companies a Zoho deal was won by (customer_as_lead
  by the company name alone: info), contacts reachable only by their home phone; the deals and the
  calls hold no people;
- Dynamics 365: a contact view read as contacts (no lead finding on its colleagues, customers or old
  records; national numbers without a country left unchecked, an email in the phone field invalid);
  a Spanish lead view whose given names (Nombre) tie duplicates to Salesforce leads, stale by its
  named-month dates ("15 abr 2024 10:22"), where a qualified lead is converted, never stale;
- Pipedrive in Polish: national numbers read as Polish (the file's language), a foreign national
  number left unchecked, an email in the phone field invalid;
- and garbage in name fields in each (suspicious_value).
"""

from __future__ import annotations

import datetime as dt

import phonenumbers

from tests.rules.planted_kit import (
    INTERNAL_DOMAIN,
    ODD_BUT_REAL_COMPANIES,
    ODD_BUT_REAL_LAST_NAMES,
    SUSPICIOUS_NAMES,
    Company,
    File,
    Maker,
    Org,
    Person,
    Truth,
    ascii_fold,
    birth_date,
    dynamics_time,
    spanish_time,
    zoho_date,
    zoho_time,
)

_NO_TRUTH: Truth = {}
_ZOHO_OWNERS = ["Ana Ruiz", "Tomás Vidal", "Priya Nair"]
_ZOHO_OPEN = ["Not Contacted", "Attempted to Contact", "Contact in Future", "Contacted", "Pre-Qualified"]
_ZOHO_CLOSED = ["Junk Lead", "Lost Lead", "Not Qualified"]
_ZOHO_SOURCES = ["Advertisement", "Cold Call", "Employee Referral", "External Referral", "Online Store",
                 "Partner", "Trade Show", "Web Download", "Web Research", "Chat", ""]  # fmt: skip
_ZOHO_INDUSTRIES = ["ASP (Application Service Provider)", "Data/Telecom OEM", "Large Enterprise",
                    "Small/Medium Enterprise", "Systems Integrator", "Service Provider", ""]  # fmt: skip


def _zoho_id(number: int) -> str:
    return f"zcrm_{4876876000000400000 + number}"


def plan_zoho_deals(maker: Maker, scale: int, org: Org) -> None:
    """The companies Zoho deals are won and lost by, chosen before the leads that name them."""
    org.zoho_deals["won"] = [maker.company() for _ in range(8 * scale)]
    org.zoho_deals["lost"] = [maker.company() for _ in range(5 * scale)]


def zoho_exports(maker: Maker, truth: Truth, scale: int, org: Org) -> list[File]:
    contacts, converted = _zoho_contacts(maker, truth, scale, org)
    leads = _zoho_leads(maker, truth, scale, org, converted)
    deals = _zoho_deals(maker, org, contacts)
    calls = _zoho_calls(maker, contacts)
    return [leads, contacts, deals, calls]


def _zoho_contacts(maker: Maker, truth: Truth, scale: int, org: Org) -> tuple[File, list[Person]]:
    contacts = File(
        "Contacts_001.csv",
        ["Record Id", "Contact Owner", "Lead Source", "First Name", "Last Name", "Account Name", "Email",
         "Secondary Email", "Title", "Phone", "Home Phone", "Mobile", "Other Phone", "Date of Birth",
         "Email Opt Out", "Created Time", "Modified Time", "Last Activity Time", "Mailing Street",
         "Mailing City", "Mailing Zip", "Mailing Country"],
    )  # fmt: skip

    def add(person: Person, *kinds: str, **overrides: str) -> None:
        created = maker.days_ago(60, 1500)
        values = {
            "Record Id": _zoho_id(1000 + len(contacts.rows)),
            "Contact Owner": maker.pick(_ZOHO_OWNERS),
            "Lead Source": maker.pick(_ZOHO_SOURCES),
            "First Name": person.first,
            "Last Name": person.last,
            "Account Name": person.company,
            "Email": person.email,
            "Title": maker.pick(["Purchasing Manager", "CEO", "CTO", "Office Manager", ""]),
            "Phone": person.phone,
            "Date of Birth": zoho_date(birth_date(maker)) if maker.chance(0.3) else "",
            "Email Opt Out": maker.pick(["false", "false", "true"]),
            "Created Time": zoho_time(created, maker),
            "Modified Time": zoho_time(maker.days_ago(1, 50), maker),
            "Last Activity Time": zoho_time(maker.days_ago(1, 200), maker) if maker.chance(0.6) else "",
            "Mailing Country": person.country,
        }
        values.update(overrides)
        contacts.add(values, truth, *kinds)

    for company in org.zoho_deals["won"][6 * scale :]:  # the people of a customer (no label to correct)
        add(maker.person(company))
    for _ in range(30 * scale):
        add(maker.person(free_mail=maker.chance(0.2)))
    converted = [maker.person() for _ in range(8 * scale)]
    for person in converted:  # the contacts converted leads became
        add(person)
    for _ in range(4 * scale):  # only a home phone: reachable (Home Phone is a standard field)
        person = maker.person()
        add(person, Email="", Phone="", **{"Home Phone": maker.phone(person.country_code)})
    for _ in range(2 * scale):  # unreachable: no address and no number of any kind
        add(maker.person(), "unreachable", Email="", Phone="")
    return contacts, converted


def _zoho_leads(maker: Maker, truth: Truth, scale: int, org: Org, converted: list[Person]) -> File:
    leads = File(
        "Leads_001.csv",
        ["Record Id", "Lead Owner", "Company", "First Name", "Last Name", "Title", "Email", "Phone", "Mobile",
         "Lead Source", "Lead Status", "Industry", "Email Opt Out", "Created Time", "Modified Time",
         "Last Activity Time", "City", "Zip Code", "Country", "Converted"],
    )  # fmt: skip

    def add(
        person: Person,
        *kinds: str,
        touched: dt.date | None = None,
        severity: str = "",
        **overrides: str,
    ) -> None:
        touched = touched or maker.days_ago(1, 250)
        created = touched - dt.timedelta(days=maker.rng.randint(0, 600))
        values = {
            "Record Id": _zoho_id(len(leads.rows) + 1),
            "Lead Owner": maker.pick(_ZOHO_OWNERS),
            "Company": person.company,
            "First Name": person.first,
            "Last Name": person.last,
            "Email": person.email,
            "Phone": person.phone,
            "Lead Source": maker.pick(_ZOHO_SOURCES),
            "Lead Status": maker.pick(_ZOHO_OPEN),
            "Industry": maker.pick(_ZOHO_INDUSTRIES),
            "Email Opt Out": "false",
            "Created Time": zoho_time(created, maker),
            "Modified Time": zoho_time(touched, maker),
            "Last Activity Time": zoho_time(touched, maker),
            "Country": person.country,
            "Converted": "false",
        }
        values.update(overrides)
        row = leads.add(values, truth, *kinds)
        if severity:
            org.severity[(leads.name, row)] = severity

    for _ in range(40 * scale):
        add(maker.person(free_mail=maker.chance(0.2)))
    for _ in range(8 * scale):  # closed long ago: not stale
        add(maker.person(), touched=maker.days_ago(400, 1500), **{"Lead Status": maker.pick(_ZOHO_CLOSED)})
    # Converted years ago: Zoho keeps the status the lead had ("Contacted") and sets the flag. Neither
    # a contradiction (converted_lead_open) nor a stale lead.
    for person in converted:
        add(
            person, touched=maker.days_ago(400, 1500),
            **{"Lead Status": maker.pick(["Contacted", "Attempted to Contact", "Not Contacted"]), "Converted": "true"},
        )  # fmt: skip
    for _ in range(5 * scale):  # stale_lead: the last activity, in Zoho's date form, long ago
        add(maker.person(), "stale_lead", touched=maker.days_ago(380, 1500))
    for _ in range(3 * scale):  # stale_lead: no activity logged, modified long ago
        add(maker.person(), "stale_lead", touched=maker.days_ago(380, 1500), **{"Last Activity Time": ""})
    # customer_as_lead by the company name alone (a Zoho deal won by an account of that name): info.
    for company in org.zoho_deals["won"][3 * scale : 6 * scale]:
        add(maker.person(company), "customer_as_lead", severity="info")
    for company in org.zoho_deals["lost"][2 * scale :]:  # a lost deal proves nothing
        add(maker.person(company))
    # A company name two Salesforce accounts of different types share: no customer evidence.
    add(maker.person(org.shared_name[0], free_mail=True))
    add(
        maker.person(domain=org.subsidiary_staff[0].email.split("@")[1]),
        "employee_as_lead",
        Company="Northwind GmbH",
    )
    add(maker.person(), "suspicious_value", **{"First Name": SUSPICIOUS_NAMES[6]})
    add(maker.person(), "suspicious_value", **{"Last Name": SUSPICIOUS_NAMES[7]})
    add(maker.person(), Company=ODD_BUT_REAL_COMPANIES[4])
    for _ in range(2 * scale):  # invalid_phone: the email address typed into the phone field
        person = maker.person()
        add(person, "invalid_phone", Phone=person.email)
    return leads


# Zoho's deal stages, as a Spanish-speaking user's export names them.
_TRATO_OPEN = ["Cualificación", "Análisis de necesidades", "Propuesta de valor", "Identificar responsables",
               "Propuesta/Cotización de precio", "Negociación/Revisión"]  # fmt: skip


def _zoho_deals(maker: Maker, org: Org, contacts: File) -> File:
    deals = File(
        "Tratos_001.csv",
        ["ID de registro", "Propietario de Trato", "Nombre de Trato", "Nombre de Cuenta", "Nombre de Contacto",
         "Importe", "Fecha de cierre", "Fase", "Tipo", "Probabilidad (%)", "Fuente de Posible cliente",
         "Hora de creación", "Hora de modificación"],
    )  # fmt: skip
    people = [contacts.values(row) for row in range(2, len(contacts.rows) + 2)]
    people_at = {person["Account Name"]: f"{person['First Name']} {person['Last Name']}" for person in people}

    def add(company: Company | str, stage: str, probability: int, closed: bool) -> None:
        name = company.name if isinstance(company, Company) else company
        created = maker.days_ago(100, 900)
        close = created + dt.timedelta(days=maker.rng.randint(20, 90)) if closed else maker.days_ago(-90, -5)
        deals.add(
            {"ID de registro": _zoho_id(5000 + len(deals.rows)), "Propietario de Trato": maker.pick(_ZOHO_OWNERS),
             "Nombre de Trato": f"{name.split()[0]} - {maker.pick(['Licencias', 'Renovación', 'Implantación', 'Piloto'])}",
             "Nombre de Cuenta": name, "Nombre de Contacto": people_at.get(name, ""),
             "Importe": str(maker.rng.randrange(10, 300) * 100), "Fecha de cierre": close.strftime("%d/%m/%Y"),
             "Fase": stage, "Tipo": maker.pick(["Nuevo negocio", "Negocio existente"]),
             "Probabilidad (%)": str(probability), "Fuente de Posible cliente": maker.pick(["Anuncio", "Socio", "Web", ""]),
             "Hora de creación": created.strftime("%d/%m/%Y %H:%M"),
             "Hora de modificación": min(close, maker.days_ago(0, 30)).strftime("%d/%m/%Y %H:%M")},
            _NO_TRUTH,
        )  # fmt: skip

    for company in org.zoho_deals["won"]:
        for _ in range(maker.rng.randint(1, 2)):
            add(company, "Cerrado ganado", 100, closed=True)
    for company in org.zoho_deals["lost"]:
        add(company, maker.pick(["Cerrado perdido", "Cerrado perdido para la competencia"]), 0, closed=True)
    for name in maker.rng.sample(sorted(people_at), 10):
        add(name, maker.pick(_TRATO_OPEN), maker.pick([10, 20, 40, 60, 75, 90]), closed=False)
    return deals


def _zoho_calls(maker: Maker, contacts: File) -> File:
    calls = File(
        "Calls_001.csv",
        ["Record Id", "Subject", "Call Type", "Call Purpose", "Contact Name", "Related To", "Call Start Time",
         "Call Duration", "Call Owner", "Call Result", "Description", "Created Time", "Modified Time"],
    )  # fmt: skip
    rows = maker.rng.sample(range(2, len(contacts.rows) + 2), 30)
    for row in rows + rows[:10]:  # some people called twice
        person = contacts.values(row)
        start = maker.days_ago(1, 400)
        kind = maker.pick(["Outbound", "Outbound", "Inbound", "Missed"])
        calls.add(
            {"Record Id": _zoho_id(8000 + len(calls.rows)),
             "Subject": maker.pick(["Follow-up", "Intro call", "Demo follow-up", "Renewal"]),
             "Call Type": kind, "Call Purpose": maker.pick(["Prospecting", "Administrative", "Negotiation", "Demo"]),
             "Contact Name": f"{person['First Name']} {person['Last Name']}", "Related To": person["Account Name"],
             "Call Start Time": zoho_time(start, maker),
             "Call Duration": "00:00" if kind == "Missed" else f"{maker.rng.randint(1, 40):02d}:{maker.rng.randint(0, 59):02d}",
             "Call Owner": maker.pick(_ZOHO_OWNERS),
             "Call Result": maker.pick(["Interested", "No response", "Requested call back", ""]),
             "Description": "", "Created Time": zoho_time(start, maker), "Modified Time": zoho_time(start, maker)},
            _NO_TRUTH,
        )  # fmt: skip
    return calls


def dynamics_contact_view(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    """The "Active Contacts" view exported from Dynamics 365 and saved as CSV: no hidden key columns,
    no country column. Contacts, whatever their company, address or age."""
    view = File(
        "Active Contacts 11-1-2026 9-12-40 AM.csv",
        ["Full Name", "Company Name", "Job Title", "Business Phone", "Mobile Phone", "Email", "Birthday",
         "Address 1: City", "Status", "Created On"],
        bom=True,
    )  # fmt: skip

    def add(person: Person, *kinds: str, created: dt.date | None = None, **overrides: str) -> None:
        born = birth_date(maker)
        values = {
            "Full Name": f"{person.first} {person.last}",
            "Company Name": person.company,
            "Job Title": maker.pick(["Buyer", "Director of Operations", "IT Manager", ""]),
            "Business Phone": person.phone,
            "Email": person.email,
            "Birthday": f"{born.month}/{born.day}/{born.year}" if maker.chance(0.4) else "",
            "Status": maker.pick(["Active", "Active", "Active", "Inactive"]),
            "Created On": dynamics_time(created or maker.days_ago(30, 900), maker),
        }
        values.update(overrides)
        view.add(values, truth, *kinds)

    for _ in range(15 * scale):  # people at customer accounts: contacts, no customer_as_lead
        company = maker.pick(org.companies["customer"])
        add(maker.person(company), **{"Business Phone": maker.phone(company.country_code, national=False)})
    for _ in range(15 * scale):
        person = maker.person()
        add(person, **{"Business Phone": maker.phone(person.country_code, national=False)})
    for _ in range(5 * scale):  # national numbers and no country to read them by: unchecked, not invalid
        person = maker.person()
        add(person, **{"Business Phone": maker.phone(person.country_code, national=True)})
    for _ in range(2 * scale):  # colleagues kept as contacts: no employee_as_lead
        add(maker.person(domain=INTERNAL_DOMAIN))
    for _ in range(5 * scale):  # created years ago: a contact is never stale
        add(maker.person(), created=maker.days_ago(800, 2500))
    for person in org.dynamics_twins:  # duplicate: also a Salesforce contact
        add(person, "duplicate")
    for _ in range(2 * scale):  # invalid_phone: the email address typed into the phone field
        person = maker.person()
        add(person, "invalid_phone", **{"Business Phone": person.email})
    add(maker.person(), "suspicious_value", **{"Full Name": SUSPICIOUS_NAMES[1]})
    return view


_ES_OPEN = [("Abierto", "Nuevo"), ("Abierto", "Contactado")]
_ES_CLOSED = [("Descalificado", "Perdido"), ("Descalificado", "No se puede contactar"),
              ("Descalificado", "Ya no está interesado"), ("Descalificado", "Cancelado")]  # fmt: skip
_ES_COUNTRIES = {"ES": "España", "FR": "Francia", "DE": "Alemania", "PL": "Polonia", "US": "Estados Unidos"}


def dynamics_spanish_leads(maker: Maker, truth: Truth, scale: int, org: Org) -> File:
    """A Dynamics 365 lead view in Spanish: Nombre is the given name beside Apellidos; Estado is the
    record state (Abierto, Calificado, Descalificado), Razón para el estado its reason."""
    view = File(
        "Todos los clientes potenciales 1-11-2026 9-13-02.csv",
        ["Nombre", "Apellidos", "Tema", "Nombre de la compañía", "Correo electrónico", "Teléfono del trabajo",
         "País o región", "Estado", "Razón para el estado", "Origen del cliente potencial", "Propietario",
         "Fecha de creación", "Fecha de modificación"],
        bom=True,
    )  # fmt: skip

    def add(person: Person, state: tuple[str, str], *kinds: str, modified: dt.date | None = None,
            **overrides: str) -> None:  # fmt: skip
        modified = modified or maker.days_ago(1, 300)
        created = modified - dt.timedelta(days=maker.rng.randint(0, 500))
        values = {
            "Nombre": person.first,
            "Apellidos": person.last,
            "Tema": maker.pick(["Consulta web", "Feria comercial", "Seminario web", "Recomendación"]),
            "Nombre de la compañía": person.company,
            "Correo electrónico": person.email,
            "Teléfono del trabajo": person.phone,
            "País o región": _ES_COUNTRIES[person.country_code],
            "Estado": state[0],
            "Razón para el estado": state[1],
            "Origen del cliente potencial": maker.pick(["Web", "Anuncio", "Recomendación externa", ""]),
            "Propietario": maker.pick(["Marta Gil", "Jorge Pons"]),
            "Fecha de creación": spanish_time(created, maker),
            "Fecha de modificación": spanish_time(modified, maker),
        }
        values.update(overrides)
        view.add(values, truth, *kinds)

    def someone() -> Person:
        return maker.person(maker.company(maker.pick(["ES", "ES", "ES", "FR", "DE", "PL", "US"])))

    for _ in range(30 * scale):
        add(someone(), maker.pick(_ES_OPEN))
    for _ in range(6 * scale):
        add(someone(), ("Calificado", "Calificado"))
    for _ in range(6 * scale):
        add(someone(), maker.pick(_ES_CLOSED))
    for _ in range(5 * scale):  # stale_lead: open, and its named-month dates long ago
        add(someone(), maker.pick(_ES_OPEN), "stale_lead", modified=maker.days_ago(380, 1400))
    for _ in range(4 * scale):  # qualified (converted) long ago: never stale
        add(someone(), ("Calificado", "Calificado"), modified=maker.days_ago(380, 1400))
    for _ in range(3 * scale):  # disqualified long ago: not stale
        add(someone(), maker.pick(_ES_CLOSED), modified=maker.days_ago(380, 1400))
    # duplicate: a Salesforce lead again, on a private address and without a phone; only the given
    # name (Nombre) ties them.
    for person in org.spanish_twins:
        private = (
            f"{ascii_fold(person.first)}.{ascii_fold(person.last)}.{maker.rng.randint(10, 99)}@gmail.com"
        )
        add(person, maker.pick(_ES_OPEN), "duplicate",
            **{"Correo electrónico": private, "Teléfono del trabajo": ""})  # fmt: skip
    add(
        someone(),
        maker.pick(_ES_OPEN),
        "suspicious_value",
        Nombre='=HIPERVINCULO("http://bit.ly/2xYq";"Haz clic")',
    )
    add(someone(), maker.pick(_ES_OPEN), "suspicious_value", **{"Nombre de la compañía": SUSPICIOUS_NAMES[1]})
    add(maker.person(maker.company("ES")), maker.pick(_ES_OPEN), Apellidos=ODD_BUT_REAL_LAST_NAMES[3])
    return view


_PL_LABELS = ["Gorący lead", "Ciepły lead", "Zimny lead"]


def pipedrive_polish(maker: Maker, truth: Truth, scale: int) -> File:
    """Pipedrive people exported by a Polish user: no country column, national numbers, which the
    file's language (Polish, spoken in one country) reads."""
    people = File(
        "pipedrive-osoby.csv",
        ["Osoba - ID", "Osoba - Imię i nazwisko", "Osoba - Organizacja", "Osoba - E-mail - Praca",
         "Osoba - Telefon - Praca", "Osoba - Telefon - Komórkowy", "Osoba - Etykiety", "Osoba - Właściciel",
         "Osoba - Wygrane transakcje", "Osoba - Otwarte transakcje", "Osoba - Data ostatniej aktywności",
         "Osoba - Osoba utworzona"],
    )  # fmt: skip

    def add(label: str, won: int, *kinds: str, person: Person | None = None, **overrides: str) -> None:
        person = person or maker.person(maker.company("PL"))
        values = {
            "Osoba - ID": str(700 + len(people.rows)),
            "Osoba - Imię i nazwisko": f"{person.first} {person.last}",
            "Osoba - Organizacja": person.company,
            "Osoba - E-mail - Praca": person.email,
            "Osoba - Telefon - Praca": maker.phone("PL", national=True),
            "Osoba - Telefon - Komórkowy": maker.phone("PL", national=True) if maker.chance(0.4) else "",
            "Osoba - Etykiety": label,
            "Osoba - Właściciel": maker.pick(["Joanna Nowicka", "Adam Lis"]),
            "Osoba - Wygrane transakcje": str(won),
            "Osoba - Otwarte transakcje": str(maker.rng.randint(0, 2)),
            "Osoba - Data ostatniej aktywności": maker.days_ago(1, 300).isoformat(),
            "Osoba - Osoba utworzona": f"{maker.days_ago(300, 1500).isoformat()} 10:20:00",
        }
        values.update(overrides)
        people.add(values, truth, *kinds)

    for _ in range(25 * scale):
        add(maker.pick(_PL_LABELS), 0)
    for _ in range(8 * scale):
        add("Klient", maker.rng.randint(1, 5))
    for _ in range(3 * scale):  # a German number written nationally: not valid as Polish, left unchecked
        add(maker.pick(_PL_LABELS), 0, **{"Osoba - Telefon - Praca": _national_not_polish(maker)})
    for _ in range(2 * scale):  # invalid_phone: the email address typed into the phone field
        person = maker.person(maker.company("PL"))
        add(
            maker.pick(_PL_LABELS),
            0,
            "invalid_phone",
            person=person,
            **{"Osoba - Telefon - Praca": person.email},
        )
    for _ in range(2 * scale):
        add(
            "Zimny lead",
            0,
            "stale_lead",
            **{"Osoba - Data ostatniej aktywności": maker.days_ago(450, 1400).isoformat()},
        )
    for _ in range(2 * scale):
        add("Gorący lead", maker.rng.randint(1, 3), "customer_as_lead")
    add(maker.pick(_PL_LABELS), 0, "suspicious_value", **{"Osoba - Imię i nazwisko": SUSPICIOUS_NAMES[6]})
    add(maker.pick(_PL_LABELS), 0, "suspicious_value", **{"Osoba - Organizacja": SUSPICIOUS_NAMES[0]})
    add(maker.pick(_PL_LABELS), 0, **{"Osoba - Organizacja": ODD_BUT_REAL_COMPANIES[5]})
    return people


def _national_not_polish(maker: Maker) -> str:
    while True:
        written = maker.phone("DE", national=True)
        try:
            polish = phonenumbers.is_valid_number(phonenumbers.parse(written, "PL"))
        except phonenumbers.NumberParseException:
            polish = False
        if not polish:
            return written
