"""A profile of the data audited, for the people who share out the clean-up: per file and field, how
many records fill it and how many of those values are usable; per label column, the labels written and
what each means; per record owner, how many of their people records need a fix.

Validity is only claimed where the audit really checked a value (emails, phones, dates, countries);
phones that could not be checked (no country to read them by) are counted apart, never as valid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

from auditor.api import AuditResult, InputReport
from auditor.findings import SEVERITIES, SEVERITY_ORDER
from auditor.model import DATE_FIELDS, INPUT_FIELDS, people
from auditor.reporting.summary import worst_severity

# Input fields whose values the audit checks, and the derived column that says how each went:
# a status column (valid / invalid / unchecked) or a parsed column (missing when unreadable).
STATUS_OF = {
    "email": "email_status",
    "email_other": "email_other_status",
    "phone": "phone_status",
    "mobile": "mobile_status",
    "phone_other": "phone_other_status",
}
RECOGNISED_BY = {**DATE_FIELDS, "country": "country_code"}


@dataclass(frozen=True)
class FieldProfile:
    field: str
    headers: list[str]  # the export's columns that fill it
    filled: int
    checked: bool  # whether the audit checks this field's values at all
    valid: int = 0
    invalid: int = 0
    unchecked: int = 0  # filled, but the audit could not check them (phones without a country)


@dataclass(frozen=True)
class LabelProfile:
    header: str
    labels: list[tuple[str, int, dict[str, str]]]  # label, records, what it maps to (concept: value)
    more: int  # distinct labels beyond those listed
    more_records: int
    unknown: int  # records whose label maps to nothing


@dataclass(frozen=True)
class FileProfile:
    file: str
    sheet: str
    object: str
    rows: int
    fields: list[FieldProfile]
    labels: list[LabelProfile]

    @property
    def name(self) -> str:
        return PurePath(self.file).name


# The owner of the records of a file that has no owner column.
NO_OWNER_COLUMN = "\x1f"  # a control character: no owner name holds one (NUL would be cut by numpy)


@dataclass(frozen=True)
class OwnerLoad:
    owner: str  # "" for records with no owner, NO_OWNER_COLUMN for those of files without the column
    records: int  # people records
    worst: dict[str, int]  # records whose most severe finding is error / warning / info
    kinds: list[tuple[str, int]]  # the three most pressing kinds among their records, and how many each names

    @property
    def needs_fix(self) -> int:
        return self.worst["error"] + self.worst["warning"]

    @property
    def column_missing(self) -> bool:
        return self.owner == NO_OWNER_COLUMN


@dataclass(frozen=True)
class OwnerProfile:
    mapped: bool  # an audited export has an owner column
    owners: list[OwnerLoad]  # the owners with the most records to fix first, capped
    total_owners: int
    more_records: int  # people records of the owners left out


def file_profiles(result: AuditResult, *, labels_per_column: int = 8) -> list[FileProfile]:
    """Every audited input table, in the order read."""
    records = result.records
    audited = [report for report in result.inputs if not report.error and report.role == "audited"]
    if not audited:
        return []
    table = _table_of(records)
    codes, keys = pd.factorize(table, sort=False)
    code_of = {str(key): code for code, key in enumerate(keys)}
    profiles = []
    for report in audited:
        # Two inputs shown under one name (two folders' leads.csv) share their records' source_file:
        # profiled once, as the reports name them.
        code = code_of.pop(_table_key(report), None)
        if code is None:
            continue
        positions = np.flatnonzero(codes == code)
        profiles.append(
            FileProfile(
                file=report.file,
                sheet=report.sheet or "",
                object=report.object or "",
                rows=len(positions),
                fields=_fields(report, records, positions),
                labels=_labels(report, labels_per_column),
            )
        )
    return profiles


def owner_profile(result: AuditResult, *, limit: int | None = 25) -> OwnerProfile:
    """People records per owner, and how many of them have an error or a warning: the owners with the
    most to fix first (the first `limit`, or all)."""
    records = result.records
    with_owner = {
        _table_key(report)
        for report in result.inputs
        if not report.error and "owner" in report.columns.values()
    }
    mapped = bool(with_owner)
    is_person = people(records)
    owners_of = records["owner"].to_numpy(dtype=object)
    # A record of a file with no owner column is not "without an owner": nobody can tell.
    table = _table_of(records)
    unknown = ~table.isin(with_owner).to_numpy()
    owners_of = np.where(unknown, NO_OWNER_COLUMN, owners_of)
    owner = owners_of[is_person]
    worst = worst_severity(result)[is_person]
    if not len(owner):
        return OwnerProfile(mapped, [], 0, 0)
    frame = pd.DataFrame({"owner": owner, "worst": worst})
    tally = pd.crosstab(frame["owner"], frame["worst"])
    for rank in (0, *SEVERITY_ORDER.values()):
        if rank not in tally.columns:
            tally[rank] = 0
    tally["records"] = tally.sum(axis=1)
    tally["needs_fix"] = tally[SEVERITY_ORDER["error"]] + tally[SEVERITY_ORDER["warning"]]
    tally = tally.reset_index().sort_values(
        ["needs_fix", "records", "owner"], ascending=[False, False, True], kind="stable"
    )
    shown = tally if limit is None else tally.head(limit)
    kinds = _kinds_per_owner(result, owners_of, is_person, set(shown["owner"]))
    severity: dict[str, int] = {}
    for group in result.findings.groups:
        severity[group.kind] = max(severity.get(group.kind, 0), SEVERITY_ORDER.get(group.severity, 0))

    def most_pressing(counted: Counter) -> list[tuple[str, int]]:
        # As the summary's actions: the most severe kind first, then the one naming the most records.
        ranked = sorted(counted.items(), key=lambda item: (-severity.get(item[0], 0), -item[1], item[0]))
        return ranked[:3]

    owners = [
        OwnerLoad(
            owner=str(row["owner"]),
            records=int(row["records"]),
            worst={level: int(row[SEVERITY_ORDER[level]]) for level in SEVERITIES},
            kinds=most_pressing(kinds.get(row["owner"], Counter())),
        )
        for _, row in shown.iterrows()
    ]
    return OwnerProfile(mapped, owners, len(tally), int(tally["records"].iloc[len(shown) :].sum()))


def _fields(report: InputReport, records: pd.DataFrame, positions: np.ndarray) -> list[FieldProfile]:
    headers: dict[str, list[str]] = {}
    for header, name in report.columns.items():
        if name in INPUT_FIELDS:
            headers.setdefault(name, []).append(header)
    profiles = []
    for name in INPUT_FIELDS:
        if name not in headers:
            continue
        filled = (records[name].iloc[positions].astype(str) != "").to_numpy()
        count = int(filled.sum())
        if name in STATUS_OF:
            status = records[STATUS_OF[name]].iloc[positions[filled]].astype(str).value_counts()
            profiles.append(
                FieldProfile(
                    name,
                    headers[name],
                    count,
                    True,
                    valid=int(status.get("valid", 0)),
                    invalid=int(status.get("invalid", 0)),
                    unchecked=int(status.get("unchecked", 0)),
                )
            )
        elif name in RECOGNISED_BY:
            derived = records[RECOGNISED_BY[name]].iloc[positions[filled]]
            read = derived.notna() & (derived.astype(str) != "")
            valid = int(read.sum())
            profiles.append(
                FieldProfile(name, headers[name], count, True, valid=valid, invalid=count - valid)
            )
        else:
            profiles.append(FieldProfile(name, headers[name], count, False))
    return profiles


def _labels(report: InputReport, limit: int) -> list[LabelProfile]:
    profiles = []
    for header, values in report.labels.items():
        listed = [(entry["label"], int(entry["records"]), dict(entry["maps_to"])) for entry in values]
        rest = listed[limit:]
        profiles.append(
            LabelProfile(
                header=header,
                labels=listed[:limit],
                more=len(rest),
                more_records=sum(records for _, records, _ in rest),
                unknown=sum(records for _, records, maps_to in listed if not maps_to),
            )
        )
    return profiles


def _kinds_per_owner(
    result: AuditResult, owners_of: np.ndarray, is_person: np.ndarray, owners: set[object]
) -> dict[object, Counter]:
    """For the owners shown, how many of their people records each kind of finding names."""
    findings = result.findings
    if not len(findings) or not owners:
        return {}
    flat, sizes = findings.located()
    pairs = pd.DataFrame({"position": flat, "kind": np.repeat(findings.per_finding("kind"), sizes)})
    pairs = pairs[pairs["position"] >= 0]
    pairs = pairs[is_person[pairs["position"].to_numpy()]].drop_duplicates()
    pairs["owner"] = owners_of[pairs["position"].to_numpy()]
    pairs = pairs[pairs["owner"].isin(owners)]
    counted: dict[object, Counter] = {}
    for (owner, kind), size in pairs.groupby(["owner", "kind"], sort=True).size().items():
        counted.setdefault(owner, Counter())[kind] = int(size)
    return counted


def _table_of(records: pd.DataFrame) -> pd.Series:
    """Each record's input table, as `_table_key` names a report's."""
    return records["source_file"].astype(str) + "\x00" + records["source_sheet"].astype(str)


def _table_key(report: InputReport) -> str:
    return f"{report.file}\x00{report.sheet or ''}"
