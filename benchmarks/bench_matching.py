"""Seeded CRM matching benchmark: every variant of the same person the matcher must catch, planted
on its own, next to near-misses it must not join; audited with zero configuration.

    python benchmarks/bench_matching.py                       # 20 000 people, 200 of each variant
    python benchmarks/bench_matching.py --people 4000 --per-variant 50 --seed 3

Three exports of one fictional company's CRMs are written: a Salesforce Lead export, a Salesforce
Contact export and a HubSpot contacts export, with people from the seed languages (en, fr, es, pl,
id, ar, de, pt), companies with legal forms, work and free-mail addresses, role mailboxes,
switchboard numbers and valid phone numbers per country. Then, for each variant, `--per-variant`
people get a second record that differs from the first by that variant (and by the usual gaps: a
field left empty, another address), placed in the same file, the other Salesforce object or the
other platform. Near-misses are planted too: namesakes, spouses sharing an address and a phone,
colleagues sharing a switchboard, a role mailbox or a first name, colleagues at one office (company,
street, city, postcode, direct lines one digit apart).

Printed per variant: planted pairs, recall, and precision (of the pairs the audit reports that
touch the variant's records); per near-miss kind the share wrongly joined; pairs completeness of
blocking and candidate pairs per record. The bars: recall >= 0.95 at precision >= 0.98 per variant.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers

import auditor
from auditor.config import Config

AS_OF = dt.date(2026, 11, 1)


def _words(text: str) -> list[str]:
    return text.split()


# Fictional people per seed language: given names, family names, cities (with a postcode pattern),
# the country as written in exports, its region code, and the words and legal forms of companies.
LANGUAGES: dict[str, dict[str, object]] = {
    "en": {
        "first": _words(
            "Robert William Elizabeth Margaret Richard James John Katherine Michael Thomas Anthony Edward "
            "Susan Jennifer David Daniel Joseph Christopher Alexander Samuel Benjamin Matthew Nicholas "
            "Stephen Andrew Gregory Patricia Rebecca Victoria Abigail"
        ),
        "last": _words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
            "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill "
            "Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans "
            "Edwards"
        ),
        "cities": [
            ("London", "SW{d}{d} {d}A{d}"),
            ("Manchester", "M{d}{d} {d}E{d}"),
            ("Leeds", "LS{d}{d} {d}B{d}"),
            ("Bristol", "BS{d}{d} {d}T{d}"),
        ],
        "country": "United Kingdom",
        "region": "GB",
        "tld": "co.uk",
        "streets": ["{n} {name} Street", "{n} {name} Road", "{n} {name} Lane", "Flat {n}, {name} Court"],
        "street_names": [
            name.replace("-", " ")
            for name in _words("High Station Church Victoria Mill Park Queen King Green Manor School Bridge")
        ],
        "legal": ["Ltd", "Limited", "PLC", "LLP"],
        "words": _words(
            "Northwind Bluebell Redstone Harbour Kestrel Thistle Copperfield Ashby Granite Oakridge"
        ),
        "free": ["gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.co.uk"],
    },
    "fr": {
        "first": _words(
            "Emmanuel Frédéric Sébastien Nicolas Stéphane Christophe Dominique Béatrice Catherine "
            "Isabelle Valérie Florence Guillaume Jacques Françoise Hélène Amélie Théo Léa Chloé Camille "
            "Élodie Mathieu Benoît Aurélie Céline"
        ),
        "last": _words(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre "
            "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier "
            "Dupont Lambert Bonnet François Martinez"
        ),
        "cities": [
            ("Paris", "750{d}{d}"),
            ("Lyon", "69{d}{d}{d}"),
            ("Marseille", "13{d}{d}{d}"),
            ("Lille", "59{d}{d}{d}"),
        ],
        "country": "France",
        "region": "FR",
        "tld": "fr",
        "streets": ["{n} rue {name}", "{n} avenue {name}", "{n} boulevard {name}", "{n} place {name}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Victor-Hugo Pasteur Voltaire Gambetta Jean-Jaurès Foch Carnot Zola Molière Diderot Colbert "
                "Racine"
            )
        ],
        "legal": ["SARL", "SAS", "S.A.", "EURL"],
        "words": _words("Lumière Azur Horizon Vignoble Étoile Papeterie Atelier Boréal Clairval Montaigne"),
        "free": ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"],
    },
    "es": {
        "first": _words(
            "Francisco José Ignacio Dolores Concepción Guadalupe Manuel Enrique Rafael Jesús Antonio "
            "Rosario Pilar Mercedes Alejandro Guillermo Roberto Eduardo Fernando Gonzalo Isabel Santiago "
            "Sebastián Lucía Carmen María Javier Sofía"
        ),
        "last": _words(
            "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
            "Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
            "Ramos Gil Ramírez Serrano Blanco Molina"
        ),
        "cities": [
            ("Madrid", "28{d}{d}{d}"),
            ("Barcelona", "08{d}{d}{d}"),
            ("Sevilla", "41{d}{d}{d}"),
            ("Valencia", "46{d}{d}{d}"),
        ],
        "country": "España",
        "region": "ES",
        "tld": "es",
        "streets": ["Calle {name} {n}", "Avenida {name} {n}", "Paseo {name} {n}", "Plaza {name} {n}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Mayor Real Alcalá Serrano Goya Velázquez Cervantes Colón Toledo Sol Prado Castilla"
            )
        ],
        "legal": ["S.L.", "S.A.", "S.L.U."],
        "words": _words("Solera Alameda Brisa Cigarral Olivar Mirador Sierra Almena Castillo Albor"),
        "free": ["gmail.com", "hotmail.es", "yahoo.es", "outlook.es"],
    },
    "pl": {
        "first": _words(
            "Katarzyna Barbara Małgorzata Tomasz Jakub Jerzy Stanisław Wojciech Anna Joanna Magdalena "
            "Aleksandra Piotr Krzysztof Zofia Jolanta Ewa Bartłomiej Grzegorz Michał Paweł Łukasz "
            "Agnieszka Dorota Elżbieta Jadwiga Kazimierz Mateusz Przemysław Zbigniew"
        ),
        "last": _words(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski "
            "Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski"
        ),
        "cities": [
            ("Warszawa", "00-{d}{d}{d}"),
            ("Kraków", "30-{d}{d}{d}"),
            ("Wrocław", "50-{d}{d}{d}"),
            ("Gdańsk", "80-{d}{d}{d}"),
        ],
        "country": "Polska",
        "region": "PL",
        "tld": "pl",
        "streets": ["ul. {name} {n}", "al. {name} {n}", "ul. {name} {n} m. 4", "pl. {name} {n}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Marszałkowska Długa Polna Kwiatowa Lipowa Leśna Słoneczna Ogrodowa Szkolna Kościuszki "
                "Mickiewicza Piłsudskiego"
            )
        ],
        "legal": ["Sp. z o.o.", "S.A.", "sp. j.", "Spółka z o.o."],
        "words": _words("Wisła Orzeł Bursztyn Jantar Sokół Pomorze Tatry Mazowsze Kasztan Wawel"),
        "free": ["gmail.com", "wp.pl", "o2.pl", "onet.pl", "interia.pl"],
    },
    "id": {
        "first": _words(
            "Muhammad Ahmad Agus Rizky Putri Dewi Siti Budi Wahyu Hidayat Yusuf Nur Indah Ayu Sri Eko "
            "Bambang Rina Fitri Andi Dimas Ratna Wulan Yanti Joko Hendra Taufik Lestari Galih Intan"
        ),
        "last": _words(
            "Santoso Wijaya Saputra Pratama Hidayat Kurniawan Nugroho Setiawan Susanto Gunawan Halim "
            "Wibowo Purnomo Siregar Simanjuntak Nasution Lubis Harahap Hutapea Sitompul Tanjung Rahman "
            "Syahputra Permana Firmansyah Hakim Utomo Prasetyo Hartono Suharto"
        ),
        "cities": [
            ("Jakarta", "10{d}{d}{d}"),
            ("Surabaya", "60{d}{d}{d}"),
            ("Bandung", "40{d}{d}{d}"),
            ("Medan", "20{d}{d}{d}"),
        ],
        "country": "Indonesia",
        "region": "ID",
        "tld": "co.id",
        "streets": [
            "Jl. {name} No. {n}",
            "Jalan {name} {n}",
            "Jl. {name} Raya No. {n}",
            "Gg. {name} No. {n}",
        ],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Sudirman Thamrin Gatot-Subroto Merdeka Diponegoro Pahlawan Veteran Asia-Afrika Kartini "
                "Hayam-Wuruk Gajah-Mada Imam-Bonjol"
            )
        ],
        "legal": ["Tbk", "PT"],
        "words": _words("Nusantara Garuda Cendana Samudra Merapi Melati Rajawali Bintang Sentosa Makmur"),
        "free": ["gmail.com", "yahoo.co.id", "ymail.com"],
    },
    "ar": {
        "first": _words(
            "Mohammed Ahmed Hussein Hassan Youssef Khalid Omar Fatima Aisha Layla Said Abdullah Ibrahim "
            "Ismail Mustafa Mahmoud Karim Nasser Rashid Tariq Walid Yasmin Zainab Amira Jamal Samir Nour "
            "Hala Rania Salma"
        ),
        "last": _words(
            "Al-Sayed Mansour Khalil Farouk Haddad Nasser Saleh Hamdan Qasim Darwish Aziz Bakr Rahim "
            "Suleiman Issa Shammari Otaibi Harbi Ghamdi Zahrani Qahtani Mutairi Dosari Anazi Hashemi "
            "Masri Jaber Najjar Tamimi Yousef"
        ),
        "cities": [
            ("Riyadh", "1{d}{d}{d}{d}"),
            ("Jeddah", "2{d}{d}{d}{d}"),
            ("Dammam", "3{d}{d}{d}{d}"),
            ("Mecca", "2{d}{d}{d}{d}"),
        ],
        "country": "Saudi Arabia",
        "region": "SA",
        "tld": "com.sa",
        "streets": ["{name} Street {n}", "{name} Road {n}", "{n} {name} Avenue", "{name} District {n}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "King-Fahd Olaya Prince-Sultan Tahlia Al-Malaz Al-Nakheel Al-Rawdah Al-Hamra Al-Yasmin Al- "
                "Wurud Al-Sulaimaniyah Al-Aziziyah"
            )
        ],
        "legal": ["LLC", "Co.", "W.L.L."],
        "words": _words("Rawabi Nakheel Sahara Waha Qamar Najm Fajr Burj Marjan Sadeem"),
        "free": ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com"],
    },
    "de": {
        "first": _words(
            "Johannes Josef Friedrich Katharina Magdalena Ulrich Wolfgang Sebastian Stefanie Andreas "
            "Susanne Gabriele Wilhelm Heinrich Christian Franziska Matthias Michael Jürgen Jörg Günter "
            "Björn Lena Jonas Lukas Hannah Sophie Felix Maximilian Anja"
        ),
        "last": _words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
            "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
            "Lange Schmitt Werner Schmitz Krause Meier"
        ),
        "cities": [
            ("Berlin", "10{d}{d}{d}"),
            ("München", "80{d}{d}{d}"),
            ("Hamburg", "20{d}{d}{d}"),
            ("Köln", "50{d}{d}{d}"),
        ],
        "country": "Deutschland",
        "region": "DE",
        "tld": "de",
        "streets": ["{name}straße {n}", "{name}weg {n}", "{name}platz {n}", "{name}allee {n}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Haupt Bahnhof Schiller Goethe Garten Linden Berg Kirch Wald Schul Mühlen Rosen"
            )
        ],
        "legal": ["GmbH", "AG", "GmbH & Co. KG", "KG"],
        "words": _words(
            "Alpenblick Rheinland Sonnenhof Waldquelle Eichenhain Bergmann Lindenhof Nordstern Edelweiß Falke"
        ),
        "free": ["gmail.com", "gmx.de", "web.de", "t-online.de"],
    },
    "pt": {
        "first": _words(
            "José Francisco Fernando António Augusto Beatriz Eduardo Eduarda João Rafael Gabriel Luiz Ana "
            "Mariana Larissa Thiago Gustavo Letícia Camila Rodrigo Felipe Bruna Vinícius Juliana Leonardo "
            "Caio Renata Patrícia Marcelo Sérgio"
        ),
        "last": _words(
            "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
            "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Andrade "
            "Moreira Nunes Marques Machado Mendes Freitas"
        ),
        "cities": [
            ("São Paulo", "0{d}{d}{d}{d}-{d}00"),
            ("Rio de Janeiro", "2{d}{d}{d}{d}-{d}00"),
            ("Belo Horizonte", "3{d}{d}{d}{d}-{d}00"),
            ("Curitiba", "8{d}{d}{d}{d}-{d}00"),
        ],
        "country": "Brasil",
        "region": "BR",
        "tld": "com.br",
        "streets": ["Rua {name}, {n}", "Avenida {name}, {n}", "Travessa {name}, {n}", "Alameda {name}, {n}"],
        "street_names": [
            name.replace("-", " ")
            for name in _words(
                "Augusta Paulista das-Flores XV-de-Novembro Oscar-Freire Consolação Ipiranga São-João Brasil "
                "Atlântica Rio-Branco Tiradentes"
            )
        ],
        "legal": ["Ltda", "S.A.", "ME", "EIRELI"],
        "words": _words("Aurora Horizonte Palmeira Cachoeira Litoral Ipê Jequitibá Serra Pantanal Cerrado"),
        "free": ["gmail.com", "uol.com.br", "bol.com.br", "hotmail.com"],
    },
}


# Nicknames and transliterations the issue names, as people write them (a record uses one, its
# duplicate the other).
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Margaret": "Peggy",
    "Richard": "Dick",
    "James": "Jim",
    "Katherine": "Kate",
    "Michael": "Mike",
    "Thomas": "Tom",
    "Anthony": "Tony",
    "Edward": "Ted",
    "Susan": "Sue",
    "Jennifer": "Jenny",
    "David": "Dave",
    "Daniel": "Dan",
    "Joseph": "Joe",
    "Christopher": "Chris",
    "Alexander": "Alex",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Matthew": "Matt",
    "Nicholas": "Nick",
    "Stephen": "Steve",
    "Andrew": "Andy",
    "Gregory": "Greg",
    "Patricia": "Trish",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Abigail": "Abby",
    "Emmanuel": "Manu",
    "Frédéric": "Fred",
    "Sébastien": "Seb",
    "Nicolas": "Nico",
    "Stéphane": "Steph",
    "Catherine": "Cathy",
    "Isabelle": "Isa",
    "Valérie": "Val",
    "Florence": "Flo",
    "Francisco": "Paco",
    "José": "Pepe",
    "Ignacio": "Nacho",
    "Dolores": "Lola",
    "Concepción": "Concha",
    "Guadalupe": "Lupe",
    "Manuel": "Manolo",
    "Enrique": "Quique",
    "Rafael": "Rafa",
    "Jesús": "Chus",
    "Antonio": "Toni",
    "Rosario": "Charo",
    "Pilar": "Pili",
    "Mercedes": "Merche",
    "Alejandro": "Alex",
    "Roberto": "Beto",
    "Eduardo": "Edu",
    "Fernando": "Nando",
    "Santiago": "Santi",
    "Katarzyna": "Kasia",
    "Barbara": "Basia",
    "Małgorzata": "Gosia",
    "Tomasz": "Tomek",
    "Jakub": "Kuba",
    "Jerzy": "Jurek",
    "Stanisław": "Staszek",
    "Wojciech": "Wojtek",
    "Anna": "Ania",
    "Joanna": "Asia",
    "Magdalena": "Magda",
    "Aleksandra": "Ola",
    "Piotr": "Piotrek",
    "Krzysztof": "Krzysiek",
    "Zofia": "Zosia",
    "Bartłomiej": "Bartek",
    "Grzegorz": "Grzesiek",
    "Johannes": "Hans",
    "Josef": "Sepp",
    "Friedrich": "Fritz",
    "Ulrich": "Uli",
    "Wolfgang": "Wolfi",
    "Stefanie": "Steffi",
    "Andreas": "Andi",
    "Susanne": "Susi",
    "Gabriele": "Gabi",
    "Wilhelm": "Willi",
    "Heinrich": "Heinz",
    "Franziska": "Franzi",
    "António": "Tonho",
    "Augusto": "Guto",
    "Beatriz": "Bia",
    "Agus": "Agustinus",
    "Rizky": "Rizki",
    "Putri": "Putry",
    "Muhammad": "Muhamad",
    "Ahmad": "Achmad",
    "Yusuf": "Yusup",
}
TRANSLITERATIONS = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohammad"],
    "Ahmed": ["Ahmad"],
    "Hussein": ["Husain", "Hussain"],
    "Hassan": ["Hasan"],
    "Youssef": ["Yusuf", "Yousef"],
    "Khalid": ["Khaled"],
    "Omar": ["Umar"],
    "Fatima": ["Fatimah", "Fatma"],
    "Aisha": ["Aysha", "Ayesha"],
    "Layla": ["Leila", "Laila"],
    "Said": ["Saeed", "Sayed"],
    "Abdullah": ["Abdallah"],
    "Mustafa": ["Mostafa", "Moustafa"],
    "Mahmoud": ["Mahmood", "Mahmud"],
    "Karim": ["Kareem"],
    "Rashid": ["Rachid", "Rasheed"],
    "Tariq": ["Tarek", "Tarik"],
    "Walid": ["Waleed"],
    "Zainab": ["Zeinab"],
    "Jamal": ["Gamal"],
    "Muhammad": ["Mohammad", "Muhamad"],
    "Ahmad": ["Achmad"],
    "Yusuf": ["Yusup"],
}
ROLE_MAILBOXES = ["info", "sales", "contact", "office", "biuro", "kontakt", "ventas", "vendas"]
# Cyrillic letters that look like Latin ones.
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у"}

FILES = {
    "lead": (
        "Lead.csv",
        [
            "Id",
            "FirstName",
            "LastName",
            "Company",
            "Email",
            "Phone",
            "MobilePhone",
            "Street",
            "City",
            "PostalCode",
            "Country",
            "Status",
            "OwnerId",
            "LastActivityDate",
            "IsConverted",
        ],
    ),
    "contact": (
        "Contact.csv",
        [
            "Id",
            "AccountId",
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "MobilePhone",
            "MailingStreet",
            "MailingCity",
            "MailingPostalCode",
            "MailingCountry",
            "Birthdate",
            "OwnerId",
            "LastActivityDate",
        ],
    ),
    "hubspot": (
        "hubspot-contacts.csv",
        [
            "Record ID",
            "First Name",
            "Last Name",
            "Company Name",
            "Email",
            "Phone Number",
            "Mobile Phone Number",
            "Street Address",
            "City",
            "Postal Code",
            "Country/Region",
            "Date of birth",
            "Lifecycle Stage",
            "Contact owner",
            "Last Activity Date",
        ],
    ),
}


@dataclass
class Person:
    """One real (fictional) person: what any of their records may say."""

    pid: int
    lang: str
    first: str
    last: str
    company: str
    domain: str
    email: str
    personal_email: str
    phone: str  # E.164
    mobile: str
    city: str
    postcode: str
    street: str
    country: str
    region: str
    birth: dt.date
    owner: str
    switchboard: str


@dataclass
class Record:
    """One row of an export."""

    pid: int
    object: str  # lead, contact or hubspot
    first: str
    last: str
    company: str
    email: str
    phone: str
    mobile: str
    street: str
    city: str
    postcode: str
    country: str
    birth: str
    owner: str
    record_id: str = ""


@dataclass
class Truth:
    # (variant, record id, record id): two records of one person.
    planted: list[tuple[str, str, str]] = field(default_factory=list)
    # (near-miss kind, record id, record id): two records of two people.
    near_misses: list[tuple[str, str, str]] = field(default_factory=list)
    person_of: dict[str, int] = field(default_factory=dict)


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss"))
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch in ".-")).lower()


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.companies: dict[str, list[tuple[str, str, str]]] = {}
        self.people: list[Person] = []
        self.records: list[Record] = []
        self.truth = Truth()
        self.mailboxes: set[str] = set()
        self.first_records: dict[int, Record] = {}

    def pick(self, values: list) -> object:
        return values[int(self.rng.integers(len(values)))]

    def number(self, region: str, kind: phonenumbers.PhoneNumberType) -> str:
        """A valid number of the region: the example number with its last digits drawn."""
        example = phonenumbers.format_number(
            phonenumbers.example_number_for_type(region, kind), phonenumbers.PhoneNumberFormat.E164
        )
        while True:
            digits = "".join(str(d) for d in self.rng.integers(0, 10, 5))
            candidate = example[:-5] + digits
            parsed = phonenumbers.parse(candidate)
            if phonenumbers.is_valid_number(parsed):
                return candidate

    def company_for(self, lang: str) -> tuple[str, str, str]:
        """Companies are shared by about eight people each, with one switchboard number."""
        pool = self.companies.setdefault(lang, [])
        if pool and self.rng.random() < 0.88:
            return pool[int(self.rng.integers(len(pool)))]
        spec = LANGUAGES[lang]
        words = f"{self.pick(spec['words'])} {self.pick(spec['words'])}"
        if self.rng.random() < 0.25:
            words = f"{self.pick(spec['last'])} & {self.pick(spec['last'])}"
        legal = str(self.pick(spec["legal"]))
        name = (
            f"PT {words} {legal}"
            if legal == "Tbk"
            else f"{words} {legal}"
            if legal != "PT"
            else f"PT {words}"
        )
        domain = f"{ascii_slug(words.replace(' & ', '-').replace(' ', ''))}{len(pool)}.{spec['tld']}"
        entry = (name, domain, self.number(spec["region"], phonenumbers.PhoneNumberType.FIXED_LINE))
        pool.append(entry)
        return entry

    def person(self, lang: str | None = None, **overrides: object) -> Person:
        lang = lang or str(self.pick(list(LANGUAGES)))
        spec = LANGUAGES[lang]
        first, last = str(self.pick(spec["first"])), str(self.pick(spec["last"]))
        company, domain, switchboard = self.company_for(lang)
        city, pattern = self.pick(spec["cities"])
        fields: dict[str, object] = {
            "pid": len(self.people),
            "lang": lang,
            "first": first,
            "last": last,
            "company": company,
            "domain": domain,
            "city": city,
            "postcode": str(pattern).replace("{d}", "{}").format(*self.rng.integers(0, 10, 6)),
            "street": str(self.pick(spec["streets"])).format(
                name=self.pick(spec["street_names"]), n=int(self.rng.integers(1, 300))
            ),
            "country": spec["country"],
            "region": spec["region"],
            "birth": dt.date(1950, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 18000))),
            "owner": f"005{int(self.rng.integers(1, 9)):015d}",
            "switchboard": switchboard,
        }
        fields.update(overrides)
        fields["email"] = self.work_email(str(fields["first"]), str(fields["last"]), str(fields["domain"]))
        free = str(self.pick(spec["free"]))
        fields["personal_email"] = (
            f"{ascii_slug(str(fields['first']))}.{ascii_slug(str(fields['last']))}"
            f"{int(self.rng.integers(1, 99))}@{free}"
        )
        # A third of people answer the switchboard; the others have a direct line.
        fields["phone"] = (
            switchboard
            if self.rng.random() < 0.3
            else self.number(spec["region"], phonenumbers.PhoneNumberType.FIXED_LINE)
        )
        fields["mobile"] = (
            self.number(spec["region"], phonenumbers.PhoneNumberType.MOBILE)
            if self.rng.random() < 0.5
            else ""
        )
        fields.update({key: value for key, value in overrides.items() if key in ("phone", "mobile", "email")})
        person = Person(**fields)  # type: ignore[arg-type]
        self.people.append(person)
        return person

    def work_email(self, first: str, last: str, domain: str) -> str:
        """A work address in one of the usual styles; a mailbox belongs to one person only, so a
        second Anna Nowak at the company gets anna.nowak2@."""
        style = self.rng.random()
        if style < 0.05:
            return f"{self.pick(ROLE_MAILBOXES)}@{domain}"
        if style < 0.6:
            user = f"{ascii_slug(first)}.{ascii_slug(last)}"
        elif style < 0.8:
            user = f"{ascii_slug(first)[:1]}{ascii_slug(last)}"
        else:
            user = ascii_slug(first)
        address, number = f"{user}@{domain}", 1
        while address in self.mailboxes:
            number += 1
            address = f"{user}{number}@{domain}"
        self.mailboxes.add(address)
        return address

    def record(self, person: Person, where: str, **changes: str) -> Record:
        """A record of the person as one of the exports would hold it."""
        record = Record(
            pid=person.pid,
            object=where,
            first=person.first,
            last=person.last,
            company=person.company,
            email=person.email,
            phone=self.written_phone(person.phone, international=True),
            mobile=self.written_phone(person.mobile, international=True),
            street=person.street,
            city=person.city,
            postcode=person.postcode,
            country=person.country,
            owner=person.owner,
            # Not every export or record carries a birth date.
            birth=person.birth.isoformat() if where != "lead" and self.rng.random() < 0.6 else "",
        )
        for key, value in changes.items():
            setattr(record, key, value)
        self.records.append(record)
        self.first_records.setdefault(person.pid, record)
        return record

    @staticmethod
    def written_phone(e164: str, *, international: bool) -> str:
        if not e164:
            return ""
        number = phonenumbers.parse(e164)
        style = (
            phonenumbers.PhoneNumberFormat.INTERNATIONAL
            if international
            else phonenumbers.PhoneNumberFormat.NATIONAL
        )
        return phonenumbers.format_number(number, style)

    def place(self) -> str:
        """Which export a record goes to: Salesforce leads, Salesforce contacts or HubSpot."""
        return str(self.pick(["lead", "contact", "hubspot"]))


# Variants: a function that makes the second record of a person, given the generator, the person
# and where the record goes. Each returns the changes from the person's usual record.
Variant = Callable[[Generator, Person], dict[str, str]]


def _gaps(gen: Generator, changes: dict[str, str], *, keep: tuple[str, ...]) -> dict[str, str]:
    """The usual gaps of a second record: fields its creator did not fill (never those in `keep`)."""
    for name, chance in (
        ("phone", 0.4),
        ("mobile", 0.6),
        ("company", 0.2),
        ("street", 0.5),
        ("postcode", 0.4),
    ):
        if name not in keep and name not in changes and gen.rng.random() < chance:
            changes[name] = ""
    return changes


def _other_contact(gen: Generator, person: Person, changes: dict[str, str]) -> dict[str, str]:
    """Name variants are tested without an exact email doing the work: the second record has the
    person's personal address or none, and keeps what a second record usually shares: the company
    and postcode, and the phone more often than not."""
    changes["email"] = person.personal_email if gen.rng.random() < 0.5 else ""
    return _gaps(
        gen,
        changes,
        keep=("company", "postcode", "phone") if gen.rng.random() < 0.6 else ("company", "postcode"),
    )


def _typo(gen: Generator, word: str) -> str:
    letters = list(word)
    position = int(gen.rng.integers(1, len(letters)))
    kind = gen.rng.random()
    if kind < 0.4:
        letters[position] = "qwertyuiopasdfghjklzxcvbnm"[int(gen.rng.integers(26))]
    elif kind < 0.7:
        letters.insert(position, letters[position - 1])
    else:
        del letters[position]
    return "".join(letters)


def email_case(gen: Generator, person: Person) -> dict[str, str]:
    upper = person.email.upper() if gen.rng.random() < 0.5 else person.email.title()
    return _gaps(gen, {"email": f"  {upper} ", "phone": "", "mobile": ""}, keep=("email",))


def email_lookalike(gen: Generator, person: Person) -> dict[str, str]:
    user, domain = person.email.split("@")
    swappable = [i for i, ch in enumerate(user) if ch in LOOKALIKES]
    if swappable:
        i = swappable[int(gen.rng.integers(len(swappable)))]
        user = user[:i] + LOOKALIKES[user[i]] + user[i + 1 :]
    else:
        user = user + "\u200b"
    return _gaps(gen, {"email": f"{user}@{domain}", "phone": "", "mobile": ""}, keep=("email",))


def gmail_dots(gen: Generator, person: Person) -> dict[str, str]:
    user = f"{ascii_slug(person.first)}.{ascii_slug(person.last)}{person.pid}"
    person.email = f"{user}@gmail.com"
    domain = "googlemail.com" if gen.rng.random() < 0.3 else "gmail.com"
    return _gaps(
        gen, {"email": f"{user.replace('.', '')}@{domain}", "phone": "", "mobile": ""}, keep=("email",)
    )


def plus_tag(gen: Generator, person: Person) -> dict[str, str]:
    provider = "gmail.com" if gen.rng.random() < 0.5 else "outlook.com"
    user = f"{ascii_slug(person.first)}.{ascii_slug(person.last)}{person.pid}"
    person.email = f"{user}@{provider}"
    tag = str(gen.pick(["crm", "newsletter", "webinar", "shop"]))
    return _gaps(gen, {"email": f"{user}+{tag}@{provider}", "phone": "", "mobile": ""}, keep=("email",))


def phone_format(gen: Generator, person: Person) -> dict[str, str]:
    if person.phone == "" or person.phone in {
        entry[2] for entries in gen.companies.values() for entry in entries
    }:
        person.phone = gen.number(person.region, phonenumbers.PhoneNumberType.FIXED_LINE)
    national = gen.written_phone(person.phone, international=False)
    written = national if gen.rng.random() < 0.5 else person.phone.replace("+", "00")
    return _gaps(gen, {"phone": written, "email": ""}, keep=("phone", "company"))


def name_typo(gen: Generator, person: Person) -> dict[str, str]:
    part = "last" if gen.rng.random() < 0.6 else "first"
    return _other_contact(gen, person, {part: _typo(gen, getattr(person, part))})


def name_transposition(gen: Generator, person: Person) -> dict[str, str]:
    part = "last" if gen.rng.random() < 0.6 else "first"
    word = getattr(person, part)
    i = int(gen.rng.integers(1, len(word) - 1))
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return _other_contact(gen, person, {part: swapped})


def name_swapped(gen: Generator, person: Person) -> dict[str, str]:
    return _other_contact(gen, person, {"first": person.last, "last": person.first})


def name_initial(gen: Generator, person: Person) -> dict[str, str]:
    return _other_contact(gen, person, {"first": person.first[0] + "."})


def nickname(gen: Generator, person: Person) -> dict[str, str]:
    formal = str(gen.pick(sorted(NICKNAMES)))
    person.first = formal
    person.email = gen.work_email(formal, person.last, person.domain)
    return _other_contact(gen, person, {"first": NICKNAMES[formal]})


def diacritics(gen: Generator, person: Person) -> dict[str, str]:
    def strip(text: str) -> str:
        text = text.replace("ł", "l").replace("Ł", "L")
        return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))

    if strip(person.first + person.last) == person.first + person.last:
        person.last = str(
            gen.pick(["Wiśniewski", "Müller", "Fernández", "Lefèvre", "Gonçalves", "Dąbrowska"])
        )
    return _other_contact(gen, person, {"first": strip(person.first), "last": strip(person.last).upper()})


def transliteration(gen: Generator, person: Person) -> dict[str, str]:
    written = str(gen.pick(sorted(TRANSLITERATIONS)))
    person.first = written
    person.email = gen.work_email(written, person.last, person.domain)
    return _other_contact(gen, person, {"first": str(gen.pick(TRANSLITERATIONS[written]))})


def company_legal_form(gen: Generator, person: Person) -> dict[str, str]:
    spec = LANGUAGES[person.lang]
    bare = person.company
    for form in sorted(spec["legal"], key=len, reverse=True):  # type: ignore[arg-type]
        bare = bare.replace(f" {form}", "")
    bare = bare.removeprefix("PT ")
    written = bare.upper() if gen.rng.random() < 0.5 else f"{bare}, {gen.pick(spec['legal'])}"
    changes = {"company": written, "email": "", "phone": "", "mobile": ""}
    return _gaps(gen, changes, keep=("company", "street", "postcode"))


def company_ampersand(gen: Generator, person: Person) -> dict[str, str]:
    spec = LANGUAGES[person.lang]
    person.company = f"{gen.pick(spec['last'])} & {gen.pick(spec['last'])} {gen.pick(spec['legal'])}"
    changes = {"company": person.company.replace(" & ", " and "), "email": "", "phone": "", "mobile": ""}
    return _gaps(gen, changes, keep=("company", "street", "postcode"))


def address_birth_date(gen: Generator, person: Person) -> dict[str, str]:
    street = (
        person.street.replace("ul. ", "")
        .replace("Calle ", "C/ ")
        .replace("Street", "St")
        .replace("Road", "Rd")
    )
    return {
        "street": street.upper(),
        "email": "",
        "phone": "",
        "mobile": "",
        "company": "",
        "birth": person.birth.isoformat(),
    }


VARIANTS: dict[str, Variant] = {
    "email: case and spaces": email_case,
    "email: look-alike letters": email_lookalike,
    "email: Gmail dots and googlemail": gmail_dots,
    "email: +tags": plus_tag,
    "phone: national vs international": phone_format,
    "name: typo": name_typo,
    "name: transposed letters": name_transposition,
    "name: first and last swapped": name_swapped,
    "name: initial": name_initial,
    "name: nickname": nickname,
    "name: diacritics and case": diacritics,
    "name: transliteration": transliteration,
    "company: legal form": company_legal_form,
    "company: & and and": company_ampersand,
    "address and birth date": address_birth_date,
}


def generate(folder: Path, *, people: int, per_variant: int, seed: int) -> Truth:
    """Write the three exports into `folder`; return what is true about them."""
    gen = Generator(seed)
    for _ in range(people):
        gen.record(gen.person(), gen.place())
    # Second records, one variant each, for people who have one record so far.
    chosen = gen.rng.permutation(people)[: per_variant * len(VARIANTS)]
    for index, (name, variant) in enumerate(VARIANTS.items()):
        for pid in chosen[index * per_variant : (index + 1) * per_variant]:
            person = gen.people[int(pid)]
            first = _first_record(gen, person)
            before = (person.first, person.last, person.email, person.phone, person.company)
            changes = variant(gen, person)
            # Variants that set the person's usual values rewrite the first record to match (the
            # diacritics variant gives a name without accents one with them: both records carry it).
            if (person.first, person.last, person.email, person.phone, person.company) != before:
                first.first, first.last = person.first, person.last
                first.email, first.company = person.email, person.company
                first.phone = gen.written_phone(person.phone, international=True)
            where = gen.place()
            if name == "address and birth date":
                # Both records in exports that carry a birth date: Salesforce contacts, HubSpot.
                first.object, where = (
                    str(gen.pick(["contact", "hubspot"])),
                    str(gen.pick(["contact", "hubspot"])),
                )
                first.birth = person.birth.isoformat()
            second = gen.record(person, where, **changes)
            gen.truth.planted.append((name, id(first), id(second)))  # ids resolved when written
    _near_misses(gen, people // 20)
    _write(gen, folder)
    return gen.truth


def _near_misses(gen: Generator, count: int) -> None:
    """Pairs of different people that look alike in one way or another. Each person is the base of
    one near miss at most, so that near misses do not chain into look-alike households."""
    bases = iter(gen.rng.permutation(len(gen.people)).tolist())

    def base() -> Person:
        return gen.people[next(bases)]

    for _ in range(count):
        # Namesakes: same first and last name, another company and city.
        person = base()
        twin = gen.person(person.lang, first=person.first, last=person.last)
        while twin.company == person.company or twin.city == person.city:
            gen.people.pop()
            twin = gen.person(person.lang, first=person.first, last=person.last)
        gen.truth.near_misses.append(
            ("namesake", id(_first_record(gen, person)), id(gen.record(twin, gen.place())))
        )
        # Spouses: same last name, street, city, postcode and home phone; a given name of their own
        # (not a form of the other's) and their own email.
        person = base()
        names = LANGUAGES[person.lang]["first"]
        related = {person.first, NICKNAMES.get(person.first, ""), *TRANSLITERATIONS.get(person.first, [])}
        others = [name for name in names if name not in related and name[:1] != person.first[:1]]  # type: ignore[union-attr]
        spouse = gen.person(
            person.lang,
            first=str(gen.pick(others)),
            last=person.last,
            city=person.city,
            postcode=person.postcode,
            street=person.street,
            phone=person.phone,
        )
        gen.truth.near_misses.append(
            ("spouse", id(_first_record(gen, person)), id(gen.record(spouse, gen.place())))
        )
        # Colleagues: same company, switchboard and email domain; another name.
        person = base()
        colleague = gen.person(
            person.lang,
            company=person.company,
            domain=person.domain,
            phone=person.switchboard,
            city=person.city,
        )
        record = _first_record(gen, person)
        record.phone = gen.written_phone(person.switchboard, international=True)
        gen.truth.near_misses.append(
            ("colleague on the switchboard", id(record), id(gen.record(colleague, gen.place())))
        )
        # Colleagues sharing a role mailbox and a first name.
        person = base()
        mailbox = f"{gen.pick(ROLE_MAILBOXES)}@{person.domain}"
        colleague = gen.person(
            person.lang, first=person.first, company=person.company, domain=person.domain, email=mailbox
        )
        record = _first_record(gen, person)
        record.email = mailbox
        gen.truth.near_misses.append(
            (
                "colleague with the same first name and role mailbox",
                id(record),
                id(gen.record(colleague, gen.place())),
            )
        )
        # Colleagues at one office (issue #12): same company, mail domain, street, city and
        # postcode, direct lines one digit apart; each their own name, mailbox and birth date, in
        # the exports that carry birth dates.
        person = base()
        direct = gen.number(person.region, phonenumbers.PhoneNumberType.FIXED_LINE)
        office = gen.person(
            person.lang,
            company=person.company,
            domain=person.domain,
            street=person.street,
            city=person.city,
            postcode=person.postcode,
            phone=direct,
        )
        colleague = gen.person(
            person.lang,
            company=person.company,
            domain=person.domain,
            street=person.street,
            city=person.city,
            postcode=person.postcode,
            phone=_next_line(direct),
        )
        gen.truth.near_misses.append(
            (
                "colleagues at one office",
                id(gen.record(office, str(gen.pick(["contact", "hubspot"])), birth=office.birth.isoformat())),
                id(
                    gen.record(
                        colleague, str(gen.pick(["contact", "hubspot"])), birth=colleague.birth.isoformat()
                    )
                ),
            )
        )


def _next_line(e164: str) -> str:
    """The direct line after this one (its last digit one up, or down where that is not a number)."""
    for step in (1, -1):
        candidate = e164[:-1] + str((int(e164[-1]) + step) % 10)
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    return e164[:-1] + str((int(e164[-1]) + 1) % 10)


def _first_record(gen: Generator, person: Person) -> Record:
    return gen.first_records[person.pid]


def _write(gen: Generator, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    order = gen.rng.permutation(len(gen.records))
    counters = {"lead": 0, "contact": 0, "hubspot": 0}
    rows: dict[str, list[list[str]]] = {key: [] for key in FILES}
    record_id: dict[int, str] = {}
    statuses = ["Open - Not Contacted", "Working - Contacted"]
    for position in order:
        record = gen.records[int(position)]
        counters[record.object] += 1
        number = counters[record.object]
        activity = (AS_OF - dt.timedelta(days=int(gen.rng.integers(1, 700)))).isoformat()
        if record.object == "lead":
            rid = f"00Q5g{number:013d}"
            rows["lead"].append(
                [
                    rid,
                    record.first,
                    record.last,
                    record.company,
                    record.email,
                    record.phone,
                    record.mobile,
                    record.street,
                    record.city,
                    record.postcode,
                    record.country,
                    str(gen.pick(statuses)),
                    record.owner,
                    activity,
                    "false",
                ]
            )
        elif record.object == "contact":
            rid = f"0035g{number:013d}"
            birth = record.birth
            rows["contact"].append(
                [
                    rid,
                    f"0015g{number % 997:013d}",
                    record.first,
                    record.last,
                    record.email,
                    record.phone,
                    record.mobile,
                    record.street,
                    record.city,
                    record.postcode,
                    record.country,
                    birth,
                    record.owner,
                    activity,
                ]
            )
        else:
            rid = f"{50000 + number}"
            # This HubSpot portal exports dates the way its (European) users read them.
            birth = dt.date.fromisoformat(record.birth).strftime("%d/%m/%Y") if record.birth else ""
            rows["hubspot"].append(
                [
                    rid,
                    record.first,
                    record.last,
                    record.company,
                    record.email,
                    record.phone,
                    record.mobile,
                    record.street,
                    record.city,
                    record.postcode,
                    record.country,
                    birth,
                    str(gen.pick(["Lead", "Subscriber", "Customer", "Opportunity"])),
                    record.owner,
                    activity,
                ]
            )
        record.record_id = rid
        record_id[id(record)] = rid
        gen.truth.person_of[rid] = record.pid
    for key, (name, header) in FILES.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows[key])
    gen.truth.planted = [(variant, record_id[a], record_id[b]) for variant, a, b in gen.truth.planted]  # type: ignore[index]
    gen.truth.near_misses = [(kind, record_id[a], record_id[b]) for kind, a, b in gen.truth.near_misses]  # type: ignore[index]


@dataclass
class Scores:
    rows: list[dict[str, object]]
    precision: float
    recall: float
    pairs_completeness: float
    candidates_per_record: float
    seconds: float


def evaluate(folder: Path, truth: Truth) -> Scores:
    """Audit the exports zero-config and score the clusters against the truth."""
    paths = [folder / name for name, _ in FILES.values()]
    start = time.perf_counter()
    result = auditor.audit(paths, Config(as_of=AS_OF))
    seconds = time.perf_counter() - start
    ids = result.records["source_id"].astype(str).to_numpy(dtype=object)
    cluster = result.matches.cluster
    found: set[tuple[str, str]] = set()
    frame = pd.DataFrame({"id": ids, "cluster": cluster})
    for _, group in frame[frame["cluster"] >= 0].groupby("cluster")["id"]:
        found.update(combinations(sorted(group), 2))
    same = {rid: truth.person_of[rid] for rid in ids}
    true_found = {pair for pair in found if same[pair[0]] == same[pair[1]]}
    # Every pair of records of one person is a true pair (variants only add records).
    everyone: dict[int, list[str]] = {}
    for rid in ids:
        everyone.setdefault(same[rid], []).append(rid)
    truth_pairs = {pair for rids in everyone.values() for pair in combinations(sorted(rids), 2)}
    rows: list[dict[str, object]] = []
    by_variant: dict[str, list[tuple[str, str]]] = {}
    for variant, a, b in truth.planted:
        by_variant.setdefault(variant, []).append(tuple(sorted((a, b))))  # type: ignore[arg-type]
    touching: dict[str, set[str]] = {
        variant: {rid for pair in pairs for rid in pair} for variant, pairs in by_variant.items()
    }
    for variant, pairs in by_variant.items():
        hits = sum(pair in found for pair in pairs)
        reported = [pair for pair in found if pair[0] in touching[variant] or pair[1] in touching[variant]]
        correct = sum(pair in true_found for pair in reported)
        rows.append(
            {
                "variant": variant,
                "planted": len(pairs),
                "recall": hits / len(pairs),
                "precision": correct / max(len(reported), 1),
            }
        )
    # Where the second record went: same export, other Salesforce object, other platform.
    platform_of = dict(zip(ids, result.records["platform"].to_numpy(dtype=object), strict=True))
    object_of = dict(zip(ids, result.records["object"].to_numpy(dtype=object), strict=True))
    file_of = dict(zip(ids, result.records["source_file"].to_numpy(dtype=object), strict=True))
    placements: dict[str, list[tuple[str, str]]] = {}
    for _, a, b in truth.planted:
        pair = tuple(sorted((a, b)))
        if file_of[a] == file_of[b]:
            kind = "where: same file"
        elif platform_of[a] != platform_of[b]:
            kind = "where: across platforms (Salesforce - HubSpot)"
        else:
            kind = (
                "where: across objects (lead - contact)"
                if object_of[a] != object_of[b]
                else "where: across files"
            )
        placements.setdefault(kind, []).append(pair)  # type: ignore[arg-type]
    for kind, pairs in sorted(placements.items()):
        members = {rid for pair in pairs for rid in pair}
        reported = [pair for pair in found if pair[0] in members or pair[1] in members]
        rows.append(
            {
                "variant": kind,
                "planted": len(pairs),
                "recall": sum(pair in found for pair in pairs) / len(pairs),
                "precision": sum(pair in true_found for pair in reported) / max(len(reported), 1),
            }
        )
    misses: dict[str, list[bool]] = {}
    for kind, a, b in truth.near_misses:
        misses.setdefault(kind, []).append(tuple(sorted((a, b))) in found)
    for kind, joined in misses.items():
        rows.append(
            {
                "variant": f"near miss: {kind}",
                "planted": len(joined),
                "wrongly joined": sum(joined) / len(joined),
            }
        )
    completeness, per_record = _blocking(result, truth_pairs, ids)
    precision = len(true_found) / max(len(found), 1)
    recall = len(true_found) / max(len(truth_pairs), 1)
    return Scores(rows, precision, recall, completeness, per_record, seconds)


def _blocking(
    result: auditor.AuditResult, truth_pairs: set[tuple[str, str]], ids: np.ndarray
) -> tuple[float, float]:
    from auditor.matching.blocking import candidate_pairs
    from auditor.matching.features import build_features
    from auditor.matching.settings import default_settings

    settings = default_settings()
    features = build_features(result.records)
    candidates = candidate_pairs(
        features,
        settings.rules,
        max_block_size=settings.max_block_size,
        max_pairs_per_record=settings.max_pairs_per_record,
    )
    people = ids[features.positions]
    blocked = {
        tuple(sorted((people[a], people[b]))) for a, b in zip(candidates.left, candidates.right, strict=True)
    }
    return len(blocked & truth_pairs) / max(len(truth_pairs), 1), len(candidates) / max(len(features), 1)


def report(scores: Scores) -> str:
    lines = [f"{'variant':58s} {'planted':>7s} {'recall':>7s} {'precision':>9s}"]
    for row in scores.rows:
        if "wrongly joined" in row:
            lines.append(
                f"{row['variant']:58s} {row['planted']:7d} {'':7s} {'':9s} wrongly joined {row['wrongly joined']:.3f}"
            )
        else:
            lines.append(
                f"{row['variant']:58s} {row['planted']:7d} {row['recall']:7.3f} {row['precision']:9.3f}"
            )
    lines.append(
        f"all pairs: precision {scores.precision:.4f}, recall {scores.recall:.4f}; pairs completeness "
        f"{scores.pairs_completeness:.4f}; candidate pairs per record {scores.candidates_per_record:.2f}; "
        f"audit {scores.seconds:.1f} s"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--per-variant", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the exports here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        truth = generate(folder, people=args.people, per_variant=args.per_variant, seed=args.seed)
        print(report(evaluate(folder, truth)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
