"""Clusters: sets of records that are one person, built from matching pairs with a guard against
chains.

Joining every pair above the threshold (connected components) lets one weak link chain two people
together: Anna at a shared address links to her husband's record, which links to his. So:

1. components are formed from the pairs above the match threshold;
2. a component larger than `max_cluster_size` loses its weakest links first until none is;
3. in a component of three or more records every pair inside it is scored, and records are
   merged greedily, strongest link first, only while the *average* evidence between the two groups
   being merged, plus the prior, still says "same person" (average linkage on match weights).

A merge therefore needs the records on both sides to agree on the whole, not one lucky pair.
Steps 1 and 2 are vectorised; step 3 loops over components of three or more records only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from auditor.matching.runs import pairs_within, ranges

# Scores pairs of people: (left, right) -> match weights (log2 posterior odds).
PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Clusters:
    """`label[person]`: the cluster number (-1 alone); `left`, `right`, `weight`: every pair of
    people inside a cluster, scored."""

    label: np.ndarray
    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    cut_links: int = 0
    split_components: int = 0


def components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components by label propagation with pointer jumping: each person's label is the
    smallest person index it is connected to."""
    label = np.arange(size, dtype=np.int64)
    if not len(left):
        return label
    while True:
        low = np.minimum(label[left], label[right])
        before = label.copy()
        np.minimum.at(label, label[left], low)
        np.minimum.at(label, label[right], low)
        # Pointer jumping: follow labels to their roots.
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            return label


def cluster_people(
    size: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    *,
    threshold: float,
    max_cluster_size: int,
    score: PairScorer,
) -> Clusters:
    keep = weight >= threshold
    left, right, weight = left[keep], right[keep], weight[keep]
    label, cut = _components_within_size(size, left, right, weight, max_cluster_size)
    members = np.flatnonzero(np.bincount(label, minlength=size)[label] >= 2)
    order = np.argsort(label[members], kind="stable")
    members = members[order]
    groups = label[members]
    starts = (
        np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        if len(members)
        else np.zeros(0, dtype=np.int64)
    )
    sizes = np.diff(np.r_[starts, len(members)])
    # Every pair inside each component, scored (pairs that never met in a block included).
    first, second = pairs_within(starts, sizes)
    pair_left, pair_right = members[first], members[second]
    pair_weight = score(pair_left, pair_right) if len(pair_left) else np.zeros(0)

    final = np.full(size, -1, dtype=np.int64)
    pairs_done = 0
    split = 0
    for start, count in zip(starts.tolist(), sizes.tolist(), strict=True):
        people = members[start : start + count]
        pair_count = count * (count - 1) // 2
        weights = pair_weight[pairs_done : pairs_done + pair_count]
        pairs_done += pair_count
        if count == 2:
            final[people] = people.min()
            continue
        groups_of = _average_linkage(count, weights, threshold)
        split += int(len(set(groups_of.tolist())) > 1)
        for group in np.unique(groups_of):
            chosen = people[groups_of == group]
            if len(chosen) >= 2:
                final[chosen] = chosen.min()
    in_cluster = (final[pair_left] >= 0) & (final[pair_left] == final[pair_right])
    labels = np.full(size, -1, dtype=np.int64)
    clustered = final >= 0
    # Number clusters 0, 1, 2 ... in order of their first person.
    _, dense = np.unique(final[clustered], return_inverse=True)
    labels[clustered] = dense
    return Clusters(
        label=labels,
        left=pair_left[in_cluster],
        right=pair_right[in_cluster],
        weight=pair_weight[in_cluster],
        cut_links=cut,
        split_components=split,
    )


def _components_within_size(
    size: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray, max_cluster_size: int
) -> tuple[np.ndarray, int]:
    """Components, cutting the weakest links of any component above `max_cluster_size` (the weakest
    quarter of its links at a time) until none is."""
    alive = np.ones(len(left), dtype=bool)
    cut = 0
    while True:
        label = components(size, left[alive], right[alive])
        counts = np.bincount(label, minlength=size)
        oversized = counts[label[left]] > max_cluster_size
        oversized &= alive
        if not oversized.any():
            return label, cut
        component = label[left[oversized]]
        edges = np.flatnonzero(oversized)
        # Per oversized component, the weight below which its weakest quarter of links lies.
        order = np.lexsort((weight[edges], component))
        edges, component = edges[order], component[order]
        starts = np.flatnonzero(np.r_[True, component[1:] != component[:-1]])
        lengths = np.diff(np.r_[starts, len(edges)])
        rank = ranges(lengths)
        weakest = rank < np.maximum(np.repeat(lengths, lengths) // 4, 1)
        alive[edges[weakest]] = False
        cut += int(weakest.sum())


def _average_linkage(count: int, weights: np.ndarray, threshold: float) -> np.ndarray:
    """Greedy merges inside one component: strongest pair first; two groups merge when the mean
    match weight over all pairs between them is at least `threshold`."""
    matrix = np.zeros((count, count))
    rows, columns = np.triu_indices(count, k=1)
    matrix[rows, columns] = weights
    matrix[columns, rows] = weights
    group = np.arange(count)
    for index in np.argsort(-weights, kind="stable"):
        if weights[index] < threshold:
            break
        a, b = group[rows[index]], group[columns[index]]
        if a == b:
            continue
        in_a, in_b = group == a, group == b
        if matrix[np.ix_(in_a, in_b)].mean() >= threshold:
            group[in_b] = a
    return group
