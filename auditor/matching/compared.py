"""The candidate pairs once compared: their levels and term-frequency codes, a row per pair, kept
where they were compared, and what matching asks of them.

Matching needs every candidate's levels only to weigh it; what it keeps is small: for EM, how
often each pattern of levels occurs among each training rule's pairs; each pair's evidence for the
prior's fixed point (a number per pair); and the pairs that may join a cluster or go to review (a few per cent). `ComparedPairs` is that
seam. `PairsInMemory` holds the levels in this process (the local engine); the Dask engine keeps
them on its workers, a part of the pairs per task, and runs the same kernels below there, so the
weights are the same to the bit either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from auditor.matching.estimating import Model, distinct_patterns, joined_patterns

# Candidates counted at a time in this process, as many as are compared at a time: a slice's
# selected levels and packed patterns stay a few megabytes.
_PATTERNS_AT_A_TIME = 250_000


@dataclass
class Kept:
    """The candidates matching goes on with (`rows`, ascending) and, for each, its match weight,
    its weight without the vetoes and whether only a review veto holds it back from a match;
    `matching`: how many of all the candidates weigh at least the match threshold."""

    rows: np.ndarray
    weight: np.ndarray
    unvetoed: np.ndarray
    review: np.ndarray
    matching: int

    @staticmethod
    def joined(parts: list[tuple[int, Kept]]) -> Kept:
        """Parts' kept pairs (each with the row its part starts at) as one, in row order."""
        if not parts:
            return Kept(np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, bool), 0)
        parts = sorted(parts, key=lambda part: part[0])
        return Kept(
            rows=np.concatenate([start + kept.rows for start, kept in parts]),
            weight=np.concatenate([kept.weight for _, kept in parts]),
            unvetoed=np.concatenate([kept.unvetoed for _, kept in parts]),
            review=np.concatenate([kept.review for _, kept in parts]),
            matching=sum(kept.matching for _, kept in parts),
        )


class ComparedPairs(Protocol):
    """The compared candidates, wherever their levels are held. Called in this order: `patterns`
    (EM's counts), `weigh` (the model trained, before its prior), `lifted` and `kept` (the prior
    fitted)."""

    def __len__(self) -> int: ...

    def patterns(self, found: np.ndarray, rules: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per training rule (bit `r` of `found`, a number per candidate, for `r` below `rules`),
        the distinct level patterns of the candidates it found and how many hold each, as
        `joined_patterns` gives them (`patterns_found`)."""
        ...

    def weigh(self, model: Model) -> np.ndarray:
        """Work out and keep every candidate's evidence (`Model.evidence`; the term-frequency codes
        are let go), and return it floored and capped as the model weighs it, less its prior
        (`capped_evidence`): what the prior's fixed point sums over."""
        ...

    def lifted(self, model: Model, threshold: float) -> dict[str, int]:
        """Per floor, the candidates its floor alone lifts to a match (`lifted_by_floors`)."""
        ...

    def kept(self, model: Model, threshold: float, wanted: np.ndarray) -> Kept:
        """The candidates at or above `threshold`, those only a review veto holds below it, and
        those at `wanted` (ascending: pairs a person decided), weighed (`kept_pairs`)."""
        ...


def patterns_found(levels: np.ndarray, found: np.ndarray, rules: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """`ComparedPairs.patterns` over candidates held as arrays."""
    return [distinct_patterns(levels[(found >> found.dtype.type(bit)) & 1 == 1]) for bit in range(rules)]


def joined_per_rule(
    parts: list[list[tuple[np.ndarray, np.ndarray]]], rules: int, width: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Parts' `patterns_found`, in any order, as those of all their candidates (`joined_patterns`)."""
    return [joined_patterns([part[rule] for part in parts], width) for rule in range(rules)]


def evidence_of(model: Model, levels: np.ndarray, tf_codes: np.ndarray) -> np.ndarray:
    """The candidates' evidence (`Model.evidence`): bits before the prior, floors and vetoes."""
    return model.evidence(levels, tf_codes) if len(levels) else np.zeros(0)


def capped_evidence(model: Model, levels: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """The candidates' weights as the model weighs them (floors, vetoes), less the prior."""
    if not len(levels):
        return np.zeros(0)
    return model.match_weight(levels, evidence=evidence) - model.prior_weight


def lifted_by_floors(
    model: Model, levels: np.ndarray, evidence: np.ndarray, threshold: float
) -> dict[str, int]:
    """Per floor, the candidates the estimates weigh below the match threshold although the
    floor's evidence says one person: a handful is the odd pair; many say the estimates drifted
    (what the floors guard against)."""
    below = model.prior_weight + evidence < threshold
    fortran = np.asfortranarray(levels)
    return {
        rule.name: int((below & rule.applies(fortran) & (rule.weight >= threshold)).sum())
        for rule in model.floors
    }


def kept_pairs(
    model: Model, levels: np.ndarray, evidence: np.ndarray, threshold: float, wanted: np.ndarray
) -> Kept:
    """`ComparedPairs.kept` over candidates held as arrays."""
    if not len(levels):
        return Kept.joined([])
    weight = model.match_weight(levels, evidence=evidence)
    unvetoed = model.match_weight(levels, vetoes=False, evidence=evidence)
    review = model.for_review(levels) & (unvetoed >= threshold)
    matching = weight >= threshold
    keep = matching | review
    keep[wanted] = True
    rows = np.flatnonzero(keep)
    return Kept(rows, weight[rows], unvetoed[rows], review[rows], int(matching.sum()))


class PairsInMemory:
    """The compared candidates held in this process (`evaluate_pairs`' levels and codes)."""

    def __init__(self, levels: np.ndarray, tf_codes: np.ndarray) -> None:
        self.levels = levels
        self.tf_codes: np.ndarray | None = tf_codes
        self.evidence = np.zeros(0)

    def __len__(self) -> int:
        return len(self.levels)

    def patterns(self, found: np.ndarray, rules: int) -> list[tuple[np.ndarray, np.ndarray]]:
        counted = [
            patterns_found(
                self.levels[start : start + _PATTERNS_AT_A_TIME],
                found[start : start + _PATTERNS_AT_A_TIME],
                rules,
            )
            for start in range(0, len(self), _PATTERNS_AT_A_TIME)
        ]
        return joined_per_rule(counted, rules, self.levels.shape[1])

    def weigh(self, model: Model) -> np.ndarray:
        assert self.tf_codes is not None, "weighed once"
        self.evidence = evidence_of(model, self.levels, self.tf_codes)
        self.tf_codes = None  # a code per candidate and comparison, read for the last time
        return capped_evidence(model, self.levels, self.evidence)

    def lifted(self, model: Model, threshold: float) -> dict[str, int]:
        return lifted_by_floors(model, self.levels, self.evidence, threshold)

    def kept(self, model: Model, threshold: float, wanted: np.ndarray) -> Kept:
        return kept_pairs(model, self.levels, self.evidence, threshold, wanted)
