"""CL004 converted-lead-open (CL: classification, who is who)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._leads import OPEN_STATES, flag_says, platform_says
from auditor.checking.rules._naming import field_values, record_names
from auditor.checking.rules._reach import blind_reason, filled
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import FieldEvidence, Finding
from auditor.wording import Several, term

# Label columns that can carry a lead's state, as the terminology mapper reads them.
_STATE_COLUMNS = ("state_label", "status_label", "stage_label", "type_label", "person_label")
# "Qualified" ends a lead only as a record state or a status reason; a lifecycle stage such as
# HubSpot's "Sales Qualified Lead" names a step of a lead that is still open.
_QUALIFYING_COLUMNS = ("state_label", "status_label")
# The meanings a finding names: the ends of a lead's life, and the open states.
_MEANINGS = ("converted", "qualified", *OPEN_STATES)


def _reach(context: AuditContext) -> Reach:
    """Leads; blind where nothing about the lead's conversion is written: no status, state, stage or
    label, no converted flag and no converted contact."""
    records = context.records
    said = filled(records, *_STATE_COLUMNS, "is_converted", "converted_contact_id")
    return Reach(_leads(records), (Blind(blind_reason("CL004", "unsaid"), ~said),))


def _leads(records: pd.DataFrame) -> np.ndarray:
    """Records of a lead export or labelled lead (a lead's conversion is judged in either)."""
    return ((records["object"] == "lead") | (records["record_type"] == "lead")).to_numpy() & (
        records["object"] != "account"
    ).to_numpy()


@set_rule(
    code="CL004",
    name="converted-lead-open",
    kind="converted_lead_open",
    severity="warning",
    summary="A lead marked converted or qualified that its other labels say is still open",
    bad={"IsConverted": "true", "Status": "Open - Not Contacted"},
    good={"IsConverted": "true", "Status": "Closed - Converted"},
    reach=_reach,
)
def converted_lead_open(rule: Rule, context: AuditContext) -> FindingColumns | list[FindingColumns]:
    """
    ## What it does
    Reads every conversion signal a lead carries and flags the lead when they disagree:
    - converted or qualified, yet open: Salesforce `IsConverted = true` or a `ConvertedContactId`
      with a status such as "Open - Not Contacted"; a Dynamics 365 lead whose status reason is
      "Qualified" while its status is still "Open"; any status, stage or label meaning converted
      next to another meaning open or working;
    - converted by its status, never converted by its flag: status "Closed - Converted" with
      `IsConverted = false` (a status typed in by hand or by an import, no contact behind it).

    What conversion looks like is each platform's own, described as data in its profile's
    `[conversion]` (rules/platforms/*.toml): Salesforce sets the status to a converted one, so a
    converted lead with an open status contradicts itself; Zoho keeps the last Lead Status on
    converted leads, so there the converted flag decides and the old status is history; a
    Dynamics 365 lead whose state is Qualified is converted, and its status reason must be a
    qualified one. A conversion date alone is not a signal: Odoo stamps it when a lead becomes an
    opportunity, which stays open by design.

    ## Why it matters
    Converting a lead turns it into a contact (and an account and opportunity). A lead that says
    both "converted" and "open" is counted twice: once in the pipeline as a lead to work, once as
    the contact it became. Sales work it again; reports double-count; a migration imports it as a
    live lead next to its own contact.

    ## Example
    `IsConverted = true`, `Status = Open - Not Contacted`; Dynamics `Status = Open`,
    `Status Reason = Qualified`; `Status = Closed - Converted`, `IsConverted = false`.

    ## Use instead
    A converted lead with a converted status (`Closed - Converted`, Dynamics `Qualified`/`Qualified`),
    or an open lead with no conversion signals.
    """
    records = context.records
    leads = _leads(records)
    flag_yes = flag_says(context, "is_converted", "yes")
    flag_no = flag_says(context, "is_converted", "no")
    has_contact = (records["converted_contact_id"] != "").to_numpy()
    converted_label = np.logical_or.reduce(
        [context.label_means(column, "state", ("converted",)) for column in _STATE_COLUMNS]
    )
    qualified_label = np.logical_or.reduce(
        [context.label_means(column, "state", ("qualified",)) for column in _QUALIFYING_COLUMNS]
    )
    # Where the platform keeps a lead's last status through conversion (Zoho), that status is
    # history: it says nothing about the converted lead being worked now.
    status_kept = platform_says(context, lambda model: model.status_kept)
    open_label = np.logical_or.reduce(
        [
            context.label_means(column, "state", OPEN_STATES)
            & (~status_kept if column == "status_label" else True)
            for column in _STATE_COLUMNS
        ]
    )
    ended = flag_yes | has_contact | converted_label | qualified_label
    still_open = leads & ended & open_label
    never_converted = leads & converted_label & flag_no & ~open_label
    positions = np.flatnonzero(still_open | never_converted)
    if not len(positions):
        return []
    measured = {
        "flag_yes": flag_yes[positions],
        "has_contact": has_contact[positions],
        "still_open": still_open[positions],
        "status_kept": status_kept[positions],
        **{column: context.label_meaning(column, "state")[positions] for column in _STATE_COLUMNS},
    }
    return rule.columns(context, positions, measured, partial(_write, rule))


def _write(
    rule: Rule, records: pd.DataFrame, at: np.ndarray, named: np.ndarray, measured: Mapping[str, np.ndarray]
) -> list[Finding]:
    names = record_names(records, at)
    values = {
        column: records[column].take(at).to_numpy(dtype=object)
        for column in ("is_converted", "converted_contact_id", *_STATE_COLUMNS)
    }
    # Meanings and checks worded once each, not once a finding.
    meanings = {meaning: term("meaning", meaning) for meaning in (*_MEANINGS, "not converted")}
    checks = {check: rule.says(check) for check in ("check_open", "check_flag")}
    findings = []
    for index, ref in enumerate(record_refs(records, at)):
        ending: list[tuple[str, str, str]] = []  # (field, value, meaning)
        if measured["flag_yes"][index]:
            ending.append(("is_converted", values["is_converted"][index], "converted"))
        if measured["has_contact"][index]:
            ending.append(("converted_contact_id", values["converted_contact_id"][index], "converted"))
        labels = [
            (column, values[column][index], measured[column][index])
            for column in _STATE_COLUMNS
            if measured[column][index]
        ]
        ending += [
            label
            for label in labels
            if label[2] == "converted" or (label[2] == "qualified" and label[0] in _QUALIFYING_COLUMNS)
        ]
        if measured["still_open"][index]:
            kept = measured["status_kept"][index]
            opening = [
                label
                for label in labels
                if label[2] in OPEN_STATES and not (kept and label[0] == "status_label")
            ]
            # "is converted (...)" or "is qualified (...)": one template each.
            says = f"{ending[0][2]}_open"
            wording = {"name": names[index], "ending": _said(ending), "opening": _said(opening)}
            check = "check_open"
        else:
            opening = [("is_converted", values["is_converted"][index], "not converted")]
            says = "never_converted"
            wording = {"name": names[index], "ending": _said(ending), "flag": repr(opening[0][1])}
            check = "check_flag"
        shown = [*ending, *opening]
        findings.append(
            rule.finding(
                says=says,
                values=wording,
                records=[ref],
                evidence=FieldEvidence(
                    [field for field, _, _ in shown],
                    [value for _, value, _ in shown],
                    {
                        "meanings": [
                            meanings.get(meaning) or term("meaning", meaning) for _, _, meaning in shown
                        ],
                        "check": checks[check],
                    },
                ),
            )
        )
    return findings


def _said(labels: list[tuple[str, str, str]]) -> Several:
    return field_values([field for field, _, _ in labels], [value for _, value, _ in labels])
