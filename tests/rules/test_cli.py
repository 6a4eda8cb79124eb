"""`crm-audit rules`: the catalogue, one rule's explanation, both as JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.checking.registry import all_rules
from auditor.cli import main


def test_catalogue_lists_every_rule() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0, result.output
    for rule in all_rules():
        assert any(line.startswith(f"{rule.code}  {rule.name}") for line in result.output.splitlines())


def test_one_rule_explains_itself() -> None:
    result = CliRunner().invoke(main, ["rules", "CL001"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("CL001 customer-as-lead")
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead", "Bad record:"):
        assert heading in result.output


def test_json_catalogue_and_rule() -> None:
    runner = CliRunner()
    catalogue = json.loads(runner.invoke(main, ["rules", "--format", "json"]).output)
    assert {entry["code"] for entry in catalogue} == {rule.code for rule in all_rules()}
    assert set(catalogue[0]) == {"code", "name", "kind", "severity", "summary"}
    rule = json.loads(runner.invoke(main, ["rules", "DQ005", "--format", "json"]).output)
    assert rule["kind"] == "missing_required"
    assert rule["parameters"]["required"]["account"] == ["company"]
    assert rule["bad_example"] and rule["good_example"] and "Why it matters" in rule["explanation"]


def test_unknown_rule_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["rules", "ZZ999"])
    assert result.exit_code == 2
    assert "no rule 'ZZ999'" in result.output


def test_every_rule_documents_itself() -> None:
    for rule in all_rules():
        for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
            assert heading in rule.explanation, f"{rule.code} lacks {heading!r}"
        assert rule.bad_example and rule.good_example, rule.code
