"""Score the audit of each real export against its hand-judged truth (`expected.toml`).

    python -m tests.realexports.score          # the per-export, per-kind table of the README

`expected.toml` of an export folder:

    as_of = "2026-11-01"
    settings = { default_country = "US" }              # optional Config settings of the audit
    [files."Lead.csv"]                                  # every file: how it must be read
    platform = "salesforce"
    object = "lead"
    role = "audited"                                    # audited, evidence or not audited
    rows = 22
    [judged.converted_lead_open]                        # per kind, the records that truly have it
    records = [["Lead.csv", "00Qbm00000OrxkHEAR"], ["Lead.csv", 14]]   # by id, or by row
    why = "status Closed - Converted, IsConverted FALSE"
    [judged.duplicate]
    clusters = [[["res.partner.csv", 15], ["res.partner.csv", 29]]]  # each true group
    known_misses = [...]                                # truth the tool misses today, with `why`
    known_false = [...]                                 # findings the tool makes that are wrong

A finding counts for the record it names first (both records of a pair for duplicates); a kind
with findings but no judgment fails the test: every finding on a real export is judged by hand.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import auditor
from auditor.config import Config

HERE = Path(__file__).parent
# Kinds whose findings name a group of records, all of them in question.
GROUP_KINDS = ("duplicate",)

Key = tuple[str, str]  # (file name, record id or row number as text)


def exports() -> list[Path]:
    return sorted(path.parent for path in HERE.glob("*/expected.toml"))


def expectations(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))


def audit(folder: Path) -> auditor.AuditResult:
    expected = expectations(folder)
    settings = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in expected.get("settings", {}).items()
    }
    config = Config(as_of=dt.date.fromisoformat(expected["as_of"]), **settings)
    return auditor.audit([folder], config)


@dataclass
class KindScore:
    kind: str
    truth: set[Key]
    flagged: set[Key]
    known_misses: set[Key] = field(default_factory=set)
    known_false: set[Key] = field(default_factory=set)

    @property
    def hits(self) -> int:
        return len(self.truth & self.flagged)

    @property
    def precision(self) -> float:
        return self.hits / len(self.flagged) if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.hits / len(self.truth) if self.truth else 1.0


def _key(file: str, row: int, identifier: str | None) -> Key:
    return (Path(file).name, identifier or str(row))


def _keys_of(records: Iterable[list[Any]], ids: dict[Key, Key]) -> set[Key]:
    """Judged records are written by id or by row; rows are turned into the id the audit reports."""
    keys = set()
    for file, record in records:
        key = (file, str(record))
        keys.add(ids.get(key, key))
    return keys


def score(folder: Path, result: auditor.AuditResult) -> dict[str, KindScore]:
    expected = expectations(folder)
    records = result.records
    ids = {
        (Path(file).name, str(row)): _key(file, row, identifier)
        for file, row, identifier in zip(
            records["source_file"], records["source_row"], records["source_id"], strict=True
        )
    }
    flagged: dict[str, set[Key]] = {}
    for finding in result.findings:
        named = finding.records if finding.kind in GROUP_KINDS else finding.records[:1]
        flagged.setdefault(finding.kind, set()).update(_key(ref.file, ref.row, ref.id) for ref in named)
    scores = {}
    for kind in sorted(set(flagged) | set(expected.get("judged", {}))):
        judged = expected.get("judged", {}).get(kind, {})
        truth = _keys_of(judged.get("records", []), ids)
        for cluster in judged.get("clusters", []):
            truth |= _keys_of(cluster, ids)
        scores[kind] = KindScore(
            kind=kind,
            truth=truth,
            flagged=flagged.get(kind, set()),
            known_misses=_keys_of(judged.get("known_misses", []), ids),
            known_false=_keys_of(judged.get("known_false", []), ids),
        )
    return scores


def table() -> str:
    lines = ["| export | kind | judged | flagged | precision | recall |", "|---|---|---|---|---|---|"]
    for folder in exports():
        result = audit(folder)
        for kind, entry in score(folder, result).items():
            lines.append(
                f"| {folder.name} | `{kind}` | {len(entry.truth)} | {len(entry.flagged)} | "
                f"{entry.precision:.2f} | {entry.recall:.2f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
