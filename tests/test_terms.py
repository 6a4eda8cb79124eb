"""The terminology mapper: labels of every language and platform land on the canonical terms."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

import auditor
from auditor.config import Config
from auditor.findings import evidence_dict
from auditor.folding import fold
from auditor.resources import iter_rules_files, load_rules_toml
from auditor.terms import CONCEPTS, builtin_vocabulary, singular_key
from tests.conftest import AS_OF, FIXTURES

MULTILINGUAL = FIXTURES / "multilingual"


def test_multilingual_sheet_gets_the_right_record_type_for_99_percent() -> None:
    """A hand-kept sheet whose Type labels mix eight languages and every spelling people use."""
    result = auditor.audit([MULTILINGUAL / "mixed_types.csv"], Config(as_of=AS_OF))
    with (MULTILINGUAL / "mixed_types.expected.csv").open(encoding="utf-8", newline="") as handle:
        expected = {int(row["row"]): row for row in csv.DictReader(handle)}
    got = result.records.set_index("source_row")
    right_type = sum(got.loc[row, "record_type"] == truth["record_type"] for row, truth in expected.items())
    right_temperature = sum(
        got.loc[row, "temperature"] == truth["temperature"] for row, truth in expected.items()
    )
    share = right_type / len(expected)
    print(
        f"\nrecord_type right on {right_type}/{len(expected)} = {share:.2%}; "
        f"temperature right on {right_temperature}/{len(expected)}"
    )
    wrong = [
        (row, got.loc[row, "record_type"], truth["record_type"])
        for row, truth in expected.items()
        if got.loc[row, "record_type"] != truth["record_type"]
    ]
    assert share >= 0.99, f"{share:.2%} right; wrong rows: {wrong[:20]}"
    assert right_temperature / len(expected) >= 0.99
    # Labels nobody knows are reported, never guessed.
    unmapped = {
        evidence_dict(finding.evidence)["label"]
        for finding in result.findings
        if finding.kind == "unmapped_label"
    }
    assert {"À voir", "Sin clasificar"} <= unmapped


@pytest.mark.parametrize(
    ("label", "concept", "value"),
    [
        ("Leads", "type", "lead"),
        ("LEAD ", "type", "lead"),
        ("Prospect chaud", "type", "lead"),
        ("Prospect chaud", "temperature", "hot"),
        ("Potencjalny klient", "type", "lead"),
        ("Potencjalni klienci", "type", "lead"),
        ("العملاء المحتملون", "type", "lead"),
        ("عميل محتمل", "type", "lead"),
        ("Cliente potencial", "type", "lead"),
        ("Clientes potenciales", "type", "lead"),
        ("Piste", "type", "lead"),
        ("Prospek", "type", "lead"),
        ("marketingqualifiedlead", "type", "lead"),
        ("Opportunity", "type", "contact"),
        ("Evangelist", "type", "customer"),
        ("Client", "type", "customer"),
        ("Kunden", "type", "customer"),
        ("Pelanggan", "type", "customer"),
        ("عميل", "type", "customer"),
        ("Channel Partner / Reseller", "type", "partner"),
        ("Pracownik", "type", "employee"),
        ("Closed - Converted", "state", "converted"),
        ("Open - Not Contacted", "state", "open"),
        ("Disqualified", "state", "disqualified"),
        ("caliente", "temperature", "hot"),
        ("gorący", "temperature", "hot"),
        ("panas", "temperature", "hot"),
        ("ساخن", "temperature", "hot"),
        ("Hot lead", "temperature", "hot"),
        ("Hot lead", "type", "lead"),
    ],
)
def test_labels_land_right(label: str, concept: str, value: str) -> None:
    term = builtin_vocabulary().lookup(concept, label)
    assert term is not None and term.value == value, (label, term)


def test_vocabulary_files_never_disagree_on_a_label() -> None:
    """Files load in name order and the first one to claim a label wins, so a disagreement between
    two files would silently lose one meaning: refuse it here instead."""
    meanings: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry in iter_rules_files("vocabulary", ".toml"):
        data = load_rules_toml("vocabulary", entry.name)
        for concept in CONCEPTS:
            for label, value in data.get(concept, {}).items():
                meanings[(concept, fold(label))][value].add(entry.name)
    conflicts = {key: dict(values) for key, values in meanings.items() if len(values) > 1}
    assert conflicts == {}


def test_singular_forms_do_not_collide_across_meanings() -> None:
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in iter_rules_files("vocabulary", ".toml"):
        data = load_rules_toml("vocabulary", entry.name)
        for concept in CONCEPTS:
            for label, value in data.get(concept, {}).items():
                by_key[(concept, singular_key(fold(label)))].add(value)
    assert {key: values for key, values in by_key.items() if len(values) > 1} == {}


def test_config_vocabulary_extends_and_overrides(write_csv) -> None:
    path = write_csv(
        "sheet.csv",
        [["Name", "Email", "Type"], ["Ann Lee", "a@x.co", "Kunde VIP"], ["Bob Ray", "b@x.co", "Client"]],
    )
    plain = auditor.audit([path], Config(as_of=AS_OF))
    assert plain.records["record_type"].tolist() == ["unknown", "customer"]
    custom = auditor.audit(
        [path], Config(as_of=AS_OF, vocabulary={"type": {"Kunde VIP": "customer", "Client": "partner"}})
    )
    assert custom.records["record_type"].tolist() == ["customer", "partner"]
    assert not [finding for finding in custom.findings if finding.kind == "unmapped_label"]


def test_unmapped_label_lists_every_record_count_and_suggestions(write_csv) -> None:
    path = write_csv(
        "sheet.csv",
        [
            ["Name", "Email", "Type"],
            ["Ann Lee", "a@x.co", "Custommer"],
            ["Bob Ray", "b@x.co", "Custommer"],
            ["Cy Day", "c@x.co", "Lead"],
        ],
    )
    result = auditor.audit([path], Config(as_of=AS_OF))
    (finding,) = [finding for finding in result.findings if finding.kind == "unmapped_label"]
    assert [record.row for record in finding.records] == [2, 3]
    evidence = evidence_dict(finding.evidence)
    assert evidence["count"] == 2
    assert any(suggestion.startswith("Customer") for suggestion in evidence["suggestions"])


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("hubspot/contacts_fr.csv", Counter({"lead": 2, "customer": 1, "contact": 0})),
        ("generic/kontakty_pl.csv", Counter({"lead": 1, "customer": 1, "employee": 1})),
        ("generic/prospek_id.tsv", Counter({"lead": 1, "customer": 1})),
        ("generic/arabic_contacts.txt", Counter({"lead": 1, "customer": 1})),
        ("generic/kunden_de.csv", Counter({"lead": 1, "customer": 1})),
        ("pipedrive/people.csv", Counter({"lead": 2, "customer": 1, "contact": 1})),
    ],
)
def test_record_types_per_platform_and_language(fixture: str, expected: Counter) -> None:
    result = auditor.audit([FIXTURES / fixture], Config(as_of=AS_OF))
    got = Counter(result.records["record_type"])
    assert all(got[kind] >= count for kind, count in expected.items()), got


def test_temperatures_from_ratings_labels_and_columns() -> None:
    result = auditor.audit(
        [
            FIXTURES / "pipedrive/people.csv",
            FIXTURES / "generic/kontakty_pl.csv",
            FIXTURES / "salesforce/Lead.csv",
        ],
        Config(as_of=AS_OF),
    )
    temperatures = result.records.set_index("email")["temperature"]
    assert temperatures["sofia@rossidesign.it"] == "hot"
    assert temperatures["layla@haddad-trading.ae"] == "cold"
    assert temperatures["k.wisniewska@budimex-przyklad.pl"] == "hot"
    assert temperatures["elodie.dubois@dupont-fils.fr"] == "warm"
    assert temperatures["budi@majujaya.co.id"] == ""


@given(st.text(max_size=40))
def test_lookup_is_insensitive_to_case_and_accents(text: str) -> None:
    vocabulary = builtin_vocabulary()
    for concept in ("type", "temperature"):
        assert vocabulary.lookup(concept, text.upper()) == vocabulary.lookup(
            concept, fold(text).upper()
        ) or any(ch in text for ch in "ıİß")
