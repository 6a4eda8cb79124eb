"""What the two duplicate rules (DU001, DU002) hand over alike: findings about matched records,
kept as columns and explained a batch at a time when a report reads them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule
from auditor.finding_groups import FindingColumns, in_batches
from auditor.matching.explaining import EXPLAINED_AT_A_TIME, review_severity


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
    at a time: each batch's explanations are worked out in one pass."""
    writer = partial(in_batches, partial(write, rule, context.matches, *settings), EXPLAINED_AT_A_TIME)
    return rule.columns(context, at, columns, writer, named=named, severity=severity)


def review_pairs(
    rule: Rule,
    context: AuditContext,
    first: np.ndarray,
    second: np.ndarray,
    pair: np.ndarray,
    write: Callable[..., Any],
) -> FindingColumns:
    """Findings about pairs set aside for review (`first[i]` and `second[i]`, review pair
    `pair[i]`), a severity below the rule's: they say "look", not "merge"."""
    return explained(
        rule,
        context,
        np.column_stack([first, second]).ravel(),
        np.full(len(pair), 2, dtype=np.int64),
        {"pair": pair},
        write,
        severity=review_severity(rule.severity),
    )
