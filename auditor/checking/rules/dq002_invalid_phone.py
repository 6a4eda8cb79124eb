"""DQ002 invalid-phone (DQ: data quality)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import field_evidence, field_values, record_names
from auditor.checking.rules._reach import filled
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
        said = field_values(fields, values, " and ")
        region = regions[index]
        if not all(possible[field][index] for field in fields):
            verdict = "cannot be a phone number (letters, an @, or too few or too many digits)"
            check, region_said = "a phone number has 4 to 17 digits and no letters but an extension", None
        else:
            verdict = "is not a valid number" if len(fields) == 1 else "are not valid numbers"
            national = not all(str(value).lstrip().startswith(("+", "00")) for value in values)
            if region:
                verdict += f" in {countries[index]} ({region})"
                region_said = region
            elif national and default:
                verdict += f" in {default}, the default country"
                region_said = default
            else:
                verdict += " as an international number"
                region_said = None
            check = f"libphonenumber: a valid number, region {region_said or 'from +'}"
        findings.append(
            rule.finding(
                message=f"{names[index]}: {said} {verdict}.",
                records=[ref],
                evidence=field_evidence(fields, values) | {"country": region_said, "check": check},
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
        (
            Blind(
                "a national number whose country is unknown (none given, or not valid in the country guessed)",
                unchecked,
                example,
            ),
        ),
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
