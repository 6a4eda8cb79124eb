"""How findings are scored against what a generator planted, shared by the planted-export test
(tests/rules/test_planted.py) and the million-record benchmark (benchmarks/bench_scale.py).

A finding counts for the record it names first (for a finding about a lead and its account, the
lead; for a lead that is a contact, the lead); a finding about a label counts for every record that
carries it, and a duplicate cluster for each of its records.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

Key = TypeVar("Key", bound=Hashable)

# Kinds whose findings count for every record they name.
EVERY_RECORD_NAMED = ("unmapped_label", "duplicate")


def counted(kind: str, records: Sequence[Key]) -> Sequence[Key]:
    """The records a finding of `kind` naming `records` counts for."""
    return records if kind in EVERY_RECORD_NAMED else records[:1]


def flagged_by_kind(
    findings: Iterable[tuple[str, Sequence[Key]]], kinds: Iterable[str]
) -> dict[str, set[Key]]:
    """Per kind, the records its findings count for; `findings` are (kind, records named)."""
    found: dict[str, set[Key]] = {kind: set() for kind in kinds}
    for kind, records in findings:
        found.setdefault(kind, set()).update(counted(kind, records))
    return found


def precision_recall(
    flagged: Mapping[str, set[Key]], planted: Mapping[str, set[Key]]
) -> dict[str, dict[str, Any]]:
    """Per kind flagged or planted: counts, precision and recall (1.0 where nothing was flagged or
    planted), and the first few records missed and flagged wrongly."""
    scores = {}
    for kind in dict.fromkeys([*flagged, *planted]):
        wanted, found = planted.get(kind, set()), flagged.get(kind, set())
        hits = len(wanted & found)
        scores[kind] = {
            "planted": len(wanted),
            "flagged": len(found),
            "precision": hits / len(found) if found else 1.0,
            "recall": hits / len(wanted) if wanted else 1.0,
            "missed": sorted(wanted - found)[:5],
            "wrong": sorted(found - wanted)[:5],
        }
    return scores


def table(scores: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [f"  {'kind':<22}{'planted':>9}{'flagged':>9}{'precision':>11}{'recall':>8}"]
    lines += [
        f"  {kind:<22}{s['planted']:>9}{s['flagged']:>9}{s['precision']:>11.3f}{s['recall']:>8.3f}"
        for kind, s in scores.items()
        if s["planted"] or s["flagged"]
    ]
    return "\n".join(lines)
