"""What every report says alike about an audit: the severities in order, the order of kinds, and
the health score. The HTML view, the XLSX summary sheet and the terminal read it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from auditor.api import AuditResult
from auditor.findings import KINDS, SEVERITIES, SEVERITY_ORDER

# What a record costs the health score at its most severe finding (see HealthView).
SEVERITY_COST = {"error": 1.0, "warning": 0.5, "info": 0.1}
# Kinds shown as clusters of records side by side rather than one row per finding.
CLUSTER_KINDS = ("duplicate", "lead_is_contact")


@dataclass(frozen=True)
class HealthView:
    """score = 100 × (1 − cost ÷ records); each record costs SEVERITY_COST at its most severe finding."""

    score: float | None
    band: str  # good, fair, poor, none
    records: int
    worst: dict[str, int]  # records whose most severe finding is error / warning / info
    cost: float
    costs: dict[str, float]


def kind_order(kinds: Iterable[str]) -> list[str]:
    """The kinds of docs/CONTRACT.md in their order (worst problems first), then any newer kind by name."""
    present = set(kinds)
    return [kind for kind in KINDS if kind in present] + sorted(present - set(KINDS))


def health_score(result: AuditResult) -> HealthView:
    """The summary's health score (see HealthView); the XLSX summary and the terminal show the same
    number. Reads the result's cached finding positions: locating them again costs a second a
    million records, once per report."""
    findings = result.findings
    size = len(result.records)
    worst = np.zeros(size, dtype=np.int8)
    if len(findings) and size:
        flat, sizes = findings.located()
        rank_of = np.array(
            [SEVERITY_ORDER.get(group.severity, 0) for group in findings.groups], dtype=np.int8
        )
        ranks = np.repeat(np.repeat(rank_of, [len(group) for group in findings.groups]), sizes)
        found = flat >= 0
        np.maximum.at(worst, flat[found], ranks[found])
    counts = {level: int(np.count_nonzero(worst == SEVERITY_ORDER[level])) for level in SEVERITIES}
    costs = {level: counts[level] * SEVERITY_COST[level] for level in SEVERITIES}
    cost = sum(costs.values())
    if not size:
        return HealthView(None, "none", 0, counts, 0.0, costs)
    score = round(100.0 * (1.0 - cost / size), 1)
    band = "good" if score >= 90 else "fair" if score >= 75 else "poor"
    return HealthView(score, band, size, counts, cost, costs)
