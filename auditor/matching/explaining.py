"""Explaining a match field by field: both values, what was compared, the level, and its weight; and
for a finding, which record to keep and what makes the merge risky.

What every explanation reads (display values, completeness, last activity, owners ...) is taken
from the records once, as plain arrays (`RecordFacts`); a finding then costs a few list lookups, so
tens of thousands of findings are explained in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.findings import SEVERITY_ORDER, ClusterEvidence, FieldComparison, Keep, PairEvidence
from auditor.matching.comparisons import Comparison
from auditor.survivorship import complete_fields, narrow, role_ranks, survivor_order
from auditor.wording import Several, Words, field_words, term

if TYPE_CHECKING:
    from auditor.matching import MatchResult
    from auditor.matching.estimating import Model

_SWAPPABLE = {"first_name": "last_name", "last_name": "first_name"}
# Which record to keep: the survivor ranks and the fields that make a record "complete" are the fix
# plan's (rules/survivorship.toml), so that a plan keeps the record its finding names.
COMPLETENESS_FIELDS = complete_fields()
_ROLE_RANK = role_ranks()
_SURVIVOR_ORDER = survivor_order()


@dataclass
class RecordFacts:
    """What explanations show and compare, for the records inside clusters only (a million-record
    audit explains a few thousand): `row_of[position]` is a record's row in the arrays, -1 if none."""

    row_of: np.ndarray
    shown: dict[str, np.ndarray]
    record_type: np.ndarray
    role_rank: np.ndarray
    filled: np.ndarray
    recency: np.ndarray
    activity: np.ndarray
    # The record's activity date is its last modification (no activity date): the keep reason says so.
    modified_only: np.ndarray
    # Creation, oldest first when all else ties (NaT last), and as the keep reason shows it.
    created: np.ndarray
    created_shown: np.ndarray
    owner: np.ndarray
    open_deals: np.ndarray
    account: np.ndarray
    platform: np.ndarray
    row: np.ndarray

    @classmethod
    def of(cls, records: pd.DataFrame, fields: set[str], positions: np.ndarray) -> RecordFacts:
        row_of = np.full(len(records), -1, dtype=np.int64)
        row_of[positions] = np.arange(len(positions))
        chosen = records.iloc[positions]
        shown = {}
        for name in fields:
            column = chosen[name]
            if pd.api.types.is_datetime64_any_dtype(column):
                column = column.dt.strftime("%Y-%m-%d").fillna("")
            shown[name] = column.astype("str").str.strip().to_numpy(dtype=object)
        activity = chosen["last_activity_date"].fillna(chosen["last_modified_date"])
        deals = chosen["open_deals"].str.replace(r"[\s,]", "", regex=True)
        return cls(
            row_of=row_of,
            shown=shown,
            record_type=chosen["record_type"].to_numpy(dtype=object),
            role_rank=chosen["record_type"].map(_ROLE_RANK).fillna(1).to_numpy(dtype=np.int64),
            filled=(chosen[list(COMPLETENESS_FIELDS)] != "").sum(axis=1).to_numpy(dtype=np.int64),
            recency=activity.fillna(pd.Timestamp.min).to_numpy().astype("datetime64[ns]").astype(np.int64),
            activity=activity.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object),
            modified_only=(
                chosen["last_activity_date"].isna() & chosen["last_modified_date"].notna()
            ).to_numpy(),
            created=chosen["created_date"]
            .fillna(pd.Timestamp.max)
            .to_numpy()
            .astype("datetime64[ns]")
            .astype(np.int64),
            created_shown=chosen["created_date"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object),
            owner=chosen["owner"].to_numpy(dtype=object),
            open_deals=pd.to_numeric(deals, errors="coerce").fillna(0).to_numpy(),
            account=chosen["account_id"].to_numpy(dtype=object),
            platform=chosen["platform"].to_numpy(dtype=object),
            row=chosen["source_row"].to_numpy(),
        )

    def display(self, rows: np.ndarray, fields: tuple[str, ...]) -> np.ndarray:
        """Records' value(s) for a comparison, as exported, for rows of the arrays ("a@x.com /
        b@y.com" for two addresses; a value repeated in a second field is shown once)."""
        shown = np.full(len(rows), "", dtype=object)
        earlier: list[np.ndarray] = []
        for name in fields:
            text = self.shown[name][rows]
            new = text != ""
            for before in earlier:
                new &= text != before
            shown = np.where(new, np.where(shown == "", text, shown + " / " + text), shown)
            earlier.append(text)
        return shown


def field_evidence(
    facts: RecordFacts,
    model: Model,
    fields_of: list[tuple[str, ...]],
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    weights: np.ndarray,
    swapped: np.ndarray,
) -> list[list[FieldComparison]]:
    """Per pair (record positions `left` and `right`, a row of `levels` and `weights` each), one
    entry per comparison that had a value on at least one side. A comparison in an evidence group
    also says what it `counted` for (the group counts once) and the group's name. Worked out a
    comparison at a time over every pair; only the entries themselves are built one by one."""
    comparisons = model.comparisons
    counted = np.round(model.counted(weights.astype(np.float64), levels), 2)
    group_of = {member: group.name for group in model.groups for member in group.members}
    entries: list[list[FieldComparison]] = [[] for _ in range(len(left))]
    left_rows, right_rows = facts.row_of[left], facts.row_of[right]
    for number, (comparison, fields) in enumerate(zip(comparisons, fields_of, strict=True)):
        left_values = facts.display(left_rows, fields)
        right_values = facts.display(right_rows, fields)
        swaps = comparison.feature in _SWAPPABLE
        if swaps and swapped.any():
            crossed = facts.display(right_rows, (_SWAPPABLE[comparison.feature],))
            right_values = np.where(swapped, crossed, right_values)
        hows = []
        for level in comparison.levels:
            how = level.comparison
            if level.feature != comparison.feature:
                how = Words("comparison.of_feature", {"how": how, "feature": field_words(level.feature)})
            hows.append(how)
        how_of = np.array(hows, dtype=object)[levels[:, number]]
        if swaps and swapped.any():
            crossed_hows = np.array([Words("comparison.swapped", {"how": how}) for how in hows], dtype=object)
            how_of = np.where(swapped, crossed_hows[levels[:, number]], how_of)
        label_of = np.array([level.shown_label for level in comparison.levels], dtype=object)[
            levels[:, number]
        ]
        rounded = np.round(weights[:, number].astype(np.float64), 2)
        present = np.flatnonzero((left_values != "") | (right_values != ""))
        group = group_of.get(number)
        for pair, one, other, how, label, weight, counts in zip(
            present.tolist(),
            left_values[present].tolist(),
            right_values[present].tolist(),
            how_of[present].tolist(),
            label_of[present].tolist(),
            rounded[present].tolist(),
            counted[present, number].tolist(),
            strict=True,
        ):
            entries[pair].append(
                FieldComparison(
                    comparison.name,
                    [one, other],
                    how,
                    label,
                    weight,
                    group,
                    counts if group is not None else None,
                )
            )
    return entries


def agreeing_fields(comparisons: list[Comparison], weights: np.ndarray) -> list[tuple[str, ...]]:
    """Per pair, the comparisons that counted for the match (positive weight), in settings order.

    Pairs are grouped by which comparisons agreed (a bit mask), so the tuples are built once per
    distinct combination, not once per pair."""
    if not len(weights):
        return []
    bits = (weights > 0).astype(np.int64) @ (np.int64(1) << np.arange(len(comparisons), dtype=np.int64))
    distinct, inverse = np.unique(bits, return_inverse=True)
    names = [comparison.name for comparison in comparisons]
    tuples = [
        tuple(name for index, name in enumerate(names) if mask >> index & 1) for mask in distinct.tolist()
    ]
    return [tuples[code] for code in inverse.tolist()]


# Findings whose explanations are worked out at once (`MatchResult.prepare`): every pair among a
# batch's records is explained, so a batch bounds the memory a report writer holds for them.
EXPLAINED_AT_A_TIME = 1_000

# How sure a finding is: every link inside it at least this probable is "sure"; below, "likely";
# a finding a veto had to pull apart, or a pair only set aside for review, is "review".
SURE = 0.99


def group_evidence(matches: MatchResult, positions: list[int], *, max_pairs: int = 20) -> ClusterEvidence:
    """The evidence of one finding about `positions` (record positions, in the finding's order):
    the best score, what it matched on, the cluster, how sure it is, the strongest pairs field by
    field, which record to keep and why, and what makes a merge risky."""
    index_of = {position: index for index, position in enumerate(positions)}
    cluster = int(matches.cluster[positions[0]])
    inside = [
        pair
        for pair in matches.pairs_in(cluster)
        if matches.pair_left[pair] in index_of and matches.pair_right[pair] in index_of
    ]
    # Pairs are stored strongest first within a cluster.
    shown = inside[:max_pairs]
    facts = matches.facts_of(positions)
    # A pair a person decided is the same person counts as sure, whatever its score.
    weakest = min(
        (1.0 if matches.pair_decided[pair] else float(matches.pair_score[pair]) for pair in inside),
        default=1.0,
    )
    vetoed = any(matches.pair_veto[pair] for pair in inside)
    return ClusterEvidence(
        score=round(float(matches.pair_score[shown[0]]), 4) if shown else 0.0,
        matched_on=list(matches.pair_matched_on[shown[0]]) if shown else [],
        cluster=f"C{cluster + 1}",
        pairs=[_pair(matches, index_of, pair) for pair in shown],
        pairs_note=(
            Words("pairs.strongest_shown", {"shown": len(shown), "total": len(inside)})
            if len(inside) > len(shown)
            else ""
        ),
        keep=_keep(facts, positions, matches.survivor_order),
        confidence="review" if vetoed else "sure" if weakest >= SURE else "likely",
        risks=_risks(facts, positions, weakest),
    )


def certainty(matches: MatchResult, at: np.ndarray, named: np.ndarray) -> dict[str, np.ndarray]:
    """The score and the confidence `group_evidence` gives each finding about the records at `at`
    (`named` per finding, all of one cluster), worked out for every finding at once: a report ranks
    a hundred thousand findings by them without explaining any."""
    count = len(named)
    finding_of = np.full(len(matches.cluster), -1, dtype=np.int64)
    finding_of[at] = np.repeat(np.arange(count, dtype=np.int64), named)
    left, right = finding_of[matches.pair_left], finding_of[matches.pair_right]
    inside = np.flatnonzero((left >= 0) & (left == right))
    owner, scores = left[inside], matches.pair_score[inside]
    # A pair a person decided is the same person counts as sure (its score is still the best shown).
    sure = np.where(matches.pair_decided[inside] != "", 1.0, scores)
    best, weakest, vetoed = np.zeros(count), np.ones(count), np.zeros(count, dtype=bool)
    np.maximum.at(best, owner, scores)
    np.minimum.at(weakest, owner, sure)
    np.logical_or.at(vetoed, owner, np.array([bool(veto) for veto in matches.pair_veto[inside]], dtype=bool))
    confidence = np.where(vetoed, "review", np.where(weakest >= SURE, "sure", "likely")).astype(object)
    return {"score": np.round(best, 4), "confidence": confidence}


def review_severity(severity: str) -> str:
    """A pair set aside for review is reported a step below its rule's severity (info at the least):
    it says "look", not "merge"."""
    by_rank = {rank: name for name, rank in SEVERITY_ORDER.items()}
    return by_rank.get(SEVERITY_ORDER.get(severity, 1) - 1, "info")


def review_evidence(matches: MatchResult, pair: int, positions: list[int]) -> ClusterEvidence:
    """The evidence of a finding about review pair `pair` (`positions`: its two records, in the
    finding's order): as `group_evidence`, with confidence "review" and the veto that held it back."""
    review = matches.review
    left, right = int(review["left"].iat[pair]), int(review["right"].iat[pair])
    index_of = {position: index for index, position in enumerate(positions)}
    reason = term("veto", str(review["veto"].iat[pair]))
    score = round(float(review["score"].iat[pair]), 4)
    facts = matches.facts_of(positions)
    return ClusterEvidence(
        score=score,
        matched_on=list(review["matched_on"].iat[pair]),
        cluster="",
        pairs=[
            PairEvidence(index_of[left], index_of[right], score, matches.explain_review(pair), review=reason)
        ],
        keep=_keep(facts, positions, matches.survivor_order),
        confidence="review",
        risks=[Words("risk.review", {"reason": reason}), *_risks(facts, positions, 1.0)],
    )


def _pair(matches: MatchResult, index_of: dict[int, int], pair: int) -> PairEvidence:
    return PairEvidence(
        left=index_of[int(matches.pair_left[pair])],
        right=index_of[int(matches.pair_right[pair])],
        score=round(float(matches.pair_score[pair]), 4),
        fields=matches.explain(pair),
        veto=term("veto", veto) if (veto := matches.pair_veto[pair]) else "",
        decided=str(matches.pair_decided[pair]),
    )


def _keep(facts: RecordFacts, positions: list[int], order: tuple[str, ...] = _SURVIVOR_ORDER) -> Keep:
    """The record to keep, by the survivor order of rules/survivorship.toml (a contact over a lead,
    then the most complete, the most recent activity, the oldest creation): the order a fix plan
    follows. Its reason names the criteria that decided."""
    rows = [int(facts.row_of[p]) for p in positions]
    keys = {
        "role": [-int(facts.role_rank[r]) for r in rows],
        "most_complete": [-int(facts.filled[r]) for r in rows],
        "most_recent_activity": [-int(facts.recency[r]) for r in rows],
        "oldest_creation": [int(facts.created[r]) for r in rows],
    }
    chosen, decided = narrow(order, keys, range(len(positions)))
    reasons = [_keep_reason(facts, criterion, rows, rows[chosen], among) for criterion, among in decided]
    return Keep(chosen, Words("keep.reasons", {"reasons": Several(reasons or [Words("keep.first_listed")])}))


def _keep_reason(facts: RecordFacts, criterion: str, rows: list[int], kept: int, among: list[int]) -> Words:
    """Why the kept record (`kept`, a row of the facts) won on `criterion` over the records `among`."""
    if criterion == "role":
        lowest = min((rows[i] for i in among), key=lambda row: int(facts.role_rank[row]))
        return Words(
            "keep.type_over",
            {"kept": field_words(facts.record_type[kept]), "other": field_words(facts.record_type[lowest])},
        )
    if criterion == "most_complete":
        return Words(
            "keep.most_complete", {"filled": int(facts.filled[kept]), "fields": len(COMPLETENESS_FIELDS)}
        )
    if criterion == "most_recent_activity":
        recent = "keep.most_recently_modified" if facts.modified_only[kept] else "keep.most_recent_activity"
        return Words(recent, {"date": facts.activity[kept]})
    return Words("keep.oldest_created", {"date": facts.created_shown[kept]})


def _risks(facts: RecordFacts, positions: list[int], weakest: float) -> list[str]:
    """What a reviewer should check before merging."""
    rows = [int(facts.row_of[p]) for p in positions]
    risks: list[str] = []
    owners = [
        Words("risk.owner_at_row", {"owner": facts.owner[r], "row": facts.row[r]})
        for r in rows
        if facts.owner[r]
    ]
    if len({facts.owner[r] for r in rows if facts.owner[r]}) > 1:
        risks.append(Words("risk.different_owners", {"owners": Several(owners, by="vs")}))
    with_deals = sum(1 for r in rows if facts.open_deals[r] > 0)
    if with_deals > 1:
        risks.append(Words("risk.open_deals", {"count": with_deals}))
    accounts = sorted({facts.account[r] for r in rows if facts.account[r]})
    if len(accounts) > 1:
        risks.append(Words("risk.different_accounts", {"accounts": Several(accounts)}))
    platforms = sorted({facts.platform[r] for r in rows})
    if len(platforms) > 1:
        risks.append(Words("risk.different_platforms", {"platforms": Several(platforms)}))
    if weakest < 0.9:
        risks.append(Words("risk.weak_link", {"score": weakest}))
    return risks
