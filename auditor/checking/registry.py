"""The one registry of rules. A rule is a small named unit: a stable code, a kind from docs/CONTRACT.md,
a default severity, a one-line summary, a docstring saying why it matters, and a bad and a good record.

Two shapes of rule share the registry:
- a *row rule* judges each record on its own; its test is registered as a pandera check, so a rule
  set compiles into a pandera `DataFrameSchema` that reads like the table of rules it is;
- a *set rule* looks across records (duplicates, a lead and its contact, labels nobody knows).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandera import extensions

from auditor.checking.coverage import Reach
from auditor.finding_groups import FindingColumns, FindingGroup, Writer
from auditor.findings import SEVERITY_ORDER, Evidence, Finding, RecordRef
from auditor.wording import Words

if TYPE_CHECKING:
    from auditor.checking.context import AuditContext


# What a set rule hands over: its findings kept as columns (`Rule.columns`), one group or one per
# severity (none: an empty list).
Reported = FindingGroup | list[FindingGroup]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    severity: str
    summary: str
    explanation: str
    bad_example: Mapping[str, str]
    good_example: Mapping[str, str]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    # Row rules: True where a record passes, computed over the whole records frame.
    passes: Callable[..., pd.Series] | None = None
    # Row rules: findings for the failing records, written when a report reads them. Set rules: what
    # they flagged in the whole context, kept as columns (`Rule.columns`: one group, or a list of
    # them, one per severity).
    report: Callable[..., Reported] | None = None
    # The records the rule applies to and those it could not check, by reason (see
    # auditor.checking.coverage): `reach(context, **parameters) -> Reach`.
    reach: Callable[..., Reach] | None = None

    @property
    def check_name(self) -> str:
        """The pandera check this rule registers (row rules only)."""
        return "crm_" + self.name.replace("-", "_")

    @property
    def is_row_rule(self) -> bool:
        return self.passes is not None

    def finding(
        self,
        *,
        records: list[RecordRef],
        evidence: Evidence | None = None,
        says: str,
        values: Mapping[str, Any] | None = None,
        severity: str | None = None,
    ) -> Finding:
        """A finding of this rule, with its code, kind and severity (`severity` overrides it for
        evidence a level weaker). Its message is the template `finding.<code>.<says>` of
        reports/i18n with `values`, so that every report language words it."""
        return Finding(
            rule=self.code,
            kind=self.kind,
            severity=severity or self.severity,
            message=self.says(says, values),
            records=records,
            evidence=evidence if evidence is not None else {},
        )

    def says(self, says: str, values: Mapping[str, Any] | None = None) -> Words:
        """This rule's text `finding.<code>.<says>` of reports/i18n, with `values`."""
        return Words(f"finding.{self.code}.{says}", values)

    def findings(
        self,
        wordings: Iterable[tuple[str, Mapping[str, Any]]],
        records: Iterable[list[RecordRef]],
        evidence: Iterable[Evidence],
    ) -> list[Finding]:
        """Many findings of this rule at once, from aligned wordings (template `finding.<code>.<says>`
        and its values, as `finding` takes them), record lists and evidence (a stale-lead audit of a
        million leads makes 300k: built without a Python call each)."""
        messages = [Words(f"finding.{self.code}.{says}", values) for says, values in wordings]
        make = partial(Finding, self.code, self.kind, self.severity)
        return list(map(make, messages, records, evidence))

    def columns(
        self,
        context: AuditContext,
        at: np.ndarray,
        columns: Mapping[str, np.ndarray],
        write: Writer,
        *,
        named: np.ndarray | None = None,
        severity: str | None = None,
    ) -> FindingColumns:
        """This rule's findings kept as columns, written by `write` when a report reads them (see
        auditor.finding_groups): one per record at `at` (positions in the records), or per entry of
        `named` when findings name several records (`at` then holds them one finding after another).
        `severity` overrides the rule's for evidence it states a level lower."""
        return FindingColumns(
            self.code, self.kind, severity or self.severity, context.records, at, columns, write, named
        )

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "severity": self.severity,
            "summary": self.summary,
        }
        if full:
            data |= {
                "explanation": self.explanation,
                "parameters": dict(self.parameters),
                "bad_example": dict(self.bad_example),
                "good_example": dict(self.good_example),
            }
        return data


REGISTRY: dict[str, Rule] = {}
_KIND_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _register(rule: Rule) -> Rule:
    if rule.code in REGISTRY:
        raise ValueError(f"rule code {rule.code} is used twice")
    if not _KIND_NAME.match(rule.kind):
        # New kinds come under new names (docs/CONTRACT.md); a name is all a report needs of one.
        raise ValueError(f"{rule.code}: kind {rule.kind!r} is not a name in lower case and underscores")
    if rule.severity not in SEVERITY_ORDER:
        raise ValueError(f"{rule.code}: unknown severity {rule.severity!r}")
    REGISTRY[rule.code] = rule
    return rule


def row_rule(
    *,
    code: str,
    name: str,
    kind: str,
    severity: str,
    summary: str,
    bad: Mapping[str, str],
    good: Mapping[str, str],
    report: Callable[..., list[Finding]],
    reach: Callable[..., Reach] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., pd.Series]], Callable[..., pd.Series]]:
    """Register `passes(records, **parameters) -> bool Series` as a rule and as a pandera check.

    `report(rule, failing_records, context, **parameters) -> list[Finding]` turns failures into
    findings; `reach(context, **parameters) -> Reach` says which records the rule applies to and
    which of them it could not check.
    """

    def decorate(passes: Callable[..., pd.Series]) -> Callable[..., pd.Series]:
        rule = _register(
            Rule(
                code=code,
                name=name,
                kind=kind,
                severity=severity,
                summary=summary,
                explanation=inspect.cleandoc(passes.__doc__ or ""),
                bad_example=bad,
                good_example=good,
                parameters=dict(parameters or {}),
                passes=passes,
                report=report,
                reach=reach,
            )
        )
        extensions.register_check_method(statistics=list(rule.parameters), check_type="vectorized")(
            _named(passes, rule.check_name)
        )
        return passes

    return decorate


def set_rule(
    *,
    code: str,
    name: str,
    kind: str,
    severity: str,
    summary: str,
    bad: Mapping[str, str],
    good: Mapping[str, str],
    reach: Callable[..., Reach] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Reported]], Callable[..., Reported]]:
    """Register `report(rule, context, **parameters) -> Reported` (what it flagged, kept as columns:
    a group, or a list of groups) as a rule over all records, and
    `reach(context, **parameters) -> Reach` as what it could check."""

    def decorate(report: Callable[..., Reported]) -> Callable[..., Reported]:
        _register(
            Rule(
                code=code,
                name=name,
                kind=kind,
                severity=severity,
                summary=summary,
                explanation=inspect.cleandoc(report.__doc__ or ""),
                bad_example=bad,
                good_example=good,
                parameters=dict(parameters or {}),
                report=report,
                reach=reach,
            )
        )
        return report

    return decorate


def _named(function: Callable[..., pd.Series], name: str) -> Callable[..., pd.Series]:
    """pandera registers a check under its function's name; rules are registered by their own name."""

    def check(frame: pd.DataFrame, **parameters: Any) -> pd.Series:
        return function(frame, **parameters)

    check.__name__ = check.__qualname__ = name
    check.__doc__ = function.__doc__
    # pandera matches a check's statistics against its signature: show the rule's own parameters.
    check.__signature__ = inspect.signature(function)  # type: ignore[attr-defined]
    return check


def all_rules() -> list[Rule]:
    """Every rule, by code. Importing the rules package fills the registry."""
    import auditor.checking.rules  # noqa: F401  (registers every rule module)

    return [REGISTRY[code] for code in sorted(REGISTRY)]
