"""Rule sets: which rules run, at what severity, with which parameters, plus field checks written
in pandera's own check vocabulary. They live in rules/rulesets/<name>.toml; the config's [rules]
table selects one and adjusts it (select, ignore, severity).

A rule set compiles into a pandera `DataFrameSchema`: each selected row rule is a registered check
on the frame, each field check a check on its column. `crm-audit rules --schema` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from auditor.checking.registry import Rule, all_rules
from auditor.config import Config
from auditor.errors import ConfigError
from auditor.findings import KINDS, SEVERITIES
from auditor.model import ALL_FIELDS
from auditor.resources import iter_rules_files, load_rules_toml, rules_dir


@dataclass(frozen=True)
class FieldCheck:
    """A check on one column written without Python: `check` names a pandera built-in check
    (isin, notin, str_matches, str_length, in_range, equal_to, ne ...) and `value` its argument."""

    code: str
    column: str
    check: str
    value: Any
    kind: str
    severity: str
    message: str
    objects: tuple[str, ...] = ()

    def to_pandera(self) -> pa.Check:
        factory = getattr(pa.Check, self.check, None)
        if factory is None or self.check.startswith("crm_"):
            raise ConfigError(
                f"field check {self.code}: {self.check!r} is not a pandera check",
                hint="Use a pandera built-in check such as isin, str_matches, str_length, ne",
            )
        try:
            built = factory(**self.value) if isinstance(self.value, Mapping) else factory(self.value)
            # Tried on two columns of text of different lengths before any file is read: a wrong
            # value shape ([0, 5] where a number belongs) fails only when the check runs, and a
            # list argument compared element-wise would pass silently on a column of its length.
            for sample in (pd.Series(["a"], dtype="str"), pd.Series(["", "ab", "abc@d.e"], dtype="str")):
                output = built(sample).check_output
                if not isinstance(output, (bool, np.bool_)) and len(output) != len(sample):
                    raise ValueError("its result is not one answer per value")
        except Exception as error:  # a pandera check may raise anything on a wrong argument
            raise ConfigError(
                f"field check {self.code} on {self.column}: wrong value {self.value!r} for {self.check} ({error})",
                hint="See pandera's built-in checks for the arguments each takes",
            ) from None
        return built


@dataclass(frozen=True)
class RuleSet:
    name: str
    description: str
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fields: tuple[FieldCheck, ...] = ()

    def parameters_for(self, rule: Rule) -> dict[str, Any]:
        return {**rule.parameters, **self.parameters.get(rule.code, {})}

    def schema(self) -> pa.DataFrameSchema:
        """The rule set as a pandera schema (row rules as frame checks, field checks on columns)."""
        checks = [
            getattr(pa.Check, rule.check_name)(**self.parameters_for(rule))
            for rule in self.rules
            if rule.is_row_rule
        ]
        columns: dict[str, list[pa.Check]] = {}
        for field_check in self.fields:
            columns.setdefault(field_check.column, []).append(field_check.to_pandera())
        return pa.DataFrameSchema(
            columns={
                name: pa.Column(checks=column_checks, required=True)
                for name, column_checks in columns.items()
            },
            checks=checks,
            name=f"crm-audit rule set {self.name!r}",
        )


def available_rulesets() -> list[str]:
    return [entry.name.removesuffix(".toml") for entry in iter_rules_files("rulesets", ".toml")]


def load_ruleset(config: Config) -> RuleSet:
    """The rule set the config names, adjusted by the config's select, ignore, severity and fields."""
    name = config.ruleset
    if not rules_dir("rulesets", f"{name}.toml").is_file():
        raise ConfigError(f"unknown rule set {name!r}", hint=f"Available: {', '.join(available_rulesets())}")
    data = load_rules_toml("rulesets", f"{name}.toml")
    catalogue = {rule.code: rule for rule in all_rules()}
    select = config.select or tuple(data.get("select", ()))
    ignore = (*data.get("ignore", ()), *config.ignore)
    chosen = [
        rule
        for code, rule in catalogue.items()
        if _matches(code, select or ("",)) and not _matches(code, ignore)
    ]
    for code in (*select, *ignore):
        if not any(known.startswith(code) for known in catalogue):
            raise ConfigError(
                f"no rule has the code or prefix {code!r}", hint="Run `crm-audit rules` for the catalogue"
            )
    severities = {**data.get("severity", {}), **config.severity}
    for code, level in severities.items():
        if code not in catalogue:
            raise ConfigError(
                f"severity set for unknown rule {code!r}", hint="Run `crm-audit rules` for the catalogue"
            )
        if level not in SEVERITIES:
            raise ConfigError(f"severity of {code} must be one of {', '.join(SEVERITIES)}")
    rules = tuple(replace(rule, severity=severities.get(rule.code, rule.severity)) for rule in chosen)
    parameters = {code.upper(): dict(values) for code, values in data.get("parameters", {}).items()}
    fields = tuple(
        _field_check(spec, position, name)
        for position, spec in enumerate([*data.get("fields", ()), *config.fields], start=1)
    )
    return RuleSet(
        name=name, description=data.get("description", ""), rules=rules, parameters=parameters, fields=fields
    )


def _matches(code: str, patterns: Sequence[str]) -> bool:
    return any(code.startswith(pattern.upper()) for pattern in patterns)


def _field_check(spec: Mapping[str, Any], position: int, ruleset: str) -> FieldCheck:
    where = f"rule set {ruleset!r}, field check #{position}"
    try:
        column = str(spec["column"])
        check = str(spec["check"])
    except KeyError as missing:
        raise ConfigError(f"{where} needs {missing.args[0]!r}") from None
    if column not in ALL_FIELDS:
        raise ConfigError(f"{where}: {column!r} is not a field of the record model")
    kind = str(spec.get("kind", "field_check"))
    severity = str(spec.get("severity", "warning"))
    if kind not in KINDS and kind not in {rule.kind for rule in all_rules()}:
        raise ConfigError(f"{where}: unknown kind {kind!r}")
    if severity not in SEVERITIES:
        raise ConfigError(f"{where}: unknown severity {severity!r}")
    return FieldCheck(
        code=str(spec.get("code", f"F{position:03d}")).upper(),
        column=column,
        check=check,
        value=spec.get("value", {}),
        kind=kind,
        severity=severity,
        message=str(spec.get("message", f"{column} fails {check}")),
        objects=tuple(spec.get("objects", ())),
    )
