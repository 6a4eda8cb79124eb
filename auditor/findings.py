"""A finding and the record references it carries: what every renderer (terminal, JSON, HTML, XLSX,
CSV) reads and none recomputes. An audit's findings come as one sequence, `auditor.finding_groups.Findings`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SEVERITY_ORDER = {"error": 3, "warning": 2, "info": 1}
# The severities, worst first: the one list the settings, the rule sets and the reports read.
SEVERITIES = tuple(sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True))

# The kinds of docs/CONTRACT.md, in the order reports show them (worst problems first). A rule may
# bring a kind of its own under a new name: reports list it after these.
KINDS = (
    "duplicate",
    "lead_is_contact",
    "converted_lead_open",
    "customer_as_lead",
    "employee_as_lead",
    "partner_as_lead",
    "stale_lead",
    "invalid_email",
    "invalid_phone",
    "unreachable",
    "placeholder",
    "unmapped_label",
    "lifecycle_conflict",
    "missing_required",
    # Added beyond the first list of docs/CONTRACT.md (new kinds are allowed under new names):
    "type_mismatch",  # a contact or customer whose evidence says another type (not a lead problem)
    "field_check",  # a field rule written in a rule-set file or the config failed
    "suspicious_value",  # a formula, markup, address, control character or injection code in a name field
)


# Slotted, not frozen: a million-record audit builds hundreds of thousands of these, and a frozen
# dataclass costs four times as much to create.
@dataclass(slots=True)
class RecordRef:
    """Where a record sits: the input file as given, the spreadsheet row, the platform's id (or None),
    and for workbooks the sheet (an addition to the fields of docs/CONTRACT.md, present only when set).

    `position` is the record's row in the audit's records table when the reference came from it
    (-1 otherwise); renderers use it to find the record without a lookup. It is not part of the JSON."""

    file: str
    row: int
    id: str | None
    sheet: str | None = None
    position: int = field(default=-1, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "row": self.row, "id": self.id}
        if self.sheet:
            data["sheet"] = self.sheet
        return data


@dataclass(slots=True)
class Finding:
    rule: str
    kind: str
    severity: str
    message: str
    records: list[RecordRef]
    evidence: dict[str, Any] = field(default_factory=dict)
    # The message's template in reports/i18n ("finding.DQ001.invalid") and its values: a report in
    # another language words the finding from them. `message` is the English, what the JSON keeps.
    wording: tuple[str, dict[str, Any]] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "records": [record.to_dict() for record in self.records],
            "evidence": self.evidence,
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by rule and by where the first record sits: stable across runs."""
    return sorted(
        findings,
        key=lambda f: (
            -SEVERITY_ORDER.get(f.severity, 0),
            f.rule,
            f.records[0].file if f.records else "",
            f.records[0].row if f.records else 0,
        ),
    )
