"""Step 6: matching people: the same person within a file, across files, objects and platforms.

`match_people(records, config)` returns the pairs judged to be the same person and the clusters they
form; it also fills `records["duplicate_cluster"]`. The duplicate and lead-is-contact rules turn the
result into findings, and who-is-who (`whoiswho.adopt_matched_types`) lets a lead take the type of
the record it matches.

The engine, in the order it runs (each step a module of this package, its settings in
rules/matching.toml):

1. features: names, emails, phones, companies, addresses and birth dates made comparable;
2. blocking: candidate pairs from several keys, never all pairs;
3. comparisons: each candidate pair put into one level per comparison (exact, nickname, typo ...);
4. estimating: a Fellegi-Sunter model trained on the records themselves (u from random pairs,
   m by EM, term frequencies, the prior), no labels and no configuration;
5. clustering: pairs above the match probability joined into clusters, guarded against chains;
   pairs that only a review veto keeps apart are set aside for a person to review;
6. explaining: each pair's evidence, field by field, built when a finding needs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.decisions import Decisions
from auditor.matching.blocking import Candidates, candidate_pairs
from auditor.matching.clustering import cluster_people
from auditor.matching.compared import ComparedPairs, PairsInMemory
from auditor.matching.comparisons import Comparison, PairView, evaluate_all, evaluate_pairs
from auditor.matching.estimating import Model, fit_prior, match_probability, train
from auditor.matching.explaining import RecordFacts, agreeing_fields, field_evidence
from auditor.matching.features import Features, build_features
from auditor.matching.settings import MatchSettings, default_settings
from auditor.memory import return_free_memory
from auditor.survivorship import Survivorship, survivor_order


@dataclass
class MatchResult:
    """Pairs of records judged to be the same person, and the clusters they form.

    `pairs` has columns left, right (positions in records, left < right), score (0..1, the
    probability that the two are one person), weight (log2 posterior odds), cluster, matched_on
    (tuple of the comparisons that agreed: a positive weight, each shown even where its evidence
    group counted it once) and veto (the veto a pair falls under, or
    "": a pair inside a cluster may be vetoed when the rest of the cluster outweighs it). Every pair
    of records inside a cluster is listed, by cluster and strongest first. `cluster` gives each
    record's cluster number (-1 when it matches nobody). `explain(i)` lists pair i's evidence field
    by field (`prepare(positions)` works out a chunk of findings' explanations at once). `diagnostics` says what blocking, training and clustering did.

    `review` lists, in the same columns (cluster -1), the pairs kept out of clusters by a review
    veto only (another birth date, another mailbox at the same company ...) although the rest of
    their evidence says "match", strongest first: for a person to decide. `explain_review(i)`
    explains one.
    """

    pairs: pd.DataFrame
    cluster: np.ndarray
    review: pd.DataFrame = field(default_factory=lambda: _no_pairs())
    model: Model | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    records: pd.DataFrame | None = field(default=None, repr=False)
    # Per comparison, the record fields its explanation shows (those of its own feature).
    shown_fields: list[tuple[str, ...]] = field(default_factory=list, repr=False)
    _levels: np.ndarray | None = field(default=None, repr=False)
    _weights: np.ndarray | None = field(default=None, repr=False)
    _swapped: np.ndarray | None = field(default=None, repr=False)
    # The order in which a finding's record to keep is chosen (rules/survivorship.toml, or the
    # config's [survivorship] order): the fix plan chooses its survivor by the same.
    survivor_order: tuple[str, ...] = field(default_factory=survivor_order)
    # What `prepare` worked out last: the records' facts and the pairs' evidence by pair number.
    _prepared: tuple[RecordFacts, dict[int, list[dict[str, object]]]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.pair_left = self.pairs["left"].to_numpy(dtype=np.int64)
        self.pair_right = self.pairs["right"].to_numpy(dtype=np.int64)
        self.pair_score = self.pairs["score"].to_numpy(dtype=np.float64)
        self.pair_matched_on = self.pairs["matched_on"].to_numpy(dtype=object)
        self.pair_veto = (
            self.pairs["veto"].to_numpy(dtype=object)
            if "veto" in self.pairs
            else np.full(len(self.pairs), "")
        )
        # "same_person" where a person's decision joined the pair (--decisions), else "".
        self.pair_decided = (
            self.pairs["decided"].to_numpy(dtype=object)
            if "decided" in self.pairs
            else np.full(len(self.pairs), "", dtype=object)
        )
        pair_cluster = self.pairs["cluster"].to_numpy(dtype=np.int64)
        clusters = int(self.cluster.max()) + 1 if len(self.cluster) else 0
        self._starts = np.searchsorted(pair_cluster, np.arange(clusters + 1))

    def prepare(self, positions: np.ndarray) -> None:
        """Work out the explanations of the records at `positions` and of the pairs between them in
        one pass, a comparison at a time, and keep them until the next call. Report writers ask a
        chunk of findings at a time, so that no writer holds the explanations of every pair of a
        big audit at once."""
        if self.model is None or self.records is None:
            return
        positions = np.unique(np.asarray(positions, dtype=np.int64))
        fields = {name for shown in self.shown_fields for name in shown}
        facts = RecordFacts.of(self.records, fields, positions)
        left = np.concatenate([self.pair_left, self.review["left"].to_numpy(dtype=np.int64)])
        right = np.concatenate([self.pair_right, self.review["right"].to_numpy(dtype=np.int64)])
        chosen = np.flatnonzero((facts.row_of[left] >= 0) & (facts.row_of[right] >= 0))
        assert self._levels is not None and self._weights is not None and self._swapped is not None
        entries = field_evidence(
            facts,
            self.model,
            self.shown_fields,
            left[chosen],
            right[chosen],
            self._levels[chosen],
            self._weights[chosen],
            self._swapped[chosen],
        )
        self._prepared = (facts, dict(zip(chosen.tolist(), entries, strict=True)))

    def facts_of(self, positions: list[int]) -> RecordFacts:
        """What explanations read from the records at `positions` (prepared with them if need be)."""
        if self._prepared is None or (self._prepared[0].row_of[positions] < 0).any():
            self.prepare(np.asarray(positions))
        assert self._prepared is not None
        return self._prepared[0]

    def explain(self, pair: int) -> list[dict[str, object]]:
        """Pair `pair`'s evidence: one entry per field with both values, the comparison, the level
        and its weight in bits (log2 Bayes factor). Review pairs are numbered after the clusters'
        pairs. Read from what `prepare` worked out, prepared for this pair alone if need be."""
        if self.model is None:
            return []
        if self._prepared is None or pair not in self._prepared[1]:
            inside = pair < len(self.pairs)
            left = self.pair_left[pair] if inside else self.review["left"].iat[pair - len(self.pairs)]
            right = self.pair_right[pair] if inside else self.review["right"].iat[pair - len(self.pairs)]
            self.prepare(np.array([left, right], dtype=np.int64))
        assert self._prepared is not None
        return self._prepared[1][pair]

    def explain_review(self, pair: int) -> list[dict[str, object]]:
        """Review pair `pair`'s evidence, as `explain`."""
        return self.explain(len(self.pairs) + pair)

    def clustered(self, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the clustered records where `where` holds, by cluster and then by
        position, and their cluster numbers: the clusters' members as arrays, for rules that pick
        members of some roles from tens of thousands of clusters."""
        positions = np.flatnonzero((self.cluster >= 0) & where)
        positions = positions[np.argsort(self.cluster[positions], kind="stable")]
        return positions, self.cluster[positions]

    def pairs_in(self, cluster: int) -> range:
        """The pair numbers (rows of `pairs`) inside one cluster, strongest first."""
        return range(int(self._starts[cluster]), int(self._starts[cluster + 1]))


# The weight a person's decision gives a pair while clustering: beyond any evidence, so that a pair
# decided "same person" is always joined and one decided "not the same person" never is (average
# linkage keeps apart any two groups holding such a pair).
DECIDED_WEIGHT = 1e6


# How the candidate pairs are compared: `evaluate_pairs` in this process (`PairsInMemory`), or the
# same function run by an engine's workers on parts of the pairs, which keep what they worked out
# (auditor/engines): each pair's levels are its own.
PairComparer = Callable[[list[Comparison], Features, np.ndarray, np.ndarray], ComparedPairs]


# How the candidate pairs are found: `candidate_pairs` in this process, or the same steps run by an
# engine's workers on slices of the people (auditor/engines), with the same pairs and reports.
Blocker = Callable[..., Candidates]


# How the features are made: `build_features` of the records in this process, or joined from what
# an engine's workers worked out for the records they read (auditor/engines), the same features.
Featuriser = Callable[[pd.DataFrame], Features]


def _in_memory(
    comparisons: list[Comparison], features: Features, left: np.ndarray, right: np.ndarray
) -> PairsInMemory:
    return PairsInMemory(*evaluate_pairs(comparisons, features, left, right))


def match_people(
    records: pd.DataFrame,
    config: Config,
    settings: MatchSettings | None = None,
    *,
    decisions: Decisions | None = None,
    compare: PairComparer | None = None,
    block: Blocker | None = None,
    featurise: Featuriser | None = None,
) -> MatchResult:
    """Find the people recorded more than once, with no labels and no configuration.

    `decisions` (a person's, auditor/decisions.py) cut the links of pairs decided "not the same
    person" before clustering and keep them from review, and join the pairs decided "same person"
    whatever their score; it counts what applied. `compare` compares the candidate pairs
    (`PairComparer`; default `evaluate_pairs` here, held as `PairsInMemory`), and `block` finds
    them (`Blocker`; default `candidate_pairs` here); `featurise` makes the features
    (`Featuriser`; default `build_features` here)."""
    settings = settings or default_settings()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 3)
        clock = now

    size = len(records)
    decided = decisions.resolve(records) if decisions is not None else None
    if int((records["object"] != "account").sum()) < 2:
        # Nobody to match: no people, or one.
        records["duplicate_cluster"] = pd.Series("", index=records.index, dtype="str")
        return MatchResult(pairs=_no_pairs(), cluster=np.full(size, -1, dtype=np.int64))
    features = (featurise or build_features)(records)
    people = len(features)
    # Normalising addresses and names leaves the allocators holding temporaries, which blocking,
    # comparing and training would otherwise stack on (benchmarks/README.md).
    return_free_memory()
    lap("features")
    comparisons = list(settings.comparisons)
    candidates = (block or candidate_pairs)(
        features,
        settings.rules,
        max_block_size=settings.max_block_size,
        max_pairs_per_record=settings.max_pairs_per_record,
    )
    return_free_memory()  # every blocking rule's pairs, joined and sorted, were temporaries
    lap("blocking")
    compared = (compare or _in_memory)(comparisons, features, candidates.left, candidates.right)
    return_free_memory()
    lap("comparing")
    model = train(
        features,
        comparisons,
        settings.rules,
        candidates,
        compared,
        settings.model,
        settings.vetoes,
        settings.groups,
        settings.floors,
    )
    fit_prior(model, len(features), compared, settings.model)
    threshold = float(np.log2(settings.model.match_probability / (1.0 - settings.model.match_probability)))
    rulings = _Rulings(features.positions, size, decided)
    # Matching goes on with the pairs that may join a cluster or go to review, and those a person
    # decided "same person" (rulings.links needs them in place): a few per cent of the candidates.
    kept = compared.kept(
        model, threshold, np.flatnonzero(rulings.together(candidates.left, candidates.right))
    )
    del compared
    kept_left, kept_right = candidates.left[kept.rows], candidates.right[kept.rows]
    found, blocked = len(candidates), candidates.reports
    # Tens of millions of candidates at five million records (0.5 GiB): clustering and explaining
    # go on with the kept pairs alone.
    del candidates
    return_free_memory()
    lap("training")

    def evidence_score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        pair_levels, pair_tf = evaluate_all(comparisons, PairView(features, left, right))
        return model.match_weight(pair_levels, pair_tf)

    cluster_left, cluster_right, cluster_weights = rulings.links(kept_left, kept_right, kept.weight)

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return rulings.overrule(left, right, evidence_score(left, right))

    clusters = cluster_people(
        people,
        cluster_left,
        cluster_right,
        cluster_weights,
        threshold=threshold,
        max_cluster_size=settings.max_cluster_size,
        score=score,
    )
    # The pairs a person joined keep their own score, not the weight their decision gave them.
    joined = rulings.together(clusters.left, clusters.right)
    if joined.any():
        clusters.weight[joined] = evidence_score(clusters.left[joined], clusters.right[joined])
    # Pairs only a review veto keeps apart, where the rest says "match" and no cluster joined them
    # (nor a person set apart).
    held = np.flatnonzero(kept.review & ~rulings.apart(kept_left, kept_right))
    left_cluster, right_cluster = clusters.label[kept_left[held]], clusters.label[kept_right[held]]
    held = held[(left_cluster < 0) | (left_cluster != right_cluster)]
    held = held[np.argsort(-kept.unvetoed[held], kind="stable")]
    lap("clustering")

    # The pairs inside clusters, then the pairs to review, in record positions, with their evidence
    # kept for explain().
    order = np.lexsort((-clusters.weight, clusters.label[clusters.left]))
    explained_left = np.concatenate([clusters.left[order], kept_left[held]])
    explained_right = np.concatenate([clusters.right[order], kept_right[held]])
    final_view = PairView(features, explained_left, explained_right)
    final_levels, final_tf = evaluate_all(comparisons, final_view)
    final_weights = model.weights(final_levels, final_tf)
    positions = features.positions
    cluster = np.full(size, -1, dtype=np.int64)
    cluster[positions] = clusters.label
    inside = len(order)
    pair_weight = np.concatenate([clusters.weight[order], kept.unvetoed[held]])
    explained = pd.DataFrame(
        {
            "left": positions[explained_left],
            "right": positions[explained_right],
            "score": match_probability(pair_weight),
            "weight": pair_weight,
            "cluster": np.r_[clusters.label[clusters.left][order], np.full(len(held), -1)].astype(np.int64),
        }
    )
    explained["matched_on"] = agreeing_fields(comparisons, final_weights)
    explained["veto"] = model.vetoed(final_levels)
    decided_pairs = rulings.together(explained_left, explained_right)
    decided_pairs[inside:] = False
    # A person's decision overrules a veto: the pair is one person, and says who decided it.
    explained.loc[decided_pairs, "veto"] = ""
    explained["decided"] = np.where(decided_pairs, "same_person", "").astype(object)
    pairs = explained.iloc[:inside].reset_index(drop=True)
    review = explained.iloc[inside:].reset_index(drop=True)
    labels = np.where(cluster >= 0, "C" + (cluster + 1).astype(str).astype(object), "")
    records["duplicate_cluster"] = pd.Series(labels, index=records.index, dtype="str")
    lap("explaining")

    diagnostics = {
        "people": people,
        "candidate_pairs": found,
        "candidate_pairs_per_record": round(found / max(people, 1), 3),
        "matching_pairs": kept.matching,
        "clusters": int(clusters.label.max() + 1) if people else 0,
        "pairs_to_review": len(held),
        "links_cut_for_size": clusters.cut_links,
        "components_split": clusters.split_components,
        "blocking": [report.to_dict() for report in blocked],
        "seconds": timings,
    }
    if decisions is not None:
        diagnostics["decisions"] = {
            "applied": decisions.applied,
            "not_found": len(decisions.not_found_lines),
        }
    return MatchResult(
        pairs=pairs,
        cluster=cluster,
        review=review,
        model=model,
        diagnostics=diagnostics,
        records=records,
        # Only which fields to show is kept: the features themselves (hundreds of megabytes for a
        # million records) go once matching is done.
        shown_fields=[features[comparison.feature].fields for comparison in comparisons],
        survivor_order=Survivorship.of(config.survivorship).order,
        _levels=final_levels,
        _weights=final_weights,
        _swapped=final_view.swapped,
    )


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left": pd.Series([], dtype=np.int64),
            "right": pd.Series([], dtype=np.int64),
            "score": pd.Series([], dtype=np.float64),
            "weight": pd.Series([], dtype=np.float64),
            "cluster": pd.Series([], dtype=np.int64),
            "matched_on": pd.Series([], dtype=object),
            "veto": pd.Series([], dtype=object),
            "decided": pd.Series([], dtype=object),
        }
    )


class _Rulings:
    """A person's decisions in the matcher's terms: pairs of people (indices into the features)."""

    def __init__(
        self,
        positions: np.ndarray,
        size: int,
        decided: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None,
    ) -> None:
        self.people = len(positions)
        person_of = np.full(size, -1, dtype=np.int64)
        person_of[positions] = np.arange(self.people, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int64)
        apart_left, apart_right, together_left, together_right = decided or (empty,) * 4
        self.apart_keys = self._known(person_of[apart_left], person_of[apart_right])
        self.together_keys = self._known(person_of[together_left], person_of[together_right])

    def _known(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # A decision about an account (not a person) has nothing to act on.
        known = (left >= 0) & (right >= 0)
        return np.unique(self._keys(left[known], right[known]))

    def _keys(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.minimum(left, right) * self.people + np.maximum(left, right)

    def apart(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return self._among(left, right, self.apart_keys)

    def together(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return self._among(left, right, self.together_keys)

    def _among(self, left: np.ndarray, right: np.ndarray, keys: np.ndarray) -> np.ndarray:
        if not len(keys):
            # No decision: no keys worked out for the tens of millions of candidates of a big audit.
            return np.zeros(len(left), dtype=bool)
        return np.isin(self._keys(left, right), keys)

    def overrule(self, left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """`weight` with the decided pairs given their decision's weight."""
        if not len(self.apart_keys) and not len(self.together_keys):
            return weight
        weight = weight.copy()
        weight[self.apart(left, right)] = -DECIDED_WEIGHT
        weight[self.together(left, right)] = DECIDED_WEIGHT
        return weight

    def links(
        self, left: np.ndarray, right: np.ndarray, weight: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate links clustering starts from: the decided ones overruled, and the pairs
        decided "same person" that blocking never proposed added."""
        if not len(self.apart_keys) and not len(self.together_keys):
            return left, right, weight
        weight = self.overrule(left, right, weight)
        missing = self.together_keys[~np.isin(self.together_keys, self._keys(left, right))]
        extra_left, extra_right = missing // self.people, missing % self.people
        return (
            np.concatenate([left, extra_left]),
            np.concatenate([right, extra_right]),
            np.concatenate([weight, np.full(len(missing), DECIDED_WEIGHT)]),
        )
