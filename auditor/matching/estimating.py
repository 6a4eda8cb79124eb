"""Estimating the Fellegi-Sunter model from the audited records themselves: no labels, no tuning.

- u (how often a level occurs between two different people) from random pairs of people, which are
  nearly all different people;
- m (how often it occurs for the same person) by expectation-maximisation on the pairs of each
  training rule (`train = true`: blocks on strong keys), leaving out the comparisons that rule
  blocks on (inside a block they agree by construction and would teach EM nothing), as splink
  does. Inside a block the non-matches are not random pairs (namesakes share a region), so EM also
  fits the block's own u there; only m leaves the block. The rules' expected counts are pooled;
- term frequencies: agreeing on a value many people share ("Smith", a switchboard) is weaker
  evidence than agreeing on a rare one; people are counted, not records, so a duplicate does not
  make its own values look common;
- the prior, the probability that two random records are the same person, from the share of records
  that have a duplicate, found by a fixed point over the candidate pairs.

Fellegi-Sunter adds the comparisons' bits as if they were independent. Some are not: colleagues
share a company, a street, a city, a postcode and a state because they share one office. Such
comparisons form an evidence group (`[[groups]]` in the settings) that counts once: its strongest
agreement and its strongest disagreement, in scoring and in EM alike (`count_once`). A group may
hold for some pairs only (`unless`: the workplace is no workplace between two private people).

Every estimate is a posterior mean under the priors of rules/matching.toml (Dirichlet pseudo-counts),
so a file of ten records gets sensible weights and a file of a million gets its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.matching.blocking import BlockingRule, Candidates
from auditor.matching.comparisons import Comparison, PairView, evaluate_all
from auditor.matching.features import Features

if TYPE_CHECKING:
    from auditor.matching.compared import ComparedPairs

# Pairs weighed at a time (see `Model.evidence`).
_PAIRS_AT_A_TIME = 500_000

# Term-frequency adjustments may raise an exact level's weight by at most this many bits.
MAX_TF_BONUS_BITS = 6.0


@dataclass
class ModelSettings:
    """`[model]` of rules/matching.toml; each setting is explained there."""

    match_probability: float = 0.5
    prior_strength: float = 30.0
    u_prior_strength: float = 10_000.0
    duplicate_rate: float = 0.05
    u_sample_pairs: int = 1_000_000
    em_max_iterations: int = 50
    em_tolerance: float = 1e-5
    tf_smoothing: float = 200.0
    seed: int = 0


@dataclass(frozen=True)
class Veto:
    """Evidence no sum may outweigh. A pair at one of the listed levels of every comparison in
    `all_of`, of at least one in `any_of` (when given), and of none in `none_of`, unless at one of
    the listed levels of every comparison in `unless` (when given), scores at most `weight` bits.
    Each maps a comparison's index to level indices. A `review` veto keeps the pair out of clusters
    all the same, but where the rest of the evidence says "match" the pair is reported for a person
    to review."""

    name: str
    all_of: dict[int, tuple[int, ...]]
    any_of: dict[int, tuple[int, ...]]
    none_of: dict[int, tuple[int, ...]]
    weight: float
    review: bool = False
    unless: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def applies(self, levels: np.ndarray) -> np.ndarray:
        hit = at_levels(levels, self.all_of)
        if self.any_of:
            any_hit = np.zeros(len(levels), dtype=bool)
            for comparison, chosen in self.any_of.items():
                any_hit |= _at_level(levels, comparison, chosen)
            hit &= any_hit
        for comparison, chosen in self.none_of.items():
            hit &= ~_at_level(levels, comparison, chosen)
        if self.unless:
            hit &= ~at_levels(levels, self.unless)
        return hit


@dataclass(frozen=True)
class Floor(Veto):
    """The mirror of a veto: evidence no disagreement may outweigh, whatever the estimates say. A
    pair at the listed levels (`all_of`, `any_of`, `none_of`, `unless` as for a veto) scores at
    least `weight` bits: an identical personal address under the same name is one person at a
    hundred records and at a million, however EM weighs the phone and the city it no longer shares.
    A veto that applies as well still caps the pair (another birth date sends it to review)."""


def at_levels(levels: np.ndarray, condition: dict[int, tuple[int, ...]]) -> np.ndarray:
    """Per pair (a row of `levels`): True where every comparison in `condition` (index -> level
    indices) is at one of its levels; everywhere when `condition` is empty."""
    hit = np.ones(len(levels), dtype=bool)
    for comparison, chosen in condition.items():
        hit &= _at_level(levels, comparison, chosen)
    return hit


def _at_level(levels: np.ndarray, comparison: int, chosen: tuple[int, ...]) -> np.ndarray:
    """Per pair: whether comparison `comparison` is at one of the levels `chosen` (a table lookup:
    levels are small non-negative integers)."""
    column = levels[:, comparison]
    top = 127 if column.dtype == np.int8 else int(column.max(initial=0))
    table = np.zeros(max(top, *chosen, 0) + 1, dtype=bool)
    table[list(chosen)] = True
    return table[column]


@dataclass(frozen=True)
class EvidenceGroup:
    """Comparisons that say one thing between them (a workplace: company, street, city, postcode,
    state): they count as one piece of evidence. `members` are comparison indices. The group holds
    for a pair unless every comparison in `unless` (index -> level indices) is at one of its levels
    there; then its members count on their own."""

    name: str
    members: tuple[int, ...]
    unless: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def holds(self, levels: np.ndarray) -> np.ndarray:
        """Per pair (a row of `levels`): True where the members count once."""
        if not self.unless:
            return np.ones(len(levels), dtype=bool)
        return ~at_levels(levels, self.unless)


def count_once(
    weights: np.ndarray, groups: Sequence[tuple[int, ...]], holds: Sequence[np.ndarray] | None = None
) -> np.ndarray:
    """Per pair and comparison, the bits that count: inside each group only the strongest agreement
    and the strongest disagreement keep theirs (the first such member on a tie), the others count 0.
    `groups` are column indices of `weights`; `holds`, per group, the pairs it holds for (all when
    not given): elsewhere its members keep their bits."""
    counted = weights.copy()
    for number, members in enumerate(groups):
        kept = _counted_once(
            [np.ascontiguousarray(weights[:, member]) for member in members],
            None if holds is None else holds[number],
        )
        for member, column in zip(members, kept, strict=True):
            counted[:, member] = column
    return counted


def _counted_once(columns: list[np.ndarray], holds: np.ndarray | None) -> list[np.ndarray]:
    """One group's members' bits (a column each) as they count (see `count_once`). Worked out a
    member at a time over whole columns (a running strongest and weakest): a million pairs cost a
    few passes over a few columns."""
    strongest, weakest = _first_extreme(columns, np.greater), _first_extreme(columns, np.less)
    counted = []
    for place, column in enumerate(columns):
        kept = ((strongest == place) & (column > 0)) | ((weakest == place) & (column < 0))
        if holds is not None:
            kept |= ~holds
        counted.append(np.where(kept, column, 0.0))
    return counted


def row_sums(columns: list[np.ndarray], size: int) -> np.ndarray:
    """The sum of each row of the matrix whose columns are `columns` (`size` rows), exactly as
    numpy sums the rows of that matrix (same order of additions, so the same bits), without
    building it: a block of rows at a time is laid out and summed while it sits in the cache."""
    total = np.zeros(size, dtype=np.float64)
    if not columns:
        return total
    step = 1 << 16
    block = np.empty((min(step, size), len(columns)), dtype=np.float64)
    for start in range(0, size, step):
        stop = min(start + step, size)
        rows = block[: stop - start]
        for number, column in enumerate(columns):
            rows[:, number] = column[start:stop]
        rows.sum(axis=1, out=total[start:stop])
    return total


def _first_extreme(columns: list[np.ndarray], beats: np.ufunc) -> np.ndarray:
    """Per row, the place of the first column whose value no other column's `beats` (np.argmax
    or np.argmin over the columns side by side, without building them side by side)."""
    place = np.zeros(len(columns[0]), dtype=np.int8)
    best = columns[0].copy()
    for number, column in enumerate(columns[1:], start=1):
        better = beats(column, best)
        np.copyto(best, column, where=better)
        place[better] = number
    return place


@dataclass
class Model:
    """Trained m and u per comparison level, term-frequency u per value, and the prior."""

    comparisons: list[Comparison]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    # Per comparison with a term-frequency level: u of each value of the level's feature.
    tf_u: list[np.ndarray | None]
    vetoes: list[Veto] = field(default_factory=list)
    groups: list[EvidenceGroup] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    floors: list[Floor] = field(default_factory=list)

    def level_weights(self) -> list[np.ndarray]:
        """log2(m/u) per level; 0 for the null level (a missing value is no evidence)."""
        weights = []
        for comparison, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            weight = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
            weight[comparison.silent] = 0.0
            weights.append(weight)
        return weights

    def weights(self, levels: np.ndarray, tf_codes: np.ndarray) -> np.ndarray:
        """Per pair and comparison, the bits of evidence (term-frequency adjusted)."""
        if not levels.shape[1]:
            return np.zeros(levels.shape, dtype=np.float64)
        return np.column_stack(self.weight_columns(levels, tf_codes))

    def weight_columns(self, levels: np.ndarray, tf_codes: np.ndarray) -> list[np.ndarray]:
        """`weights`, a column per comparison."""
        columns = []
        for index, weight in enumerate(self.level_weights()):
            chosen = levels[:, index]
            column = weight[chosen]
            tf_u = self.tf_u[index]
            if tf_u is not None:
                codes = tf_codes[:, index]
                adjusted = np.flatnonzero(codes >= 0)
                if len(adjusted):
                    level = chosen[adjusted]
                    column[adjusted] = np.log2(self.m[index][level] / tf_u[codes[adjusted]])
            columns.append(column)
        return columns

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.prior / (1.0 - self.prior)))

    def counted(self, weights: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """`weights` (from `weights()` of `levels`) as they count: each evidence group once, where
        it holds."""
        return count_once(
            weights, [group.members for group in self.groups], [group.holds(levels) for group in self.groups]
        )

    def evidence(self, levels: np.ndarray, tf_codes: np.ndarray) -> np.ndarray:
        """Per pair, the bits of every comparison added up (each evidence group once): the match
        weight before the prior and the vetoes. The same bits as summing the rows of `counted`,
        worked out a comparison at a time."""
        evidence = np.zeros(len(levels), dtype=np.float64)
        # A slice of pairs at a time: every comparison's column of bits for 7.7 million candidates
        # at once took a gigabyte.
        for start in range(0, len(levels), _PAIRS_AT_A_TIME):
            part, part_tf = (
                levels[start : start + _PAIRS_AT_A_TIME],
                tf_codes[start : start + _PAIRS_AT_A_TIME],
            )
            columns = self.weight_columns(part, part_tf)
            for group in self.groups:
                kept = _counted_once([columns[member] for member in group.members], group.holds(part))
                for member, column in zip(group.members, kept, strict=True):
                    columns[member] = column
            evidence[start : start + len(part)] = row_sums(columns, len(part))
        return evidence

    def match_weight(
        self,
        levels: np.ndarray,
        tf_codes: np.ndarray | None = None,
        *,
        vetoes: bool = True,
        evidence: np.ndarray | None = None,
    ) -> np.ndarray:
        """log2 posterior odds of each pair: the prior plus every comparison's bits (each evidence
        group once), raised to the floors that apply, vetoes applied unless `vetoes` is false.
        `evidence`, when given, is `evidence(levels, tf_codes)` worked out before (and `tf_codes` is
        not needed)."""
        if evidence is None:
            assert tf_codes is not None
            evidence = self.evidence(levels, tf_codes)
        weight = self.prior_weight + evidence
        if self.floors:
            weight = np.maximum(weight, self.floor_weight(levels))
        if vetoes:
            weight = np.minimum(weight, self.veto_cap(levels))
        return weight

    def floor_weight(self, levels: np.ndarray) -> np.ndarray:
        """Per pair, the least a pair's weight may be under the floors that apply (-inf: none does)."""
        floor = np.full(len(levels), -np.inf)
        levels = np.asfortranarray(levels)
        for rule in self.floors:
            np.maximum(floor, rule.weight, out=floor, where=rule.applies(levels))
        return floor

    def veto_cap(self, levels: np.ndarray) -> np.ndarray:
        """Per pair, the most a pair's weight may be under the vetoes that apply (inf: none does)."""
        cap = np.full(len(levels), np.inf)
        # Vetoes read a comparison at a time: its levels side by side in memory.
        levels = np.asfortranarray(levels)
        for veto in self.vetoes:
            np.minimum(cap, veto.weight, out=cap, where=veto.applies(levels))
        return cap

    def vetoed(self, levels: np.ndarray) -> np.ndarray:
        """The name of the veto each pair falls under ("" for none): the first in the settings,
        a veto that is not for review before one that is."""
        names = np.full(len(levels), "", dtype=object)
        for veto in [*reversed(self.review_vetoes), *reversed(self.final_vetoes)]:
            names[veto.applies(levels)] = veto.name
        return names

    @property
    def review_vetoes(self) -> list[Veto]:
        return [veto for veto in self.vetoes if veto.review]

    @property
    def final_vetoes(self) -> list[Veto]:
        return [veto for veto in self.vetoes if not veto.review]

    def for_review(self, levels: np.ndarray) -> np.ndarray:
        """Per pair: True where only review vetoes hold it back (no other veto applies)."""
        review = np.zeros(len(levels), dtype=bool)
        levels = np.asfortranarray(levels)
        for veto in self.review_vetoes:
            review |= veto.applies(levels)
        for veto in self.final_vetoes:
            review &= ~veto.applies(levels)
        return review

    def to_dict(self) -> dict[str, Any]:
        """The trained model as data: what each level means and weighs (for saving and diffing)."""
        return {
            "probability_two_random_records_match": self.prior,
            "vetoes": [veto.name for veto in self.vetoes],
            "floors": [{"name": rule.name, "weight": rule.weight} for rule in self.floors],
            "groups": {
                group.name: [self.comparisons[member].name for member in group.members]
                for group in self.groups
            },
            "comparisons": [
                {
                    "name": comparison.name,
                    "levels": [
                        {
                            "level": level.label,
                            "comparison": level.comparison,
                            "m": float(m),
                            "u": float(u),
                            "weight": float(weight),
                            "tf": level.tf,
                        }
                        for level, m, u, weight in zip(
                            comparison.levels, m_row, u_row, weight_row, strict=True
                        )
                    ],
                }
                for comparison, m_row, u_row, weight_row in zip(
                    self.comparisons, self.m, self.u, self.level_weights(), strict=True
                )
            ],
            "diagnostics": self.diagnostics,
        }


def match_probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def train(
    features: Features,
    comparisons: list[Comparison],
    rules: Sequence[BlockingRule],
    candidates: Candidates,
    compared: ComparedPairs,
    settings: ModelSettings,
    vetoes: Sequence[Veto] = (),
    groups: Sequence[EvidenceGroup] = (),
    floors: Sequence[Floor] = (),
) -> Model:
    """Estimate u, m and term frequencies from the features and the `compared` candidates (EM
    reads how often each pattern of levels occurs among each training rule's pairs). The prior
    comes next (`fit_prior`), from the candidates' evidence as this model weighs them."""
    rng = np.random.default_rng(settings.seed)
    u = _estimate_u(features, comparisons, settings, rng)
    m, em_report = _estimate_m(features, comparisons, rules, candidates, compared, u, settings, groups)
    tf_u = [
        _term_frequency_u(features, comparison, u_row, settings)
        for comparison, u_row in zip(comparisons, u, strict=True)
    ]
    return Model(
        comparisons=comparisons,
        m=m,
        u=u,
        prior=1e-6,
        tf_u=tf_u,
        vetoes=list(vetoes),
        groups=list(groups),
        floors=list(floors),
        diagnostics={"em": em_report},
    )


def fit_prior(model: Model, people: int, compared: ComparedPairs, settings: ModelSettings) -> None:
    """The model's prior, from the candidates' evidence (`ComparedPairs.weigh`), and what the
    floors lifted, in its diagnostics."""
    capped = compared.weigh(model)
    model.prior, prior_report = _estimate_prior(people, capped, settings)
    threshold = float(np.log2(settings.match_probability / (1.0 - settings.match_probability)))
    model.diagnostics |= {"prior": prior_report, "floors": compared.lifted(model, threshold)}


def _estimate_u(
    features: Features, comparisons: list[Comparison], settings: ModelSettings, rng: np.random.Generator
) -> list[np.ndarray]:
    size = len(features)
    total = size * (size - 1) // 2
    if total <= settings.u_sample_pairs:
        left, right = np.triu_indices(size, k=1)
    else:
        left = rng.integers(0, size, settings.u_sample_pairs)
        right = rng.integers(0, size, settings.u_sample_pairs)
        keep = left != right
        left, right = np.minimum(left, right)[keep], np.maximum(left, right)[keep]
    levels, _ = (
        evaluate_all(comparisons, PairView(features, left, right))
        if len(left)
        else (np.zeros((0, len(comparisons)), dtype=np.int8), None)
    )
    estimates = []
    for index, comparison in enumerate(comparisons):
        silent = comparison.silent
        counts = np.bincount(levels[:, index], minlength=len(comparison.levels)).astype(np.float64)
        counts[silent] = 0.0
        prior = np.array([level.u for level in comparison.levels])
        prior[silent] = 0.0
        prior = prior / prior.sum()
        estimate = (counts + settings.u_prior_strength * prior) / (counts.sum() + settings.u_prior_strength)
        estimate[silent] = 1.0
        estimates.append(estimate)
    return estimates


def _estimate_m(
    features: Features,
    comparisons: list[Comparison],
    rules: Sequence[BlockingRule],
    candidates: Candidates,
    compared: ComparedPairs,
    u: list[np.ndarray],
    settings: ModelSettings,
    groups: Sequence[EvidenceGroup] = (),
) -> tuple[list[np.ndarray], list[dict[str, Any]]]:
    """EM per training rule, over the counts of the level patterns of all of its pairs (counted
    wherever the levels are held: `ComparedPairs.patterns`); the expected level counts of the
    matches of every rule are pooled."""
    priors = []
    for comparison in comparisons:
        prior = np.array([level.m for level in comparison.levels])
        prior[comparison.silent] = 0.0
        priors.append(prior / prior.sum())
    pooled = [settings.prior_strength * prior for prior in priors]
    report = []
    training = [index for index, rule in enumerate(rules) if rule.train]
    counted = compared.patterns(found_by_training(candidates, training), len(training))
    for index, (levels, counts) in zip(training, counted, strict=True):
        rule = rules[index]
        pairs = int(counts.sum())
        blocked_fields = rule.fields(features)
        trained = [
            position
            for position, comparison in enumerate(comparisons)
            if not blocked_fields
            & {name for feature in comparison.reads for name in features[feature].fields}
        ]
        if pairs < 2 or not trained:
            report.append({"rule": rule.name, "pairs": pairs, "trained": []})
            continue
        # The evidence groups, in the columns of the comparisons this rule trains, and the pairs each
        # holds for (read from every comparison: a group's condition may be one the rule blocks on).
        column = {position: index for index, position in enumerate(trained)}
        trained_groups = [
            (tuple(column[member] for member in group.members if member in column), group.holds(levels))
            for group in groups
        ]
        trained_groups = [(members, holds) for members, holds in trained_groups if len(members) > 1]
        counts, share, iterations = _em(
            levels[:, trained],
            [u[i] for i in trained],
            [priors[i] for i in trained],
            [comparisons[i].silent for i in trained],
            settings,
            [members for members, _ in trained_groups],
            np.column_stack([holds for _, holds in trained_groups]) if trained_groups else None,
            counts,
        )
        for position, expected in zip(trained, counts, strict=True):
            pooled[position] = pooled[position] + expected
        report.append(
            {
                "rule": rule.name,
                "pairs": pairs,
                "match_share": round(share, 4),
                "iterations": iterations,
                "trained": [comparisons[i].name for i in trained],
            }
        )
    m = []
    for comparison, counts in zip(comparisons, pooled, strict=True):
        estimate = counts / counts.sum()
        estimate[comparison.silent] = 1.0
        m.append(estimate)
    return m, report


def found_by_training(candidates: Candidates, training: Sequence[int]) -> np.ndarray:
    """Per candidate, a bit per training rule (in `training`'s order) that found it, in the
    smallest unsigned integer that holds them: it travels to wherever the levels are held."""
    dtype = next(
        dtype
        for dtype in (np.uint8, np.uint16, np.uint32, np.uint64)
        if np.iinfo(dtype).bits >= len(training)
    )
    found = np.zeros(len(candidates), dtype=dtype)
    for bit, index in enumerate(training):
        found |= candidates.found_by(index).astype(dtype) << dtype(bit)
    return found


def _em(
    levels: np.ndarray,
    u: list[np.ndarray],
    priors: list[np.ndarray],
    silent: list[np.ndarray],
    settings: ModelSettings,
    groups: Sequence[tuple[int, ...]] = (),
    holds: np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> tuple[list[np.ndarray], float, int]:
    """EM over the distinct level patterns of one rule's pairs (`levels`, each row standing for
    `counts` pairs, one when not given): m, the block's own u, and the share of matches.

    The non-matches inside a block are not random pairs: namesakes share a region, colleagues a
    city. So EM learns the block's own u as well (starting from, and shrunk towards, the u of
    random pairs) and only m leaves the block; scoring uses the u of random pairs.

    Returns the expected number of matches at each level of each comparison (the sufficient
    statistics pooled across rules), the share of matches and the iterations used. Evidence groups
    (column indices) count once in the posterior, as in scoring, for the pairs they hold for
    (`holds`: a column per group).
    """
    width = levels.shape[1]
    if holds is not None:
        levels = np.column_stack([levels, holds.astype(np.int8)])
    patterns, weights = distinct_patterns(levels, counts)
    group_holds = (
        [patterns[:, width + number].astype(bool) for number in range(len(groups))]
        if holds is not None
        else None
    )
    patterns = patterns[:, :width]
    m = [prior.copy() for prior in priors]
    block_u = [row.copy() for row in u]
    for row, quiet in zip(m, silent, strict=True):
        row[quiet] = 1.0
    null = np.column_stack([quiet[patterns[:, i]] for i, quiet in enumerate(silent)])
    share = 0.1
    expected: list[np.ndarray] = []
    iterations = 0
    while iterations < settings.em_max_iterations:
        iterations += 1
        log_m = np.column_stack([np.log(m_row[patterns[:, i]]) for i, m_row in enumerate(m)])
        log_u = np.column_stack([np.log(u_row[patterns[:, i]]) for i, u_row in enumerate(block_u)])
        log_ratio = count_once(np.where(null, 0.0, log_m - log_u), groups, group_holds).sum(axis=1)
        odds = share / (1.0 - share) * np.exp(np.clip(log_ratio, -500, 500))
        posterior = odds / (1.0 + odds)
        matched = weights * posterior
        unmatched = weights - matched
        new_share = float(np.clip(matched.sum() / weights.sum(), 1e-6, 1 - 1e-6))
        expected = []
        change = abs(new_share - share)
        for i, prior in enumerate(priors):
            quiet = silent[i]
            counts = np.bincount(patterns[:, i], weights=matched, minlength=len(prior))
            counts[quiet] = 0.0
            expected.append(counts)
            estimate = _posterior_mean(counts, prior, settings.prior_strength, quiet)
            change = max(change, float(np.abs(estimate - m[i]).max()))
            m[i] = estimate
            others = np.bincount(patterns[:, i], weights=unmatched, minlength=len(prior))
            others[quiet] = 0.0
            random_u = np.where(quiet, 0.0, u[i])
            block_u[i] = _posterior_mean(others, random_u / random_u.sum(), settings.prior_strength, quiet)
        share = new_share
        if change < settings.em_tolerance:
            break
    return expected, share, iterations


def _posterior_mean(counts: np.ndarray, prior: np.ndarray, strength: float, silent: np.ndarray) -> np.ndarray:
    """Level probabilities from expected counts and a Dirichlet prior (levels that are no evidence
    are set to 1: they never enter a likelihood)."""
    estimate = (counts + strength * prior) / (counts.sum() + strength)
    estimate[silent] = 1.0
    return estimate


def distinct_patterns(levels: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a level matrix, in one order whatever the rows' order, and how often
    each occurs (`counts`: how often each row stands for, once when not given). Rows are packed
    into one integer each where they fit: a level fits in 4 bits, so 15 comparisons fit in 60."""
    if levels.shape[1] > 15 or int(levels.max(initial=0)) > 15:
        patterns, codes = np.unique(levels, axis=0, return_inverse=True)
        return patterns, np.bincount(codes.ravel(), weights=counts, minlength=len(patterns)).astype(
            np.float64
        )
    packed = np.zeros(len(levels), dtype=np.int64)
    for column in range(levels.shape[1]):
        packed |= levels[:, column].astype(np.int64) << np.int64(4 * column)
    codes, distinct = pd.factorize(packed, sort=True)
    distinct = np.asarray(distinct, dtype=np.int64)
    shifts = np.int64(4) * np.arange(levels.shape[1], dtype=np.int64)
    patterns = ((distinct[:, None] >> shifts) & 15).astype(np.int8)
    return patterns, np.bincount(codes, weights=counts, minlength=len(distinct)).astype(np.float64)


def joined_patterns(
    parts: Sequence[tuple[np.ndarray, np.ndarray]], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Parts' distinct patterns and counts (`distinct_patterns`) as those of all their rows: the
    same arrays, to the bit, however the rows were cut and in whatever order the parts come."""
    if not parts:
        return np.zeros((0, width), dtype=np.int8), np.zeros(0)
    return distinct_patterns(
        np.concatenate([patterns for patterns, _ in parts]), np.concatenate([counts for _, counts in parts])
    )


def _term_frequency_u(
    features: Features, comparison: Comparison, u_row: np.ndarray, settings: ModelSettings
) -> np.ndarray | None:
    """u of agreeing on each value: how likely another person holds it, shrunk towards the level's u.

    People are counted, not records: records that agree on name, email and phone count once, so
    that three records of one person do not make their shared email look like a switchboard.
    """
    tf_levels = [index for index, level in enumerate(comparison.levels) if level.tf]
    if not tf_levels:
        return None
    level_u = float(u_row[tf_levels[0]])
    feature = features[comparison.levels[tf_levels[0]].feature]
    person = features.person_key
    rows, columns = np.nonzero(feature.codes >= 0)
    # Records with no name, email or phone each have a person key of their own, past len(features).
    span = np.int64(person.max(initial=0)) + 1
    value = feature.codes[rows, columns].astype(np.int64)
    held = value * span + person[rows]
    # Each distinct (value, person) key counts one person for its value. A value only one key has
    # is held by one person: only the others need their keys told apart.
    repeated = np.bincount(value, minlength=feature.size)[value] >= 2
    people = np.bincount(value[~repeated], minlength=feature.size)
    distinct = pd.unique(held[repeated])
    people = (people + np.bincount(distinct // span, minlength=feature.size)).astype(np.float64)
    holders = max(feature.holders, 1)
    alpha = settings.tf_smoothing
    estimate = (np.maximum(people - 1.0, 0.0) + alpha * level_u) / (holders - 1.0 + alpha)
    return np.maximum(estimate, level_u * 2.0**-MAX_TF_BONUS_BITS)


def _estimate_prior(size: int, capped: np.ndarray, settings: ModelSettings) -> tuple[float, dict[str, float]]:
    """Fixed point: the prior implies how many candidate pairs are matches, which implies the share
    of people with a duplicate, which (shrunk towards `duplicate_rate`) implies the prior.
    `capped` is each candidate's weight, floors and vetoes applied, less its prior
    (`compared.capped_evidence`)."""
    if size < 2:
        return 1e-6, {"duplicate_rate": settings.duplicate_rate}
    strength = settings.prior_strength
    rate = settings.duplicate_rate
    prior = rate / (size - 1)
    for _ in range(50):
        weight = np.log2(prior / (1 - prior)) + capped
        matches = float(match_probability(weight).sum())
        # A share of people with a duplicate: at most every record has one.
        new_rate = min((2.0 * matches + strength * settings.duplicate_rate) / (size + strength), 1.0)
        new_prior = float(np.clip(new_rate / (size - 1), 1e-12, 0.5))
        if abs(np.log(new_prior / prior)) < 1e-6:
            prior = new_prior
            break
        prior, rate = new_prior, new_rate
    return prior, {"duplicate_rate": round(rate, 6), "expected_matching_pairs": round(matches, 1)}
