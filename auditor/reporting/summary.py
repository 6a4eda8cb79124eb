"""What every report says alike about an audit: the severities in order, what to fix first (the kinds
by severity and impact), and the health score. The HTML view, the XLSX summary sheet and the terminal
read it here.

Both are measured on people records (leads, contacts, the people of a mixed sheet): account rows are
evidence, and a clean account table would otherwise dilute the score of a messy lead list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from auditor.api import AuditResult
from auditor.findings import KINDS, SEVERITIES, SEVERITY_ORDER
from auditor.model import people

# What a record costs the health score at its most severe finding (see HealthView).
SEVERITY_COST = {"error": 1.0, "warning": 0.5, "info": 0.1}
# The band a score earns, and the largest share of people records with an error or a warning each band
# allows: 92 out of 100 is not "good" when one person in ten has a warning (a score alone can be high
# while the records that need a fix are many, because a warning costs half a record).
BANDS = (("good", 90.0, 0.05), ("fair", 75.0, 0.20))
# Kinds shown as clusters of records side by side rather than one row per finding.
CLUSTER_KINDS = ("duplicate", "lead_is_contact")


@dataclass(frozen=True)
class HealthView:
    """score = 100 × (1 − cost ÷ people); each person record costs SEVERITY_COST at its most severe
    finding. The band is the score's (BANDS), lowered while errors and warnings reach too many people."""

    score: float | None
    band: str  # good, fair, poor, none
    records: int  # people records: the score's denominator
    worst: dict[str, int]  # people records whose most severe finding is error / warning / info
    cost: float
    costs: dict[str, float]

    @property
    def needs_fix(self) -> float:
        """The share of people records with an error or a warning."""
        return (self.worst["error"] + self.worst["warning"]) / self.records if self.records else 0.0


@dataclass(frozen=True)
class Action:
    """One kind of finding as something to do: how many findings (a duplicate group counts once),
    how many distinct records they name, and the share of the people records among them."""

    kind: str
    severity: str  # the most severe of its findings
    findings: int
    records: int
    share: float  # people records named ÷ people records


def _contract_order(kinds: Iterable[str]) -> dict[str, int]:
    """The kinds of docs/CONTRACT.md in their order, then any newer kind by name."""
    present = set(kinds)
    ordered = [kind for kind in KINDS if kind in present] + sorted(present - set(KINDS))
    return {kind: index for index, kind in enumerate(ordered)}


def actions(result: AuditResult) -> list[Action]:
    """Every kind found, as an action: the most severe first, then the one that concerns the most
    records, then the contract's order. The reports show their sections in this order."""
    is_person = people(result.records)
    persons = int(is_person.sum())
    by_kind = result.findings.by_kind()
    contract = _contract_order(by_kind)
    found = []
    for kind, of_kind in by_kind.items():
        positions = np.unique(of_kind.located()[0])
        positions = positions[positions >= 0]
        named_people = int(np.count_nonzero(is_person[positions]))
        severity = max(of_kind.tally("severity"), key=lambda level: SEVERITY_ORDER.get(level, 0))
        share = named_people / persons if persons else 0.0
        found.append(Action(kind, severity, len(of_kind), len(positions), share))
    return sorted(found, key=lambda a: (-SEVERITY_ORDER.get(a.severity, 0), -a.records, contract[a.kind]))


def health_score(result: AuditResult) -> HealthView:
    """The summary's health score (see HealthView); the XLSX summary and the terminal show the same
    number."""
    is_person = people(result.records)
    worst = worst_severity(result)[is_person]
    size = len(worst)
    counts = {level: int(np.count_nonzero(worst == SEVERITY_ORDER[level])) for level in SEVERITIES}
    costs = {level: counts[level] * SEVERITY_COST[level] for level in SEVERITIES}
    cost = sum(costs.values())
    if not size:
        return HealthView(None, "none", 0, counts, 0.0, costs)
    score = round(100.0 * (1.0 - cost / size), 1)
    return HealthView(
        score, health_band(score, (counts["error"] + counts["warning"]) / size), size, counts, cost, costs
    )


def worst_severity(result: AuditResult) -> np.ndarray:
    """Per record, the SEVERITY_ORDER rank of its most severe finding (0: none). Reads the result's
    cached finding positions: locating them again costs a second a million records, once per report."""
    findings = result.findings
    worst = np.zeros(len(result.records), dtype=np.int8)
    if len(findings) and len(worst):
        flat, sizes = findings.located()
        rank_of = np.array(
            [SEVERITY_ORDER.get(group.severity, 0) for group in findings.groups], dtype=np.int8
        )
        ranks = np.repeat(np.repeat(rank_of, [len(group) for group in findings.groups]), sizes)
        found = flat >= 0
        np.maximum.at(worst, flat[found], ranks[found])
    return worst


def health_band(score: float, needs_fix: float) -> str:
    """The best band of BANDS whose score the audit reaches and whose share of people records with
    an error or a warning it does not exceed; "poor" when none."""
    return next((name for name, least, most in BANDS if score >= least and needs_fix <= most), "poor")
