"""Comparing an audit with a previous one (`--baseline findings.json`): which findings are new, which
are still open, and which of the previous audit's findings are gone (fixed).

A finding is the same across two audits when it has the same kind and names the same records. A
record is known by its file's name (not its folder: two runs rarely sit in the same place), its sheet,
and its platform id; by its row only where the export has no id, since a clean-up that deletes rows
moves every row under them. Findings that name several records (duplicate groups, a lead and its
contact) are the same when they share two records: merging one record of a group of three leaves a
group of two, which is the same problem still open, not a new one. A record with two findings of one
kind (an invalid phone and an invalid mobile) tells them apart by the offending field.

An earlier finding is fixed only when the files it names were audited again: one in a file left out
this time says nothing about whether it was fixed, and is counted apart (`not_audited_now`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from auditor.errors import ConfigError
from auditor.findings import Finding, evidence_dict

RecordKey = tuple[str, str, str]
# What a finding on one record is known by: its kind, the record and the offending field.
SingleKey = tuple[str, RecordKey, str]

_HINT = "Give the findings JSON an earlier crm-audit audit wrote with --json"


@dataclass(frozen=True)
class Baseline:
    """The comparison: `still_open[n]` says whether the audit's n-th finding was in the baseline too."""

    file: str
    still_open: list[bool]
    fixed: list[dict[str, Any]]  # the baseline's findings that are gone: kind, rule and records
    not_audited_now: int = 0  # the baseline's findings in files this audit did not read

    @property
    def new(self) -> int:
        return self.still_open.count(False)

    @property
    def still_open_count(self) -> int:
        return self.still_open.count(True)

    def status(self, number: int) -> str:
        return "still_open" if self.still_open[number] else "new"

    def to_dict(self) -> dict[str, Any]:
        """The findings JSON's top-level `baseline` object."""
        return {
            "file": self.file,
            "new": self.new,
            "still_open": self.still_open_count,
            "fixed": len(self.fixed),
            "fixed_findings": self.fixed,
            "not_audited_now": self.not_audited_now,
        }


@dataclass
class _Previous:
    """The baseline's findings indexed by what identifies them."""

    singles: dict[SingleKey, list[int]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[tuple[str, RecordKey], list[int]] = field(default_factory=lambda: defaultdict(list))


def read_baseline(path: str | Path) -> list[dict[str, Any]]:
    """The findings of an earlier findings JSON; a one-line error naming the file when it is not one."""
    try:
        data = orjson.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise ConfigError("no such file", file=str(path), hint=_HINT) from None
    except OSError as error:
        raise ConfigError(f"cannot be read ({error.strerror})", file=str(path), hint=_HINT) from None
    except orjson.JSONDecodeError:
        raise ConfigError("is not JSON", file=str(path), hint=_HINT) from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list) or not all(_is_finding(item) for item in findings):
        raise ConfigError(
            "is not a crm-audit findings JSON (no list of findings)", file=str(path), hint=_HINT
        )
    return findings


def compare(
    findings: Iterable[Mapping[str, Any]],
    previous: list[dict[str, Any]],
    file: str,
    audited: Iterable[str] | None = None,
) -> Baseline:
    """Mark each of `findings` (finding dicts of this audit, in order) new or still open against the
    `previous` findings, and list the previous ones nothing matched as fixed: those whose files are
    all among `audited` (the files this audit read; every file when not given)."""
    index = _Previous()
    for number, finding in enumerate(previous):
        records = _record_keys(finding["records"])
        if len(records) == 1:
            index.singles[(finding["kind"], records[0], _field(finding))].append(number)
        else:
            for record in records:
                index.groups[(finding["kind"], record)].append(number)
    matched: set[int] = set()
    still_open = []
    for finding in findings:
        found = _match(index, finding)
        matched.update(found)
        still_open.append(bool(found))
    names = None if audited is None else {_file_name(name) for name in audited}
    fixed, elsewhere = [], 0
    for number, finding in enumerate(previous):
        if number in matched:
            continue
        if names is not None and not {key[0] for key in _record_keys(finding["records"])} <= names:
            elsewhere += 1
            continue
        fixed.append({"rule": finding["rule"], "kind": finding["kind"], "records": finding["records"]})
    return Baseline(file, still_open, fixed, elsewhere)


def comparable(finding: Finding) -> dict[str, Any]:
    """What `compare` reads of one of this audit's findings, in the shape of the findings JSON: its
    kind, records, and for a finding on one record its evidence (where its field is), without the
    record types and cluster evidence the JSON adds (which cost six times as much to write out)."""
    return {
        "kind": finding.kind,
        "records": [record.to_dict() for record in finding.records],
        "evidence": evidence_dict(finding.evidence) if len(finding.records) == 1 else {},
    }


def _match(index: _Previous, finding: Mapping[str, Any]) -> list[int]:
    records = _record_keys(finding["records"])
    kind = finding["kind"]
    if len(records) == 1:
        return index.singles.get((kind, records[0], _field(finding)), [])
    shared: dict[int, int] = defaultdict(int)
    for record in records:
        for number in index.groups.get((kind, record), ()):
            shared[number] += 1
    return [number for number, count in shared.items() if count >= 2]


def _record_keys(records: list[Mapping[str, Any]]) -> list[RecordKey]:
    keys = []
    for record in records:
        name = _file_name(str(record.get("file", "")))
        sheet = str(record.get("sheet") or "")
        identity = record.get("id")
        keys.append((name, sheet, f"id:{identity}" if identity else f"row:{record.get('row')}"))
    return list(dict.fromkeys(keys))


def _file_name(path: str) -> str:
    """A file as the comparison knows it: its name, from a POSIX or a Windows path."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _field(finding: Mapping[str, Any]) -> str:
    evidence = finding.get("evidence")
    if not isinstance(evidence, dict):
        return ""
    fields = evidence.get("fields")
    return ",".join(map(str, fields)) if isinstance(fields, list) else str(evidence.get("field", ""))


def _is_finding(item: object) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("kind"), str)
        and isinstance(item.get("records"), list)
        and bool(item["records"])
        and all(isinstance(record, dict) for record in item["records"])
    )
