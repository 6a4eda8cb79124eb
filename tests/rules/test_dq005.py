"""DQ005, beyond the cases of cases/dq005.toml (tests/rules/test_cases.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from auditor.checking.rules.dq005_missing_required import missing_required
from auditor.errors import ConfigError

RULE = "DQ005"


def test_a_required_field_outside_the_record_model_is_a_config_error() -> None:
    records = pd.DataFrame({"object": ["lead"], "last_name": ["Nowak"]}, dtype="str")
    with pytest.raises(ConfigError, match="no such field"):
        missing_required(records, required={"lead": ["nickname"]})
