"""CL007 lifecycle-conflict (CL: classification, who is who)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._naming import field_words, record_names
from auditor.checking.rules._reach import LABEL_FIELDS, checked_all
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import FieldEvidence, Finding
from auditor.model import people
from auditor.resources import load_rules_toml
from auditor.wording import FALLBACK, Words, catalogue, term


@dataclass(frozen=True)
class _Side:
    field: str
    concept: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Conflict:
    name: str
    first: _Side
    second: _Side
    why: str

    @property
    def check(self) -> str:
        """The conflict's name, in words: [conflict] of reports/i18n, keyed by the name."""
        return term("conflict", self.name)

    @property
    def because(self) -> str:
        """Why the two labels clash, in words: [conflict_why] of reports/i18n, keyed by the name.
        A reason edited in rules/lifecycle_conflicts.toml (or a conflict reports/i18n does not know)
        is said as written there, in English."""
        key = f"conflict_why.{self.name}"
        if catalogue(FALLBACK).get(key) == self.why:
            return Words(key)
        return self.why


@cache
def conflicts() -> tuple[_Conflict, ...]:
    """The table of contradictions in rules/lifecycle_conflicts.toml."""
    return tuple(
        _Conflict(
            name=entry["name"],
            first=_side(entry["first"]),
            second=_side(entry["second"]),
            why=entry["why"],
        )
        for entry in load_rules_toml("lifecycle_conflicts.toml")["conflicts"]
    )


def _side(data: Mapping[str, Any]) -> _Side:
    return _Side(field=data["field"], concept=data["concept"], values=tuple(data["values"]))


def _reach(context: AuditContext) -> Reach:
    """People with two labels or more (one label cannot contradict itself)."""
    records = context.records
    labels = np.sum([(records[column] != "").to_numpy() for column in LABEL_FIELDS], axis=0)
    return checked_all(people(records) & (labels >= 2))


@set_rule(
    code="CL007",
    name="lifecycle-conflict",
    kind="lifecycle_conflict",
    severity="warning",
    summary="Two labels of one record that cannot both be true (stage, status, state, type)",
    bad={"Lifecycle Stage": "Customer", "Lead Status": "New"},
    good={"Lifecycle Stage": "Customer", "Lead Status": ""},
    reach=_reach,
)
def lifecycle_conflict(rule: Rule, context: AuditContext) -> FindingColumns | list[FindingColumns]:
    """
    ## What it does
    Reads each of a record's labels through the vocabulary (lifecycle stage and type column as a
    type; record state and status as a lead state) and flags the pairs that contradict each other,
    as listed in `rules/lifecycle_conflicts.toml`:
    - a customer stage with a lead status still open, new or being worked, or disqualified
      (HubSpot "Customer" with lead status "New" or "Unqualified");
    - a record state and a status reason from different ends of a lead's life (Dynamics 365
      "Disqualified" with "Qualified" or "New"; "Qualified" with "Lost"; "Open" with "Lost");
    - a stage and a type column that name different people (stage "Prospect", type "Client").

    Conversion contradictions (converted or qualified, yet open) are CL004's.

    ## Why it matters
    Whether a person is a lead, a contact or a customer is read from these labels. When two of
    them disagree, every report, workflow and migration mapping picks one at random: the customer
    gets a prospecting sequence, the disqualified lead stays in the qualified count.

    ## Example
    A HubSpot contact with Lifecycle Stage "Customer" and Lead Status "New"; a Dynamics 365 lead
    with Status "Disqualified" and Status Reason "Qualified".

    ## Use instead
    Labels that tell one story: "Customer" with no lead status; "Disqualified" with "Lost" or
    "No Longer Interested".
    """
    at, which, first, second = [], [], [], []
    for number, conflict in enumerate(conflicts()):
        positions = np.flatnonzero(
            context.label_means(conflict.first.field, conflict.first.concept, conflict.first.values)
            & context.label_means(conflict.second.field, conflict.second.concept, conflict.second.values)
        )
        if not len(positions):
            continue
        at.append(positions)
        which.append(np.full(len(positions), number, dtype=np.int64))
        first.append(context.label_meaning(conflict.first.field, conflict.first.concept)[positions])
        second.append(context.label_meaning(conflict.second.field, conflict.second.concept)[positions])
    if not at:
        return []
    measured = {
        "conflict": np.concatenate(which),
        "first": np.concatenate(first),
        "second": np.concatenate(second),
    }
    return rule.columns(context, np.concatenate(at), measured, partial(_write, rule))


def _write(
    rule: Rule, records: pd.DataFrame, at: np.ndarray, named: np.ndarray, measured: Mapping[str, np.ndarray]
) -> list[Finding]:
    table = conflicts()
    names = record_names(records, at)
    fields = {
        side.field
        for number in np.unique(measured["conflict"]).tolist()
        for side in (table[number].first, table[number].second)
    }
    values = {field: records[field].take(at).to_numpy(dtype=object) for field in fields}
    # Said once per conflict, field and meaning, not once a finding.
    checks = {number: table[number].check for number in np.unique(measured["conflict"]).tolist()}
    whys = {number: table[number].because for number in checks}
    said_fields = {field: field_words(field) for field in fields}
    said_meanings = {
        meaning: term("meaning", meaning)
        for meaning in {*measured["first"].tolist(), *measured["second"].tolist()}
    }
    findings = []
    for index, (ref, number, first, second) in enumerate(
        zip(
            record_refs(records, at),
            measured["conflict"].tolist(),
            measured["first"].tolist(),
            measured["second"].tolist(),
            strict=True,
        )
    ):
        conflict = table[number]
        shown = [conflict.first.field, conflict.second.field]
        said_values = [values[field][index] for field in shown]
        meanings = [said_meanings[first], said_meanings[second]]
        said = [
            rule.says("label", {"field": said_fields[field], "value": repr(value), "meaning": meaning})
            for field, value, meaning in zip(shown, said_values, meanings, strict=True)
        ]
        findings.append(
            rule.finding(
                says="conflict",
                values={"name": names[index], "first": said[0], "second": said[1], "why": whys[number]},
                records=[ref],
                evidence=FieldEvidence(shown, said_values, {"meanings": meanings, "check": checks[number]}),
            )
        )
    return findings
