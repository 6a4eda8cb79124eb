"""The rule catalogue against its tests: every registered rule has a cases file with records it
must flag and records it must leave alone, and its documented example (the `bad` and `good` that
`crm-audit rules` and docs/rules.md show) is one of its cases, so tests/rules/test_cases.py audits
the example through `auditor.audit` like any other case."""

from __future__ import annotations

import re

import pytest

from auditor.checking.registry import Rule, all_rules
from tests.rules.conftest import RuleCase, cases_files, load_cases

RULES = sorted(all_rules(), key=lambda rule: rule.code)
# An example of two records is written as descriptions keyed by where they sit ("Lead.csv row 2").
_PLACE = re.compile(r"^(?P<file>.+) row (?P<row>\d+)$")


def test_every_rule_has_a_cases_file_and_every_cases_file_a_rule() -> None:
    assert {path.stem.upper() for path in cases_files()} == {rule.code for rule in RULES}


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_every_rule_has_records_to_flag_and_near_misses(rule: Rule) -> None:
    cases = load_cases(rule.code)
    assert sum(len(case.must_flag) for case in cases) >= 1, f"{rule.code} has no record it must flag"
    assert sum(len(case.must_pass) for case in cases) >= 1, f"{rule.code} has no near-miss it must pass"


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_the_documented_example_is_a_case(rule: Rule) -> None:
    examples = [case for case in load_cases(rule.code) if case.example]
    assert len(examples) == 1, f"cases/{rule.code.lower()}.toml needs one case with example = true"
    (case,) = examples
    if all(_PLACE.match(key) for key in rule.bad_example):
        for place, description in rule.bad_example.items():
            _assert_described(case, place, description)
        return
    for example, rows in ((rule.bad_example, case.must_flag), (rule.good_example, case.must_pass)):
        fields = {header: value for header, value in example.items() if header != "object"}
        assert set(fields) <= set(case.header), f"{rule.code}: the example's headers are not the case's"
        assert rows, f"{rule.code}: the example case has no row for {example}"
        record = dict(zip(case.header, rows[0], strict=True))
        assert {header: record[header] for header in fields} == fields, (
            f"{rule.code}: the example {example} is not the first row of its case ({record})"
        )


def _assert_described(case: RuleCase, place: str, description: str) -> None:
    """The record at `place` ("Lead.csv row 2", header = row 1) carries every word of `description`
    outside parentheses."""
    match = _PLACE.match(place)
    assert match is not None
    file, row = match["file"], int(match["row"])
    tables = {case.file: [case.header, *case.must_flag, *case.must_pass]}
    tables.update({other["file"]: [other["header"], *other["rows"]] for other in case.alongside})
    assert file in tables and row <= len(tables[file]), f"{case.code}: no {place} in the example case"
    text = " ".join(tables[file][row - 1])
    words = re.split(r"[\s,]+", re.sub(r"\([^)]*\)", "", description).strip())
    assert all(word in text for word in words), f"{case.code}: {place} is not {description!r}: {text}"
