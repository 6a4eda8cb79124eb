"""TM001 unmapped-label."""

from __future__ import annotations

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._reach import LABEL_FIELDS, checked_all, filled
from auditor.findings import Finding


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
def unmapped_label(rule: Rule, context: AuditContext) -> list[Finding]:
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
    findings = []
    for unmapped in context.unmapped_labels:
        records = context.refs(unmapped.positions)
        suggestion = f" Closest known: {', '.join(unmapped.suggestions)}." if unmapped.suggestions else ""
        findings.append(
            rule.finding(
                message=(
                    f"{unmapped.header} value {unmapped.label.strip()!r} on {unmapped.count} record(s) "
                    f"cannot be placed as a lead, contact, customer, partner or employee.{suggestion}"
                ),
                records=records,
                evidence={
                    "field": unmapped.field,
                    "column": unmapped.header,
                    "label": unmapped.label,
                    "count": unmapped.count,
                    "suggestions": unmapped.suggestions,
                },
            )
        )
    return findings
