"""Seeded synthetic Salesforce exports of a neglected org (Lead, Contact, Account, User) at any size.

    python benchmarks/synth.py --leads 1000000 --contacts 250000 --out benchmarks/data/1m

Writes Data Loader-shaped CSVs (every value quoted, API-name headers, ISO dates, 18-character ids)
shaped like an org nobody has cleaned: contacts at accounts (a few large, many small) sharing the
office address and switchboard; converted leads whose contact is there; open leads that are
already contacts, typed again with a nickname, a typo or swapped names, half of them since moved
(another phone, city and country); a fifth of the leads at customer accounts, by the account's
email domain, its name, or both; leads at partner accounts, at prospects, at a company name two
accounts share; staff in the lead list; duplicate leads and contacts; contradictory conversion
states; invalid, filler, unreachable and injected values; leads untouched for years. Shares are
in SHARES.

The truth is written beside the exports: truth.csv (lead-contact pairs of one person), people.csv
(every record's person) and planted.csv (kind, record id: every finding the exports should get,
worked out from the records as written, e.g. every open lead last touched over a year before
AS_OF). Generation is mostly vectorised (numpy, pandas, Arrow's CSV writer); a million leads
take about six minutes on the 2-core development machine. Fictional people only.
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
# Formal first names with the short forms people also go by: a duplicate or a lead that is already
# a contact may carry either. Written here, not read from the auditor's rules/nicknames.csv, so the
# benchmark does not grade the tool against its own vocabulary.
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Katarzyna": "Kasia",
    "Tomasz": "Tomek",
    "Wojciech": "Wojtek",
    "José": "Pepe",
    "Francisco": "Paco",
    "Margaret": "Maggie",
    "Michael": "Mike",
    "Jennifer": "Jenny",
    "Christopher": "Chris",
    "Małgorzata": "Gosia",
    "Aleksandra": "Ola",
}
FIRST = np.concatenate([FIRST, np.array(list(NICKNAMES))])
CITIES = [
    ["Paris", "Lyon", "Lille", "Nantes"],
    ["Warszawa", "Kraków", "Gdańsk", "Poznań"],
    ["Madrid", "Barcelona", "Sevilla", "Valencia"],
    ["Berlin", "Hamburg", "München", "Köln"],
    ["Jakarta", "Surabaya", "Bandung", "Medan"],
    ["São Paulo", "Rio de Janeiro", "Curitiba", "Recife"],
    ["San Francisco", "Austin", "Boston", "Chicago"],
    ["Riyadh", "Jeddah", "Dammam", "Mecca"],
]
# A street per country, in the order of COUNTRIES.
STREETS = np.array(
    [
        "rue de la Paix",
        "ul. Długa",
        "Calle Mayor",
        "Hauptstraße",
        "Jl. Sudirman",
        "Rua Augusta",
        "Main Street",
        "King Fahd Road",
    ]
)
# Mobile prefixes that libphonenumber reads as valid mobiles in each country, subscriber digits after.
MOBILE = np.array(["+33 6 1", "+48 601", "+34 612", "+49 151", "+62 812", "+55 11 9", "+1 415", "+966 50"])
MOBILE_DIGITS = np.array([7, 6, 6, 8, 8, 8, 7, 7])
FREEMAIL = np.array(["gmail.com", "yahoo.com", "outlook.com", "wp.pl", "gmx.de", "orange.fr", "yahoo.co.id"])
# The slips people make typing the biggest of them.
MISTYPED = {
    "gmail.com": np.array(["gmial.com", "gmai.com", "gmail.con"]),
    "yahoo.com": np.array(["yaho.com", "yahooo.com"]),
    "outlook.com": np.array(["outlok.com", "outlook.cm"]),
}
# The organisation whose CRM this is: its staff have users and mailboxes at this domain.
ORG_DOMAIN = "vantagelabs.io"
AS_OF = "2026-11-01"
STALE_DAYS = 365

OPEN_STATUSES = np.array(["Open - Not Contacted", "Working - Contacted"])
CONVERTED = "Closed - Converted"
CLOSED = "Closed - Not Converted"
RATINGS = np.array(["Hot", "Warm", "Cold", ""])
SOURCES = np.array(["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other", ""])
ACCOUNT_TYPES = np.array(
    ["Customer - Direct", "Customer - Channel", "Prospect", "Channel Partner / Reseller", "Other", ""]
)
ACCOUNT_TYPE_SHARES = np.array([0.20, 0.10, 0.45, 0.07, 0.08, 0.10])
CUSTOMER_TYPES = ("Customer - Direct", "Customer - Channel")
PARTNER_TYPE = "Channel Partner / Reseller"

# What a neglected org holds, as shares of its records. The kinds the auditor reports are planted at
# these rates (and written to planted.csv); the people are shared between files as truth.csv and
# people.csv say.
SHARES = {
    "lead converted": 0.10,  # converted properly: its contact is in Contact.csv
    "lead is contact": 0.04,  # an open lead that is already a contact (name, email; often moved)
    "lead at customer": 0.20,  # by email domain, by company name, or both
    "lead at partner": 0.03,
    "lead at other account": 0.08,  # prospects and others: no finding
    "lead at namesake": 0.01,  # a company name two accounts share, free-mail address: no finding
    "lead is staff": 0.003,
    "lead duplicate": 0.03,  # a second (rarely third) lead of one person
    "contact duplicate": 0.02,
    "converted, contact gone": 0.002,
    "converted flag, open status": 0.004,
    "converted status, no flag": 0.003,
    "invalid email": 0.015,
    "mistyped email domain": 0.003,  # gmial.com, yaho.com: a slip in a very common mail domain
    "invalid phone": 0.015,
    "placeholder": 0.01,
    "no email or phone": 0.01,
    "suspicious value": 0.0005,
    "account namesakes": 0.02,  # of accounts: pairs of different companies with one name
}
LEAD_COLUMNS = [
    "Id", "IsDeleted", "MasterRecordId", "LastName", "FirstName", "Salutation", "Name", "Title", "Company",
    "Street", "City", "State", "PostalCode", "Country", "Phone", "MobilePhone", "Email", "Website",
    "LeadSource", "Status", "Industry", "Rating", "OwnerId", "IsConverted", "ConvertedDate",
    "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId", "CreatedDate", "LastModifiedDate",
    "LastActivityDate",
]  # fmt: skip
CONTACT_COLUMNS = [
    "Id", "IsDeleted", "MasterRecordId", "AccountId", "LastName", "FirstName", "Salutation", "Name",
    "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry", "Phone",
    "MobilePhone", "Email", "Title", "Department", "LeadSource", "Birthdate", "OwnerId", "CreatedDate",
    "LastModifiedDate", "LastActivityDate",
]  # fmt: skip
ACCOUNT_COLUMNS = [
    "Id", "Name", "Type", "Website", "Phone", "Industry", "BillingStreet", "BillingCity", "BillingPostalCode",
    "BillingCountry", "OwnerId", "CreatedDate",
]  # fmt: skip
USER_COLUMNS = [
    "Id", "Username", "LastName", "FirstName", "Name", "Email", "IsActive", "UserType", "UserRoleId",
    "CreatedDate",
]  # fmt: skip
TITLES = np.array(["Buyer", "CFO", "Head of IT", "Office Manager", "Sales Director", "Engineer", ""])
INDUSTRIES = np.array(["Technology", "Manufacturing", "Retail", "Finance", "Healthcare", ""])


def _ids(prefix: str, start: int, count: int) -> np.ndarray:
    numbers = pd.Series(np.arange(start, start + count)).astype(str).str.zfill(12)
    return (prefix + numbers + "AAA").to_numpy(dtype=object)


def _pick(
    rng: np.random.Generator, values: np.ndarray, count: int, p: np.ndarray | None = None
) -> np.ndarray:
    return values[rng.choice(len(values), count, p=p)].astype(object)


def _digits(rng: np.random.Generator, lengths: np.ndarray) -> pd.Series:
    """A string of random digits per entry, the first one 2-5 (valid as a line in every country here)."""
    numbers = rng.integers(0, 10**9, len(lengths))
    text = pd.Series(rng.integers(2, 6, len(lengths))).astype(str) + pd.Series(numbers).astype(str).str.zfill(
        9
    )
    return pd.Series([value[:length] for value, length in zip(text, lengths, strict=True)])


def _spaced(digits: pd.Series) -> pd.Series:
    return digits.str[:3] + " " + digits.str[3:]


def landline(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Valid fixed-line numbers; three in ten written nationally, the way people say them at home."""
    spaced = _spaced(_digits(rng, SUBSCRIBER_DIGITS[country]))
    national = rng.random(len(country)) < 0.3
    return np.where(national, TRUNK[country] + " " + spaced, DIAL[country] + " " + spaced).astype(object)


def mobile(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    return (MOBILE[country] + " " + _spaced(_digits(rng, MOBILE_DIGITS[country]))).to_numpy(dtype=object)


def _dates(rng: np.random.Generator, count: int, start: str, end: str, *, time: bool) -> np.ndarray:
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    stamps = first + pd.to_timedelta(rng.integers(0, max((last - first).days, 1), count), unit="D")
    if time:
        return (stamps.strftime("%Y-%m-%dT%H:%M:%S") + ".000Z").to_numpy(dtype=object)
    return stamps.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _ascii(values: pd.Series) -> pd.Series:
    folded = values.str.replace("ł", "l").str.replace("Ł", "L").str.normalize("NFKD")
    return (
        folded.str.encode("ascii", "ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"[^a-z]", "", regex=True)
    )


def _unique(addresses: pd.Series) -> pd.Series:
    """Addresses made unique the way mail systems do: a number after the name for the second one."""
    mailbox, domain = addresses.str.split("@", n=1).str[0], addresses.str.split("@", n=1).str[1]
    taken = addresses.groupby(addresses).cumcount()
    return mailbox.where(taken == 0, mailbox + taken.astype(str)) + "@" + domain


def _mailbox(first: np.ndarray, last: np.ndarray) -> pd.Series:
    """first.last, in the letters a mail system takes."""
    return _ascii(pd.Series(first)) + "." + _ascii(pd.Series(last))


def _free_mail(rng: np.random.Generator, mailbox: pd.Series) -> pd.Series:
    """A private address at a free-mail provider: the mailbox and two digits (the name was taken)."""
    count = len(mailbox)
    return (
        mailbox
        + pd.Series(rng.integers(10, 99, count)).astype(str)
        + "@"
        + pd.Series(_pick(rng, FREEMAIL, count))
    )


def names(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    first = _pick(rng, FIRST, count)
    # Real surnames (a third) and made-up ones from syllables: tens of thousands of distinct names, and
    # namesakes (different people, one name) as a real CRM has them.
    invented = pd.Series(
        _pick(rng, SYLLABLES, count) + _pick(rng, SYLLABLES, count) + _pick(rng, SYLLABLES, count)
    )
    last = np.where(
        rng.random(count) < 0.33, _pick(rng, LAST, count), invented.str.capitalize().to_numpy(dtype=object)
    )
    return first, last


def typo(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """One letter changed, dropped or two swapped, inside the word (never its first letter)."""
    out = []
    for value, how, where in zip(
        values, rng.integers(0, 3, len(values)), rng.random(len(values)), strict=True
    ):
        if len(value) < 4:
            out.append(value + value[-1])
            continue
        at = 1 + int(where * (len(value) - 2))
        if how == 0:
            out.append(value[:at] + ("e" if value[at] != "e" else "a") + value[at + 1 :])
        elif how == 1:
            out.append(value[:at] + value[at + 1 :])
        else:
            out.append(value[:at] + value[at + 1] + value[at] + value[at + 2 :])
    return np.array(out, dtype=object)


def variant_names(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How a second record of the same person writes the name: as the first did (half), with a
    nickname, a typo in the last name, in capitals, or first and last name swapped."""
    first, last = first.copy(), last.copy()
    how = rng.choice(5, len(first), p=[0.5, 0.15, 0.15, 0.1, 0.1])
    nick = (how == 1) & pd.Series(first).isin(list(NICKNAMES)).to_numpy()
    first[nick] = pd.Series(first[nick]).map(NICKNAMES).to_numpy(dtype=object)
    last[how == 2] = typo(rng, last[how == 2])
    last[how == 3] = pd.Series(last[how == 3], dtype=object).str.upper().to_numpy(dtype=object)
    swap = how == 4
    first[swap], last[swap] = last[swap].copy(), first[swap].copy()
    return first, last


def accounts_table(rng: np.random.Generator, count: int) -> pd.DataFrame:
    number = rng.permutation(count) + 100
    word = _pick(rng, COMPANY_WORDS, count)
    name = word + " " + pd.Series(number).astype(str).to_numpy(dtype=object)
    name = np.where(rng.random(count) < 0.6, name + " " + _pick(rng, LEGAL, count), name)
    name = pd.Series(name).str.strip().to_numpy(dtype=object)
    domain = (
        _ascii(pd.Series(word))
        + pd.Series(number).astype(str)
        + "."
        + _pick(rng, np.array(["com", "de", "pl", "fr", "io", "co.id"]), count)
    ).to_numpy(dtype=object)
    kind = _pick(rng, ACCOUNT_TYPES, count, ACCOUNT_TYPE_SHARES)
    # Namesakes: another company with the same name somewhere else, one a customer, one a prospect.
    pairs = int(count * SHARES["account namesakes"] / 2)
    chosen = rng.choice(count, 2 * pairs, replace=False)
    one, other = chosen[:pairs], chosen[pairs:]
    name[other] = name[one]
    kind[one], kind[other] = "Customer - Direct", "Prospect"
    country = rng.integers(0, len(COUNTRIES), count)
    city = np.array(
        [CITIES[c][i] for c, i in zip(country, rng.integers(0, 4, count), strict=True)], dtype=object
    )
    website = np.where(rng.random(count) < 0.5, "www." + domain, "https://" + domain).astype(object)
    website[rng.random(count) < 0.15] = ""
    return pd.DataFrame(
        {
            "name": name, "type": kind, "domain": domain, "website": website, "country": country, "city": city,
            "street": pd.Series(rng.integers(1, 200, count)).astype(str).to_numpy(dtype=object) + " " + STREETS[country],
            "postcode": pd.Series(rng.integers(10000, 99999, count)).astype(str).to_numpy(dtype=object),
            "phone": landline(rng, country),
            "namesake": np.isin(np.arange(count), chosen),
        }
    )  # fmt: skip


class Org:
    """The tables of one org as columns, with what was planted where."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.planted: dict[str, list[np.ndarray]] = {}

    def plant(self, kind: str, ids: np.ndarray) -> None:
        self.planted.setdefault(kind, []).append(np.asarray(ids, dtype=object))


def contacts_table(rng: np.random.Generator, count: int, accounts: pd.DataFrame) -> pd.DataFrame:
    """Contacts at accounts (a few large accounts, many small): colleagues share the office address
    and often the switchboard; each has a mailbox of their own."""
    weight = 1.0 / np.arange(1, len(accounts) + 1) ** 0.8
    account = rng.permutation(len(accounts))[rng.choice(len(accounts), count, p=weight / weight.sum())]
    first, last = names(rng, count)
    # Two colleagues of one name at one company are one person to anybody reading the records: draw
    # the second one's last name again.
    for _ in range(5):
        clash = pd.DataFrame({"a": account, "f": first, "l": last}).duplicated().to_numpy()
        if not clash.any():
            break
        last[clash] = names(rng, int(clash.sum()))[1]
    at = accounts.iloc[account].reset_index(drop=True)
    country = at["country"].to_numpy()
    work = _mailbox(first, last) + "@" + at["domain"]
    private = (
        _mailbox(first, last) + pd.Series(rng.integers(1960, 2005, count)).astype(str)
        + "@" + pd.Series(_pick(rng, FREEMAIL, count))
    )  # fmt: skip
    which = rng.choice(3, count, p=[0.75, 0.15, 0.10])
    email = _unique(work.where(which == 0, private)).where(which < 2, "")
    line = rng.choice(3, count, p=[0.35, 0.40, 0.25])
    phone = np.where(line == 0, at["phone"], np.where(line == 1, landline(rng, country), "")).astype(object)
    cell = np.where(rng.random(count) < 0.5, mobile(rng, country), "").astype(object)
    birth = np.where(rng.random(count) < 0.15, _dates(rng, count, "1955-01-01", "2002-12-31", time=False), "")
    return pd.DataFrame(
        {
            "account": account, "first": first, "last": last, "email": email.to_numpy(dtype=object), "phone": phone,
            "mobile": cell, "street": at["street"], "city": at["city"], "postcode": at["postcode"],
            "country": country, "birth": birth.astype(object), "title": _pick(rng, TITLES, count),
        }
    )  # fmt: skip


def _second_records(rng: np.random.Generator, people: pd.DataFrame, originals: np.ndarray) -> pd.DataFrame:
    """Another record of each of the people at `originals`: a variant of the name and, for six in ten,
    the same mailbox (case may differ); the others another address but the same mobile or line."""
    twin = people.iloc[originals].reset_index(drop=True).copy()
    twin["first"], twin["last"] = variant_names(rng, twin["first"].to_numpy(), twin["last"].to_numpy())
    by_phone = (rng.random(len(twin)) < 0.4) & ((twin["mobile"] != "") | (twin["phone"] != "")).to_numpy()
    by_phone &= (twin["mobile"] != "").to_numpy() | (twin["email"] == "").to_numpy()
    upper = rng.random(len(twin)) < 0.3
    twin.loc[upper & ~by_phone, "email"] = twin.loc[upper & ~by_phone, "email"].str.upper()
    other = (
        _ascii(twin["first"]) + "_" + _ascii(twin["last"]) + "@" + pd.Series(_pick(rng, FREEMAIL, len(twin)))
    )
    twin.loc[by_phone, "email"] = other[by_phone]
    twin.loc[by_phone & (twin["mobile"] != "").to_numpy(), "phone"] = ""
    return twin


def _open_status(rng: np.random.Generator, count: int) -> np.ndarray:
    status = _pick(rng, OPEN_STATUSES, count)
    status[rng.random(count) < 0.25] = CLOSED
    return status


def generate(
    out: Path,
    *,
    leads: int,
    contacts: int,
    accounts: int | None = None,
    users: int = 200,
    overlap: float | None = None,
    seed: int = 7,
) -> dict[str, Path]:
    """Write Lead.csv, Contact.csv, Account.csv, User.csv and the truth (truth.csv: lead-contact pairs
    that are one person; people.csv: every record's person; planted.csv: every planted finding by kind)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    accounts = accounts or max(contacts // 8, 20)
    shares = dict(SHARES, **({} if overlap is None else {"lead is contact": overlap}))
    org = Org(rng)
    account = accounts_table(rng, accounts)
    account_id = _ids("001", 0, accounts)

    # Staff: the CRM's users, the owners of every record.
    staff_first, staff_last = names(rng, users)
    staff_email = _unique(_mailbox(staff_first, staff_last) + "@" + ORG_DOMAIN)
    user_id = _ids("005", 0, users)

    # Contacts, a few of them twice.
    contact_twins = int(contacts * shares["contact duplicate"])
    contact = contacts_table(rng, contacts - contact_twins, account)
    contact["person"] = "c" + pd.Series(np.arange(len(contact))).astype(str)
    reachable = ((contact["email"] != "") | (contact["mobile"] != "")).to_numpy()
    originals = rng.choice(np.flatnonzero(reachable), contact_twins, replace=False)
    contact = pd.concat([contact, _second_records(rng, contact, originals)], ignore_index=True)
    contact_id = _ids("003", 0, len(contact))
    org.plant(
        "duplicate",
        contact_id[np.concatenate([originals, np.arange(len(contact) - contact_twins, len(contact))])],
    )
    twinned = np.zeros(len(contact), dtype=bool)
    twinned[originals] = True
    twinned[len(contact) - contact_twins :] = True

    # Leads, by what they are.
    count = {kind: int(leads * shares[kind]) for kind in shares if kind.startswith("lead ")}
    lead_twins = count.pop("lead duplicate")
    independent = leads - lead_twins - sum(count.values())
    plain = np.flatnonzero(~twinned & (contact["email"] != "").to_numpy())
    chosen = rng.choice(plain, count["lead converted"] + count["lead is contact"], replace=False)
    converted_from, same_as = chosen[: count["lead converted"]], chosen[count["lead converted"] :]
    parts = []

    def leads_like(people: pd.DataFrame, company: np.ndarray, what: str, status: np.ndarray) -> None:
        frame = people[
            ["first", "last", "email", "phone", "mobile", "street", "city", "postcode", "country", "title"]
        ].copy()
        frame["company"], frame["what"], frame["status"] = company, what, status
        parts.append(frame.reset_index(drop=True))

    # Converted properly: the lead is its contact, and says so.
    people = contact.iloc[converted_from]
    leads_like(
        people,
        account["name"].to_numpy()[people["account"]],
        "converted",
        np.full(len(people), CONVERTED, dtype=object),
    )
    parts[-1]["person"] = people["person"].to_numpy()
    parts[-1]["converted_contact"] = contact_id[converted_from]
    parts[-1]["converted_account"] = account_id[people["account"]]
    # Open leads that are already contacts: the name as they typed it again, the same mailbox, and
    # for half of them another phone, city and country (they moved, or gave another number).
    people = contact.iloc[same_as].reset_index(drop=True).copy()
    people["first"], people["last"] = variant_names(
        rng, people["first"].to_numpy(), people["last"].to_numpy()
    )
    upper = rng.random(len(people)) < 0.3
    people.loc[upper, "email"] = people.loc[upper, "email"].str.upper()
    moved = rng.random(len(people)) < 0.5
    elsewhere = (people["country"].to_numpy() + rng.integers(1, len(COUNTRIES), len(people))) % len(COUNTRIES)
    people["country"] = np.where(moved, elsewhere, people["country"])
    people.loc[moved, "phone"] = landline(rng, people.loc[moved, "country"].to_numpy())
    people.loc[moved, "mobile"] = ""
    people.loc[moved, "city"] = [CITIES[c][0] for c in people.loc[moved, "country"]]
    company = np.where(rng.random(len(people)) < 0.7, account["name"].to_numpy()[people["account"]], "")
    leads_like(people, company, "lead is contact", _pick(rng, OPEN_STATUSES, len(people)))
    parts[-1]["person"] = contact["person"].to_numpy()[same_as]

    # Leads at accounts: by the account's domain, its name, or both.
    def at_accounts(where: np.ndarray, size: int, what: str, *, name: float, domain: float) -> None:
        if not len(where) or not size:
            return
        at = account.iloc[rng.choice(where, size)].reset_index(drop=True)
        first, last = names(rng, size)
        mode = rng.random(size)
        by_domain = (mode < domain) & (at["website"] != "").to_numpy()
        by_name = ~by_domain | (mode < name * domain)
        box = _mailbox(first, last)
        free = _free_mail(rng, box)
        email = (box + "@" + at["domain"]).where(by_domain, free.where(rng.random(size) < 0.8, ""))
        people = pd.DataFrame(
            {
                "first": first, "last": last, "email": email, "street": at["street"], "city": at["city"],
                "postcode": at["postcode"], "country": at["country"], "title": _pick(rng, TITLES, size),
                "phone": np.where(rng.random(size) < 0.6, landline(rng, at["country"].to_numpy()), ""),
                "mobile": np.where(rng.random(size) < 0.3, mobile(rng, at["country"].to_numpy()), ""),
            }
        )  # fmt: skip
        leads_like(people, np.where(by_name, at["name"], ""), what, _open_status(rng, size))

    types = account["type"].to_numpy()
    namesake = account["namesake"].to_numpy()
    customer = np.isin(types, CUSTOMER_TYPES)
    at_accounts(
        np.flatnonzero(customer & ~namesake), count["lead at customer"], "customer", name=0.33, domain=0.6
    )
    at_accounts(
        np.flatnonzero(types == PARTNER_TYPE), count["lead at partner"], "partner", name=1.0, domain=1.0
    )
    at_accounts(
        np.flatnonzero(~customer & (types != PARTNER_TYPE) & ~namesake),
        count["lead at other account"],
        "other account",
        name=1.0,
        domain=1.0,
    )
    # A company name two accounts share, and a free-mail address: nothing says which company.
    at_accounts(np.flatnonzero(namesake), count["lead at namesake"], "namesake", name=1.0, domain=0.0)

    # Staff in the lead list: colleagues who filled in a form, half of them the CRM's users.
    size = count["lead is staff"]
    first, last = names(rng, size)
    user = rng.integers(0, users, size)
    is_user = rng.random(size) < 0.5
    first, last = np.where(is_user, staff_first[user], first), np.where(is_user, staff_last[user], last)
    own = _mailbox(first, last) + "@" + ORG_DOMAIN
    email = np.where(is_user, staff_email.to_numpy()[user], own)
    country = rng.integers(0, len(COUNTRIES), size)
    people = pd.DataFrame(
        {"first": first, "last": last, "email": email, "phone": landline(rng, country), "mobile": "", "street": "",
         "city": "", "postcode": "", "country": country, "title": ""}
    )  # fmt: skip
    leads_like(people, np.full(size, "Vantage Labs", dtype=object), "staff", _open_status(rng, size))

    # Everyone else: people at companies that are not accounts (yet).
    first, last = names(rng, independent)
    country = rng.integers(0, len(COUNTRIES), independent)
    number = rng.integers(accounts + 1000, accounts + 200_000, independent)
    word = _pick(rng, COMPANY_WORDS, independent)
    domain = _ascii(pd.Series(word)) + pd.Series(number).astype(str) + ".net"
    box = _mailbox(first, last)
    free = _free_mail(rng, box)
    which = rng.choice(3, independent, p=[0.65, 0.25, 0.10])
    email = (box + "@" + domain).where(which == 0, free.where(which == 1, ""))
    people = pd.DataFrame(
        {
            "first": first, "last": last, "email": email, "country": country, "title": _pick(rng, TITLES, independent),
            "phone": np.where(rng.random(independent) < 0.6, landline(rng, country), ""),
            "mobile": np.where(rng.random(independent) < 0.3, mobile(rng, country), ""),
            "street": pd.Series(rng.integers(1, 300, independent)).astype(str).to_numpy(dtype=object) + " " + STREETS[country],
            "city": [CITIES[c][i] for c, i in zip(country, rng.integers(0, 4, independent), strict=True)],
            "postcode": pd.Series(rng.integers(10000, 99999, independent)).astype(str).to_numpy(dtype=object),
        }
    )  # fmt: skip
    company = (
        pd.Series(
            word
            + " "
            + pd.Series(number).astype(str).to_numpy(dtype=object)
            + " "
            + _pick(rng, LEGAL, independent)
        )
        .str.strip()
        .to_numpy(dtype=object)
    )
    leads_like(
        people,
        np.where(rng.random(independent) < 0.9, company, ""),
        "independent",
        _open_status(rng, independent),
    )

    lead = pd.concat(parts, ignore_index=True)
    lead["person"] = lead["person"].fillna(pd.Series("l" + pd.Series(np.arange(len(lead))).astype(str)))
    # A few leads recorded twice (a third time for one in ten): web forms, imports, trade fairs.
    pool = np.flatnonzero(
        (lead["what"] == "independent").to_numpy()
        & ((lead["email"] != "") | (lead["mobile"] != "")).to_numpy()
    )
    originals = rng.choice(pool, lead_twins, replace=False)
    third = originals[: lead_twins // 10]
    twins = _second_records(rng, lead, np.concatenate([originals[: lead_twins - len(third)], third]))
    twins["what"] = "independent"
    lead = pd.concat([lead, twins], ignore_index=True)
    lead_id = _ids("00Q", 0, len(lead))
    group = np.concatenate(
        [originals[: lead_twins - len(third)], third, np.arange(len(lead) - lead_twins, len(lead))]
    )
    org.plant("duplicate", lead_id[group])
    # The second record of a person counts as a duplicate lead (Salesforce: the first kept).

    # Records of different people never share a mailbox by chance (a number after the name).
    _separate_mailboxes(lead, contact)

    # Conversion state, with the contradictions a neglected org collects.
    what = lead["what"].to_numpy()
    status = lead["status"].to_numpy(dtype=object)
    converted = what == "converted"
    free_open = np.flatnonzero(
        (what == "independent") & np.isin(status, OPEN_STATUSES) & ~np.isin(np.arange(len(lead)), group)
    )
    spoiled = rng.choice(
        free_open,
        count_of(leads, shares, "converted flag, open status", "converted status, no flag"),
        replace=False,
    )
    flag_open = spoiled[: int(leads * shares["converted flag, open status"])]
    status_only = spoiled[len(flag_open) :]
    is_converted = converted.copy()
    is_converted[flag_open] = True
    status[status_only] = CONVERTED
    org.plant("converted_lead_open", lead_id[spoiled])
    converted_contact = (
        lead.get("converted_contact", pd.Series([""] * len(lead))).fillna("").to_numpy(dtype=object)
    )
    gone = rng.choice(
        np.flatnonzero(converted), int(leads * shares["converted, contact gone"]), replace=False
    )
    converted_contact[gone] = _ids("003", 900_000_000, len(gone))
    org.plant("converted_lead_open", lead_id[gone])
    lead["status"], lead["is_converted"], lead["converted_contact"] = status, is_converted, converted_contact

    # Data quality, on records not planted for anything else.
    quiet_leads = np.flatnonzero(
        (what == "independent") & ~np.isin(np.arange(len(lead)), np.concatenate([group, spoiled]))
    )
    quiet_contacts = np.flatnonzero(~twinned & ~np.isin(np.arange(len(contact)), chosen))
    _spoil(rng, org, lead, lead_id, quiet_leads, shares, is_lead=True)
    _spoil(rng, org, contact, contact_id, quiet_contacts, shares, is_lead=False)

    # Dates: a neglected org's leads were last touched long ago.
    created = pd.Timestamp("2018-06-01") + pd.to_timedelta(rng.integers(0, 3000, len(lead)), unit="D")
    created = created.where(created < pd.Timestamp(AS_OF), pd.Timestamp(AS_OF) - pd.Timedelta(days=1))
    span = (pd.Timestamp(AS_OF) - created).days.to_numpy()
    modified = created + pd.to_timedelta((rng.random(len(lead)) * span).astype(int), unit="D")
    activity = created + pd.to_timedelta((rng.random(len(lead)) * span).astype(int), unit="D")
    has_activity = rng.random(len(lead)) < 0.8
    last_seen = np.where(has_activity, activity, modified)
    open_ = np.isin(status, OPEN_STATUSES) & ~is_converted
    stale = open_ & (last_seen < np.datetime64(pd.Timestamp(AS_OF) - pd.Timedelta(days=STALE_DAYS)))
    org.plant("stale_lead", lead_id[stale])

    _plant_links(org, lead, lead_id, account, open_)
    people_truth = pd.DataFrame(
        {
            "id": np.concatenate([lead_id, contact_id]),
            "person": np.concatenate([lead["person"], contact["person"]]),
        }
    )
    contact_person = pd.Series(contact_id, index=contact["person"].to_numpy())
    paired = np.flatnonzero(np.isin(what, ["converted", "lead is contact"]))
    truth = pd.DataFrame(
        {
            "lead_id": lead_id[paired],
            "contact_id": contact_person.groupby(level=0)
            .first()[lead["person"].to_numpy()[paired]]
            .to_numpy(),
        }
    )

    owners = user_id[rng.integers(0, users, len(lead))]
    lead_table = {
        "Id": lead_id, "IsDeleted": "false", "MasterRecordId": "", "LastName": lead["last"], "FirstName": lead["first"],
        "Salutation": "", "Name": lead["first"] + " " + lead["last"], "Title": lead["title"], "Company": lead["company"],
        "Street": lead["street"], "City": lead["city"], "State": "", "PostalCode": lead["postcode"],
        "Country": COUNTRIES[lead["country"].to_numpy(dtype=int)], "Phone": lead["phone"], "MobilePhone": lead["mobile"],
        "Email": lead["email"], "Website": "", "LeadSource": _pick(rng, SOURCES, len(lead)), "Status": status,
        "Industry": _pick(rng, INDUSTRIES, len(lead)), "Rating": _pick(rng, RATINGS, len(lead)), "OwnerId": owners,
        "IsConverted": np.where(is_converted, "true", "false"),
        "ConvertedDate": np.where(converted, modified.strftime("%Y-%m-%d"), ""),
        "ConvertedAccountId": lead.get("converted_account", pd.Series([""] * len(lead))).fillna(""),
        "ConvertedContactId": converted_contact, "ConvertedOpportunityId": "",
        "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "LastModifiedDate": modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "LastActivityDate": np.where(has_activity, activity.strftime("%Y-%m-%d"), ""),
    }  # fmt: skip
    contact_created = _dates(rng, len(contact), "2017-01-01", "2026-09-30", time=True)
    contact_table = {
        "Id": contact_id, "IsDeleted": "false", "MasterRecordId": "", "AccountId": account_id[contact["account"]],
        "LastName": contact["last"], "FirstName": contact["first"], "Salutation": "",
        "Name": contact["first"] + " " + contact["last"], "MailingStreet": contact["street"],
        "MailingCity": contact["city"], "MailingState": "", "MailingPostalCode": contact["postcode"],
        "MailingCountry": COUNTRIES[contact["country"].to_numpy(dtype=int)], "Phone": contact["phone"],
        "MobilePhone": contact["mobile"], "Email": contact["email"], "Title": contact["title"], "Department": "",
        "LeadSource": _pick(rng, SOURCES, len(contact)), "Birthdate": contact["birth"],
        "OwnerId": user_id[rng.integers(0, users, len(contact))], "CreatedDate": contact_created,
        "LastModifiedDate": _dates(rng, len(contact), "2024-06-01", "2026-10-30", time=True),
        "LastActivityDate": _dates(rng, len(contact), "2023-01-01", "2026-10-30", time=False),
    }  # fmt: skip
    account_table = {
        "Id": account_id, "Name": account["name"], "Type": account["type"], "Website": account["website"],
        "Phone": account["phone"], "Industry": _pick(rng, INDUSTRIES, accounts), "BillingStreet": account["street"],
        "BillingCity": account["city"], "BillingPostalCode": account["postcode"],
        "BillingCountry": COUNTRIES[account["country"].to_numpy(dtype=int)],
        "OwnerId": user_id[rng.integers(0, users, accounts)],
        "CreatedDate": _dates(rng, accounts, "2015-01-01", "2026-06-30", time=True),
    }  # fmt: skip
    user_table = {
        "Id": user_id, "Username": staff_email + ".crm", "LastName": staff_last, "FirstName": staff_first,
        "Name": staff_first + " " + staff_last, "Email": staff_email, "IsActive": np.where(rng.random(users) < 0.85, "true", "false"),
        "UserType": "Standard", "UserRoleId": "", "CreatedDate": _dates(rng, users, "2015-01-01", "2026-06-30", time=True),
    }  # fmt: skip
    written = {
        "lead": _write(out / "Lead.csv", lead_table, LEAD_COLUMNS),
        "contact": _write(out / "Contact.csv", contact_table, CONTACT_COLUMNS),
        "account": _write(out / "Account.csv", account_table, ACCOUNT_COLUMNS),
        "user": _write(out / "User.csv", user_table, USER_COLUMNS),
    }
    truth.to_csv(out / "truth.csv", index=False)
    people_truth.to_csv(out / "people.csv", index=False)
    planted = pd.concat(
        [pd.DataFrame({"kind": kind, "id": np.concatenate(ids)}) for kind, ids in sorted(org.planted.items())]
    ).drop_duplicates()
    planted.to_csv(out / "planted.csv", index=False)
    written.update(truth=out / "truth.csv", people=out / "people.csv", planted=out / "planted.csv")
    return written


def count_of(leads: int, shares: dict[str, float], *kinds: str) -> int:
    return sum(int(leads * shares[kind]) for kind in kinds)


def _separate_mailboxes(*tables: pd.DataFrame) -> None:
    """Give every mailbox one owner: where different people's records share an address by chance
    (two Anna Silvas at gmail.com), the later people get a number after the name."""
    for _ in range(4):
        frame = pd.concat(
            [
                pd.DataFrame({"email": t["email"].str.lower(), "person": t["person"], "table": n, "row": np.arange(len(t))})
                for n, t in enumerate(tables)
            ],
            ignore_index=True,
        )  # fmt: skip
        frame = frame[frame["email"] != ""]
        owners = frame.drop_duplicates(["email", "person"])
        owners = owners.assign(rank=owners.groupby("email").cumcount())
        clash = frame.merge(owners[["email", "person", "rank"]], on=["email", "person"])
        clash = clash[clash["rank"] > 0]
        if clash.empty:
            return
        for n, table in enumerate(tables):
            rows = clash[clash["table"] == n]
            address = table.loc[rows["row"].to_numpy(), "email"]
            mailbox, domain = address.str.split("@", n=1).str[0], address.str.split("@", n=1).str[1]
            table.loc[rows["row"].to_numpy(), "email"] = (
                mailbox + rows["rank"].astype(str).to_numpy() + "@" + domain
            ).to_numpy()


def _spoil(
    rng: np.random.Generator,
    org: Org,
    table: pd.DataFrame,
    ids: np.ndarray,
    quiet: np.ndarray,
    shares: dict,
    *,
    is_lead: bool,
) -> None:
    """Invalid addresses and numbers, filler, unreachable people and injected values, on the records
    at `quiet`; then every record of the table nobody can reach is planted as unreachable."""
    size = len(table)
    order = rng.permutation(quiet)

    def take(kind: str, having: np.ndarray | None = None) -> np.ndarray:
        nonlocal order
        pool = order if having is None else order[having[order]]
        chosen = pool[: int(size * shares[kind])]
        order = order[~np.isin(order, chosen)]
        return chosen

    email = table["email"].to_numpy(dtype=object)
    bad_email = np.zeros(size, dtype=bool)
    bad_phone = np.zeros(size, dtype=bool)
    rows = take("invalid email", email != "")
    how = rng.integers(0, 3, len(rows))
    address = pd.Series(email[rows], dtype=object)
    # No top-level domain at all ("anna@acme": "acme.co.id" less ".id" would still be an address).
    no_tld = (
        address.str.split("@", n=1).str[0] + "@" + address.str.split("@", n=1).str[1].str.split(".").str[0]
    )
    broken = np.where(
        how == 0,
        no_tld,
        np.where(how == 1, address.str.replace("@", "@@"), address.str.replace(".", " ", n=1)),
    )
    table.loc[rows, "email"] = broken
    bad_email[rows] = True
    org.plant("invalid_email", ids[rows])
    domains = np.array([address.rpartition("@")[2] for address in email], dtype=object)
    rows = take("mistyped email domain", np.isin(domains, list(MISTYPED)))
    for domain, slips in MISTYPED.items():
        at = rows[domains[rows] == domain]
        local = [address.rpartition("@")[0] for address in email[at]]
        table.loc[at, "email"] = [
            f"{mailbox}@{slip}" for mailbox, slip in zip(local, _pick(rng, slips, len(at)), strict=True)
        ]
    org.plant("mistyped_email_domain", ids[rows])
    rows = take("invalid phone")
    country = table["country"].to_numpy(dtype=int)[rows]
    table.loc[rows, "phone"] = DIAL[country] + " 12"
    bad_phone[rows] = True
    org.plant("invalid_phone", ids[rows])
    rows = take("placeholder")
    how = rng.integers(0, 4 if is_lead else 3, len(rows))
    table.loc[rows[how == 0], ["first", "last"]] = "Test"
    table.loc[rows[how == 1], "email"] = "test@test.com"
    table.loc[rows[how == 1], "email"] = _pick(
        rng, np.array(["test@test.com", "noemail@noemail.com", "a@a.com"]), int((how == 1).sum())
    )
    bad_email[rows[how == 1]] = True
    table.loc[rows[how == 2], "last"] = "Unknown"
    table.loc[rows[how == 3], "company"] = "N/A"
    org.plant("placeholder", ids[rows])
    rows = take("no email or phone")
    table.loc[rows, ["email", "phone", "mobile"]] = ""
    rows = take("suspicious value")
    how = rng.integers(0, 2, len(rows))
    table.loc[rows[how == 0], "first"] = '=HYPERLINK("http://bit.example/x","click")'
    table.loc[rows[how == 1], "last"] = "<script>alert(1)</script>"
    org.plant("suspicious_value", ids[rows])
    reachable_email = (table["email"] != "").to_numpy() & ~bad_email
    reachable_phone = ((table["phone"] != "").to_numpy() & ~bad_phone) | (table["mobile"] != "").to_numpy()
    org.plant("unreachable", ids[~reachable_email & ~reachable_phone])


def _plant_links(
    org: Org, lead: pd.DataFrame, ids: np.ndarray, account: pd.DataFrame, open_: np.ndarray
) -> None:
    """Open leads that the accounts say are customers or partners, or that staff are. A company name
    two accounts share ties nobody; a domain of an account with no website is unknown."""
    domain = lead["email"].str.lower().str.split("@", n=1).str[1].fillna("").to_numpy(dtype=object)
    name = lead["company"].to_numpy(dtype=object)
    unique_name = ~account["name"].duplicated(keep=False).to_numpy()
    known_domain = (account["website"] != "").to_numpy()
    types = account["type"].to_numpy()
    for kind, wanted in (
        ("customer_as_lead", np.isin(types, CUSTOMER_TYPES)),
        ("partner_as_lead", types == PARTNER_TYPE),
    ):
        # Hashed, not np.isin: on text numpy compares every lead with each account in turn, which
        # at 4M leads and 60k customer accounts runs for hours.
        by_domain = pd.Series(domain).isin(account["domain"].to_numpy()[wanted & known_domain]).to_numpy()
        by_name = pd.Series(name).isin(account["name"].to_numpy()[wanted & unique_name]).to_numpy()
        # Only the lead's own company and address count: a lead that is already a contact at a
        # customer account is planted as lead_is_contact, the finding that tells what to do with it.
        org.plant(kind, ids[open_ & (by_domain | by_name)])
    org.plant("employee_as_lead", ids[open_ & (domain == ORG_DOMAIN)])
    org.plant("lead_is_contact", ids[open_ & (lead["what"] == "lead is contact").to_numpy()])


def _write(path: Path, table: dict[str, object], columns: list[str]) -> Path:
    size = max(len(value) for value in table.values() if not isinstance(value, str))
    arrow = pa.table(
        {
            column: pa.array(
                np.full(size, table[column], dtype=object) if isinstance(table[column], str) else np.asarray(table[column], dtype=object),
                type=pa.string(),
            )
            for column in columns
        }
    )  # fmt: skip
    pacsv.write_csv(arrow, path, write_options=pacsv.WriteOptions(quoting_style="all_valid"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=250_000)
    parser.add_argument("--accounts", type=int, default=None, help="default: one per eight contacts")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--overlap", type=float, default=None, help="share of leads that are already contacts"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data/synth"))
    args = parser.parse_args()
    written = generate(
        args.out,
        leads=args.leads,
        contacts=args.contacts,
        accounts=args.accounts,
        users=args.users,
        overlap=args.overlap,
        seed=args.seed,
    )
    for name, path in written.items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
