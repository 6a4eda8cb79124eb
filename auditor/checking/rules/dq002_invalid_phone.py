"""DQ002 invalid-phone (DQ: data quality)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import field_evidence, record_names
from auditor.checking.rules._reach import blind_reason, filled
from auditor.findings import Finding
from auditor.phones import could_be_phones, known_region

_PHONES = ("phone", "mobile")


def _report(rule: Rule, failing: pd.DataFrame, context: AuditContext) -> list[Finding]:
    invalid = {field: (failing[f"{field}_status"] == "invalid").to_numpy() for field in _PHONES}
    raw = {field: failing[f"{field}_raw"].to_numpy(dtype=object) for field in _PHONES}
    possible = {field: could_be_phones(failing[f"{field}_raw"]) for field in _PHONES}
    regions = failing["country_code"].to_numpy(dtype=object)
    countries = failing["country"].to_numpy(dtype=object)
    default = known_region(context.config.default_country or "")
    names = record_names(failing)
    findings = []
    for index, ref in enumerate(context.refs(failing.index)):
        fields = [field for field in _PHONES if invalid[field][index]]
        values = [raw[field][index] for field in fields]
        # One template per verdict and per number found wrong: the phone, the mobile, or both.
        said: dict[str, object] = {"name": names[index]}
        said |= {field: repr(value) for field, value in zip(fields, values, strict=True)}
        which = "both" if len(fields) > 1 else fields[0]
        region = regions[index]
        if not all(possible[field][index] for field in fields):
            verdict = "impossible"
            check, region_said = rule.says("check.possible"), None
        else:
            national = not all(str(value).lstrip().startswith(("+", "00")) for value in values)
            if region:
                verdict = "in_country"
                said |= {"country": countries[index], "region": region}
                region_said = region
            elif national and default:
                verdict = "in_default"
                said["region"] = default
                region_said = default
            else:
                verdict = "international"
                region_said = None
            check = (
                rule.says("check.region", {"region": region_said})
                if region_said
                else rule.says("check.international")
            )
        findings.append(
            rule.finding(
                says=f"{verdict}.{which}",
                values=said,
                records=[ref],
                evidence=field_evidence(fields, values, country=region_said, check=check),
            )
        )
    return findings


def _reach(context: AuditContext) -> Reach:
    """Records with a phone or a mobile; blind where a number is written nationally and no country
    says how to read it (a record's country, --default-country, or the country most records of the
    export or the audit are in)."""
    records = context.records
    unchecked = np.logical_or.reduce(
        [(records[f"{field}_status"] == "unchecked").to_numpy() for field in _PHONES]
    )
    example = records["phone_raw"].where(records["phone_status"] == "unchecked", records["mobile_raw"])
    return Reach(
        filled(records, "phone_raw", "mobile_raw"),
        (Blind(blind_reason("DQ002", "unknown_country"), unchecked, example),),
    )


@row_rule(
    code="DQ002",
    name="invalid-phone",
    kind="invalid_phone",
    severity="warning",
    summary="A phone or mobile number is present but is not a valid number for the record's country",
    bad={"Phone": "12 345", "Country": "Poland"},
    good={"Phone": "12 345 67 89", "Country": "Poland"},
    report=_report,
    reach=_reach,
)
def invalid_phone(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Checks every phone and mobile number with libphonenumber (the `phonenumbers` package), reading
    a number written nationally ("04 72 10 20 30") in the record's country, else in the default
    country (`--default-country`). A value that cannot be a phone in any country (an email address,
    words, too few or too many digits) is invalid whatever the country. A national number on a
    record without a country is read by the country the export points to (the country most of its
    records, or of all the files, are in; a language spoken in one country) and taken when valid
    there; when not, it stays unchecked, not flagged (the guess may be wrong), and is counted as
    not checked.

    ## Why it matters
    A lead that cannot be called cannot be qualified, and a contact's number is how sales and
    support reach them. Invalid numbers also hide duplicates: the same person entered twice with a
    typo in one number is matched on the phone only when both numbers are real.

    ## Example
    `12 345` with country Poland (too short); `+33 1 23` (too short for France); `555-CALL-NOW`.

    ## Use instead
    A complete number, ideally international (`+48 12 345 67 89`), or leave the field empty.
    """
    return pd.Series(
        np.logical_and.reduce([(records[f"{field}_status"] != "invalid").to_numpy() for field in _PHONES]),
        index=records.index,
    )
