"""The report's view model: everything the HTML template shows, computed once from an AuditResult.

Renderers never recompute findings; this module only reads `result.findings`, `result.records` and
`result.inputs` and shapes them for people: counts, shares, capped tables, the records a finding names
with the offending cells marked, duplicate clusters laid side by side. The template only loops and
formats. Every value here is plain text: escaping is the template's job (jinja2 autoescape).
"""

from __future__ import annotations

import base64
import gzip
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditor import __version__
from auditor.api import AuditResult, InputReport
from auditor.baseline import Baseline
from auditor.checking.coverage import Coverage
from auditor.decisions import Decisions
from auditor.finding_groups import Findings, locate
from auditor.findings import (
    ClusterEvidence,
    Evidence,
    FieldEvidence,
    Finding,
    LabelEvidence,
    PairEvidence,
    RecordRef,
)
from auditor.model import CANONICAL_TYPES, TEMPERATURES
from auditor.model import people as is_person
from auditor.reporting.profile import FileProfile, OwnerProfile, file_profiles, owner_profile
from auditor.reporting.summary import CLUSTER_KINDS, SEVERITIES, Action, HealthView, actions, health_score
from auditor.wording import FALLBACK, FOLDERS, Several, Words, said

LABEL_KINDS = ("unmapped_label",)

# Record columns read for display; phones as exported, because that is what a person searches for.
_RECORD_COLUMNS = (
    "source_file",
    "source_sheet",
    "source_row",
    "source_id",
    "platform",
    "object",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone_raw",
    "mobile_raw",
    "company",
    "title",
    "city",
    "country",
    "owner",
    "record_type",
    "suggested_type",
    "temperature",
    "created_date",
    "last_modified_date",
    "last_activity_date",
)
# Shown beside a record's name, email, phone and company where there is room (duplicate clusters);
# the last-modified date too, because a keep reason may cite it as the most recent activity.
_EXTRA_FIELDS = (
    "mobile_raw",
    "title",
    "city",
    "country",
    "owner",
    "created_date",
    "last_modified_date",
    "last_activity_date",
)
# Evidence fields -> the display column that shows them, so the offending cell is the one marked.
_FIELD_COLUMN = {
    "first_name": "name",
    "last_name": "name",
    "full_name": "name",
    "name": "name",
    "email": "email",
    "email_alt": "email",
    "phone": "phone",
    "phone_raw": "phone",
    "mobile": "phone",
    "mobile_raw": "phone",
    "company": "company",
    "record_type": "type",
    "suggested_type": "type",
}
# Evidence keys the cluster layout shows in its own way.
_MAX_TEXT = 300  # characters of one value shown in the page; the JSON/XLSX keep them whole
_MAX_EVIDENCE_ITEMS = 12


@dataclass(frozen=True)
class Limits:
    """How much the page shows before it points to the XLSX/JSON: keeps a million-record audit's
    page small enough to open in seconds."""

    # The first screen's list of what to fix first; every kind is in the table under it.
    actions: int = 5
    rows_per_kind: int = 500
    clusters_per_kind: int = 100
    records_per_cluster: int = 8
    # Cards of a section shown with their records side by side; the others open on demand.
    open_cards: int = 10
    pairs_per_cluster: int = 6
    labels: int = 500
    records_per_label: int = 5
    # Search and filters appear from this many shown items on; for fewer they are only noise.
    filter_from: int = 4
    owners: int = 25
    labels_per_column: int = 8


@dataclass(frozen=True)
class Bar:
    """One labelled bar: `fraction` of the longest bar in its chart (0..1)."""

    key: str
    count: int
    fraction: float


@dataclass(frozen=True)
class Segment:
    """A piece of a stacked bar or a ring, positions as fractions of the whole (0..1)."""

    key: str
    count: int
    start: float
    length: float


@dataclass(frozen=True)
class KindCount:
    """A kind of finding as the summary lists it, and as one action of the first screen."""

    kind: str
    anchor: str
    count: int
    fraction: float
    by_severity: dict[str, int]
    segments: list[Segment]
    worst: str
    records: int  # distinct records its findings name
    share: float  # people records named ÷ people records
    # Compared with an earlier audit (--baseline): its findings new since then, and those fixed.
    new: int | None = None
    fixed: int | None = None


@dataclass(frozen=True)
class RecordView:
    location: str
    file: str
    sheet: str
    row: int
    id: str
    name: str
    email: str
    phone: str
    company: str
    record_type: str
    suggested_type: str
    temperature: str
    platform: str
    object: str
    extra: dict[str, str]  # the other display fields (title, city, owner, dates ...), "" when empty
    marked: frozenset[str] = frozenset()  # display columns holding an offending value


@dataclass(frozen=True)
class Phrase:
    """A text of a finding as the report shows it; `lang` is "en" where it is still English inside a
    report of another language (its rule has no template there yet), else ""."""

    text: str
    lang: str = ""


@dataclass(frozen=True)
class EvidenceItem:
    key: str  # a field or evidence key (the template translates it)
    value: str
    marked: bool = False
    is_field: bool = False
    lang: str = ""  # as Phrase.lang
    data: bool = False  # a value of the records or the settings (a name, a domain, a date), never translated


@dataclass(frozen=True)
class FindingRow:
    severity: str
    rule: str
    message: str
    message_lang: str  # "en" when the message is in English in a report of another language, else ""
    record: RecordView | None
    more_records: int
    evidence: list[EvidenceItem]
    days: int | None = None  # what the rule measured in days (a stale lead's days without activity)


@dataclass(frozen=True)
class ClusterRow:
    field: str
    values: list[str]
    matched: bool
    differs: bool


@dataclass(frozen=True)
class PairField:
    field: str
    left: str
    right: str
    comparison: Phrase
    level: Phrase
    weight: str
    fraction: float
    supports: bool


@dataclass(frozen=True)
class PairView:
    left: int  # 1-based record numbers in the card
    right: int
    score: str
    fields: list[PairField]


@dataclass(frozen=True)
class ClusterView:
    severity: str
    rule: str
    message: Phrase
    cluster: str
    score: str
    confidence: str  # sure, likely, review
    plain: list[tuple[str, str]]  # (same / similar / different, field) of the first pair
    matched_on: list[str]
    members: list[RecordView]
    keep: int | None  # index into members
    keep_reason: Phrase
    hidden_members: int
    rows: list[ClusterRow]
    pairs: list[PairView]
    hidden_pairs: int
    risks: list[Phrase]
    evidence: list[EvidenceItem]
    decided: bool = False  # a person's decision (--decisions) joined some of its records
    # How a decisions file names its records (file name, id or "row:N"), for "not the same person".
    keys: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class LabelRow:
    severity: str
    rule: str
    label: str
    field: str
    column: str
    count: int
    suggestions: list[str]
    records: list[str]
    more_records: int


@dataclass(frozen=True)
class KindSection:
    kind: str
    anchor: str
    layout: str  # table, clusters, labels
    filter_from: int
    total: int
    by_severity: dict[str, int]
    rules: list[str]
    rows: list[FindingRow] = field(default_factory=list)
    clusters: list[ClusterView] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    by_filter: dict[str, int] = field(default_factory=dict)  # findings per "severity|rule"
    # A capped section's every finding as a line "severity|rule<TAB>the data a search reads",
    # gzipped and base64-encoded: the page counts a search over the whole section, not its page.
    search_index: str = ""

    @property
    def days(self) -> bool:
        """The rows measure days: the table gets a column to sort them by."""
        return any(row.days is not None for row in self.rows)

    @property
    def temperatures(self) -> bool:
        """Every row is a lead, some rated: the table gets a column to sort them by temperature."""
        records = [row.record for row in self.rows]
        return all(record is not None and record.record_type == "lead" for record in records) and any(
            record is not None and record.temperature for record in records
        )

    @property
    def capped(self) -> bool:
        return self.shown < self.total

    @property
    def shown(self) -> int:
        return len(self.rows) + len(self.clusters) + len(self.labels)

    @property
    def filterable(self) -> bool:
        return self.shown >= self.filter_from


@dataclass(frozen=True)
class MatrixView:
    """record_type (rows) against suggested_type (columns) over people (accounts left out)."""

    rows: list[str]
    columns: list[str]
    counts: list[list[int]]
    intensity: list[list[float]]  # 0..1 of the largest off-diagonal cell, for shading
    row_totals: list[int]
    column_totals: list[int]
    total: int


@dataclass(frozen=True)
class InputView:
    file: str
    name: str
    sheet: str
    platform: str
    object: str
    rows: int
    fraction: float
    confidence: float | None
    language: str
    encoding: str
    delimiter: str
    format: str
    columns: list[tuple[str, str]]
    unmapped_columns: list[str]
    duplicate_headers: list[str]
    ragged_rows: int
    notes: list[Phrase]
    error: Phrase | None  # why a file could not be read
    role: str = "audited"  # audited, evidence, not audited
    reason: Phrase | None = None  # why it is not audited


@dataclass(frozen=True)
class BlindSpotView:
    """A rule that could not check some records of one table: how many, and why (with an example)."""

    rule: str
    kind: str
    file: str
    name: str
    sheet: str
    checked: int
    not_checked: int
    share: float
    large: bool
    reasons: list[tuple[Phrase, int, str]]  # (reason, records, example or "")


@dataclass(frozen=True)
class BaselineView:
    """Since the earlier audit: findings new, still open and fixed, and the fixed ones per kind."""

    name: str
    new: int
    still_open: int
    fixed: int
    fixed_by_kind: list[tuple[str, int]]
    not_audited_now: int


@dataclass(frozen=True)
class DecisionsView:
    """A person's decisions about pairs (--decisions): how many applied, and those naming records
    this audit does not hold (ignored, never silently)."""

    name: str
    decisions: int
    applied: int
    not_found: int
    records_not_found: int
    lines: list[int]


@dataclass(frozen=True)
class ReportView:
    lang: str
    as_of: str
    version: str
    records: int
    findings: int
    files_read: int
    files_skipped: int
    health: HealthView
    by_severity: list[Segment]
    by_kind: list[KindCount]
    by_platform: list[Bar]
    by_object: list[Bar]
    inputs: list[InputView]
    skipped: list[InputView]
    matrix: MatrixView
    leads_elsewhere: list[Bar]
    leads: int
    temperatures: list[Bar]
    sections: list[KindSection]
    limits: Limits
    blind_spots: list[BlindSpotView] = field(default_factory=list)
    checks: int = 0  # rule/table pairs the coverage counts
    baseline: BaselineView | None = None
    files: list[FileProfile] = field(default_factory=list)
    owners: OwnerProfile | None = None
    decisions: DecisionsView | None = None


def build_view(result: AuditResult, *, limits: Limits | None = None, lang: str | None = None) -> ReportView:
    """Shape an audit for the report. Deterministic: same result, same view."""
    limits = limits or Limits()
    lang = lang or result.config.lang
    records = result.records
    findings = result.findings
    summary = result.summary()
    todo = actions(result)
    # Only the type columns: a copy of every column of a million records would cost a gigabyte.
    people = records.loc[is_person(records), ["record_type", "suggested_type", "temperature"]]
    leads = people[people["record_type"] == "lead"]
    read = [report for report in result.inputs if not report.error]
    largest_input = max((report.rows for report in read), default=0)
    return ReportView(
        lang=lang,
        as_of=result.config.as_of.isoformat(),
        version=__version__,
        records=summary["records"],
        findings=summary["findings"],
        files_read=len({report.file for report in read}),
        files_skipped=len(result.skipped),
        health=health_score(result),
        by_severity=_segments(summary["by_severity"], SEVERITIES),
        by_kind=_kind_counts(findings, todo, result.baseline),
        by_platform=_bars(records["platform"]),
        by_object=_bars(records["object"]),
        inputs=[_input_view(report, largest_input, lang) for report in read],
        skipped=[_input_view(report, largest_input, lang) for report in result.skipped],
        matrix=_matrix(people),
        leads_elsewhere=_bars(
            leads["suggested_type"][leads["suggested_type"] != "lead"], order=CANONICAL_TYPES
        ),
        leads=len(leads),
        temperatures=_bars(leads["temperature"], order=(*reversed(TEMPERATURES), ""), keep_zero=True),
        sections=_sections(records, findings, [action.kind for action in todo], limits, lang),
        limits=limits,
        blind_spots=[_blind_spot_view(entry, lang) for entry in result.blind_spots],
        checks=len(result.coverage),
        baseline=_baseline_view(result.baseline),
        files=file_profiles(result, labels_per_column=limits.labels_per_column),
        owners=owner_profile(result, limit=limits.owners),
        decisions=_decisions_view(result.decisions),
    )


def _baseline_view(baseline: Baseline | None) -> BaselineView | None:
    if baseline is None:
        return None
    fixed = Counter(finding["kind"] for finding in baseline.fixed)
    return BaselineView(
        PurePath(baseline.file).name,
        baseline.new,
        baseline.still_open_count,
        len(baseline.fixed),
        sorted(fixed.items(), key=lambda item: (-item[1], item[0])),
        baseline.not_audited_now,
    )


def _decisions_view(decisions: Decisions | None) -> DecisionsView | None:
    if decisions is None:
        return None
    return DecisionsView(
        PurePath(decisions.file).name,
        len(decisions.decisions),
        decisions.applied,
        len(decisions.not_found_lines),
        decisions.records_not_found,
        decisions.not_found_lines[:10],
    )


def _blind_spot_view(entry: Coverage, lang: str) -> BlindSpotView:
    return BlindSpotView(
        rule=entry.rule,
        kind=entry.kind,
        file=entry.file,
        name=PurePath(entry.file).name,
        sheet=entry.sheet or "",
        checked=entry.checked,
        not_checked=entry.not_checked,
        share=entry.share_not_checked,
        large=entry.large,
        reasons=[
            (_sentence(reason["reason"], lang) or Phrase(""), reason["records"], reason["example"] or "")
            for reason in entry.reasons
        ],
    )


def anchor(kind: str) -> str:
    return "kind-" + kind.replace("_", "-")


def _segments(counts: Mapping[str, int], order: Sequence[str]) -> list[Segment]:
    total = sum(counts.get(key, 0) for key in order)
    segments, start = [], 0.0
    for key in order:
        count = counts.get(key, 0)
        if not count:
            continue
        length = count / total
        segments.append(Segment(key, count, start, length))
        start += length
    return segments


def _kind_counts(findings: Findings, todo: list[Action], baseline: Baseline | None) -> list[KindCount]:
    pairs = findings.counts()
    new: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    if baseline is not None:
        is_new = ~np.asarray(baseline.still_open, dtype=bool)
        new.update(findings.per_finding("kind")[is_new].tolist())
        fixed.update(str(entry.get("kind", "")) for entry in baseline.fixed)
    totals = findings.tally("kind")
    largest = max(totals.values(), default=1)
    rows = []
    for action in todo:
        kind = action.kind
        by_severity = {level: pairs[(kind, level)] for level in SEVERITIES if pairs[(kind, level)]}
        worst = next(iter(by_severity), "info")
        # Segments are fractions of the largest kind, so stacked bars compare across kinds.
        segments, start = [], 0.0
        for level, count in by_severity.items():
            segments.append(Segment(level, count, start, count / largest))
            start += count / largest
        rows.append(
            KindCount(
                kind,
                anchor(kind),
                totals[kind],
                totals[kind] / largest,
                by_severity,
                segments,
                worst,
                action.records,
                action.share,
                new=None if baseline is None else new[kind],
                fixed=None if baseline is None else fixed[kind],
            )
        )
    return rows


def _bars(values: pd.Series, *, order: Sequence[str] | None = None, keep_zero: bool = False) -> list[Bar]:
    counts = values.value_counts(sort=False).to_dict()
    if order is None:
        keys = sorted(counts, key=lambda key: (-counts[key], str(key)))
    else:
        keys = [key for key in order if keep_zero or counts.get(key)]
        keys += sorted(set(counts) - set(order), key=str)
    largest = max(counts.values(), default=0) or 1
    return [Bar(str(key), int(counts.get(key, 0)), counts.get(key, 0) / largest) for key in keys]


def _matrix(people: pd.DataFrame) -> MatrixView:
    # groupby rather than a Python loop over the records: a million rows take milliseconds.
    crossed = Counter(people.groupby(["record_type", "suggested_type"], observed=True).size().to_dict())
    rows = [kind for kind in CANONICAL_TYPES if any(key[0] == kind for key in crossed)]
    columns = [kind for kind in CANONICAL_TYPES if any(key[1] == kind for key in crossed)]
    counts = [[crossed[(row, column)] for column in columns] for row in rows]
    off_diagonal = [
        counts[i][j] for i, row in enumerate(rows) for j, column in enumerate(columns) if row != column
    ]
    largest = max(off_diagonal, default=0) or 1
    intensity = [
        [0.0 if row == column else counts[i][j] / largest for j, column in enumerate(columns)]
        for i, row in enumerate(rows)
    ]
    return MatrixView(
        rows=rows,
        columns=columns,
        counts=counts,
        intensity=intensity,
        row_totals=[sum(line) for line in counts],
        column_totals=[sum(counts[i][j] for i in range(len(rows))) for j in range(len(columns))],
        total=len(people),
    )


def _input_view(report: InputReport, largest: int, lang: str) -> InputView:
    delimiter = {"\t": "TAB", " ": "SPACE"}.get(report.delimiter or "", report.delimiter or "")
    return InputView(
        file=report.file,
        name=PurePath(report.file).name,
        sheet=report.sheet or "",
        platform=report.platform or "",
        object=report.object or "",
        rows=report.rows,
        fraction=report.rows / largest if largest else 0.0,
        confidence=report.confidence,
        language=report.language or "",
        encoding=report.encoding or "",
        delimiter=delimiter,
        format=report.format or "",
        columns=list(report.columns.items()),
        unmapped_columns=list(report.unmapped_columns),
        duplicate_headers=list(report.duplicate_headers),
        ragged_rows=len(report.ragged_rows),
        notes=[note for note in (_sentence(text, lang) for text in report.notes) if note],
        error=_sentence(report.error, lang),
        role=report.role,
        reason=_sentence(report.reason, lang),
    )


def _sentence(text: str | None, lang: str) -> Phrase | None:
    """A note, a reason or an error of the inputs and the coverage in the report's language; None
    when there is none. These are sentences, never data: one that is not `Words` is English."""
    if not text:
        return None
    if isinstance(text, Words):
        worded, in_language = said(text, lang)
        return Phrase(worded, "" if in_language else FALLBACK)
    return Phrase(str(text), "" if lang == FALLBACK else FALLBACK)


# --- sections ----------------------------------------------------------------------------------


def _sections(
    records: pd.DataFrame, findings: Findings, order: list[str], limits: Limits, lang: str
) -> list[KindSection]:
    grouped = findings.by_kind()
    plans = []
    for kind in order:
        layout = "clusters" if kind in CLUSTER_KINDS else "labels" if kind in LABEL_KINDS else "table"
        cap = {"clusters": limits.clusters_per_kind, "labels": limits.labels, "table": limits.rows_per_kind}
        # Only the findings the page shows are written out (a stale-lead audit may have 300k); a
        # section that cannot show them all shows what matters most first.
        group = grouped[kind] if len(grouped[kind]) <= cap[layout] else grouped[kind].ranked()
        plans.append((kind, layout, group, group[: cap[layout]]))
    # Only the records the page displays are looked up (a row's first record, a cluster's first
    # members), all in one pass: a 100k-finding audit's page stays cheap to build.
    trimmed = [
        Finding(
            f.rule,
            f.kind,
            f.severity,
            f.message,
            f.records[: _members(layout, limits)],
            f.evidence,
        )
        for _, layout, _, shown in plans
        if layout != "labels"
        for f in shown
    ]
    located = locate(records, trimmed)
    lookup = _RecordLookup(records, np.concatenate(located) if located else np.zeros(0, dtype=np.int64))
    next_positions = iter(located)
    sections = []
    for kind, layout, group, shown in plans:
        severities = group.tally("severity")
        section = KindSection(
            kind=kind,
            anchor=anchor(kind),
            layout=layout,
            filter_from=limits.filter_from,
            total=len(group),
            by_severity={level: severities[level] for level in SEVERITIES if severities[level]},
            rules=sorted({part.rule for part in group.groups}),
            by_filter=_by_filter(group),
            # In report order, whose positions are cached (ranked ones would be located again): a
            # count does not depend on the order.
            search_index=_search_index(records, grouped[kind])
            if len(group) > len(shown) and layout != "labels"
            else "",
        )
        for finding in shown:
            if layout == "labels":
                section.labels.append(_label(finding, limits))
            elif layout == "clusters":
                section.clusters.append(_cluster(finding, next(next_positions), lookup, limits, lang))
            else:
                section.rows.append(_row(finding, next(next_positions), lookup, lang))
        sections.append(section)
    return sections


def _by_filter(group: Findings) -> dict[str, int]:
    """The section's findings per "severity|rule": what its filters would show of the whole section,
    for a page that shows only the first few hundred."""
    counted: Counter[str] = Counter()
    for part in group.groups:
        counted[f"{part.severity}|{part.rule}"] += len(part)
    return dict(sorted(counted.items()))


# What a search reads of a record, as the page marks it translate="no": names, contact data, ids, places.
_SEARCHED = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone_raw",
    "mobile_raw",
    "company",
    "source_id",
)


def _search_index(records: pd.DataFrame, group: Findings) -> str:
    """Every finding of a capped section as one lowercased line of what a search on the page reads
    (the records' names, contact data, ids and places, and the rule's code), behind its severity and
    rule for the filters; gzipped and base64-encoded. The page decompresses it only when someone
    searches."""
    flat, sizes = group.located()
    located = flat >= 0
    at = flat[located]
    parts = [_arrow(records[name].take(at)) for name in _SEARCHED]
    files = pc.replace_substring_regex(_arrow(records["source_file"].take(at)), FOLDERS, "")
    rows = pc.cast(pa.array(records["source_row"].to_numpy()[at]), pa.string())
    parts.append(pc.binary_join_element_wise(files, rows, ":"))
    text = pc.binary_join_element_wise(*parts, " ").to_numpy(zero_copy_only=False).astype(object)
    finding = np.repeat(np.arange(len(sizes)), sizes)[located]
    if len(finding) == len(sizes) and np.array_equal(finding, np.arange(len(sizes))):
        per_finding = text  # one record each, in order: most sections
    else:
        joined = pd.Series(text).groupby(finding).agg(" ".join)
        per_finding = np.full(len(sizes), "", dtype=object)
        per_finding[joined.index.to_numpy()] = joined.to_numpy()
    rules = group.per_finding("rule").astype(object)
    searched = pa.array(rules + " " + per_finding, type=pa.string())
    searched = pc.utf8_lower(pc.utf8_trim_whitespace(pc.replace_substring_regex(searched, r"\s+", " ")))
    heads = pa.array(group.per_finding("severity").astype(object) + "|" + rules, type=pa.string())
    lines = pc.binary_join_element_wise(heads, searched, "\t").to_pylist()
    data = "\n".join(lines).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")


def _arrow(values: pd.Series) -> pa.Array:
    array = values.array
    if isinstance(array, pd.arrays.ArrowExtensionArray):
        return pc.cast(array.__arrow_array__(), pa.string())
    return pa.array(values.astype(str).to_numpy(dtype=object), type=pa.string())


def _members(layout: str, limits: Limits) -> int:
    return limits.records_per_cluster if layout == "clusters" else 1


class _RecordLookup:
    """Display fields of the records the page shows, read from the records table in one go."""

    def __init__(self, records: pd.DataFrame, positions: np.ndarray) -> None:
        found = np.unique(positions[positions >= 0])
        rows = records.iloc[found][list(_RECORD_COLUMNS)]
        columns = {name: rows[name].to_numpy(dtype=object) for name in _RECORD_COLUMNS}
        self._fields = {
            position: {name: _plain(columns[name][i]) for name in _RECORD_COLUMNS}
            for i, position in enumerate(found.tolist())
        }

    def fields(self, position: int) -> dict[str, str]:
        """The record's display fields; empty when the finding names a record not in the table."""
        return self._fields.get(position, {})


def _record_view(
    ref: RecordRef, position: int, lookup: _RecordLookup, marked: Iterable[str] = ()
) -> RecordView:
    values = lookup.fields(position)
    name = " ".join(part for part in (values.get("first_name", ""), values.get("last_name", "")) if part)
    return RecordView(
        location=_location(ref),
        file=ref.file,
        sheet=ref.sheet or "",
        row=ref.row,
        id=_clip(ref.id or ""),
        name=_clip(name or values.get("full_name", "")),
        email=_clip(values.get("email", "")),
        phone=_clip(values.get("phone_raw", "") or values.get("mobile_raw", "")),
        company=_clip(values.get("company", "")),
        record_type=values.get("record_type", ""),
        suggested_type=values.get("suggested_type", ""),
        temperature=values.get("temperature", ""),
        platform=values.get("platform", ""),
        object=values.get("object", ""),
        extra={key: _clip(values.get(key, "")) for key in _EXTRA_FIELDS},
        marked=frozenset(marked),
    )


def _row(finding: Finding, positions: np.ndarray, lookup: _RecordLookup, lang: str) -> FindingRow:
    evidence, marked = _evidence_items(finding.evidence, lang)
    record = None
    if finding.records:
        record = _record_view(finding.records[0], int(positions[0]), lookup, marked)
    message = _phrase(finding.message, lang)
    if message.lang == "" and lang != FALLBACK and not isinstance(finding.message, Words):
        # A rule that does not word its findings yet writes them in English.
        message = Phrase(message.text, FALLBACK)
    return FindingRow(
        severity=finding.severity,
        rule=finding.rule,
        message=message.text,
        message_lang=message.lang,
        record=record,
        more_records=max(0, len(finding.records) - 1),
        evidence=evidence,
        days=_days(finding.evidence),
    )


def _days(evidence: Evidence) -> int | None:
    details = getattr(evidence, "details", None) or {}
    days = details.get("days")
    return int(days) if isinstance(days, int | float) and not isinstance(days, bool) else None


def _evidence_items(evidence: Evidence, lang: str) -> tuple[list[EvidenceItem], set[str]]:
    """Evidence as key/value items, the offending fields first and marked; also which display
    columns (name, email, phone, company, type) hold an offending value."""
    items: list[EvidenceItem] = []
    marked: set[str] = set()
    if isinstance(evidence, FieldEvidence):
        for name, value in zip(evidence.fields, evidence.values, strict=False):
            items.append(EvidenceItem(name, _clip(_text(value)), marked=True, is_field=True))
            if name in _FIELD_COLUMN:
                marked.add(_FIELD_COLUMN[name])
        details: Mapping[str, Any] = evidence.details
    elif isinstance(evidence, ClusterEvidence):
        details = {"confidence": Words(f"confidence.{evidence.confidence}")} | evidence.details
        if evidence.pairs_note:
            details["pairs_note"] = evidence.pairs_note
    elif isinstance(evidence, dict):
        details = evidence
    else:
        details = {}
    for key in sorted(details, key=str):
        said = _phrase(details[key], lang)
        items.append(
            EvidenceItem(str(key), _clip(said.text), lang=said.lang, data=_is_data(key, details[key]))
        )
    return items[:_MAX_EVIDENCE_ITEMS], marked


def _label(finding: Finding, limits: Limits) -> LabelRow:
    evidence = finding.evidence
    assert isinstance(evidence, LabelEvidence), f"{finding.rule}: a label finding needs LabelEvidence"
    return LabelRow(
        severity=finding.severity,
        rule=finding.rule,
        label=_clip(evidence.label),
        field=evidence.field,
        column=_clip(evidence.column),
        count=evidence.count or len(finding.records),
        suggestions=[_clip(_text(suggestion)) for suggestion in evidence.suggestions],
        records=[_location(ref) for ref in finding.records[: limits.records_per_label]],
        more_records=max(0, len(finding.records) - limits.records_per_label),
    )


def _location(ref: RecordRef) -> str:
    """File name and spreadsheet row ("Lead.csv:12"); the sheet, when any, is shown apart."""
    return f"{PurePath(ref.file).name}:{ref.row}"


# --- clusters ----------------------------------------------------------------------------------

# The side-by-side rows of a cluster card: (display field, record fields behind it).
_CLUSTER_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("first_name", "last_name", "full_name", "name")),
    ("email", ("email", "email_alt")),
    ("phone", ("phone", "phone_raw")),
    ("mobile", ("mobile", "mobile_raw")),
    ("company", ("company",)),
    ("title", ("title",)),
    ("city", ("city",)),
    ("country", ("country", "country_code")),
    ("owner", ("owner",)),
    ("created_date", ("created_at", "created_date")),
    ("last_modified_date", ("last_modified_at", "last_modified_date")),
    ("last_activity_date", ("last_activity_at", "last_activity_date")),
)


def _cluster(
    finding: Finding, positions: np.ndarray, lookup: _RecordLookup, limits: Limits, lang: str
) -> ClusterView:
    evidence = finding.evidence
    assert isinstance(evidence, ClusterEvidence), f"{finding.rule}: a duplicate finding needs ClusterEvidence"
    members = [
        _record_view(ref, int(position), lookup)
        for ref, position in zip(finding.records[: limits.records_per_cluster], positions, strict=True)
    ]
    matched_fields = set(evidence.matched_on)
    keep_at = evidence.keep.record if 0 <= evidence.keep.record < len(members) else None
    rows = []
    for display, behind in _CLUSTER_ROWS:
        values = [_member_value(member, display) for member in members]
        if not any(values):
            continue
        present = {value.casefold() for value in values if value}
        rows.append(ClusterRow(display, values, bool(matched_fields & {display, *behind}), len(present) > 1))
    others, _ = _evidence_items(evidence, lang)
    message = _phrase(finding.message, lang)
    return ClusterView(
        severity=finding.severity,
        rule=finding.rule,
        message=message
        if isinstance(finding.message, Words) or lang == FALLBACK
        else Phrase(message.text, "en"),
        cluster=evidence.cluster,
        score=_score(evidence.score),
        confidence=evidence.confidence,
        plain=_plain_evidence(evidence.pairs[0]) if evidence.pairs else [],
        matched_on=list(evidence.matched_on),
        members=members,
        keep=keep_at,
        keep_reason=_phrase(evidence.keep.reason, lang),
        hidden_members=max(0, len(finding.records) - len(members)),
        rows=rows,
        pairs=[_pair(pair, len(members), lang) for pair in evidence.pairs[: limits.pairs_per_cluster]],
        hidden_pairs=max(0, len(evidence.pairs) - limits.pairs_per_cluster),
        risks=[_phrase(risk, lang) for risk in evidence.risks],
        evidence=others,
        decided=any(pair.decided for pair in evidence.pairs),
        keys=[(PurePath(ref.file).name, ref.id or f"row:{ref.row}") for ref in finding.records],
    )


def _plain_evidence(pair: PairEvidence) -> list[tuple[str, str]]:
    """The first pair's comparisons in words, as (outcome, field): "same" for an exact agreement,
    "similar" for any other that counted for the match, "different" for one that counted against;
    a field empty on either side ("null") says nothing and is left out."""
    said: dict[str, str] = {}
    for entry in pair.fields:
        level = str(entry.level)
        if level == "null" or entry.field in said:
            continue
        if entry.weight < 0:
            said[entry.field] = "different"
        elif entry.weight > 0:
            said[entry.field] = "same" if level == "exact" or level.startswith("same") else "similar"
    order = {"same": 0, "similar": 1, "different": 2}
    return sorted(((outcome, name) for name, outcome in said.items()), key=lambda item: order[item[0]])


def _member_value(member: RecordView, display: str) -> str:
    if display in ("name", "email", "phone", "company"):
        return str(getattr(member, display))
    if display == "mobile":
        return member.extra.get("mobile_raw", "")
    return member.extra.get(display, "")


def _pair(pair: PairEvidence, members: int, lang: str) -> PairView:
    largest = max((abs(entry.weight) for entry in pair.fields), default=0.0) or 1.0
    fields = []
    for entry in pair.fields:
        left, right = [*entry.values, "", ""][:2]
        weight = _float(entry.weight)
        fields.append(
            PairField(
                field=entry.field,
                left=_clip(_text(left)),
                right=_clip(_text(right)),
                comparison=_phrase(entry.comparison, lang),
                level=_phrase(entry.level, lang),
                weight="" if weight is None else f"{weight:+.1f}",
                fraction=0.0 if weight is None else min(1.0, abs(weight) / largest),
                supports=weight is None or weight >= 0,
            )
        )
    return PairView(
        left=_member_number(pair.left, members),
        right=_member_number(pair.right, members),
        score=_score(pair.score),
        fields=fields,
    )


def _member_number(value: object, members: int) -> int:
    """1-based record number as the card shows it; 0 when the pair names a record not shown."""
    return value + 1 if isinstance(value, int) and 0 <= value < members else 0


# --- values ------------------------------------------------------------------------------------


def _plain(value: object) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _phrase(value: object, lang: str) -> Phrase:
    """A text of a finding in the report's language: `Words` as the language words them, marked
    English where it has no template yet; lists item by item; anything else is data, as it is."""
    if isinstance(value, list | tuple):
        parts = [_phrase(item, lang) for item in value]
        english = any(part.lang for part in parts)
        return Phrase(_clip(", ".join(part.text for part in parts)), FALLBACK if english else "")
    if isinstance(value, Words):
        text, in_language = said(value, lang)
        return Phrase(_clip(text), "" if in_language else FALLBACK)
    return Phrase(_clip(_text(value)))


def _is_data(key: object, value: object) -> bool:
    """Whether a piece of evidence is data (an account's name, a domain, a date), shown as it is in
    every language; not where it is (or holds) a text the report words, nor under a key that rules
    fill with sentences or codes (a check, a reason), which stay visible as English until worded."""
    return key not in _WORDED_EVIDENCE and not _worded(value)


# Evidence keys whose values are sentences or codes, never record data.
_WORDED_EVIDENCE = frozenset(
    {"check", "reason", "review", "meanings", "pairs_note", "suggested_type", "grade"}
)


def _worded(value: object) -> bool:
    if isinstance(value, Words | Several):
        return True
    return isinstance(value, list | tuple) and any(_worded(item) for item in value)


def _text(value: object) -> str:
    """A piece of evidence as one line of text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(_text(item) for item in items)
    return _plain(value)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def _score(value: object) -> str:
    number = _float(value)
    return "" if number is None else f"{number:.2f}"
