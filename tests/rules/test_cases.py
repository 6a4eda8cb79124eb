"""Every case of tests/rules/cases/*.toml: the rule flags exactly the must-flag records and leaves
the near-misses alone, audited through `auditor.audit` (see tests/rules/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import auditor
from tests.rules.conftest import RuleCase, all_cases

CASES = all_cases()


@pytest.mark.parametrize("rule_case", CASES, ids=[f"{case.code}-{case.name}" for case in CASES])
def test_case(rule_case: RuleCase, check_rule_case: Callable[[RuleCase], auditor.AuditResult]) -> None:
    check_rule_case(rule_case)
