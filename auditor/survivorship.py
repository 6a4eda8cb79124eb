"""Survivorship: which record of a group of one person survives a merge, and which value each of its
fields ends with. The rules are data (rules/survivorship.toml), overridable in the config's
[survivorship] section; the fix plan (auditor/fixes) applies them, and the findings' `keep` reads
the same ranks and fields (auditor/matching/explaining.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd

from auditor.errors import ConfigError
from auditor.model import INPUT_FIELDS
from auditor.resources import load_rules_toml

CRITERIA = ("role", "most_complete", "most_recent_activity", "oldest_creation")
VALUE_RULES = ("survivor", "survivor_else_most_recent", "most_recent", "longest", "most_frequent")


def _defaults() -> dict[str, Any]:
    return load_rules_toml("survivorship.toml")


def role_ranks() -> dict[str, int]:
    """Rank of each canonical type when choosing the record to keep: the higher survives."""
    return {str(name): int(rank) for name, rank in _defaults()["survivor"]["role"].items()}


def survivor_order() -> tuple[str, ...]:
    """The shipped survivor order (the config may give another to a fix plan)."""
    return tuple(_defaults()["survivor"]["order"])


def complete_fields() -> tuple[str, ...]:
    """The fields whose filling makes a record "most complete"."""
    return tuple(_defaults()["survivor"]["complete"]["fields"])


class Candidate(NamedTuple):
    """One record's value for a field: its index in the group, the value, and whether the field's
    check (email_status ...) says it is invalid."""

    index: int
    value: str
    invalid: bool = False
    valid: bool = False


@dataclass(frozen=True)
class Survivorship:
    """The survivor order and the value rule of each field (see rules/survivorship.toml)."""

    order: tuple[str, ...]
    ranks: Mapping[str, int]
    complete: tuple[str, ...]
    default: str
    fields: Mapping[str, str]
    checked_by: Mapping[str, str]

    @classmethod
    def of(cls, overrides: Mapping[str, Any] | None = None) -> Survivorship:
        """The shipped rules, with a config's [survivorship] `order` and `fields` over them."""
        data = _defaults()
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - {"order", "fields"})
        if unknown:
            raise ConfigError(
                f"unknown setting {unknown[0]!r} in [survivorship]", hint="Known settings: order, fields"
            )
        order = tuple(overrides.get("order", data["survivor"]["order"]))
        for criterion in order:
            if criterion not in CRITERIA:
                raise ConfigError(
                    f"unknown survivor criterion {criterion!r} in [survivorship] order",
                    hint=f"Use some of: {', '.join(CRITERIA)}",
                )
        fields = {**data["values"]["fields"], **dict(overrides.get("fields", {}))}
        for name, rule in fields.items():
            if name not in INPUT_FIELDS:
                raise ConfigError(
                    f"unknown field {name!r} in [survivorship.fields]",
                    hint="Name a field of the record model (README, the canonical model)",
                )
            if rule not in VALUE_RULES:
                raise ConfigError(
                    f"unknown value rule {rule!r} for {name} in [survivorship.fields]",
                    hint=f"Use one of: {', '.join(VALUE_RULES)}",
                )
        return cls(
            order=order,
            ranks=role_ranks(),
            complete=complete_fields(),
            default=str(data["values"]["default"]),
            fields=fields,
            checked_by=dict(data["values"]["checked_by"]),
        )

    def rule_for(self, field: str | None) -> str:
        return self.fields.get(field, self.default) if field else "survivor"

    def keys(self, records: pd.DataFrame) -> dict[str, list[float]]:
        """Each survivor criterion's sort key per record (the lowest wins), worked out for many
        records at once: a plan asks once for every record its findings name."""
        return {
            "role": (-records["record_type"].map(self.ranks).fillna(1).to_numpy(dtype=float)).tolist(),
            "most_complete": (
                -(records[list(self.complete)] != "").sum(axis=1).to_numpy(dtype=float)
            ).tolist(),
            "most_recent_activity": (-_days(activity(records), missing=float("-inf"))).tolist(),
            "oldest_creation": _days(records["created_date"], missing=float("inf")).tolist(),
        }

    def survivor(self, group: pd.DataFrame) -> tuple[int, list[str]]:
        """The index (in `group`, records of one person in a finding's order) of the record to keep,
        and the criteria that decided, in order ("first_listed" when none could)."""
        return self.pick(self.keys(group), range(len(group)))

    def pick(self, keys: Mapping[str, Sequence[float]], members: Sequence[int]) -> tuple[int, list[str]]:
        """`survivor` over `members`, rows of `keys`: the index in `members` of the record to keep."""
        chosen, decided = narrow(self.order, keys, members)
        return chosen, [criterion for criterion, _ in decided] or ["first_listed"]

    def choose(self, rule: str, candidates: Sequence[Candidate], recency: Sequence[float]) -> int:
        """Which candidate a field's value comes from: an index into `candidates`, whose first is
        the survivor's own value (empty or not). Never an invalid value where a valid one exists."""
        filled = [number for number, candidate in enumerate(candidates) if candidate.value]
        if any(candidates[number].valid for number in filled):
            filled = [number for number in filled if not candidates[number].invalid]
        own_kept = 0 in filled
        # The survivor's own value, even empty, unless it is invalid and another record's is valid.
        keeps_own = own_kept or not candidates[0].value
        if keeps_own and (rule == "survivor" or (rule == "survivor_else_most_recent" and own_kept)):
            return 0
        if not filled:
            return 0
        if rule == "longest":
            return max(filled, key=lambda number: (len(candidates[number].value), -number))
        if rule == "most_frequent":
            counts = Counter(candidates[number].value.strip().casefold() for number in filled)
            return max(
                filled, key=lambda number: (counts[candidates[number].value.strip().casefold()], -number)
            )
        return max(filled, key=lambda number: (recency[candidates[number].index], -number))


def activity(records: pd.DataFrame) -> pd.Series:
    """A record's last activity date, else its last modification: how recent it is."""
    return records["last_activity_date"].fillna(records["last_modified_date"])


def _days(dates: pd.Series, *, missing: float) -> Any:
    values = dates.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    values[pd.isna(dates).to_numpy()] = missing
    return values


def narrow(
    order: Sequence[str], keys: Mapping[str, Sequence[float]], members: Sequence[int]
) -> tuple[int, list[tuple[str, list[int]]]]:
    """The survivor order applied to `members` (rows of `keys`, the lowest key wins): the index in
    `members` of the record kept, and each criterion that told records apart with the indexes still
    in the running before it did (what a keep reason compares the kept record with)."""
    left = list(range(len(members)))
    decided: list[tuple[str, list[int]]] = []
    for criterion in order:
        values = keys[criterion]
        best = min(values[members[index]] for index in left)
        kept = [index for index in left if values[members[index]] == best]
        if len(kept) < len(left):
            decided.append((criterion, left))
            left = kept
        if len(left) == 1:
            break
    return left[0], decided
