"""DQ001 invalid-email."""

from __future__ import annotations

import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._reach import checked_all, filled
from auditor.findings import FieldEvidence, Finding


def _report(rule: Rule, failing: pd.DataFrame, context: AuditContext) -> list[Finding]:
    refs = context.refs(failing.index)
    return [
        rule.finding(
            says="invalid",
            values={"email": repr(email)},
            records=[ref],
            evidence=FieldEvidence.of("email", email, check=rule.says("check")),
        )
        for ref, email in zip(refs, failing["email"].tolist(), strict=True)
    ]


def _reach(context: AuditContext) -> Reach:
    """Records with an email."""
    return checked_all(filled(context.records, "email"))


@row_rule(
    code="DQ001",
    name="invalid-email",
    kind="invalid_email",
    severity="warning",
    summary="An email is present but is not a valid address",
    bad={"Email": "jan.kowalski@acme"},
    good={"Email": "jan.kowalski@acme.pl"},
    report=_report,
    reach=_reach,
)
def invalid_email(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Checks the syntax of every email address (email-validator, no network lookup): one @, a
    well-formed local part, a domain with a real top-level domain.

    ## Why it matters
    An address that cannot receive mail makes a lead unreachable by marketing, and it cannot be
    used to tell whether the lead is already a contact: duplicates hide behind typos.

    ## Example
    `jan.kowalski@acme` (no top-level domain), `anna@@example.com`, `bob@exam ple.com`.

    ## Use instead
    A complete address, `jan.kowalski@acme.pl`, or leave the field empty.
    """
    return records["email_status"] != "invalid"
