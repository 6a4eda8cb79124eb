"""docs/rules.md is the catalogue the rules' own docstrings make: regenerate it when a rule changes
(`python -m auditor.reporting.rule_docs > docs/rules.md`)."""

from __future__ import annotations

from pathlib import Path

from auditor.reporting.rule_docs import rules_markdown, ruleset_rules

DOCS = Path(__file__).parents[2] / "docs" / "rules.md"


def test_the_rule_catalogue_in_docs_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(ruleset_rules("default")), (
        "docs/rules.md is stale: python -m auditor.reporting.rule_docs > docs/rules.md"
    )
