"""Rule sets are data: the shipped ones load, and field checks written in pandera's check vocabulary
(in a rule set or the config's [[fields]]) produce findings without any Python."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import auditor
from auditor.checking import available_rulesets, load_ruleset
from auditor.checking.registry import all_rules
from auditor.config import Config, config_from_mapping
from auditor.errors import ConfigError
from auditor.findings import evidence_dict
from tests.conftest import AS_OF, findings_of

LEAD_HEADER = ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "Country", "Status", "LeadSource"]


def test_shipped_rulesets_describe_themselves_and_compile() -> None:
    assert {"default", "pre-migration", "strict"} <= set(available_rulesets())
    for name in ("default", "pre-migration", "strict"):
        ruleset = load_ruleset(Config(ruleset=name))
        assert ruleset.description
        schema = ruleset.schema()
        row_rules = [rule for rule in ruleset.rules if rule.is_row_rule]
        assert [check.name for check in schema.checks] == [rule.check_name for rule in row_rules]


def test_default_runs_every_rule_at_its_own_severity() -> None:
    ruleset = load_ruleset(Config())
    assert [(rule.code, rule.severity) for rule in ruleset.rules] == [
        (rule.code, rule.severity) for rule in all_rules()
    ]


def test_pre_migration_raises_severities_and_requirements() -> None:
    ruleset = load_ruleset(Config(ruleset="pre-migration"))
    severity = {rule.code: rule.severity for rule in ruleset.rules}
    assert severity["CL004"] == severity["DQ005"] == "error"
    dq005 = next(rule for rule in ruleset.rules if rule.code == "DQ005")
    assert ruleset.parameters_for(dq005)["required"]["lead"] == ["last_name", "company"]
    assert {check.code for check in ruleset.fields} == {"F001", "F002"}


def test_config_field_check_finds_without_python(write_csv: Callable[..., Path]) -> None:
    config = config_from_mapping(
        {
            "audit": {"as_of": AS_OF},
            "fields": [
                {
                    "code": "X001",
                    "column": "lead_source",
                    "check": "isin",
                    "value": ["Web", "Trade Show", "Partner Referral"],
                    "objects": ["lead"],
                    "message": "Lead source outside the agreed list",
                }
            ],
        }
    )
    path = write_csv(
        "Lead.csv",
        [
            LEAD_HEADER,
            ["00Q5g00000Lea201AAA", "Anna", "Nowak", "ACME", "anna.nowak@acme.pl", "", "Poland", "Open - Not Contacted", "Web"],
            ["00Q5g00000Lea202AAA", "Jan", "Kowalski", "ACME", "jan.kowalski@acme.pl", "", "Poland", "Open - Not Contacted", "Cold call"],
        ],
    )  # fmt: skip
    result = auditor.audit([path], config)
    [finding] = findings_of(result, "X001")
    assert finding.records[0].row == 3
    assert finding.kind == "field_check"
    assert finding.message == "Lead source outside the agreed list"
    assert evidence_dict(finding.evidence) == {
        "field": "lead_source",
        "value": "Cold call",
        "check": "isin",
        "expected": ["Web", "Trade Show", "Partner Referral"],
    }


def test_ruleset_field_checks_run_with_the_ruleset(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> None:
    path = write_csv(
        "Lead.csv",
        [
            LEAD_HEADER,
            ["00Q5g00000Lea203AAA", "Anna", "Nowak", "ACME", "anna.nowak@acme.pl", "+48 12 345 67 89", "Poland", "Open - Not Contacted", "Web"],
            ["00Q5g00000Lea204AAA", "Jan", "Kowalski", "ACME", "jan.kowalski@acme.pl", "12 345 67 89", "Atlantis", "Open - Not Contacted", ""],
        ],
    )  # fmt: skip
    strict = run_audit([path], ruleset="strict")
    assert [f.records[0].row for f in findings_of(strict, "F101")] == [3]  # not written with +48
    assert [f.records[0].row for f in findings_of(strict, "F103")] == [3]  # no lead source
    migration = run_audit([path], ruleset="pre-migration")
    assert [f.records[0].row for f in findings_of(migration, "F001")] == [3]  # country not recognised
    assert [f.records[0].row for f in findings_of(migration, "F002")] == [3]
    assert not findings_of(run_audit([path]), "F001")


def test_a_field_check_with_an_unknown_check_is_a_config_error() -> None:
    config = Config(fields=({"column": "email", "check": "looks_fine"},))
    with pytest.raises(ConfigError, match="not a pandera check"):
        load_ruleset(config).schema()


def test_select_and_ignore_by_prefix() -> None:
    codes = [rule.code for rule in load_ruleset(Config(select=("CL",), ignore=("CL006",))).rules]
    assert codes and all(code.startswith("CL") for code in codes)
    assert "CL006" not in codes
