"""DQ004 placeholder (DQ: data quality)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import field_evidence, field_values
from auditor.checking.rules._placeholders import (
    placeholder_emails,
    placeholder_names,
    placeholder_whole_names,
)
from auditor.checking.rules._reach import checked_all, filled
from auditor.findings import Finding

_EMAIL_FIELDS = ("email", "email_alt")


def _placeholders(records: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per field, where it holds filler. A first and last name that are filler only together
    ("Tidak" + "diketahui", as a whole name is split) mark both fields."""
    # The rule's check runs on the engine's second thread already (auditor/checking/engine.py): a
    # thread of its own for company names would only share the same two cores.
    first, last = (placeholder_names(records[field]) for field in ("first_name", "last_name"))
    together = placeholder_whole_names(records["first_name"], records["last_name"])
    emails = {field: placeholder_emails(records[field]) for field in _EMAIL_FIELDS}
    return {
        "first_name": first | together,
        "last_name": last | together,
        "company": placeholder_names(records["company"]),
    } | emails


def _report(rule: Rule, failing: pd.DataFrame, context: AuditContext) -> list[Finding]:
    found = _placeholders(failing)
    check = rule.says("check")
    findings = []
    for index, ref in enumerate(context.refs(failing.index)):
        fields = [field for field, hit in found.items() if hit[index]]
        values = [failing[field].iat[index] for field in fields]
        # The sentence opens with the first field, one template per field ("First name 'Test' looks
        # like ..."), and names the others after it ("... , last name 'Test' look like ...").
        said: dict[str, object] = {"value": repr(values[0])}
        if len(fields) > 1:
            said["others"] = field_values(fields[1:], values[1:])
        findings.append(
            rule.finding(
                says=f"{'one' if len(fields) == 1 else 'many'}.{fields[0]}",
                values=said,
                records=[ref],
                evidence=field_evidence(fields, values, check=check),
            )
        )
    return findings


def _reach(context: AuditContext) -> Reach:
    """Records with a name, a company or an email."""
    return checked_all(filled(context.records, "first_name", "last_name", "company", *_EMAIL_FIELDS))


@row_rule(
    code="DQ004",
    name="placeholder",
    kind="placeholder",
    severity="warning",
    summary='Test or filler values in names, company or email ("Test", "N/A", "xxx", "Inconnu", "test@test.com")',
    bad={"FirstName": "Test", "LastName": "Test", "Email": "test@test.com"},
    good={"FirstName": "Nan", "LastName": "Null", "Email": "nan.null@acme.pl"},
    report=_report,
    reach=_reach,
)
def placeholder(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Looks for test and filler values in first name, last name (apart and together), company and
    both email fields, in every seed language: "Test", "asdf", "N/A", "xxx", "Unknown", "Inconnu",
    "Desconocido", "Nieznany", "Tidak diketahui", "غير معروف", "Unbekannt", "Desconhecido",
    "[not provided]", keyboard mashes, digits only, `test@test.com`, `noemail@...`, `a@a.com`,
    addresses at example.com. The lists are data (`rules/placeholders.toml`).

    Real names that look like filler are not flagged: "Nan" is a first name, "Null" and "Lee" are
    surnames, "J." is an initial.

    ## Why it matters
    Test leads and "Unknown Unknown" contacts are counted as pipeline, get campaigns, and match each
    other as duplicates ("Test" is the same person as every other "Test"). A form that forces a
    name produces "asdf"; the lead behind it may be real, but nobody can address them by name.

    ## Example
    First name "Test", last name "Test", email `test@test.com`; company "[not provided]"; last
    name "Inconnu".

    ## Use instead
    The person's real name, or leave the field empty (and delete test records).
    """
    found = _placeholders(records)
    return pd.Series(~np.logical_or.reduce(list(found.values())), index=records.index)
