"""From findings back to record positions: renderers need to know which records a finding names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.findings import Finding


def finding_positions(records: pd.DataFrame, findings: list[Finding]) -> list[np.ndarray]:
    """For each finding, the positions in `records` of the records it names (in its order)."""
    if not findings:
        return []
    index = pd.MultiIndex.from_arrays(
        [
            records["source_file"].to_numpy(),
            records["source_sheet"].to_numpy(),
            records["source_row"].to_numpy(),
        ]
    )
    wanted_file, wanted_sheet, wanted_row, owner = [], [], [], []
    for number, finding in enumerate(findings):
        for ref in finding.records:
            wanted_file.append(ref.file)
            wanted_sheet.append(ref.sheet or "")
            wanted_row.append(ref.row)
            owner.append(number)
    located = index.get_indexer(pd.MultiIndex.from_arrays([wanted_file, wanted_sheet, wanted_row]))
    owners = np.asarray(owner, dtype=np.int64)
    order = np.argsort(owners, kind="stable")
    bounds = np.searchsorted(owners[order], np.arange(len(findings) + 1))
    return [located[order[bounds[i] : bounds[i + 1]]] for i in range(len(findings))]


def codes_per_record(records: pd.DataFrame, findings: list[Finding]) -> pd.Series:
    """The rule codes of the findings naming each record, sorted and joined with ";"."""
    codes: list[set[str]] = [set() for _ in range(len(records))]
    for finding, positions in zip(findings, finding_positions(records, findings), strict=True):
        for position in positions:
            if position >= 0:
                codes[position].add(finding.rule)
    return pd.Series([";".join(sorted(found)) for found in codes], index=records.index, dtype="str")
