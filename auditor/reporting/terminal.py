"""What a person sees in the terminal: progress while an audit runs, a summary after, `inspect` output."""

from __future__ import annotations

import sys
import time
from types import TracebackType

import click

from auditor.api import AuditResult, InputReport
from auditor.matching import MatchResult
from auditor.reporting.cells import printable
from auditor.reporting.summary import SEVERITIES, actions, health_score


class Progress:
    """One self-overwriting status line on stderr, only when stderr is a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self._width = 0

    def __enter__(self) -> Progress:
        return self

    def update(self, step: str, detail: str) -> None:
        if not self.enabled:
            return
        line = printable(f"[{time.monotonic() - self.started:6.1f}s] {step}: {detail}")[:100]
        click.echo("\r" + line.ljust(self._width), err=True, nl=False)
        self._width = len(line)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.enabled and self._width:
            click.echo("\r" + " " * self._width + "\r", err=True, nl=False)


def summary_text(result: AuditResult, written: list[str]) -> str:
    """What an audit found, for the terminal: the tables read, findings by kind and severity in
    one aligned table, the health score, and where the reports went."""
    summary = result.summary()
    read = [report for report in result.inputs if not report.error]
    audited = [report for report in read if report.role == "audited"]
    lines = [
        f"Audited {summary['records']} records from {len(audited)} table(s) "
        f"(as of {result.config.as_of.isoformat()})."
    ]
    # Aligned up to a point: one very long workbook sheet name should not push every line aside.
    width = min(48, max((len(_table_name(report)) for report in read), default=0))
    for report in read:
        role = "" if report.role == "audited" else f"{_ROLE_WORDS[report.role]} ({report.reason})"
        # A file set aside before it was read (a report crm-audit wrote) has no platform or rows.
        read_as = f"{report.platform} {report.object}, {report.rows} rows" if report.platform else ""
        said = ": ".join(part for part in (read_as, role) if part)
        lines.append(f"  {_table_name(report).ljust(width)}  {said}")
    for report in result.skipped:
        lines.append(f"  skipped {report.file}: {report.error}")
    for report in read:
        for note in report.notes:
            lines.append(f"  note: {_table_name(report)}: {note}")
    if summary["findings"]:
        severities = ", ".join(f"{count} {level}" for level, count in summary["by_severity"].items())
        health = health_score(result)
        score = (
            f" Health score {health.score:.1f}/100 ({health.band}; {health.needs_fix:.1%} of people records"
            " with an error or a warning)."
            if health.score is not None
            else ""
        )
        lines.append(f"{summary['findings']} findings ({severities}).{score}")
        lines.extend(_kind_table(result))
    else:
        lines.append("No findings.")
    if result.baseline:
        compared = result.baseline
        lines.append(
            f"Since {compared.file}: {compared.new} new, {compared.still_open_count} still open,"
            f" {len(compared.fixed)} fixed"
            + (
                f"; {compared.not_audited_now} earlier finding(s) are in files not audited now, not counted as fixed."
                if compared.not_audited_now
                else "."
            )
        )
    if result.decisions:
        ruled = result.decisions
        missing = len(ruled.not_found_lines)
        lines.append(
            f"Decisions from {ruled.file}: {ruled.applied} applied"
            + (
                f"; {missing} ignored: {ruled.records_not_found} record(s) they name are not in this audit"
                f" ({'lines' if missing > 1 else 'line'} {', '.join(map(str, ruled.not_found_lines[:10]))}"
                f"{' ...' if missing > 10 else ''})."
                if missing
                else "."
            )
        )
    lines.extend(_blind_spot_lines(result))
    for path in written:
        lines.append(f"Wrote {path}")
    if not written:
        lines.append("Add --html report.html (or --json, --xlsx, --normalised) to write a report.")
    threshold = result.config.fail_on
    if threshold != "never" and result.exit_status() == 1:
        lines.append(f"Exit status 1: findings reach --fail-on {threshold}.")
    return "\n".join(lines)


_ROLE_WORDS = {"evidence": "read as evidence", "not audited": "not audited"}
# Blind spots listed in the terminal before the rest are left to the reports.
_BLIND_SPOT_LINES = 12


def _blind_spot_lines(result: AuditResult) -> list[str]:
    """What the rules could not check, per rule and table, largest share first; a large share is
    called out with "!" (see auditor.checking.coverage.LARGE_SHARE)."""
    spots = result.blind_spots
    if not spots:
        return []
    large = [spot for spot in spots if spot.large]
    heading = f"Not checked: {len(spots)} rule/table pair(s) could not check some records"
    if large:
        heading += f", {len(large)} of them a large share (!)"
    lines = [heading + ":"]
    for spot in spots[:_BLIND_SPOT_LINES]:
        mark = "!" if spot.large else " "
        table = spot.file if not spot.sheet else f"{spot.file} [{spot.sheet}]"
        reasons = "; ".join(
            reason["reason"] + (f' (e.g. "{reason["example"]}")' if reason["example"] else "")
            for reason in spot.reasons
        )
        lines.append(
            f" {mark} {spot.rule} {spot.kind}, {table}: {spot.not_checked} of {spot.applies} not checked: {reasons}"
        )
    if len(spots) > _BLIND_SPOT_LINES:
        lines.append(f"   ... and {len(spots) - _BLIND_SPOT_LINES} more in the reports (coverage)")
    return lines


def _table_name(report: InputReport) -> str:
    return f"{report.file} [{report.sheet}]" if report.sheet else report.file


def _kind_table(result: AuditResult) -> list[str]:
    """Kinds in the order of what to fix first, with a column per severity ("." where there are
    none), the records they name and that number's share of the people records."""
    counts = result.findings.counts()
    todo = actions(result)
    levels = [level for level in SEVERITIES if any(counts[(action.kind, level)] for action in todo)]
    width = max(len("kind"), *(len(action.kind) for action in todo))
    cells = max(len(level) for level in [*levels, "total", "records"]) + 2
    heads = [*levels, "total", "records", "people"]
    lines = ["  " + "kind".ljust(width) + "".join(head.rjust(cells) for head in heads)]
    for action in todo:
        row = "".join(str(counts[(action.kind, level)] or ".").rjust(cells) for level in levels)
        reach = str(action.findings).rjust(cells) + str(action.records).rjust(cells)
        lines.append("  " + action.kind.ljust(width) + row + reach + f"{action.share:.1%}".rjust(cells))
    return lines


def inspection_text(reports: list[InputReport]) -> str:
    blocks = []
    for report in reports:
        where = f" [sheet {report.sheet}]" if report.sheet else ""
        if report.error:
            blocks.append(f"{report.file}{where}\n  error: {report.error}")
            continue
        lines = [
            f"{report.file}{where}",
            f"  platform:   {report.platform}",
            f"  object:     {report.object}"
            + (f" ({report.object_evidence})" if report.object_evidence else ""),
            f"  confidence: {report.confidence:.2f}",
            f"  format:     {report.format}"
            + (f", encoding {report.encoding}" if report.encoding else "")
            + (f", delimiter {report.delimiter!r}" if report.delimiter else ""),
            f"  rows:       {report.rows}",
        ]
        if report.role != "audited":
            lines.append(f"  audited:    no, {_ROLE_WORDS[report.role]}: {report.reason}")
        if report.language:
            lines.append(f"  language:   {report.language}")
        lines.append("  columns:")
        width = max((len(header) for header in report.columns), default=0)
        for header, field_name in report.columns.items():
            lines.append(f"    {header.ljust(width)}  -> {field_name}")
        if report.unmapped_columns:
            lines.append("  unmapped:   " + ", ".join(report.unmapped_columns))
        if report.duplicate_headers:
            lines.append("  repeated headers (kept apart): " + ", ".join(report.duplicate_headers))
        for ragged in report.ragged_rows[:20]:
            lines.append(
                f"  ragged row {ragged['row']}: {ragged['found']} cells, header has {ragged['expected']}"
            )
        if len(report.ragged_rows) > 20:
            lines.append(f"  ... and {len(report.ragged_rows) - 20} more ragged rows")
        for note in report.notes:
            lines.append(f"  note: {note}")
        for header, values in report.labels.items():
            lines.append(f"  labels in {header}:")
            for value in values[:40]:
                mapped = (
                    ", ".join(f"{concept}={term}" for concept, term in value["maps_to"].items()) or "UNMAPPED"
                )
                lines.append(f"    {value['label']!r:32} {value['records']:>7}  -> {mapped}")
            if len(values) > 40:
                lines.append(f"    ... and {len(values) - 40} more values")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def weights_text(matches: MatchResult) -> str:
    """The matching model the audit learnt from these files: per comparison level, how often it
    occurs for one person (m) and for two (u), and the bits it weighs; the prior; what EM trained on;
    and how many pairs each floor lifted (many say the estimates drifted)."""
    model = matches.model
    if model is None:
        return "matching: fewer than two people, no model learnt"
    diagnostics = matches.diagnostics
    lines = [
        f"matching model learnt from {diagnostics.get('people', 0):,} people, "
        f"{diagnostics.get('candidate_pairs', 0):,} candidate pairs",
        f"  prior: two random records are one person with probability {model.prior:.3g} "
        f"({model.prior_weight:+.1f} bits)",
    ]
    for comparison, m_row, u_row, weights in zip(
        model.comparisons, model.m, model.u, model.level_weights(), strict=True
    ):
        lines.append(f"  {comparison.name}")
        for level, m, u, weight, silent in zip(
            comparison.levels, m_row, u_row, weights, comparison.silent, strict=True
        ):
            if silent:
                lines.append(f"    {level.label:<48} no evidence")
            else:
                lines.append(f"    {level.label:<48} m {m:9.3g}  u {u:9.3g}  {weight:+6.1f} bits")
    for trained in model.diagnostics.get("em", []):
        if trained.get("trained"):
            lines.append(
                f"  EM on {trained['pairs']:,} pairs of {trained['rule']!r}: "
                f"{trained['match_share']:.1%} matches, {trained['iterations']} iterations"
            )
    for name, lifted in model.diagnostics.get("floors", {}).items():
        lines.append(
            f"  floor {name!r}: lifted {lifted:,} candidate pairs the estimates weighed below a match"
        )
    return "\n".join(lines)
