"""Running a rule set over the records. pandera's lazy validation would also find the failures, but
it expands frame-level checks into one failure case per row *and column*, hundreds of times the cost
of the checks themselves (benchmarks/README.md). So the engine evaluates the schema's own check
objects and keeps only the boolean masks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pandas as pd
import pandera.pandas as pa

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Coverage, Tables, measure
from auditor.checking.registry import Reported, Rule
from auditor.checking.rulesets import FieldCheck, RuleSet, load_ruleset
from auditor.config import Config
from auditor.finding_groups import (
    FindingColumns,
    FindingGroup,
    Findings,
    collector_paused,
    record_refs,
)
from auditor.findings import FieldEvidence, Finding


def run_rules(
    context: AuditContext, ruleset: RuleSet | None = None, *, row_masks: Sequence[np.ndarray] | None = None
) -> Findings:
    """Every rule of the rule set (the config's by default) over the context's records. Findings
    that rules keep as columns are written when a report reads them (see auditor.finding_groups).
    `row_masks`, where the row rules' checks were already run table by table (`row_rule_masks`,
    by the Dask engine's workers), holds what they found, in the rule set's order."""
    with collector_paused():
        return _run_rules(context, ruleset, row_masks)


def row_rule_masks(records: pd.DataFrame, ruleset: RuleSet) -> list[np.ndarray]:
    """Where each row rule of the rule set passes, over these records. A row rule reads a
    record's own fields and those of its input table (in_files_with), never what who-is-who or
    matching derive, so running it on each whole input table apart gives what it gives on the
    combined records (tests/engines/test_parity.py holds every row rule to it)."""
    return [_passes(check, records) for check in ruleset.schema().checks]


def _run_rules(
    context: AuditContext, ruleset: RuleSet | None, row_masks: Sequence[np.ndarray] | None
) -> Findings:
    ruleset = ruleset or load_ruleset(context.config)
    schema = ruleset.schema()
    records = context.records
    row_rules = [rule for rule in ruleset.rules if rule.is_row_rule]
    set_rules = [rule for rule in ruleset.rules if not rule.is_row_rule]
    groups: list[FindingGroup] = []
    # Row rules' checks are column kernels (Arrow, numpy) that let go of the GIL: a second core works
    # through them from the first while the set rules, mostly Python, run here; then this thread
    # takes the checks not yet started, from the last. Findings are sorted at the end, so the order
    # rules finish in does not show.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checks = schema.checks if row_masks is None else []
        started = [pool.submit(_passes, check, records) for check in checks]
        for rule in set_rules:
            groups.extend(_groups(rule, rule.report(rule, context, **ruleset.parameters_for(rule))))
        masks: list[np.ndarray | None] = [None] * len(started) if row_masks is None else list(row_masks)
        for number in reversed(range(len(started))):
            if started[number].cancel():
                masks[number] = _passes(schema.checks[number], records)
        for number, (rule, mask) in enumerate(zip(row_rules, masks, strict=True)):
            failing = np.flatnonzero(~(mask if mask is not None else started[number].result()))
            write = partial(_write_row_rule, rule, context.config, ruleset.parameters_for(rule))
            groups.append(rule.columns(context, failing, {}, write))
    for field_check in ruleset.fields:
        groups.append(_field_findings(field_check, context))
    return Findings(groups, records)


def measure_coverage(context: AuditContext, ruleset: RuleSet | None = None) -> list[Coverage]:
    """Per rule of the rule set and per input table: the records the rule checked, and those it
    applies to but could not check, by reason (see auditor.checking.coverage)."""
    ruleset = ruleset or load_ruleset(context.config)
    coverage: list[Coverage] = []
    tables = Tables.of(context.records)
    for rule in ruleset.rules:
        if rule.reach is None:
            continue
        reach = rule.reach(context, **ruleset.parameters_for(rule))
        coverage.extend(measure(rule.code, rule.kind, reach, tables))
    return coverage


def _groups(rule: Rule, reported: Reported) -> list[FindingGroup]:
    """A set rule's findings as groups of one severity each: a rule may state weak evidence a level
    lower (a customer account found by its name alone), and counts go by group."""
    groups = [reported] if isinstance(reported, FindingGroup) else list(reported)
    for group in groups:
        if not isinstance(group, FindingGroup):
            raise TypeError(
                f"{rule.code} handed over {type(group).__name__}: a set rule returns what it flagged "
                "as columns, rule.columns(context, at, measured, write), or a list of them"
            )
    return groups


def _write_row_rule(
    rule: Rule,
    config: Config,
    parameters: dict[str, object],
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> list[Finding]:
    """A row rule's findings for the failing records at `at` (the rule's `report`). Its context is
    the records and the settings only: what the audit derived on the way is not kept for this."""
    return rule.report(rule, records.iloc[at], AuditContext(records=records, config=config), **parameters)


def _passes(check: pa.Check, data: pd.DataFrame | pd.Series) -> np.ndarray:
    """Where `data` passes the check: the check's function, applied by pandera's own check backend,
    without the table of failure cases pandera makes next (the failing rows with every column,
    which the findings tell better and cheaper)."""
    backend = check.get_backend(data)(check)
    return _as_mask(backend.apply(backend.preprocess(data, None)), len(data))


def _as_mask(output: pd.Series | bool, size: int) -> np.ndarray:
    if isinstance(output, (bool, np.bool_)):
        return np.full(size, bool(output))
    return output.fillna(False).to_numpy(dtype=bool)


def _field_findings(field_check: FieldCheck, context: AuditContext) -> FindingColumns:
    records = context.records
    column = records[field_check.column]
    passes = _passes(field_check.to_pandera(), column)
    if field_check.objects:
        passes = passes | ~records["object"].isin(field_check.objects).to_numpy()  # the mask may be read-only
    return FindingColumns(
        field_check.code,
        field_check.kind,
        field_check.severity,
        records,
        np.flatnonzero(~passes),
        {},
        partial(_write_field_check, field_check),
    )


def _write_field_check(
    field_check: FieldCheck,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> list[Finding]:
    values = records[field_check.column].to_numpy()[at]
    return [
        Finding(
            rule=field_check.code,
            kind=field_check.kind,
            severity=field_check.severity,
            message=field_check.message,
            records=[ref],
            # The message is the user's own, from their rule set or config: shown as they wrote it.
            evidence=FieldEvidence.of(
                field_check.column, _plain(value), check=field_check.check, expected=field_check.value
            ),
        )
        for ref, value in zip(record_refs(records, at), values, strict=True)
    ]


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if not pd.isna(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    return value
