"""The XLSX workbook (`--xlsx`): a summary sheet, an inputs sheet and one sheet per kind of finding.

Each row puts a finding next to the key fields of the record it names; duplicate clusters are one row
per record, grouped by cluster. Sheets have a frozen header, an autofilter and set column widths.

No cell is ever a formula: every text goes through `cells.inert` (a leading apostrophe on anything a
spreadsheet would run) and is written with `write_string`, with xlsxwriter's own conversions
(strings to formulas, numbers, URLs) switched off. xlsxwriter's constant-memory mode streams rows to
disk; measured on 110k rows x 18 columns it wrote the file in about half the time openpyxl's
write-only mode took, which matters next to a million-record audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from auditor import TOOL
from auditor.api import AuditResult
from auditor.decisions import Outcome, outcomes
from auditor.finding_groups import Findings
from auditor.findings import ClusterEvidence, Evidence, FieldEvidence, LabelEvidence, evidence_dict
from auditor.reporting.cells import inert
from auditor.reporting.i18n import Translator, message_in
from auditor.reporting.profile import owner_profile
from auditor.reporting.summary import CLUSTER_KINDS, SEVERITIES, Action, actions, health_score
from auditor.reporting.xlsx_rows import (
    Column,
    PendingRows,
    RowStyles,
    arrays_source,
    splice_rows,
    start_table,
)
from auditor.wording import said

_MAX_CELL = 32_767  # Excel's limit on the characters of one cell
_KEY_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone_raw",
    "company",
    "record_type",
    "suggested_type",
    "temperature",
)
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def write_xlsx(result: AuditResult, path: str | Path, *, lang: str | None = None) -> None:
    t = Translator(lang or result.config.lang)
    workbook = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    # Fixed document properties: the same audit gives the same workbook contents.
    created = dt.datetime.combine(result.config.as_of, dt.time())
    workbook.set_properties({"title": t("report.title"), "author": TOOL, "created": created})
    styles = _Styles(workbook)
    grouped = result.findings.by_kind()
    todo = actions(result)
    kinds = [action.kind for action in todo]
    _summary_sheet(workbook.add_worksheet("summary"), result, todo, grouped, t, styles)
    _inputs_sheet(workbook.add_worksheet("inputs"), result, t, styles)
    _owners_sheet(workbook.add_worksheet("owners"), result, t, styles)
    decided = None
    if result.decisions is not None:
        done = outcomes(result.decisions, result.records)
        _decisions_sheet(workbook.add_worksheet("decisions"), done, t, styles)
        decided = _decided_records(done, t)
    pending = []
    for kind in kinds:
        sheet = workbook.add_worksheet(kind[:31])
        build = _cluster_sheet if kind in CLUSTER_KINDS else _finding_sheet
        pending.append(build(sheet, _SheetFindings(grouped[kind], result.records, decided), t, styles))
    workbook.close()
    splice_rows(path, pending)


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#E8ECF2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.text = workbook.add_format({"valign": "top"})
        self.band = workbook.add_format({"valign": "top", "bg_color": "#F3F5F8"})
        self.severity = {
            "error": workbook.add_format({"font_color": "#9B1C1C", "bold": True, "valign": "top"}),
            "warning": workbook.add_format({"font_color": "#7A4100", "bold": True, "valign": "top"}),
            "info": workbook.add_format({"font_color": "#1D4E89", "bold": True, "valign": "top"}),
        }


@dataclass
class _SheetFindings:
    """The findings of one sheet, and the records table their positions point into."""

    findings: Findings
    records: pd.DataFrame
    # With a decisions file: what the decisions say of each record they name, by record position.
    decided: _Decided | None = None

    def layout(self, *, at_least_one: bool) -> _Layout:
        """Where each finding's rows go: one row per record it names (and one row, with no record,
        for a finding naming none, when `at_least_one`)."""
        rows, sizes = self.findings.located()
        if at_least_one and (sizes == 0).any():
            starts = np.cumsum(sizes) - sizes
            rows = np.insert(rows, starts[sizes == 0], -1)
            sizes = np.maximum(sizes, 1)
        owner = np.repeat(np.arange(len(sizes)), sizes)
        first = np.cumsum(sizes) - sizes
        return _Layout(sizes=sizes, rows=rows, owner=owner, member=np.arange(len(rows)) - first[owner])

    def record_columns(self, rows: np.ndarray, owner: np.ndarray, member: np.ndarray) -> list[pa.Array]:
        """File, sheet, row, id and the key fields of the records at `rows` (positions, -1: no
        record), row i belonging to finding `owner[i]` as its record number `member[i]`; taken from
        the records table a column at a time."""
        found = (rows >= 0) & (rows < len(self.records))
        safe = pa.array(np.where(found, rows, 0))
        blank = pa.array(~found)
        columns = []
        for name in ("source_file", "source_sheet", "source_row", "source_id", *_KEY_FIELDS):
            if not len(self.records):  # nothing to take from: every row shows its reference alone
                columns.append(pa.nulls(len(rows), pa.int64() if name == "source_row" else pa.string()))
                if name != "source_row":
                    columns[-1] = pc.fill_null(columns[-1], "")
                continue
            values = pa.array(self.records[name]).take(safe)
            if isinstance(values, pa.ChunkedArray):  # columns of several inputs, concatenated
                values = values.combine_chunks()
            if name == "source_row":
                columns.append(pc.if_else(blank, pa.scalar(None, values.type), values))
            else:
                values = pc.fill_null(values.cast(pa.string()), "")
                columns.append(pc.if_else(blank, "", values))
        self._show_unlocated(columns, rows, owner, member)
        return columns

    def _show_unlocated(
        self, columns: list[pa.Array], rows: np.ndarray, owner: np.ndarray, member: np.ndarray
    ) -> None:
        """Where a finding names a record the table does not hold (positions -1), show the reference
        itself. Rules only name records of the table, so this is the rare path, row by row."""
        missing = np.flatnonzero(rows < 0)
        if not len(missing):
            return
        python = [column.to_pylist() for column in columns[:4]]
        for row in missing.tolist():
            refs = self.findings[owner[row]].records
            if member[row] < len(refs):
                ref = refs[member[row]]
                for column, value in zip(
                    python, (ref.file, ref.sheet or "", ref.row, ref.id or ""), strict=True
                ):
                    column[row] = value
        columns[:4] = [
            pa.array(values, type=column.type) for values, column in zip(python, columns[:4], strict=True)
        ]


@dataclass
class _Layout:
    sizes: np.ndarray  # rows per finding
    rows: np.ndarray  # per row: the position of its record, -1 for none
    owner: np.ndarray  # per row: its finding
    member: np.ndarray  # per row: which of its finding's records it shows


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return inert(text[:_MAX_CELL])


def _write_cells(
    sheet: Worksheet, row: int, values: Sequence[object], style: Format | None = None, *, first: int = 0
) -> None:
    """Numbers as numbers; everything else as inert text, never through a type-guessing `write`.
    Empty texts are left out when unstyled: a blank cell costs as much to write as a full one."""
    for column, value in enumerate(values, start=first):
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = _text(value)
            if text or style is not None:
                sheet.write_string(row, column, text, style)
        else:
            sheet.write_number(row, column, value, style)


def _table_header(sheet: Worksheet, headers: Sequence[str], widths: Sequence[float], styles: _Styles) -> None:
    for column, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, _text(header), styles.header)
    sheet.freeze_panes(1, 0)


def _finish_table(sheet: Worksheet, rows: int, columns: int) -> None:
    sheet.autofilter(0, 0, max(rows, 1), columns - 1)


def _record_headers(t: Translator) -> list[str]:
    return [
        t("col.file"),
        t("col.sheet"),
        t("col.row"),
        t("col.id"),
        t.field("first_name"),
        t.field("last_name"),
        t.field("full_name"),
        t("col.email"),
        t("col.phone"),
        t("col.company"),
        t.field("record_type"),
        t.field("suggested_type"),
        t("col.temperature"),
    ]


def _evidence_json(evidence: Evidence) -> str:
    """The evidence beside the offending field(s) and value(s), as the findings JSON writes it."""
    if isinstance(evidence, FieldEvidence):
        kept = evidence.details
    else:
        kept = {key: value for key, value in evidence_dict(evidence).items() if key not in _OFFENDING_KEYS}
    if not kept:
        return ""
    return orjson.dumps(
        kept, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
    ).decode()


def _offending(evidence: Evidence) -> tuple[str, str]:
    """The offending field(s) and value(s): a row rule's, the field of an unknown label, or a
    rule's own evidence that names them as the findings JSON does ("field"/"value")."""
    if isinstance(evidence, FieldEvidence):
        fields, values = evidence.fields, evidence.values
    elif isinstance(evidence, LabelEvidence):
        return evidence.field, ""
    elif isinstance(evidence, dict) and "field" in evidence:
        fields, values = [evidence["field"]], [evidence.get("value")]
    else:
        return "", ""
    shown = ["" if value is None else str(value) for value in values]
    return ", ".join(map(str, fields)), " | ".join(shown)


def _finding_sheet(sheet: Worksheet, group: _SheetFindings, t: Translator, styles: _Styles) -> PendingRows:
    """One row per record a finding names. A finding naming many records (an unmapped label) says
    what it is once, on its first row; the others carry the rule, so filtering by rule still finds
    them all. Made a chunk of rows at a time, as the rows are written: the stale-lead sheet of a
    million-record audit has 350k rows, and its values all at once took half a gigabyte."""
    findings = group.findings
    layout = group.layout(at_least_one=True)

    def chunk(start: int, stop: int) -> list[pa.Array]:
        owner = layout.owner[start:stop]
        low = int(owner[0]) if len(owner) else 0
        part = findings[low : int(owner[-1]) + 1] if len(owner) else []
        local = owner - low
        first = layout.member[start:stop] == 0

        def every_row(values: list[str]) -> pa.Array:
            return pa.array(np.array(values, dtype=object)[local], type=pa.string())

        def first_row(values: list[str]) -> pa.Array:
            return pa.array(np.where(first, np.array(values, dtype=object)[local], ""), type=pa.string())

        offending = [_offending(finding.evidence) for finding in part]
        return [
            every_row([finding.severity for finding in part]),
            every_row([finding.rule for finding in part]),
            first_row([message_in(t.lang, finding)[0] for finding in part]),
            *group.record_columns(layout.rows[start:stop], owner, layout.member[start:stop]),
            first_row([fields for fields, _ in offending]),
            first_row([value for _, value in offending]),
            first_row([_evidence_json(finding.evidence) for finding in part]),
        ]

    headers = [
        t("col.severity"),
        t("col.rule"),
        t("xlsx.message"),
        *_record_headers(t),
        t("xlsx.fields"),
        t("xlsx.values"),
        t("xlsx.evidence"),
    ]
    widths = [10, 8, 60, 24, 14, 7, 20, 14, 16, 22, 30, 18, 26, 12, 12, 10, 18, 24, 60]
    numbers = {5}  # the spreadsheet row of the record
    row_styles = _severity_styles(findings, layout.sizes, styles)
    columns = [
        Column(header, width, number=index in numbers, styles=row_styles if index == 0 else None)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True))
    ]
    return start_table(sheet, columns, styles.header, rows=len(layout.rows), source=chunk)


def _per_row(values: list[object], sizes: np.ndarray, kind: pa.DataType | None = None) -> pa.Array:
    """A value per finding, repeated on each of the finding's `sizes` rows."""
    return pa.array(np.repeat(np.array(values, dtype=object), sizes), type=kind or pa.string())


def _severity_styles(findings: Findings, sizes: np.ndarray, styles: _Styles) -> RowStyles:
    """Each row in the colour of its finding's severity."""
    codes = np.repeat(
        [
            SEVERITIES.index(group.severity) if group.severity in SEVERITIES else -1
            for group in findings.groups
        ],
        [len(group) for group in findings.groups],
    ).astype(np.int64)
    return RowStyles(np.repeat(codes, sizes), [styles.severity.get(level) for level in SEVERITIES])


_OFFENDING_KEYS = ("field", "fields", "value", "values")


def _cluster_sheet(sheet: Worksheet, group: _SheetFindings, t: Translator, styles: _Styles) -> PendingRows:
    """One row per record of a cluster, the clusters one after another."""
    findings = list(group.findings)
    layout = group.layout(at_least_one=False)
    sizes, member = layout.sizes, layout.member
    clusters, scores, keeps, matched, risks = [], [], [], [], []
    for number, finding in enumerate(findings, start=1):
        evidence = finding.evidence
        assert isinstance(evidence, ClusterEvidence), (
            f"{finding.rule}: a duplicate finding needs ClusterEvidence"
        )
        clusters.append(evidence.cluster or str(number))
        scores.append(evidence.score)
        keeps.append(evidence.keep.record)
        matched.append(", ".join(evidence.matched_on))
        risks.append(" | ".join(said(risk, t.lang)[0] for risk in evidence.risks))

    kept = member == np.repeat(np.array(keeps, dtype=np.int64), sizes)
    record_columns = group.record_columns(layout.rows, layout.owner, member)
    decided = [] if group.decided is None else [group.decided.at(layout.rows)]
    values = [
        _per_row(clusters, sizes),
        _per_row(scores, sizes, pa.float64()),
        pa.array(np.where(kept, t("xlsx.keep"), ""), type=pa.string()),
        _per_row([finding.severity for finding in findings], sizes),
        _per_row([finding.rule for finding in findings], sizes),
        *record_columns,
        _per_row(matched, sizes),
        _per_row(risks, sizes),
        _per_row([message_in(t.lang, finding)[0] for finding in findings], sizes),
        *decided,
    ]
    severity = _severity_styles(group.findings, sizes, styles)
    # Alternate clusters are shaded so that a cluster's rows read as one group.
    bands = RowStyles(np.repeat(np.arange(len(findings)) % 2, sizes), [styles.text, styles.band])
    headers = [
        t("xlsx.cluster"),
        t("findings.score"),
        t("xlsx.keep"),
        t("col.severity"),
        t("col.rule"),
        *_record_headers(t),
        t("findings.matched_on"),
        t("findings.risks"),
        t("xlsx.message"),
        *([t("decisions.column")] if decided else []),
    ]
    widths = [9, 8, 8, 10, 8, 24, 14, 7, 20, 14, 16, 22, 30, 18, 26, 12, 12, 10, 26, 30, 60, 40][
        : len(headers)
    ]
    numbers = {1, 7}  # the score and the spreadsheet row of the record
    columns = [
        Column(header, width, number=index in numbers, styles=severity if index == 3 else bands)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True))
    ]
    return start_table(sheet, columns, styles.header, rows=len(layout.rows), source=arrays_source(values))


def _summary_sheet(
    sheet: Worksheet,
    result: AuditResult,
    todo: list[Action],
    grouped: dict[str, Findings],
    t: Translator,
    styles: _Styles,
) -> None:
    summary = result.summary()
    health = health_score(result)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 8, 12)
    sheet.write_string(0, 0, _text(t("report.title")), styles.title)
    metrics: list[tuple[str, object]] = [
        (t("xlsx.as_of"), result.config.as_of.isoformat()),
        (t("summary.records"), summary["records"]),
        (t("summary.findings"), summary["findings"]),
        (t("xlsx.health"), health.score if health.score is not None else ""),
        (t("xlsx.band"), t(f"summary.band_{health.band}")),
        (t("xlsx.needs_fix"), round(health.needs_fix * 100, 1)),
        (t("summary.files"), len({report.file for report in result.inputs if not report.error})),
        (t("summary.skipped"), len(result.skipped)),
    ]
    _write_cells(sheet, 2, [t("xlsx.metric"), t("xlsx.value")], styles.header)
    for offset, (label, value) in enumerate(metrics, start=3):
        _write_cells(sheet, offset, [label, value])
    sheet.write_string(offset + 1, 0, _text(t("summary.formula")))
    start = offset + 3
    headers = [
        t("xlsx.kind"),
        t("col.kind"),
        *(t(f"severity.{level}") for level in SEVERITIES),
        t("col.count"),
        t("col.records"),
        t("xlsx.share_of_people"),
    ]
    _write_cells(sheet, start, headers, styles.header)
    # In the order of what to fix first (the HTML summary's list, and the order of the sheets).
    for row, action in enumerate(todo, start=start + 1):
        kind = action.kind
        counts = grouped[kind].tally("severity")
        # An internal link to the kind's sheet: a hyperlink, not a formula, and never built from data.
        sheet.write_url(row, 0, f"internal:'{kind[:31]}'!A1", string=kind)
        _write_cells(
            sheet,
            row,
            [
                t.kind_title(kind),
                *(counts[level] for level in SEVERITIES),
                len(grouped[kind]),
                action.records,
                round(action.share * 100, 1),
            ],
            first=1,
        )


def _inputs_sheet(sheet: Worksheet, result: AuditResult, t: Translator, styles: _Styles) -> None:
    headers = [
        t("col.file"),
        t("col.sheet"),
        t("col.platform"),
        t("col.object"),
        t("col.rows"),
        t("col.confidence"),
        t("col.language"),
        t("col.format"),
        t("col.encoding"),
        t("col.delimiter"),
        t("inputs.unmapped"),
        t("xlsx.error"),
    ]
    _table_header(sheet, headers, [30, 16, 14, 10, 9, 11, 9, 8, 11, 9, 40, 50], styles)
    for row, report in enumerate(result.inputs, start=1):
        confidence = report.confidence if report.confidence is not None else ""
        values: list[object] = [
            report.file,
            report.sheet or "",
            report.platform or "",
            t.optional(f"object.{report.object}", report.object) if report.object else "",
            report.rows,
            confidence,
            report.language or "",
            report.format or "",
            report.encoding or "",
            report.delimiter or "",
            ", ".join(report.unmapped_columns),
            report.error or "",
        ]
        _write_cells(sheet, row, values)
    _finish_table(sheet, len(result.inputs), len(headers))


def _owners_sheet(sheet: Worksheet, result: AuditResult, t: Translator, styles: _Styles) -> None:
    """Every record owner with the people records to fix (the page lists the first few): the
    clean-up shared out."""
    owners = owner_profile(result, limit=None)
    headers = [
        t("col.owner"),
        t("col.people"),
        t("col.needs_fix"),
        t("severity.error"),
        t("severity.warning"),
        t("severity.info"),
        t("col.top_kinds"),
    ]
    _table_header(sheet, headers, [32, 14, 12, 9, 10, 9, 60], styles)
    if not owners.mapped:
        _write_cells(sheet, 1, [t("profile.no_owner_column")])
        _finish_table(sheet, 1, len(headers))
        return
    for row, load in enumerate(owners.owners, start=1):
        kinds = "; ".join(f"{t.kind_title(kind)} {t.number(records)}" for kind, records in load.kinds)
        values: list[object] = [
            t("profile.owner_unknown") if load.column_missing else load.owner or t("profile.no_owner"),
            load.records,
            load.needs_fix,
            load.worst["error"],
            load.worst["warning"],
            load.worst["info"],
            kinds,
        ]
        _write_cells(sheet, row, values)
    _finish_table(sheet, len(owners.owners), len(headers))


@dataclass
class _Decided:
    """What a decisions file says of the records it names (by record position), for the cluster
    sheets' decision column."""

    positions: np.ndarray  # sorted
    texts: np.ndarray

    def at(self, rows: np.ndarray) -> pa.Array:
        """The text of each row's record ("" for a record no decision names, or no record)."""
        if not len(self.positions):
            return pa.array(np.full(len(rows), "", dtype=object), type=pa.string())
        where = np.clip(np.searchsorted(self.positions, rows), 0, len(self.positions) - 1)
        named = self.positions[where] == rows
        return pa.array(np.where(named, self.texts[where], ""), type=pa.string())


def _decided_records(done: list[Outcome], t: Translator) -> _Decided:
    """Each record an applied decision names, with every decision about it: who it is (or is not)
    the same person as, and the decisions file's line."""
    said: dict[int, list[str]] = {}
    for outcome in done:
        if not outcome.applied:
            continue
        decision = outcome.decision
        key = "decisions.same_as" if decision.decision == "same_person" else "decisions.not_same_as"
        sides = outcome.positions
        for positions, other in (
            (sides[0], (decision.file_b, decision.id_b)),
            (sides[1], (decision.file_a, decision.id_a)),
        ):
            text = t(key, other=" ".join(other), line=decision.line)
            for position in positions:
                said.setdefault(position, []).append(text)
    positions = np.array(sorted(said), dtype=np.int64)
    texts = np.array(["; ".join(said[position]) for position in positions.tolist()], dtype=object)
    return _Decided(positions, texts)


def _decisions_sheet(sheet: Worksheet, done: list[Outcome], t: Translator, styles: _Styles) -> None:
    """Each line of the decisions file, under the file's own headers, with what it changed."""
    headers = ["file_a", "id_a", "file_b", "id_b", "decision", t("decisions.line"), t("decisions.changed")]
    _table_header(sheet, headers, [28, 22, 28, 22, 16, 7, 60], styles)
    for row, outcome in enumerate(done, start=1):
        decision = outcome.decision
        if not outcome.applied:
            changed = t("decisions.ignored", records=", ".join(outcome.missing))
        elif decision.decision == "same_person":
            changed = (
                t("decisions.joined", cluster=outcome.cluster)
                if outcome.cluster
                else t("decisions.joined_nowhere")
            )
        else:
            changed = (
                t("decisions.apart_in_cluster", cluster=outcome.cluster)
                if outcome.cluster
                else t("decisions.kept_apart")
            )
        values = [
            decision.file_a,
            decision.id_a,
            decision.file_b,
            decision.id_b,
            decision.decision,
            decision.line,
            changed,
        ]
        _write_cells(sheet, row, values)
    _finish_table(sheet, len(done), len(headers))
