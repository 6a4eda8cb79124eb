"""TM001 unmapped-label."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._reach import LABEL_FIELDS, checked_all, filled
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import Finding, LabelEvidence
from auditor.terms import UnmappedLabel
from auditor.wording import Several


def _reach(context: AuditContext) -> Reach:
    """Records with a label (type, stage, status, state, person label); ratings are read too."""
    return checked_all(filled(context.records, *LABEL_FIELDS, "rating_label", "account_type"))


@set_rule(
    code="TM001",
    name="unmapped-label",
    kind="unmapped_label",
    severity="warning",
    summary="A type, stage, status, label or rating value that no vocabulary places",
    bad={"Lifecycle Stage": "Kunde VIP"},
    good={"Lifecycle Stage": "Customer"},
    reach=_reach,
)
def unmapped_label(rule: Rule, context: AuditContext) -> FindingColumns:
    """
    ## What it does
    Lists every value of a label column (type, lifecycle stage, lead status, status reason, person
    label, rating) that the terminology mapper cannot place, with how many records carry it and the
    closest known labels.

    ## Why it matters
    Whether a person is a lead or a contact, a customer or a partner, is read from these labels.
    A label nobody can place means the record's type is a guess, and a migration will carry the
    confusion along. The auditor never guesses silently: it tells you, and you either fix the value
    in the CRM or teach the auditor the label in the config's `[vocabulary]` table.

    ## Example
    A HubSpot contact whose lifecycle stage reads "Kunde VIP" (a custom stage).

    ## Use instead
    A known stage ("Customer"), or `[vocabulary] "Kunde VIP" = "customer"` in the config.
    """
    labels = context.unmapped_labels
    at = np.concatenate([label.positions for label in labels]) if labels else np.zeros(0, dtype=np.int64)
    named = np.array([len(label.positions) for label in labels], dtype=np.int64)
    measured = {"label": np.arange(len(labels))}
    return rule.columns(context, at.astype(np.int64), measured, partial(_write, rule, labels), named=named)


def _write(
    rule: Rule,
    labels: list[UnmappedLabel],
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    measured: Mapping[str, np.ndarray],
) -> list[Finding]:
    refs = iter(record_refs(records, at))
    findings = []
    for number, size in zip(measured["label"].tolist(), named.tolist(), strict=True):
        unmapped = labels[number]
        suggestions = unmapped.suggestions
        findings.append(
            rule.finding(
                says="unplaced",
                values={
                    "column": unmapped.header,
                    "label": repr(unmapped.label.strip()),
                    "count": unmapped.count,
                    "closest": rule.says("closest", {"labels": Several(suggestions)}) if suggestions else "",
                },
                records=[next(refs) for _ in range(size)],
                evidence=LabelEvidence(
                    unmapped.field, unmapped.header, unmapped.label, unmapped.count, unmapped.suggestions
                ),
            )
        )
    return findings
