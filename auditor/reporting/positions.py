"""Which findings name each record: the rule codes of the normalised export."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.finding_groups import Findings


def codes_per_record(records: pd.DataFrame, findings: Findings) -> pd.Series:
    """The rule codes of the findings naming each record, sorted and joined with ";"."""
    empty = pd.Series("", index=records.index, dtype="str")
    if not len(findings):
        return empty
    located, sizes = findings.located()
    pairs = pd.DataFrame({"position": located, "rule": np.repeat(findings.per_finding("rule"), sizes)})
    pairs = pairs[pairs["position"] >= 0].drop_duplicates().sort_values(["position", "rule"])
    # A record carries a handful of codes at most: join them rank by rank, one vectorised pass each,
    # rather than a Python join per record.
    rank = pairs.groupby("position", sort=False).cumcount().to_numpy()
    where = pairs["position"].to_numpy()
    rules = pairs["rule"].to_numpy(dtype=object)
    codes = empty.to_numpy(dtype=object)
    for level in range(int(rank.max()) + 1 if len(rank) else 0):
        chosen = rank == level
        positions = where[chosen]
        codes[positions] = rules[chosen] if level == 0 else codes[positions] + ";" + rules[chosen]
    return pd.Series(codes, index=records.index, dtype="str")
