"""CL005 converted-contact-missing (CL: classification, who is who)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._naming import record_names
from auditor.checking.rules._reach import blind_reason
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import FieldEvidence, Finding
from auditor.wording import file_name


def _reach(context: AuditContext) -> Reach:
    """Leads that name their converted contact; blind where no contact export of the same platform
    is audited alongside (a missing contact then proves nothing)."""
    records = context.records
    applies = ((records["object"] == "lead") & (records["converted_contact_id"] != "")).to_numpy()
    contact_platforms = set(records.loc[records["object"] == "contact", "platform"])
    no_contacts = ~records["platform"].isin(contact_platforms).to_numpy()
    return Reach(
        applies,
        (Blind(blind_reason("CL005", "no_contacts"), no_contacts, records["converted_contact_id"]),),
    )


@set_rule(
    code="CL005",
    name="converted-contact-missing",
    kind="converted_lead_open",
    severity="warning",
    summary="A converted lead whose converted contact is not among the contacts audited alongside",
    bad={"ConvertedContactId": "0035g00000Gone01AAA"},
    good={"ConvertedContactId": "0035g00000Cont01AAA"},
    reach=_reach,
)
def converted_contact_missing(rule: Rule, context: AuditContext) -> FindingColumns | list[FindingColumns]:
    """
    ## What it does
    For each lead that names the contact it was converted into (Salesforce `ConvertedContactId`,
    Zoho "Converted Contact"), looks for that contact among the contact records of the same
    platform audited in the same run. Runs only when such a contact export is loaded: without one,
    a missing contact proves nothing. Salesforce's 15- and 18-character forms of an id are one id.

    ## Why it matters
    The converted contact is where the person's history went: the lead says "look there". When the
    contact is gone (deleted, merged away, never synced, left out of a migration) the lead is the
    only record of the person, yet it is closed as converted, so nobody works it and the contact
    count understates who you know.

    ## Example
    A lead with `ConvertedContactId = 0035g00000Gone01AAA` when Contact.csv has no such `Id`.

    ## Use instead
    Restore or re-link the contact, or reopen the lead; when migrating, export the contacts the
    leads point at.
    """
    records = context.records
    converted = ((records["object"] == "lead") & (records["converted_contact_id"] != "")).to_numpy()
    contacts = (records["object"] == "contact").to_numpy()
    platform_codes, platforms = context.distinct("platform")
    flagged: list[np.ndarray] = []
    contact_counts: list[np.ndarray] = []
    places: list[np.ndarray] = []
    for code in sorted(
        np.intersect1d(platform_codes[converted], platform_codes[contacts]).tolist(),
        key=lambda c: platforms[c],
    ):
        platform = str(platforms[code])
        of_platform = platform_codes == code
        contact_positions = np.flatnonzero(contacts & of_platform)
        known = _id_keys(records["source_id"].take(contact_positions), platform)
        leads = np.flatnonzero(converted & of_platform)
        named = _id_keys(records["converted_contact_id"].take(leads), platform)
        # Arrow's hash look-up: pandas' isin over Arrow strings walks the value set in Python.
        known_ids = pa.array(known[known != ""], type=pa.string())
        missing = ~pc.is_in(pa.array(named, type=pa.string()), value_set=known_ids).to_numpy(
            zero_copy_only=False
        )
        files = sorted(
            {file_name(file) for file in pd.unique(records["source_file"].take(contact_positions))}
        )
        flagged.append(leads[missing])
        contact_counts.append(np.full(int(missing.sum()), len(known), dtype=np.int64))
        places.append(np.full(int(missing.sum()), ", ".join(files), dtype=object))
    if not flagged:
        return []
    columns = {"contacts": np.concatenate(contact_counts), "where": np.concatenate(places)}
    return rule.columns(context, np.concatenate(flagged), columns, partial(_write, rule))


def _id_keys(ids: pd.Series, platform: str) -> pd.Series:
    """Salesforce ids come in a case-sensitive 15-character form and an 18-character form that adds a
    checksum suffix; the first 15 characters are the id."""
    if platform != "salesforce":
        return ids
    return ids.where(ids.str.len() != 18, ids.str.slice(0, 15))


def _write(
    rule: Rule, records: pd.DataFrame, at: np.ndarray, named: np.ndarray, columns: Mapping[str, np.ndarray]
) -> list[Finding]:
    """A finding per lead whose converted contact is missing, written when a report reads it."""
    names = record_names(records, at)
    values = records["converted_contact_id"].take(at).to_numpy(dtype=object)
    return [
        rule.finding(
            says="missing",
            values={"name": name, "contact": value, "files": where},
            records=[ref],
            evidence=FieldEvidence(
                ["converted_contact_id"],
                [value],
                {"check": rule.says("check.contact_ids", {"count": count, "files": where})},
            ),
        )
        for ref, name, value, count, where in zip(
            record_refs(records, at),
            names,
            values,
            columns["contacts"].tolist(),
            columns["where"],
            strict=True,
        )
    ]
