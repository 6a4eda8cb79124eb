"""Seeded synthetic Salesforce exports (Lead, Contact, Account) at any size, for benchmarks.

    python benchmarks/synth.py --leads 1000000 --contacts 250000 --out benchmarks/data/1m

Writes Data Loader-shaped CSVs (every value quoted, API-name headers, ISO dates, 18-character ids)
and truth.csv: the (lead id, contact id) pairs that are the same person. Generation is vectorised
(numpy + Arrow's CSV writer), so a million leads take seconds, not minutes. Fictional people only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

FIRST = np.array(
    [
        "Anna",
        "Bob",
        "Carlos",
        "Dorota",
        "Élodie",
        "Fatima",
        "Gustav",
        "Hana",
        "Ivan",
        "José",
        "Katarzyna",
        "Luis",
        "Marie",
        "Nadia",
        "Omar",
        "Paulo",
        "Quentin",
        "Rania",
        "Sofia",
        "Tomasz",
        "Umar",
        "Vera",
        "Wojciech",
        "Xavier",
        "Yusuf",
        "Zofia",
        "Ahmad",
        "Budi",
        "Dewi",
        "Siti",
        "Rizky",
        "Ayu",
        "Juan",
        "Lucía",
        "Javier",
        "Camille",
        "Louis",
        "Chloé",
        "Jan",
        "Piotr",
        "Agnieszka",
        "Mohammed",
        "Layla",
        "Hassan",
        "Lukas",
        "Lena",
        "Jonas",
        "Mia",
        "João",
        "Ana",
        "Beatriz",
        "Thiago",
    ]
)
LAST = np.array(
    [
        "Smith",
        "Nowak",
        "García",
        "Müller",
        "Dubois",
        "Santoso",
        "Haddad",
        "Silva",
        "Kowalski",
        "Rossi",
        "Martin",
        "Bernard",
        "Fernández",
        "López",
        "Wiśniewska",
        "Wójcik",
        "Kamińska",
        "Lewandowski",
        "Pratama",
        "Saputra",
        "Wijaya",
        "Hidayat",
        "Al-Sayed",
        "Mansour",
        "Khalil",
        "Farouk",
        "Schneider",
        "Fischer",
        "Weber",
        "Costa",
        "Oliveira",
        "Pereira",
        "Moreau",
        "Laurent",
        "Lefebvre",
        "Sánchez",
        "Ramírez",
        "Torres",
        "Zieliński",
        "Nugroho",
        "Kurniawan",
        "Rahman",
        "Nasser",
        "Becker",
        "Hoffmann",
        "Souza",
        "Lima",
        "Gomes",
    ]
)
COMPANY_WORDS = np.array(
    [
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Wayne",
        "Hooli",
        "Vandelay",
        "Soylent",
        "Tyrell",
        "Cyberdyne",
        "Wonka",
        "Aperture",
        "Massive",
        "Dynamic",
        "Nakatomi",
        "Gringotts",
        "Oscorp",
        "Pied",
        "Piper",
        "Bluth",
        "Dunder",
        "Sterling",
        "Prestige",
        "Monarch",
    ]
)
LEGAL = np.array(["Ltd", "Inc.", "GmbH", "S.A.", "SARL", "Sp. z o.o.", "PT", "S.L.", "Ltda", "LLC", ""])
COUNTRIES = np.array(
    ["France", "Poland", "Spain", "Germany", "Indonesia", "Brazil", "United States", "Saudi Arabia"]
)
# International prefix, national trunk form and subscriber digits, so that numbers have valid lengths.
DIAL = np.array(["+33 1", "+48 22", "+34 91", "+49 30", "+62 21", "+55 11", "+1 415", "+966 11"])
TRUNK = np.array(["01", "22", "91", "030", "021", "11", "415", "011"])
SUBSCRIBER_DIGITS = np.array([8, 7, 7, 8, 8, 8, 7, 7])
SYLLABLES = np.array(
    [
        "ber",
        "mar",
        "kow",
        "ski",
        "son",
        "dra",
        "lin",
        "gar",
        "cia",
        "mul",
        "ler",
        "du",
        "bois",
        "san",
        "to",
        "had",
        "dad",
        "sil",
        "va",
        "ros",
        "si",
        "nov",
        "ak",
        "wis",
        "ni",
        "ram",
        "ir",
        "tor",
        "res",
        "lef",
        "eb",
        "vre",
        "hof",
        "man",
        "bec",
        "ker",
        "sou",
        "za",
        "li",
        "ma",
        "gom",
        "es",
        "pra",
        "ta",
        "ma",
        "wij",
        "ay",
        "ah",
        "ka",
        "li",
        "al",
        "far",
    ]
)
STATUSES = np.array(
    ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]
)
RATINGS = np.array(["Hot", "Warm", "Cold", ""])
SOURCES = np.array(["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"])

LEAD_COLUMNS = [
    "Id",
    "IsDeleted",
    "MasterRecordId",
    "LastName",
    "FirstName",
    "Salutation",
    "Name",
    "Title",
    "Company",
    "Street",
    "City",
    "State",
    "PostalCode",
    "Country",
    "Phone",
    "MobilePhone",
    "Email",
    "Website",
    "LeadSource",
    "Status",
    "Industry",
    "Rating",
    "OwnerId",
    "IsConverted",
    "ConvertedDate",
    "ConvertedAccountId",
    "ConvertedContactId",
    "ConvertedOpportunityId",
    "CreatedDate",
    "LastModifiedDate",
    "LastActivityDate",
]
CONTACT_COLUMNS = [
    "Id",
    "IsDeleted",
    "MasterRecordId",
    "AccountId",
    "LastName",
    "FirstName",
    "Salutation",
    "Name",
    "MailingStreet",
    "MailingCity",
    "MailingState",
    "MailingPostalCode",
    "MailingCountry",
    "Phone",
    "MobilePhone",
    "Email",
    "Title",
    "Department",
    "LeadSource",
    "Birthdate",
    "OwnerId",
    "CreatedDate",
    "LastModifiedDate",
    "LastActivityDate",
]
ACCOUNT_COLUMNS = ["Id", "Name", "Type", "Website", "Industry", "BillingCountry", "OwnerId", "CreatedDate"]


def _ids(prefix: str, start: int, count: int) -> np.ndarray:
    numbers = pd.Series(np.arange(start, start + count)).astype(str).str.zfill(12)
    return (prefix + numbers + "AAA").to_numpy(dtype=object)


def _pick(rng: np.random.Generator, values: np.ndarray, count: int) -> np.ndarray:
    return values[rng.integers(0, len(values), count)].astype(object)


def _dates(rng: np.random.Generator, count: int, start: str, days: int, *, time: bool) -> np.ndarray:
    base = pd.Timestamp(start)
    stamps = base + pd.to_timedelta(rng.integers(0, days, count), unit="D")
    if time:
        return (stamps.strftime("%Y-%m-%dT%H:%M:%S") + ".000Z").to_numpy(dtype=object)
    return stamps.strftime("%Y-%m-%d").to_numpy(dtype=object)


def people(rng: np.random.Generator, count: int, serial_start: int) -> pd.DataFrame:
    """Fictional people with a company, email, phone and country; emails are unique by construction."""
    first = _pick(rng, FIRST, count)
    # Real surnames (a third) and made-up ones from syllables: tens of thousands of distinct names,
    # so that blocking on names behaves as it does on a real CRM.
    invented = pd.Series(
        _pick(rng, SYLLABLES, count) + _pick(rng, SYLLABLES, count) + _pick(rng, SYLLABLES, count)
    )
    last = np.where(
        rng.random(count) < 0.33, _pick(rng, LAST, count), invented.str.capitalize().to_numpy(dtype=object)
    )
    country_index = rng.integers(0, len(COUNTRIES), count)
    company_number = rng.integers(0, 60_000, count)
    company = (
        _pick(rng, COMPANY_WORDS, count)
        + " "
        + pd.Series(company_number).astype(str).to_numpy(dtype=object)
        + " "
        + _pick(rng, LEGAL, count)
    )
    serial = pd.Series(np.arange(serial_start, serial_start + count)).astype(str).to_numpy(dtype=object)
    ascii_first = (
        pd.Series(first).str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    )
    ascii_last = (
        pd.Series(last).str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    )
    domain = "company" + pd.Series(company_number).astype(str) + ".example"
    email = (
        ascii_first + "." + ascii_last.str.replace(r"[^a-z]", "", regex=True) + serial + "@" + domain
    ).to_numpy(dtype=object)
    subscriber = pd.Series(rng.integers(2_000_000, 10_000_000, count)).astype(str)
    eight = SUBSCRIBER_DIGITS[country_index] == 8
    subscriber = subscriber.where(~eight, subscriber + pd.Series(rng.integers(0, 10, count)).astype(str))
    spaced = subscriber.str[:3] + " " + subscriber.str[3:]
    national = rng.random(count) < 0.3  # some typed the way people say them at home
    phone = np.where(
        national, TRUNK[country_index] + " " + spaced, DIAL[country_index] + " " + spaced
    ).astype(object)
    return pd.DataFrame(
        {
            "first": first,
            "last": last,
            "company": company,
            "email": email,
            "phone": phone,
            "country": COUNTRIES[country_index].astype(object),
            "company_number": company_number,
        }
    )


def generate(
    out: Path, *, leads: int, contacts: int, accounts: int = 0, overlap: float = 0.05, seed: int = 7
) -> dict[str, Path]:
    """Write Lead.csv, Contact.csv (and Account.csv when accounts > 0) and truth.csv into `out`."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    lead_people = people(rng, leads, 0)
    contact_people = people(rng, contacts, leads)
    # Some leads are already contacts: the same person, sometimes written a little differently.
    shared = min(int(leads * overlap), contacts)
    lead_rows = rng.choice(leads, shared, replace=False)
    contact_rows = rng.choice(contacts, shared, replace=False)
    for column in ("first", "last", "company", "email", "phone", "country"):
        contact_people.loc[contact_rows, column] = lead_people.loc[lead_rows, column].to_numpy()
    upper = rng.random(shared) < 0.3
    emails = contact_people.loc[contact_rows, "email"].to_numpy(dtype=object)
    emails[upper] = pd.Series(emails[upper]).str.upper().to_numpy(dtype=object)
    contact_people.loc[contact_rows, "email"] = emails

    lead_ids = _ids("00Q", 0, leads)
    contact_ids = _ids("003", 0, contacts)
    status = _pick(rng, STATUSES, leads)
    converted = status == "Closed - Converted"
    lead_table = {
        "Id": lead_ids,
        "IsDeleted": np.full(leads, "false", dtype=object),
        "MasterRecordId": np.full(leads, "", dtype=object),
        "LastName": lead_people["last"].to_numpy(),
        "FirstName": lead_people["first"].to_numpy(),
        "Salutation": np.full(leads, "", dtype=object),
        "Name": (lead_people["first"] + " " + lead_people["last"]).to_numpy(),
        "Title": np.full(leads, "Buyer", dtype=object),
        "Company": lead_people["company"].to_numpy(),
        "Street": np.full(leads, "1 Main Street", dtype=object),
        "City": np.full(leads, "Springfield", dtype=object),
        "State": np.full(leads, "", dtype=object),
        "PostalCode": np.full(leads, "01234", dtype=object),
        "Country": lead_people["country"].to_numpy(),
        "Phone": lead_people["phone"].to_numpy(),
        "MobilePhone": np.full(leads, "", dtype=object),
        "Email": lead_people["email"].to_numpy(),
        "Website": np.full(leads, "", dtype=object),
        "LeadSource": _pick(rng, SOURCES, leads),
        "Status": status,
        "Industry": np.full(leads, "Technology", dtype=object),
        "Rating": _pick(rng, RATINGS, leads),
        "OwnerId": np.full(leads, "005000000000001AAA", dtype=object),
        "IsConverted": np.where(converted, "true", "false").astype(object),
        "ConvertedDate": np.where(converted, _dates(rng, leads, "2025-01-01", 600, time=False), "").astype(
            object
        ),
        "ConvertedAccountId": np.full(leads, "", dtype=object),
        "ConvertedContactId": np.full(leads, "", dtype=object),
        "ConvertedOpportunityId": np.full(leads, "", dtype=object),
        "CreatedDate": _dates(rng, leads, "2022-01-01", 1000, time=True),
        "LastModifiedDate": _dates(rng, leads, "2024-06-01", 500, time=True),
        "LastActivityDate": _dates(rng, leads, "2024-01-01", 1000, time=False),
    }
    contact_table = {
        "Id": contact_ids,
        "IsDeleted": np.full(contacts, "false", dtype=object),
        "MasterRecordId": np.full(contacts, "", dtype=object),
        "AccountId": _ids("001", 0, contacts)
        if accounts == 0
        else _ids("001", 0, accounts)[rng.integers(0, accounts, contacts)],
        "LastName": contact_people["last"].to_numpy(),
        "FirstName": contact_people["first"].to_numpy(),
        "Salutation": np.full(contacts, "", dtype=object),
        "Name": (contact_people["first"] + " " + contact_people["last"]).to_numpy(),
        "MailingStreet": np.full(contacts, "1 Main Street", dtype=object),
        "MailingCity": np.full(contacts, "Springfield", dtype=object),
        "MailingState": np.full(contacts, "", dtype=object),
        "MailingPostalCode": np.full(contacts, "01234", dtype=object),
        "MailingCountry": contact_people["country"].to_numpy(),
        "Phone": contact_people["phone"].to_numpy(),
        "MobilePhone": np.full(contacts, "", dtype=object),
        "Email": contact_people["email"].to_numpy(),
        "Title": np.full(contacts, "Buyer", dtype=object),
        "Department": np.full(contacts, "", dtype=object),
        "LeadSource": _pick(rng, SOURCES, contacts),
        "Birthdate": np.full(contacts, "", dtype=object),
        "OwnerId": np.full(contacts, "005000000000001AAA", dtype=object),
        "CreatedDate": _dates(rng, contacts, "2021-01-01", 1500, time=True),
        "LastModifiedDate": _dates(rng, contacts, "2024-06-01", 500, time=True),
        "LastActivityDate": _dates(rng, contacts, "2024-01-01", 1000, time=False),
    }
    written = {
        "lead": _write(out / "Lead.csv", lead_table, LEAD_COLUMNS),
        "contact": _write(out / "Contact.csv", contact_table, CONTACT_COLUMNS),
    }
    if accounts:
        account_ids = _ids("001", 0, accounts)
        account_table = {
            "Id": account_ids,
            "Name": (
                _pick(rng, COMPANY_WORDS, accounts)
                + " "
                + pd.Series(np.arange(accounts)).astype(str).to_numpy(dtype=object)
            ),
            "Type": _pick(
                rng,
                np.array(
                    [
                        "Prospect",
                        "Customer - Direct",
                        "Customer - Channel",
                        "Channel Partner / Reseller",
                        "Other",
                    ]
                ),
                accounts,
            ),
            "Website": np.full(accounts, "", dtype=object),
            "Industry": np.full(accounts, "Technology", dtype=object),
            "BillingCountry": _pick(rng, COUNTRIES, accounts),
            "OwnerId": np.full(accounts, "005000000000001AAA", dtype=object),
            "CreatedDate": _dates(rng, accounts, "2020-01-01", 1500, time=True),
        }
        written["account"] = _write(out / "Account.csv", account_table, ACCOUNT_COLUMNS)
    truth = pd.DataFrame({"lead_id": lead_ids[lead_rows], "contact_id": contact_ids[contact_rows]})
    truth.to_csv(out / "truth.csv", index=False)
    written["truth"] = out / "truth.csv"
    return written


def _write(path: Path, table: dict[str, np.ndarray], columns: list[str]) -> Path:
    arrow = pa.table({column: pa.array(table[column], type=pa.string()) for column in columns})
    pacsv.write_csv(arrow, path, write_options=pacsv.WriteOptions(quoting_style="all_valid"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=250_000)
    parser.add_argument("--accounts", type=int, default=0)
    parser.add_argument("--overlap", type=float, default=0.05, help="share of leads that are also contacts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data/synth"))
    args = parser.parse_args()
    written = generate(
        args.out,
        leads=args.leads,
        contacts=args.contacts,
        accounts=args.accounts,
        overlap=args.overlap,
        seed=args.seed,
    )
    for name, path in written.items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
