"""TM001, beyond the cases of cases/tm001.toml (tests/rules/test_cases.py)."""

from __future__ import annotations

from collections.abc import Callable

import auditor
from auditor.model import LEAD_STATES
from auditor.terms import builtin_vocabulary
from tests.rules.conftest import RuleCase, load_cases

RULE = "TM001"


def test_suggestions_come_from_the_same_field_and_language(
    check_rule_case: Callable[[RuleCase], auditor.AuditResult],
) -> None:
    case = next(case for case in load_cases(RULE) if case.name == "dynamics-record-state-in-spanish")
    result = check_rule_case(case)
    (finding,) = [f for f in result.findings if f.rule == RULE]
    assert finding.evidence.field == "state_label"
    suggestions = finding.evidence.suggestions
    vocabulary = builtin_vocabulary()
    # Only record states, and only Spanish (or language-neutral) ones.
    for suggestion in suggestions:
        label, meaning = suggestion.rsplit(" (", 1)
        term = vocabulary.lookup("state", label)
        assert term is not None and term.source in ("es", "neutral"), suggestion
        assert meaning.rstrip(")") in LEAD_STATES
