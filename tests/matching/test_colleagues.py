"""Colleagues at one office are two people (issue #12): a shared company, street, city, postcode and
state is one piece of evidence about the employer, and only what belongs to a person (given name,
personal email, personal phone, birth date) can make two records one person.

Small exports (a handful of records: the priors of rules/matching.toml decide) and a seeded office
population of a few thousand records (EM learns the weights) are audited through `auditor.audit`.
"""

from __future__ import annotations

import csv
import datetime as dt
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import auditor
from auditor.config import Config
from auditor.matching.comparisons import PairView, evaluate_all
from auditor.matching.estimating import Model
from auditor.matching.features import Feature, Features
from auditor.matching.settings import default_settings
from tests.conftest import AS_OF, findings_of

CONTACT_HEADER = [
    "Id",
    "AccountId",
    "FirstName",
    "LastName",
    "Account.Name",
    "Email",
    "Phone",
    "MobilePhone",
    "MailingStreet",
    "MailingCity",
    "MailingPostalCode",
    "MailingState",
    "MailingCountry",
    "Birthdate",
]
HUBSPOT_HEADER = [
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
    "State/Region",
    "Country/Region",
    "Date of birth",
    "Lifecycle Stage",
]


@dataclass(frozen=True)
class Office:
    company: str
    domain: str
    street: str
    city: str
    postcode: str
    state: str
    country: str


ACME = Office(
    "ACME Sp. z o.o.", "acme.pl", "ul. Marszałkowska 10", "Warszawa", "00-590", "mazowieckie", "Poland"
)
NORTHWIND = Office(
    "Northwind Ltd",
    "northwind.co.uk",
    "12 High Street",
    "Leeds",
    "LS1 4AB",
    "West Yorkshire",
    "United Kingdom",
)


@dataclass(frozen=True)
class Someone:
    """One record of a person: who they are and where they work."""

    first: str
    last: str
    email: str
    phone: str = ""
    mobile: str = ""
    birth: str = ""
    office: Office | None = None


# Different people elsewhere, so that a small file still has a population.
OTHERS = [
    Someone("Marie", "Dubois", "marie.dubois@azur.fr", "+33 1 42 00 00 01", birth="1971-02-11",
            office=Office("Azur SAS", "azur.fr", "3 rue Pasteur", "Paris", "75001", "", "France")),
    Someone("Lucía", "García", "lucia@solera.es", "+34 910 000 001",
            office=Office("Solera S.L.", "solera.es", "Calle Mayor 3", "Madrid", "28013", "Madrid", "Spain")),
    Someone("Lukas", "Becker", "lukas.becker@alpenblick.de", "+49 30 1234 001", birth="1983-07-19",
            office=Office("Alpenblick GmbH", "alpenblick.de", "Hauptstraße 5", "Berlin", "10115", "Berlin", "Germany")),
]  # fmt: skip


def contact_rows(people: list[Someone], first_id: int = 1) -> list[list[str]]:
    rows = [CONTACT_HEADER]
    for number, person in enumerate(people, start=first_id):
        office = person.office or Office("", "", "", "", "", "", "")
        rows.append(
            [
                f"0035g{number:013d}",
                f"0015g{zlib.crc32(office.company.encode()):013d}",
                person.first,
                person.last,
                office.company,
                person.email,
                person.phone,
                person.mobile,
                office.street,
                office.city,
                office.postcode,
                office.state,
                office.country,
                person.birth,
            ]
        )
    return rows


def hubspot_rows(people: list[Someone], first_id: int = 1) -> list[list[str]]:
    rows = [HUBSPOT_HEADER]
    for number, person in enumerate(people, start=first_id):
        office = person.office or Office("", "", "", "", "", "", "")
        birth = dt.date.fromisoformat(person.birth).strftime("%d/%m/%Y") if person.birth else ""
        rows.append(
            [
                str(70000 + number),
                person.first,
                person.last,
                office.company,
                person.email,
                person.phone,
                person.mobile,
                office.street,
                office.city,
                office.postcode,
                office.state,
                office.country,
                birth,
                "Customer",
            ]
        )
    return rows


@pytest.fixture
def audit_people(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> Callable[..., auditor.AuditResult]:
    """audit_people(salesforce=[...], hubspot=[...]): the people as a Salesforce Contact export and a
    HubSpot contacts export, audited together."""

    def run(salesforce: list[Someone] = (), hubspot: list[Someone] = ()) -> auditor.AuditResult:  # type: ignore[assignment]
        paths = []
        if salesforce:
            paths.append(write_csv("Contact.csv", contact_rows(list(salesforce))))
        if hubspot:
            paths.append(write_csv("hubspot-contacts.csv", hubspot_rows(list(hubspot))))
        return run_audit(paths)

    return run


def _clustered(result: auditor.AuditResult) -> list[tuple[str, ...]]:
    records = result.records
    clustered = records[records["duplicate_cluster"] != ""]
    return [tuple(group["source_id"]) for _, group in clustered.groupby("duplicate_cluster")]


# Colleagues -----------------------------------------------------------------------------------------

# Four people at ACME's Warsaw office: other last names, their own mailboxes at acme.pl, direct lines
# next to each other (one digit apart) and birth dates of their own. Anja's given name and mailbox
# are one letter from Anna's.
ANNA = Someone("Anna", "Nowak", "anna.nowak@acme.pl", "+48 22 123 45 67", birth="1980-03-14", office=ACME)
ANJA = Someone(
    "Anja", "Kowalska", "anja.kowalska@acme.pl", "+48 22 123 45 68", birth="1975-11-02", office=ACME
)
EWA = Someone("Ewa", "Lis", "ewa.lis@acme.pl", "+48 22 123 45 69", birth="1990-06-30", office=ACME)
JAN = Someone(
    "Jan", "Wiśniewski", "jan.wisniewski@acme.pl", "+48 22 123 45 57", birth="1968-01-20", office=ACME
)


def _without_birth(person: Someone) -> Someone:
    return replace(person, birth="")


def _colleague_cases() -> Iterator[object]:
    for birth in (True, False):
        people = [ANNA, ANJA, EWA, JAN] if birth else [_without_birth(p) for p in (ANNA, ANJA, EWA, JAN)]
        suffix = "with birth dates" if birth else "without birth dates"
        yield pytest.param(people[:2], id=f"two colleagues, {suffix}")
        yield pytest.param(people, id=f"four colleagues, {suffix}")
        # The same given name: Jan Nowak and Jan Wiśniewski.
        yield pytest.param([replace(people[0], first="Jan"), people[3]], id=f"same given name, {suffix}")


@pytest.mark.parametrize("people", list(_colleague_cases()))
def test_colleagues_at_one_office_are_not_one_person(
    audit_people: Callable[..., auditor.AuditResult], people: list[Someone]
) -> None:
    result = audit_people(salesforce=[*people, *OTHERS])
    assert _clustered(result) == []
    # Not even a pair to review: nothing personal agrees.
    assert findings_of(result, "DU001") == []


@pytest.mark.parametrize("birth", [True, False], ids=["with birth dates", "without birth dates"])
def test_colleagues_across_platforms_are_not_one_person(
    audit_people: Callable[..., auditor.AuditResult], birth: bool
) -> None:
    anna, anja = (ANNA, ANJA) if birth else (_without_birth(ANNA), _without_birth(ANJA))
    result = audit_people(salesforce=[anna, *OTHERS[:1]], hubspot=[anja, *OTHERS[1:]])
    assert _clustered(result) == []
    assert findings_of(result, "DU001") == []


def test_a_last_name_and_a_workplace_are_not_a_person(
    audit_people: Callable[..., auditor.AuditResult],
) -> None:
    # Two Kowalskis at ACME with nothing of their own to compare: a family business or one person,
    # nobody can tell. Never a match on place, company and family name alone.
    kowalski = Someone("", "Kowalski", "", office=ACME)
    result = audit_people(salesforce=[kowalski, kowalski, *OTHERS])
    assert _clustered(result) == []
    assert findings_of(result, "DU001") == []


def test_the_issue_pair_is_explained_as_one_workplace(
    audit_people: Callable[..., auditor.AuditResult],
) -> None:
    # The reported export, made a duplicate on purpose by a shared mobile: the workplace fields show
    # their own weights, but count once.
    anna = Someone("Anna", "Nowak", "anna.nowak@acme.pl", "+48 22 123 45 67", "+48 601 234 567", office=ACME)
    again = Someone("Anna", "Nowak", "", "", "+48 601 234 567", office=ACME)
    result = audit_people(salesforce=[anna, again, *OTHERS])
    [finding] = findings_of(result, "DU001")
    fields = {entry.field: entry for entry in finding.evidence.pairs[0].fields}
    workplace = [fields[name] for name in ("company", "street", "city", "postcode", "state")]
    assert all(entry.weight > 0 for entry in workplace)
    counted = sorted(entry.counted for entry in workplace)
    assert counted[:-1] == [0.0] * 4 and counted[-1] == max(entry.weight for entry in workplace)


# Phones one digit apart -----------------------------------------------------------------------------


def test_phones_one_digit_apart_are_not_agreement() -> None:
    phones = ["+48221234567", "+48221234568", "+48221234567"]
    feature = Feature.from_columns(
        "phone", ("phone", "mobile"), [pd.Series(phones, dtype="str"), pd.Series([""] * 3, dtype="str")]
    )
    feature.shared = np.zeros(feature.size, dtype=bool)
    features = Features(positions=np.arange(3), by_name={"phone": feature})
    [phone] = [comparison for comparison in default_settings().comparisons if comparison.name == "phone"]
    levels, _ = evaluate_all([phone], PairView(features, np.array([0, 0]), np.array([1, 2])))
    one_apart, same = (phone.levels[level] for level in levels[:, 0])
    assert one_apart.neutral or one_apart.test == "else"
    assert same.test == "exact"


def test_a_phone_one_digit_off_adds_nothing_to_a_pair(
    audit_people: Callable[..., auditor.AuditResult],
) -> None:
    robert = Someone("Robert", "Smith", "robert.smith@northwind.co.uk", "+44 113 496 0123", office=NORTHWIND)
    again = Someone("Robert", "Smith", "robert.smith@northwind.co.uk", "+44 113 496 0124", office=NORTHWIND)
    result = audit_people(salesforce=[robert, again, *OTHERS])
    [finding] = findings_of(result, "DU001")
    fields = {entry.field: entry for entry in finding.evidence.pairs[0].fields}
    assert fields["phone"].weight <= 0


# The same person still matches ----------------------------------------------------------------------

KASIA = Someone(
    "Katarzyna", "Wiśniewska", "k.wisniewska@gmail.com", "+48 22 123 45 80", birth="1985-09-09", office=ACME
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            KASIA,
            Someone("Katarzyna", "Wiśniewksa", "k.wisniewska@gmail.com", office=ACME),
            id="typo in the name, same personal email",
        ),
        pytest.param(
            Someone(
                "Jan",
                "Kowalski",
                "jan.kowalski@gmail.com",
                "+48 22 123 45 90",
                birth="1975-05-05",
                office=ACME,
            ),
            Someone(
                "Jan",
                "Kowalski",
                "jan.kowalski@gmail.com",
                "+44 113 496 0500",
                birth="1975-05-05",
                office=NORTHWIND,
            ),
            id="new job: another company and address, same personal email, name and birth date",
        ),
        pytest.param(
            Someone(
                "Robert",
                "Smith",
                "robert.smith@northwind.co.uk",
                "+44 113 496 0123",
                "+44 7700 900123",
                office=NORTHWIND,
            ),
            Someone("Bob", "Smith", "bob.smith77@gmail.com", "", "+44 7700 900123"),
            id="nickname and the same mobile",
        ),
        pytest.param(
            Someone("Jan", "Kowalski", "jan.kowalski@acme.pl", office=ACME),
            Someone("Jan", "Kowalski", "jan.kowalsky@acme.pl", office=ACME),
            id="one typo in the mailbox, same name",
        ),
    ],
)
@pytest.mark.parametrize("platforms", ["salesforce", "across platforms"])
def test_the_same_person_still_matches(
    audit_people: Callable[..., auditor.AuditResult], first: Someone, second: Someone, platforms: str
) -> None:
    if platforms == "salesforce":
        result = audit_people(salesforce=[first, second, ANJA, EWA, *OTHERS])
    else:
        result = audit_people(salesforce=[first, ANJA, *OTHERS[:1]], hubspot=[second, EWA, *OTHERS[1:]])
    assert len(_clustered(result)) == 1
    [finding] = findings_of(result, "DU001")
    assert finding.evidence.confidence in ("sure", "likely")


def test_mailboxes_one_typo_apart_under_other_names_are_two_people(
    audit_people: Callable[..., auditor.AuditResult],
) -> None:
    # anna@ and anja@ at one company are two colleagues, not a typo of one.
    anna = Someone("Anna", "Nowak", "anna@acme.pl", office=ACME)
    anja = Someone("Anja", "Nowak", "anja@acme.pl", office=ACME)
    result = audit_people(salesforce=[anna, anja, EWA, *OTHERS])
    assert _clustered(result) == []


def test_another_birth_date_sends_a_pair_to_review(audit_people: Callable[..., auditor.AuditResult]) -> None:
    # Same name and mailbox, another birth date: a typo beyond one digit, or a father and son. Not
    # merged; shown for review at a lower severity.
    senior = Someone(
        "Jan", "Kowalski", "jan.kowalski@gmail.com", "+48 601 234 567", birth="1950-04-04", office=ACME
    )
    junior = Someone(
        "Jan", "Kowalski", "jan.kowalski@gmail.com", "+48 601 234 567", birth="1979-10-23", office=ACME
    )
    result = audit_people(salesforce=[senior, junior, *OTHERS])
    assert _clustered(result) == []
    [finding] = findings_of(result, "DU001")
    assert finding.evidence.confidence == "review"
    assert finding.severity == "info"
    assert finding.evidence.pairs[0].review.startswith("another birth date")


# A few thousand colleagues: EM runs -----------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FIRST = {
    "pl": _words(
        "Anna Katarzyna Małgorzata Agnieszka Joanna Magdalena Aleksandra Zofia Ewa Barbara Jan Piotr Tomasz "
        "Paweł Michał Krzysztof Jakub Wojciech Marek Bartłomiej Adam Łukasz Grzegorz Andrzej"
    ),
    "en": _words(
        "Robert William Elizabeth Margaret Richard James John Katherine Michael Thomas David Susan Sarah "
        "Emily Jessica Daniel Joseph Laura Helen Peter George Oliver Charlotte Amelia"
    ),
}
LAST = {
    "pl": _words(
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
        "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski "
        "Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski"
    ),
    "en": _words(
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
        "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green "
        "Adams Baker"
    ),
}
NICKNAMES = {
    "Robert": "Bob", "William": "Bill", "Michael": "Mike", "Elizabeth": "Liz", "James": "Jim",
    "Katherine": "Kate", "Thomas": "Tom", "David": "Dave", "Katarzyna": "Kasia", "Tomasz": "Tomek",
    "Małgorzata": "Gosia", "Aleksandra": "Ola", "Anna": "Ania", "Magdalena": "Magda", "Jakub": "Kuba",
    "Wojciech": "Wojtek", "Piotr": "Piotrek", "Joanna": "Asia", "Zofia": "Zosia", "Bartłomiej": "Bartek",
}  # fmt: skip
PLACES = {
    "pl": [("Warszawa", "mazowieckie", "0{d}-{d}{d}{d}", "+48 22"), ("Kraków", "małopolskie", "3{d}-{d}{d}{d}", "+48 12")],
    "en": [("Leeds", "West Yorkshire", "LS{d} {d}AB", "+44 113"), ("Bristol", "Bristol", "BS{d} {d}TQ", "+44 117")],
}  # fmt: skip
STREETS = {"pl": "ul. {name} {n}", "en": "{n} {name} Street"}
STREET_NAMES = {
    "pl": _words("Marszałkowska Długa Polna Ogrodowa Lipowa"),
    "en": _words("High Station Mill Park Church"),
}
WORDS = _words("Orbis Vistula Amber Falcon Granite Harbour Kestrel Lumen Nova Quartz Cedar Summit")
FREE = {"pl": "gmail.com", "en": "outlook.com"}


def _ascii(text: str) -> str:
    import unicodedata

    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii()).lower()


@dataclass
class Population:
    """Offices of colleagues, each person once, some twice (a planted variant); `person[id]` is who a
    record is."""

    salesforce: list[Someone] = field(default_factory=list)
    hubspot: list[Someone] = field(default_factory=list)
    person: dict[str, int] = field(default_factory=dict)
    variant: dict[int, str] = field(default_factory=dict)


def offices_population(seed: int, offices: int = 300) -> Population:
    """About eight colleagues per office: same company, street, city, postcode and state; mailboxes
    at the company's domain; direct lines numbered one after another (neighbours one digit apart);
    birth dates on most HubSpot and Salesforce contacts. A tenth of the people have a second record
    (the variants of `_second_record`), in the same export or the other platform's."""
    rng = np.random.default_rng(seed)
    population = Population()
    records: list[tuple[Someone, int]] = []
    taken: set[str] = set()
    pid = 0
    for number in range(offices):
        lang = "pl" if rng.random() < 0.5 else "en"
        city, state, pattern, prefix = PLACES[lang][int(rng.integers(2))]
        word = str(rng.choice(WORDS))
        office = Office(
            company=f"{word} {number} {'Sp. z o.o.' if lang == 'pl' else 'Ltd'}",
            domain=f"{word.lower()}{number}.{'pl' if lang == 'pl' else 'co.uk'}",
            street=STREETS[lang].format(name=rng.choice(STREET_NAMES[lang]), n=int(rng.integers(1, 200))),
            city=city,
            postcode=pattern.replace("{d}", "{}").format(*rng.integers(0, 10, 4)),
            state=state,
            country="Poland" if lang == "pl" else "United Kingdom",
        )
        # A block of direct lines: 496 01xx, one extension after another.
        base = 4960000 + number * 100
        extensions = iter(
            rng.permutation(np.arange(10, 60))[:16].tolist() if rng.random() < 0.3 else range(10, 60)
        )
        for _ in range(int(rng.integers(2, 15))):
            first, last = str(rng.choice(FIRST[lang])), str(rng.choice(LAST[lang]))
            user = f"{_ascii(first)}.{_ascii(last)}"
            email, suffix = f"{user}@{office.domain}", 1
            while email in taken:
                suffix += 1
                email = f"{user}{suffix}@{office.domain}"
            taken.add(email)
            digits = f"{base + next(extensions):07d}"
            mobile = ""
            if rng.random() < 0.4:
                mobile = (
                    f"+48 6{rng.integers(10, 99)} {rng.integers(100, 999)} {rng.integers(100, 999)}"
                    if lang == "pl"
                    else f"+44 7700 9{rng.integers(10000, 99999)}"
                )
            birth = (dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 18000)))).isoformat()
            person = Someone(first, last, email, f"{prefix} {digits[:3]} {digits[3:]}", mobile, birth, office)
            if rng.random() < 0.1:
                variant, person, second = _second_record(rng, person, lang)
                records.append((second, pid))
                population.variant[pid] = variant
            records.append((person, pid))
            pid += 1
    for index in rng.permutation(len(records)).tolist():
        person, who = records[index]
        # Not every record carries a birth date.
        if rng.random() < 0.3 and population.variant.get(who) not in ("new job", "typo in the name"):
            person = _without_birth(person)
        export = population.salesforce if rng.random() < 0.5 else population.hubspot
        export.append(person)
        number = len(export)
        record_id = f"0035g{number:013d}" if export is population.salesforce else str(70000 + number)
        population.person[record_id] = who
    return population


def _second_record(rng: np.random.Generator, person: Someone, lang: str) -> tuple[str, Someone, Someone]:
    """A variant, the person's first record (rewritten where the variant needs it) and the second."""
    kind = int(rng.integers(4))
    if kind == 0 and person.first in NICKNAMES and person.mobile:
        second = replace(person, first=NICKNAMES[person.first], email="", phone="")
        return "nickname and the same mobile", person, second
    if kind == 1:
        # Two letters swapped in the last name; the person's private address on both records.
        private = f"{_ascii(person.first)}.{_ascii(person.last)}{rng.integers(1, 99)}@{FREE[lang]}"
        last = person.last[:-2] + person.last[-1] + person.last[-2]
        person = replace(person, email=private)
        return "typo in the name", person, replace(person, last=last, phone="", mobile="")
    if kind == 2:
        private = f"{_ascii(person.first)}{_ascii(person.last)}{rng.integers(1, 99)}@{FREE[lang]}"
        person = replace(person, email=private)
        elsewhere = Office(
            "Elsewhere Group", "elsewhere.com", "1 Other Road", "Manchester", "M1 1AA", "", "United Kingdom"
        )
        return "new job", person, replace(person, phone="+44 161 496 0999", mobile="", office=elsewhere)
    capitals = replace(
        person, first=person.first.upper(), last=person.last.upper(), email=person.email.upper(), mobile=""
    )
    return "copy in capitals", person, capitals


@dataclass
class OfficeScores:
    false_pairs: list[tuple[str, str]]
    colleague_pairs: int
    recall: dict[str, float]


@pytest.fixture(scope="module")
def office_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[auditor.AuditResult, Population]:
    population = offices_population(seed=12)
    folder = tmp_path_factory.mktemp("offices")
    for name, rows in (
        ("Contact.csv", contact_rows(population.salesforce)),
        ("hubspot-contacts.csv", hubspot_rows(population.hubspot)),
    ):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    result = auditor.audit([folder / "Contact.csv", folder / "hubspot-contacts.csv"], Config(as_of=AS_OF))
    return result, population


def _score(result: auditor.AuditResult, population: Population) -> OfficeScores:
    records = result.records
    who = records["source_id"].map(population.person).to_numpy()
    company = records["company"].to_numpy(dtype=object)
    found = {
        pair
        for _, group in pd.Series(np.arange(len(records)))[records["duplicate_cluster"] != ""].groupby(
            records["duplicate_cluster"]
        )
        for pair in combinations(group.tolist(), 2)
    }
    false_pairs = [
        (records["source_id"].iat[a], records["source_id"].iat[b]) for a, b in found if who[a] != who[b]
    ]
    colleagues = pd.DataFrame({"who": who, "company": company}).drop_duplicates()
    sizes = colleagues.groupby("company").size()
    by_person: dict[int, list[int]] = {}
    for position, person in enumerate(who.tolist()):
        by_person.setdefault(person, []).append(position)
    recall: dict[str, list[bool]] = {}
    for person, variant in population.variant.items():
        a, b = by_person[person]
        recall.setdefault(variant, []).append((min(a, b), max(a, b)) in found or (a, b) in found)
    return OfficeScores(
        false_pairs=false_pairs,
        colleague_pairs=int((sizes * (sizes - 1) // 2).sum()),
        recall={variant: float(np.mean(hits)) for variant, hits in recall.items()},
    )


def test_no_two_colleagues_of_an_office_population_are_joined(
    office_audit: tuple[auditor.AuditResult, Population],
) -> None:
    result, population = office_audit
    assert len(result.records) > 2000
    assert result.matches is not None and any(
        entry.get("iterations", 0) > 1 for entry in result.matches.model.diagnostics["em"]
    )
    scores = _score(result, population)
    assert scores.colleague_pairs > 5000
    assert scores.false_pairs == []


def test_the_planted_duplicates_of_an_office_population_are_found(
    office_audit: tuple[auditor.AuditResult, Population],
) -> None:
    result, population = office_audit
    scores = _score(result, population)
    assert set(scores.recall) == {
        "nickname and the same mobile",
        "typo in the name",
        "new job",
        "copy in capitals",
    }
    assert all(recall >= 0.95 for recall in scores.recall.values()), scores.recall


# The trained model, for any pattern of levels ----------------------------------------------------------

# The levels at which a comparison says "the same person" (the agreement a match needs).
PERSONAL = {
    "first_name": {"exact", "name_variant", "jaro_winkler >= 0.92", "one typo apart", "initial", "name_part", "sounds_like"},
    "email": {"exact", "one typo apart, same name"},
    "phone": {"exact"},
    "birth_date": {"exact", "date_typo"},
}  # fmt: skip
WORKPLACE = ("company", "street", "city", "postcode", "state")


def _patterns(model: Model) -> st.SearchStrategy[np.ndarray]:
    return st.tuples(*(st.integers(0, len(c.levels) - 1) for c in model.comparisons)).map(
        lambda levels: np.array([levels], dtype=np.int8)
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_without_anything_personal_no_pattern_matches(
    office_audit: tuple[auditor.AuditResult, Population], data: st.DataObject
) -> None:
    model = office_audit[0].matches.model
    levels = data.draw(_patterns(model))
    names = [c.name for c in model.comparisons]
    personal = any(
        model.comparisons[index].levels[int(levels[0, index])].label in PERSONAL.get(name, ())
        for index, name in enumerate(names)
    )
    weight = float(model.match_weight(levels, np.full(levels.shape, -1))[0])
    if not personal:
        assert weight < 0


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_workplace_counts_once_in_any_pattern_at_a_company(
    office_audit: tuple[auditor.AuditResult, Population], data: st.DataObject
) -> None:
    # Where either record has a company, an account or a company mail domain the address is a
    # workplace and counts once; between two private people it is a home and each field counts on
    # its own.
    model = office_audit[0].matches.model
    levels = data.draw(_patterns(model))
    tf = np.full(levels.shape, -1)
    [group] = [group for group in model.groups if group.name == "workplace"]
    workplace = list(group.members)
    assert {model.comparisons[member].name for member in workplace} >= set(WORKPLACE)
    bits = model.weights(levels, tf)[0, workplace]
    counted = model.counted(model.weights(levels, tf), levels)[0, workplace]
    names = [comparison.name for comparison in model.comparisons]
    private = all(
        model.comparisons[names.index(name)].levels[int(levels[0, names.index(name)])].test == "neither"
        for name in ("company", "account", "mail_domain")
    )
    assert bool(group.holds(levels)[0]) is not private
    if private:
        assert counted == pytest.approx(bits)
    else:
        assert counted.sum() == pytest.approx(max(bits.max(), 0.0) + min(bits.min(), 0.0))


def test_contacts_of_one_account_are_colleagues_even_without_a_company_name(tmp_path: Path) -> None:
    # A Salesforce contact carries only its AccountId: two contacts of one account at its office,
    # one first name and two last names, no email, are two colleagues, not one person at home.
    header = [
        "Id",
        "AccountId",
        "FirstName",
        "LastName",
        "MailingStreet",
        "MailingCity",
        "MailingPostalCode",
        "Phone",
        "Email",
    ]
    rows = [
        [
            "0035g0000000001AAA",
            "0015g0000000001AAA",
            "Juan",
            "Lefebvre",
            "145 Main Street",
            "San Francisco",
            "94105",
            "",
            "",
        ],
        [
            "0035g0000000002AAA",
            "0015g0000000001AAA",
            "Juan",
            "Matokow",
            "145 Main Street",
            "San Francisco",
            "94105",
            "+1 415 413 0573",
            "",
        ],
        [
            "0035g0000000003AAA",
            "0015g0000000002AAA",
            "Anna",
            "Nowak",
            "1 Długa",
            "Gdańsk",
            "80-001",
            "",
            "anna.nowak@acme.pl",
        ],
    ]
    path = tmp_path / "Contact.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = auditor.audit([path], Config(as_of=dt.date(2026, 11, 1)))
    assert [finding for finding in result.findings if finding.kind == "duplicate"] == []
