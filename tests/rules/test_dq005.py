"""DQ005: the must-flag records and near-misses of cases/dq005.toml, audited through auditor.audit."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

import auditor
from auditor.checking.rules.dq005_missing_required import missing_required
from auditor.errors import ConfigError
from tests.rules.conftest import RuleCase

RULE = "DQ005"


def test_cases(rule_case: RuleCase, check_rule_case: Callable[[RuleCase], auditor.AuditResult]) -> None:
    check_rule_case(rule_case)


def test_a_required_field_outside_the_record_model_is_a_config_error() -> None:
    records = pd.DataFrame({"object": ["lead"], "last_name": ["Nowak"]}, dtype="str")
    with pytest.raises(ConfigError, match="no such field"):
        missing_required(records, required={"lead": ["nickname"]})
