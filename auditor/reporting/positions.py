"""From findings back to record positions: renderers need to know which records a finding names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.findings import Finding


def finding_positions(records: pd.DataFrame, findings: list[Finding]) -> list[np.ndarray]:
    """For each finding, the positions in `records` of the records it names (in its order).

    References made by the rules carry their position; any other (a finding built by hand) is
    looked up by file, sheet and row."""
    if not findings:
        return []
    sizes = np.fromiter((len(finding.records) for finding in findings), dtype=np.int64, count=len(findings))
    flat = np.fromiter(
        (ref.position for finding in findings for ref in finding.records),
        dtype=np.int64,
        count=int(sizes.sum()),
    )
    carried = (flat >= 0) & (flat < len(records))
    if carried.all():
        ends = np.cumsum(sizes)
        return [flat[start:end] for start, end in zip((ends - sizes).tolist(), ends.tolist(), strict=True)]
    return _looked_up(records, findings)


def _looked_up(records: pd.DataFrame, findings: list[Finding]) -> list[np.ndarray]:
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


def codes_per_record(
    records: pd.DataFrame, findings: list[Finding], positions: list[np.ndarray] | None = None
) -> pd.Series:
    """The rule codes of the findings naming each record, sorted and joined with ";"."""
    empty = pd.Series("", index=records.index, dtype="str")
    if not findings:
        return empty
    positions = finding_positions(records, findings) if positions is None else positions
    located = np.concatenate(positions) if positions else np.array([], dtype=np.int64)
    rules = np.repeat(
        np.array([finding.rule for finding in findings], dtype=object), [len(p) for p in positions]
    )
    pairs = pd.DataFrame({"position": located, "rule": rules})
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
