"""DQ003 unreachable (DQ: data quality)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import record_names
from auditor.checking.rules._placeholders import placeholder_emails
from auditor.checking.rules._reach import blind_reason, in_files_with
from auditor.findings import FieldEvidence, Finding
from auditor.model import people
from auditor.normalising import email_statuses

_FIELDS = ["email", "email_alt", "phone", "mobile"]
_USABLE_PHONE = ("valid", "unchecked")
_EMAILS = ("email", "email_alt", "email_other")
_PHONES_RAW = ("phone_raw", "mobile_raw", "phone_other")
# Phone fields and their statuses: the main phone, the mobile, and the further phones (home, other ...).
_PHONE_STATUSES = ("phone_status", "mobile_status", "phone_other_status")


def _report(rule: Rule, failing: pd.DataFrame, context: AuditContext) -> list[Finding]:
    names = record_names(failing)
    values = failing[[f"{field}_raw" if field in ("phone", "mobile") else field for field in _FIELDS]]
    check = rule.says("check.reachable")
    return [
        rule.finding(
            says="unreachable",
            values={"name": name},
            records=[ref],
            evidence=FieldEvidence(list(_FIELDS), list(row), {"check": check}),
        )
        for ref, name, row in zip(
            context.refs(failing.index), names, values.itertuples(index=False, name=None), strict=True
        )
    ]


def _reach(context: AuditContext) -> Reach:
    """People; blind where the export leaves out the email or the phone columns (the CRM may hold
    what the export does not show), and where the only way to reach them is a phone nobody could
    check (written nationally, no country to read it by): counted as reachable, not known to be."""
    records = context.records
    statuses = [records[status].to_numpy() for status in _PHONE_STATUSES]
    valid_phone = np.logical_or.reduce([status == "valid" for status in statuses])
    unchecked_phone = np.logical_or.reduce([status == "unchecked" for status in statuses])
    valid_email = (records["email_status"] == "valid").to_numpy() | (
        records["email_other_status"] == "valid"
    ).to_numpy()
    unreached = ~valid_phone & ~valid_email
    example = records["phone_raw"].where(records["phone_status"] == "unchecked", records["mobile_raw"])
    return Reach(
        people(records),
        (
            Blind(blind_reason("DQ003", "no_email"), unreached & ~in_files_with(records, *_EMAILS)),
            Blind(blind_reason("DQ003", "no_phone"), unreached & ~in_files_with(records, *_PHONES_RAW)),
            Blind(blind_reason("DQ003", "unchecked_phone"), unchecked_phone & unreached, example),
        ),
    )


@row_rule(
    code="DQ003",
    name="unreachable",
    kind="unreachable",
    severity="warning",
    summary="A person with neither a usable email nor a usable phone",
    bad={"Email": "", "Phone": "", "MobilePhone": ""},
    good={"Email": "", "Phone": "+48 12 345 67 89", "MobilePhone": ""},
    report=_report,
    reach=_reach,
)
def unreachable(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Flags people (leads, contacts, persons; not accounts) with no way to reach them: no valid email
    address that is not filler (`test@test.com`, `noemail@...`) in any email field, and no phone
    that is valid (or written nationally with no country to check it by) in the phone, the mobile
    or any further phone field: Salesforce HomePhone, OtherPhone and AssistantPhone, Dynamics'
    second and third phones, Zoho's Home and Other Phone, Pipedrive's home and other numbers, and
    custom columns whose header says phone and whose values are phone numbers. Only
    where the export has both email and phone columns: a view that leaves one out cannot say that
    nobody can reach the person, and those records are reported as not checked instead.

    ## Why it matters
    A lead nobody can reach cannot be qualified, nurtured or converted; it only inflates the lead
    count and the cost of every campaign that pays per record. A contact without a way to reach
    them is a name, not a relationship. Before a migration, these are candidates to enrich or drop.

    ## Example
    A lead with an empty email, the phone `12 345` (invalid) and no mobile; a contact whose only
    address is `noemail@acme.pl`.

    ## Use instead
    At least one valid email or phone number.
    """
    phone_ok = np.logical_or.reduce(
        [records[status].isin(_USABLE_PHONE).to_numpy() for status in _PHONE_STATUSES]
    )
    people = (records["object"] != "account").to_numpy()
    # An export that leaves out the email or the phone columns cannot say that nobody can reach a
    # person: the CRM may hold what the view did not export. Those records are counted as not
    # checked (see `_reach`), never flagged.
    passes = phone_ok | ~people
    asked = np.flatnonzero(~passes)
    passes |= ~(
        in_files_with(records, *_EMAILS, among=asked) & in_files_with(records, *_PHONES_RAW, among=asked)
    )
    # The emails are read only where the phones leave the answer open (the costly part: most
    # people have a phone).
    open_question = np.flatnonzero(~passes)
    if len(open_question):
        emails = {
            field: records[field].take(open_question)
            for field in ("email", "email_status", "email_alt", "email_other_status")
        }
        email_ok = (emails["email_status"] == "valid").to_numpy() & ~placeholder_emails(emails["email"])
        email_ok |= (emails["email_other_status"] == "valid").to_numpy()
        alternative = emails["email_alt"]
        if (alternative != "").any():
            email_ok |= (email_statuses(alternative) == "valid").to_numpy() & ~placeholder_emails(alternative)
        passes[open_question] = email_ok
    return pd.Series(passes, index=records.index)
