"""Renderers find each finding's records by the positions their references carry; a finding built
by hand (no position) is looked up by file, sheet and row. Both ways must name the same records."""

from __future__ import annotations

import dataclasses

import numpy as np

from auditor.demo import audit_samples
from auditor.finding_groups import locate
from auditor.findings import Finding


def test_carried_positions_are_the_looked_up_ones() -> None:
    result = audit_samples()
    assert result.findings
    carried = result.findings.positions()
    by_hand = [
        Finding(
            f.rule,
            f.kind,
            f.severity,
            f.message,
            [dataclasses.replace(ref, position=-1) for ref in f.records],
            f.evidence,
        )
        for f in result.findings
    ]
    looked_up = locate(result.records, by_hand)
    assert all(np.array_equal(a, b) for a, b in zip(carried, looked_up, strict=True))
    assert all(
        len(p) == len(f.records) and (p >= 0).all() for p, f in zip(carried, result.findings, strict=True)
    )
    # Every sample finding names records of the samples, and the workbooks' sheets among them.
    sheets = {ref.sheet for f in result.findings for ref in f.records}
    assert sheets - {None}
