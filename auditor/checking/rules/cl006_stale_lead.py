"""CL006 stale-lead (CL: classification, who is who)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._leads import open_leads_of
from auditor.checking.rules._naming import record_names
from auditor.checking.rules._reach import blind_reason
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import FieldEvidence, Finding
from auditor.normalising import unread_date_reasons

# The dates that tell when a lead was last touched, best first.
_DATES = (
    ("last_activity_date", "last_activity_at"),
    ("last_modified_date", "last_modified_at"),
    ("created_date", "created_at"),
)


def _reach(context: AuditContext) -> Reach:
    """Open leads; blind where none of the three dates could be read: outside the range of dates an
    audit can hold (9999-12-31, Salesforce's 4000-12-31 "never"), written in a form the reader does
    not know, or absent."""
    records = context.records
    applies = open_leads_of(context)
    no_date = np.logical_and.reduce([records[date_field].isna().to_numpy() for date_field, _ in _DATES])
    # Why each record's first written date could not be read (only records with no date at all).
    first_written = pd.Series("", index=records.index, dtype="str")
    why = pd.Series("", index=records.index, dtype="str")
    for date_field, text in _DATES:
        take = (first_written == "").to_numpy() & (records[text] != "").to_numpy() & no_date
        if take.any():
            first_written[take] = records.loc[take, text]
            why[take] = unread_date_reasons(records.loc[take, text], records.loc[take, date_field])
    written = (first_written != "").to_numpy()
    return Reach(
        applies,
        (
            Blind(
                blind_reason("CL006", "out_of_range"),
                no_date & (why == "out_of_range").to_numpy(),
                first_written,
            ),
            Blind(blind_reason("CL006", "unreadable"), no_date & written, first_written),
            Blind(blind_reason("CL006", "no_date"), no_date & ~written),
        ),
    )


@set_rule(
    code="CL006",
    name="stale-lead",
    kind="stale_lead",
    severity="info",
    summary="An open lead with no activity for longer than stale_after_days before the audit date",
    bad={"Status": "Working - Contacted", "LastActivityDate": "2024-02-01"},
    good={"Status": "Working - Contacted", "LastActivityDate": "2026-09-30"},
    reach=_reach,
)
def stale_lead(rule: Rule, context: AuditContext) -> FindingColumns:
    """
    ## What it does
    Finds open leads (not converted, disqualified or closed) whose last activity is more than
    `stale_after_days` (default 365) before the audit date `as_of`. The last-activity date is used
    when the export has one; else the last-modified date; else the created date. A lead with none
    of the three is left alone: nothing says how old it is.

    ## Why it matters
    A lead is a person someone meant to qualify. Untouched for a year it is not pipeline any more:
    it inflates lead counts and conversion-rate denominators, and whoever calls now calls a stranger.
    Before a migration, stale leads are the first thing to archive or re-engage instead of moving.

    ## Example
    Audited on 2026-11-01 with the default 365 days: an open lead whose last activity was on
    2024-02-01 (1004 days).

    ## Use instead
    Re-engage the lead (and log the activity), or close it as not converted.
    """
    records = context.records
    as_of = pd.Timestamp(context.config.as_of)
    threshold = context.config.stale_after_days
    # The first date each record has, best first, and which field it came from.
    last = pd.Series(pd.NaT, index=records.index, dtype="datetime64[ns]")
    used = np.full(len(records), -1, dtype=np.int8)
    for number, (date_field, _) in enumerate(_DATES):
        take = last.isna().to_numpy() & records[date_field].notna().to_numpy()
        last = last.where(~take, records[date_field])
        used[take] = number
    days = (as_of - last).dt.days.to_numpy(dtype=float, na_value=np.nan)
    at = np.flatnonzero(open_leads_of(context) & (days > threshold))
    measured = {"used": used[at], "days": days[at].astype(np.int64), "last": last.to_numpy()[at]}
    return rule.columns(context, at, measured, partial(_write, rule, threshold, context.config.as_of))


def _write(
    rule: Rule,
    threshold: int,
    as_of: dt.date,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    measured: Mapping[str, np.ndarray],
) -> list[Finding]:
    used = measured["used"]
    fields = np.array([text_field for _, text_field in _DATES], dtype=object)[used]
    raw = np.choose(used, [records[text_field].take(at).to_numpy(dtype=object) for _, text_field in _DATES])
    dates = np.datetime_as_string(measured["last"], unit="D")
    elapsed = measured["days"].tolist()
    as_of_text = as_of.isoformat()
    check_of = {text_field: rule.says(f"check.{text_field}") for _, text_field in _DATES}
    # One template per date the days are counted from: "last activity 2024-02-01", "created ...".
    wordings = [
        (text_field, {"name": name, "days": count, "date": date, "limit": threshold})
        for name, count, text_field, date in zip(
            record_names(records, at), elapsed, fields.tolist(), dates.tolist(), strict=True
        )
    ]
    evidence = [
        FieldEvidence(
            [field],
            [value],
            {
                "date": date,
                "days": count,
                "threshold": threshold,
                "as_of": as_of_text,
                "check": check_of[field],
            },
        )
        for field, value, date, count in zip(
            fields.tolist(), raw.tolist(), dates.tolist(), elapsed, strict=True
        )
    ]
    return rule.findings(wordings, ([ref] for ref in record_refs(records, at)), evidence)
