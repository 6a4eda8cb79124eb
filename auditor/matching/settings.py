"""The matching settings: rules/matching.toml read into the pieces the engine composes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from auditor.matching.blocking import BlockingRule
from auditor.matching.comparisons import Comparison, comparison_from_settings
from auditor.matching.estimating import EvidenceGroup, Floor, ModelSettings, Veto
from auditor.resources import load_rules_toml


@dataclass(frozen=True)
class MatchSettings:
    model: ModelSettings
    rules: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    max_block_size: int
    max_pairs_per_record: float
    max_cluster_size: int
    vetoes: tuple[Veto, ...] = ()
    groups: tuple[EvidenceGroup, ...] = ()
    floors: tuple[Floor, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": dict(self.model.__dict__),
            "blocking": {
                "max_block_size": self.max_block_size,
                "max_pairs_per_record": self.max_pairs_per_record,
                "rules": [
                    {
                        "name": rule.name,
                        "keys": list(rule.keys),
                        "train": rule.train,
                        "max_pairs_per_record": rule.max_pairs_per_record,
                    }
                    for rule in self.rules
                ],
            },
            "clustering": {"max_cluster_size": self.max_cluster_size},
            "vetoes": [
                {"name": veto.name, "weight": veto.weight, "review": veto.review} for veto in self.vetoes
            ],
            "floors": [{"name": rule.name, "weight": rule.weight} for rule in self.floors],
            "groups": [
                {
                    "name": group.name,
                    "comparisons": [self.comparisons[i].name for i in group.members],
                    "unless": {
                        self.comparisons[i].name: [
                            self.comparisons[i].levels[level].label for level in chosen
                        ]
                        for i, chosen in group.unless.items()
                    },
                }
                for group in self.groups
            ],
            "comparisons": [
                {
                    "name": comparison.name,
                    "feature": comparison.feature,
                    "levels": [
                        {
                            "level": level.label,
                            "feature": level.feature,
                            "m": level.m,
                            "u": level.u,
                            "tf": level.tf,
                            "neutral": level.neutral,
                        }
                        for level in comparison.levels
                    ],
                }
                for comparison in self.comparisons
            ],
        }


def settings_from_dict(data: dict[str, Any]) -> MatchSettings:
    known = {item.name for item in fields(ModelSettings)}
    model = ModelSettings(**{key: value for key, value in data.get("model", {}).items() if key in known})
    blocking = data.get("blocking", {})
    rules = tuple(
        BlockingRule(
            name=rule["name"],
            keys=tuple(rule["keys"]),
            train=bool(rule.get("train", False)),
            max_pairs_per_record=(
                float(rule["max_pairs_per_record"]) if "max_pairs_per_record" in rule else None
            ),
        )
        for rule in blocking.get("rules", [])
    )
    if len(rules) > 63:
        raise ValueError("at most 63 blocking rules: each is a bit of a 64-bit mask")
    comparisons = tuple(comparison_from_settings(spec) for spec in data.get("comparisons", []))
    _check_conditions(comparisons)
    groups = tuple(_group(spec, comparisons) for spec in data.get("groups", []))
    grouped = [member for group in groups for member in group.members]
    if len(grouped) != len(set(grouped)):
        raise ValueError("a comparison belongs to one evidence group at most")
    return MatchSettings(
        model=model,
        rules=rules,
        comparisons=comparisons,
        vetoes=tuple(_veto(spec, comparisons) for spec in data.get("vetoes", [])),
        groups=groups,
        floors=tuple(_floor(spec, comparisons) for spec in data.get("floors", [])),
        max_block_size=int(blocking.get("max_block_size", 100)),
        max_pairs_per_record=float(blocking.get("max_pairs_per_record", 10)),
        max_cluster_size=int(data.get("clustering", {}).get("max_cluster_size", 50)),
    )


def _check_conditions(comparisons: tuple[Comparison, ...]) -> None:
    """A level's `when` names comparisons listed before its own, and levels they have."""
    for position, comparison in enumerate(comparisons):
        earlier = {other.name: other for other in comparisons[:position]}
        for level in comparison.levels:
            for name, labels in level.when:
                if name not in earlier:
                    raise ValueError(
                        f"comparison {comparison.name}: level {level.label!r} depends on {name!r}, "
                        "which is not a comparison listed before it"
                    )
                known = {other.label for other in earlier[name].levels}
                unknown = [label for label in labels if label not in known]
                if unknown:
                    raise ValueError(f"comparison {comparison.name}: {name} has no level {unknown[0]!r}")


def _levels(
    what: str, condition: dict[str, list[str]], comparisons: tuple[Comparison, ...]
) -> dict[int, tuple[int, ...]]:
    """A condition on levels from settings (comparison name -> level labels) as indices; `what`
    names its owner in errors."""
    index = {comparison.name: position for position, comparison in enumerate(comparisons)}
    chosen = {}
    for name, labels in condition.items():
        if name not in index:
            raise ValueError(f"{what}: no comparison named {name!r}")
        comparison = comparisons[index[name]]
        known = {level.label: position for position, level in enumerate(comparison.levels)}
        unknown = [label for label in labels if label not in known]
        if unknown:
            raise ValueError(f"{what}: {name} has no level {unknown[0]!r}")
        chosen[index[name]] = tuple(known[label] for label in labels)
    return chosen


def _veto(spec: dict[str, Any], comparisons: tuple[Comparison, ...]) -> Veto:
    """A veto from settings: comparison names and level labels become indices."""
    what = f"veto {spec['name']!r}"
    return Veto(
        name=spec["name"],
        all_of=_levels(what, spec.get("all", {}), comparisons),
        any_of=_levels(what, spec.get("any", {}), comparisons),
        none_of=_levels(what, spec.get("none", {}), comparisons),
        unless=_levels(what, spec.get("unless", {}), comparisons),
        weight=float(spec.get("weight", -10.0)),
        review=bool(spec.get("review", False)),
    )


def _floor(spec: dict[str, Any], comparisons: tuple[Comparison, ...]) -> Floor:
    """A floor from settings, read as a veto is."""
    what = f"floor {spec['name']!r}"
    if "weight" not in spec:
        raise ValueError(f"{what}: a floor needs its weight (the bits a pair scores at least)")
    return Floor(
        name=spec["name"],
        all_of=_levels(what, spec.get("all", {}), comparisons),
        any_of=_levels(what, spec.get("any", {}), comparisons),
        none_of=_levels(what, spec.get("none", {}), comparisons),
        unless=_levels(what, spec.get("unless", {}), comparisons),
        weight=float(spec["weight"]),
    )


def _group(spec: dict[str, Any], comparisons: tuple[Comparison, ...]) -> EvidenceGroup:
    """An evidence group from settings: comparison names and level labels become indices; a
    comparison counts in one group at most."""
    index = {comparison.name: position for position, comparison in enumerate(comparisons)}
    unknown = [name for name in spec["comparisons"] if name not in index]
    if unknown:
        raise ValueError(f"group {spec['name']!r}: no comparison named {unknown[0]!r}")
    return EvidenceGroup(
        name=spec["name"],
        members=tuple(index[name] for name in spec["comparisons"]),
        unless=_levels(f"group {spec['name']!r}", spec.get("unless", {}), comparisons),
    )


@cache
def default_settings() -> MatchSettings:
    """rules/matching.toml, as shipped."""
    return settings_from_dict(load_rules_toml("matching.toml"))
