"""DQ006, beyond the cases of cases/dq006.toml (tests/rules/test_cases.py);
the issue's examples and near-misses in every field; and ordinary names of many scripts, which must
never flag."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import auditor
from auditor.checking.rules.dq006_suspicious_value import FIELDS, suspicious, suspicious_classes
from auditor.config import Config
from auditor.findings import evidence_dict
from tests.conftest import AS_OF, findings_of

RULE = "DQ006"


# The issue's near-misses, in every field the rule reads ("=" and "-" alone are DQ004's filler).
NEAR_MISSES = [
    "O'Brien", "Jean-Luc", "Smith & Sons", "AT&T", "Ltd.", "Dr. No", "X Æ A-12", "+", "=", "-",
    "Müller-Lüdenscheidt", "José María", "Yahoo!", "E*TRADE", "C++ Consulting", "4 Life Ltd",
    "محمد بن عبد الله", "عبد الرحمن", "Grzegorz Brzęczyszczykiewicz", "Wójcik-Żak", "Ng'ang'a",
    "D'Artagnan", "'s-Hertogenbosch", "Xi'an", "Anne‐Marie", "O’Neil", "+48 12 345 67 89",
    "+48-12-345-67-89", "+1 (415) 555-2671", "@jan", "@Home Network", "1-800-FLOWERS", "Mr. & Mrs. Smith",
    "Union Select Foods", "A+ Tutoring", "Ben & Jerry's", "Toys\"R\"Us", "St. John's", "Head of R&D",
]  # fmt: skip
# The examples and their class, in every field (a web site is a company's name sometimes,
# so "www." and a path are looked for in the other fields only).
EXAMPLES = {
    '=HYPERLINK("http://x.example","click")': "formula",
    "=cmd|' /C calc'!A0": "formula",
    "@SUM(A1:A2)": "formula",
    "+1+1": "formula",
    "=1+1": "formula",
    "<script>alert(1)</script>": "markup",
    "<img src=x onerror=alert(1)>": "markup",
    '<a href="http://x.example">win</a>': "markup",
    "<iframe src=//x.example>": "markup",
    "x onerror=alert(1)": "markup",
    "javascript:alert(1)": "markup",
    "http://win.example": "url",
    "jan@acme.pl": "email",
    "Jan @acme.com.pl": "email",
    "Anna\x00": "control",
    "Anna\u202eexe.pdf": "control",
    "{{7*7}}": "injection",
    "${jndi:ldap://x.example/a}": "injection",
    "' OR 1=1--": "injection",
    "x'; DROP TABLE users;--": "injection",
}


def test_near_misses_never_flag() -> None:
    for field in FIELDS:
        flagged = suspicious(pd.Series(NEAR_MISSES, dtype="str"), field)
        assert [name for name, hit in zip(NEAR_MISSES, flagged, strict=True) if hit] == [], field


def test_each_example_has_its_class() -> None:
    for field in FIELDS:
        classes = suspicious_classes(pd.Series(list(EXAMPLES), dtype="str"), field)
        assert dict(zip(EXAMPLES, classes, strict=True)) == EXAMPLES, field
    sites = pd.Series(["www.acme.pl", "bit.ly/win", "Booking.com"], dtype="str")
    assert list(suspicious_classes(sites, "company")) == ["", "", ""]
    assert list(suspicious_classes(sites, "first_name")) == ["url", "url", ""]


# Letters of every script (with their combining marks: harakat, Devanagari vowel signs, accents
# written apart), as names are made of words of them.
_LETTERS = st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc"))
_WORD = st.text(_LETTERS, min_size=1, max_size=12)
# Inside a name: apostrophes (straight and typographic) and hyphens join parts ("O'Brien",
# "Jean-Luc", "Ng'ang'a"); between words a space, or an abbreviation's dot and a space ("Dr. No",
# "J. R. Smith"); an initial or a title may end the name with a dot ("Smith J.", "Ltd.").
_PART = st.builds(
    lambda words, joiners: "".join(w + j for w, j in zip(words, joiners, strict=False)) + words[-1],
    st.lists(_WORD, min_size=1, max_size=3),
    st.lists(st.sampled_from(["'", "’", "-", "‐"]), max_size=2),
)
_NAME = st.builds(
    lambda parts, gaps, end: "".join(p + g for p, g in zip(parts, gaps, strict=False)) + parts[-1] + end,
    st.lists(_PART, min_size=1, max_size=4),
    st.lists(st.sampled_from([" ", ". ", " - "]), max_size=3),
    st.sampled_from(["", "."]),
)


@given(st.lists(_NAME, min_size=1, max_size=30), st.sampled_from(FIELDS))
def test_ordinary_names_never_flag(names: list[str], field: str) -> None:
    flagged = suspicious(pd.Series(names, dtype="str"), field)
    assert not flagged.any(), [name for name, hit in zip(names, flagged, strict=True) if hit]


def test_nul_in_a_utf16_export_is_a_control_character(write_csv: Callable[..., Path]) -> None:
    # UTF-16 text is full of zero bytes, so the loader reads it; a NUL character inside a name then
    # reaches the rule (a UTF-8 file with one is refused as binary).
    path = write_csv(
        "Lead.csv",
        [["Id", "FirstName", "LastName", "Company"], ["00Q5g00000Sus301AAA", "Anna\x00", "Nowak", "ACME"]],
        encoding="utf-16",
    )
    result = auditor.audit([path], Config(as_of=AS_OF))
    [finding] = findings_of(result, RULE)
    assert finding.kind == "suspicious_value"
    assert evidence_dict(finding.evidence) == {
        "field": "first_name",
        "value": "Anna\x00",
        "class": "control",
        "check": "control patterns in rules/suspicious_values.toml",
    }
    assert finding.message == (
        "First name 'Anna\\x00' holds control characters. Such values are filler or injection attempts, "
        "not real data."
    )
