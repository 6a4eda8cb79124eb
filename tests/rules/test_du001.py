"""DU001: the must-flag records and near-misses of cases/du001.toml, audited through auditor.audit."""

from __future__ import annotations

from collections.abc import Callable

import auditor
from tests.rules.conftest import RuleCase

RULE = "DU001"


def test_cases(rule_case: RuleCase, check_rule_case: Callable[[RuleCase], auditor.AuditResult]) -> None:
    check_rule_case(rule_case)
