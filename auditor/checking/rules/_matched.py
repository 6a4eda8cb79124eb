"""What the two duplicate rules (DU001, DU002) hand over alike: findings about matched records,
kept as columns and explained a batch at a time when a report reads them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule
from auditor.checking.rules._naming import record_names
from auditor.finding_groups import FindingColumns, in_batches, record_refs
from auditor.findings import ClusterEvidence, Finding, RecordRef
from auditor.matching.explaining import EXPLAINED_AT_A_TIME, certainty, review_evidence, review_severity

if TYPE_CHECKING:
    from auditor.matching import MatchResult

# How a rule words a review pair: (the rule, first record's name, second record's type, their
# references, the pair's evidence) -> the finding's message.
ReviewWording = Callable[[Rule, str, str, RecordRef, RecordRef, ClusterEvidence], str]


def explained(
    rule: Rule,
    context: AuditContext,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
    write: Callable[..., Any],
    *settings: object,
    severity: str | None = None,
) -> FindingColumns:
    """Findings naming the records at `at` (`named` per finding), written by
    `write(rule, matches, *settings, records, at, named, columns)` `EXPLAINED_AT_A_TIME` findings
    at a time: each batch's explanations are worked out in one pass. Each finding's score and
    confidence are columns from the start (the clusters' own, unless `columns` has them), so that a
    page showing a few hundred of them shows the surest without explaining them all."""
    assert context.matches is not None
    if "confidence" not in columns:
        columns = {**columns, **certainty(context.matches, at, named)}
    writer = partial(in_batches, partial(write, rule, context.matches, *settings), EXPLAINED_AT_A_TIME)
    return rule.columns(context, at, columns, writer, named=named, severity=severity)


def review_pairs(
    rule: Rule,
    context: AuditContext,
    first: np.ndarray,
    second: np.ndarray,
    pair: np.ndarray,
    wording: ReviewWording,
) -> FindingColumns:
    """Findings about pairs set aside for review (`first[i]` and `second[i]`, review pair
    `pair[i]`), a severity below the rule's: they say "look", not "merge"."""
    return explained(
        rule,
        context,
        np.column_stack([first, second]).ravel(),
        np.full(len(pair), 2, dtype=np.int64),
        {
            "pair": pair,
            "score": np.round(context.matches.review["score"].to_numpy(dtype=np.float64)[pair], 4),
            "confidence": np.full(len(pair), "review", dtype=object),
        },
        _write_review,
        wording,
        severity=review_severity(rule.severity),
    )


def _write_review(
    rule: Rule,
    matches: MatchResult,
    wording: ReviewWording,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> list[Finding]:
    """A finding per review pair, with the evidence of its two records."""
    matches.prepare(at)  # the chunk's explanations in one pass
    first, second = at[0::2], at[1::2]
    names = record_names(records, first).tolist()
    second_type = records["record_type"].take(second).to_numpy(dtype=object).tolist()
    refs = iter(record_refs(records, at))
    severity = review_severity(rule.severity)
    findings = []
    for pair, first_position, second_position, name, kind in zip(
        columns["pair"].tolist(), first.tolist(), second.tolist(), names, second_type, strict=True
    ):
        evidence = review_evidence(matches, pair, [first_position, second_position])
        first_ref, second_ref = next(refs), next(refs)
        message = wording(rule, name, str(kind), first_ref, second_ref, evidence)
        findings.append(Finding(rule.code, rule.kind, severity, message, [first_ref, second_ref], evidence))
    return findings
