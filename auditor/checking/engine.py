"""Running a rule set over the records. pandera's lazy validation would also find the failures, but
it expands frame-level checks into one failure case per row *and column*: 5.3 s for 1M records where
calling the same registered checks directly takes 17 ms (measured with pandera 0.35). So the engine
evaluates the schema's own check objects and keeps only the boolean masks.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pandera.pandas as pa

from auditor.checking.context import AuditContext
from auditor.checking.rulesets import FieldCheck, RuleSet, load_ruleset
from auditor.findings import Finding, sort_findings


def run_rules(context: AuditContext, ruleset: RuleSet | None = None) -> list[Finding]:
    with _collector_paused():
        return _run_rules(context, ruleset)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Rules create hundreds of thousands of findings on a big audit, and every few hundred new
    objects Python's cycle collector walks the young ones again: a quarter of the rules' time on
    1M records (4.6 s against 3.4 s). Findings hold no cycles; reference counting frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_rules(context: AuditContext, ruleset: RuleSet | None) -> list[Finding]:
    ruleset = ruleset or load_ruleset(context.config)
    schema = ruleset.schema()
    records = context.records
    row_rules = [rule for rule in ruleset.rules if rule.is_row_rule]
    set_rules = [rule for rule in ruleset.rules if not rule.is_row_rule]
    findings: list[Finding] = []
    # Row rules' checks are column kernels (Arrow, numpy) that let go of the GIL: they run on a second
    # core while the set rules, mostly Python building findings, run here. Findings are sorted at
    # the end, so the order rules finish in does not show.
    with ThreadPoolExecutor(max_workers=1) as pool:
        masks = [pool.submit(_passes, check, records) for check in schema.checks]
        for rule in set_rules:
            findings.extend(rule.report(rule, context, **ruleset.parameters_for(rule)))
        for rule, mask in zip(row_rules, masks, strict=True):
            failing = records.loc[~mask.result()]
            if len(failing):
                findings.extend(rule.report(rule, failing, context, **ruleset.parameters_for(rule)))
    for field_check in ruleset.fields:
        findings.extend(_field_findings(field_check, context))
    return sort_findings(findings)


def _passes(check: pa.Check, records: pd.DataFrame) -> np.ndarray:
    return _as_mask(check(records).check_output, len(records))


def _as_mask(output: pd.Series | bool, size: int) -> np.ndarray:
    if isinstance(output, (bool, np.bool_)):
        return np.full(size, bool(output))
    return output.fillna(False).to_numpy(dtype=bool)


def _field_findings(field_check: FieldCheck, context: AuditContext) -> list[Finding]:
    records = context.records
    column = records[field_check.column]
    passes = _as_mask(field_check.to_pandera()(column).check_output, len(records))
    if field_check.objects:
        passes = passes | ~records["object"].isin(field_check.objects).to_numpy()  # the mask may be read-only
    positions = np.flatnonzero(~passes)
    values = column.to_numpy()[positions]
    return [
        Finding(
            rule=field_check.code,
            kind=field_check.kind,
            severity=field_check.severity,
            message=field_check.message,
            records=[ref],
            evidence={
                "field": field_check.column,
                "value": _plain(value),
                "check": field_check.check,
                "expected": field_check.value,
            },
        )
        for ref, value in zip(context.refs(positions), values, strict=True)
    ]


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if not pd.isna(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    return value
