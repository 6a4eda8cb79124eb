"""A finding and the record references it carries: what every renderer (terminal, JSON, HTML, XLSX,
CSV) reads and none recomputes. An audit's findings come as one sequence, `auditor.finding_groups.Findings`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SEVERITY_ORDER = {"error": 3, "warning": 2, "info": 1}
# The severities, worst first: the one list the settings, the rule sets and the reports read.
SEVERITIES = tuple(sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True))
# How sure a duplicate finding is, surest first (ClusterEvidence.confidence).
CONFIDENCES = ("sure", "likely", "review")

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
    "mistyped_email_domain",
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


# Typed evidence: what a finding rests on, in the shapes renderers read (auditor/reporting/view.py,
# xlsx_report.py). `evidence_dict` is the one serializer, to the findings JSON of docs/CONTRACT.md.
# Any text in them may be `Words` (auditor/wording.py): English in the JSON, worded in the report's
# language elsewhere.


@dataclass(slots=True)
class FieldEvidence:
    """The offending field(s) and value(s) a rule judged, then what else it measured and the check
    the values failed (`details`, in the order the JSON lists them: "check", "country", "days" ...).

    The JSON names one field as "field"/"value", several as "fields"/"values" (a rule that names a
    set of fields, such as the required ones left empty, lists even one: `listed`). Evidence that
    rests on another table, not on a field of the record (a won deal), has no fields."""

    fields: list[str]
    values: list[Any]
    details: dict[str, Any] = field(default_factory=dict)
    listed: bool = False

    @classmethod
    def of(cls, field_name: str, value: Any, **details: Any) -> FieldEvidence:
        return cls([field_name], [value], details)

    def to_dict(self) -> dict[str, Any]:
        if not self.fields:
            return dict(self.details)
        if len(self.fields) == 1 and not self.listed:
            offending: dict[str, Any] = {"field": self.fields[0], "value": self.values[0]}
        else:
            offending = {"fields": list(self.fields), "values": list(self.values)}
        return offending | self.details


@dataclass(slots=True)
class FieldComparison:
    """One field of a compared pair: both records' values, how they were compared, the level they
    reached and its weight in bits; for a comparison in an evidence group, the group and the bits it
    counted for (the group counts once)."""

    field: str
    values: list[str]
    comparison: str
    level: str
    weight: float
    group: str | None = None
    counted: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "field": self.field,
            "values": self.values,
            "comparison": self.comparison,
            "level": self.level,
            "weight": self.weight,
        }
        if self.group is not None:
            data["group"] = self.group
            data["counted"] = self.counted
        return data


@dataclass(slots=True)
class PairEvidence:
    """Two records of a finding (`left`, `right`: their index in its records) and why they match;
    `veto` when a veto pulled them apart, `review` when the pair was only set aside for review,
    `decided` when a person's decision joined them."""

    left: int
    right: int
    score: float
    fields: list[FieldComparison]
    veto: str = ""
    review: str = ""
    # "same_person" when a person's decision (--decisions) joined the two, whatever their score.
    decided: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "fields": [entry.to_dict() for entry in self.fields],
        }
        if self.veto:
            data["veto"] = self.veto
        if self.review:
            data["review"] = self.review
        if self.decided:
            data["decided"] = self.decided
        return data


@dataclass(slots=True)
class Keep:
    """The record to keep in a merge (index into the finding's records) and the criteria that chose it."""

    record: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "reason": self.reason}


@dataclass(slots=True)
class ClusterEvidence:
    """Records that are one person: the best score, what it matched on, the cluster, how sure it is
    (sure, likely, review), the strongest pairs field by field, which record to keep, what makes a
    merge risky, and what else the rule measured (`details`)."""

    score: float
    matched_on: list[str]
    cluster: str
    pairs: list[PairEvidence]
    keep: Keep
    confidence: str
    risks: list[str]
    pairs_note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_review_pair(self) -> bool:
        """A pair set aside for review (not merged into a cluster)."""
        return len(self.pairs) == 1 and bool(self.pairs[0].review)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"score": self.score, "matched_on": self.matched_on, "cluster": self.cluster}
        if self.is_review_pair:
            # Its verdict first: a reader of the JSON learns it is only for review before its pair.
            data["confidence"] = self.confidence
        data["pairs"] = [pair.to_dict() for pair in self.pairs]
        if self.pairs_note:
            data["pairs_note"] = self.pairs_note
        data["keep"] = self.keep.to_dict()
        if not self.is_review_pair:
            data["confidence"] = self.confidence
        data["risks"] = self.risks
        return data | self.details


@dataclass(slots=True)
class LabelEvidence:
    """A label no vocabulary knows: the field and column it was read from, how many records carry
    it, and the known labels it may be a spelling of."""

    field: str
    column: str
    label: str
    count: int
    suggestions: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "column": self.column,
            "label": self.label,
            "count": self.count,
            "suggestions": self.suggestions,
        }


Evidence = FieldEvidence | ClusterEvidence | LabelEvidence | dict[str, Any]


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """The JSON form of any evidence; a plain dict (a rule's own shape) is written as it is."""
    return evidence if isinstance(evidence, dict) else evidence.to_dict()


@dataclass(slots=True)
class Finding:
    rule: str
    kind: str
    severity: str
    # English; `Words` (auditor/wording.py) when the rule words it from a template, so that a report
    # in another language can say it too.
    message: str
    records: list[RecordRef]
    evidence: Evidence = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "records": [record.to_dict() for record in self.records],
            "evidence": evidence_dict(self.evidence),
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
