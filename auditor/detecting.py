"""Step 2: tell which platform and object an export comes from, and map its headers onto the model.

Everything this module knows comes from rules/platforms/*.toml and rules/headers/*.toml. Detection
is a vote: each header a platform profile recognises adds its weight; the platform with the highest
total wins if it reaches `MIN_PLATFORM_SCORE`, otherwise the file is a hand-kept (`generic`) sheet.
The object is voted the same way within the platform, then by record-id prefixes and the file name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath

import pandas as pd

from auditor.config import OBJECTS, PLATFORMS
from auditor.errors import ConfigError
from auditor.folding import fold
from auditor.model import INPUT_FIELDS
from auditor.resources import iter_rules_files, load_rules_toml

MIN_PLATFORM_SCORE = 3
# A platform needs at least one header it alone writes (weight >= 2): "Lead Status" and "Record ID"
# are shared by several CRMs and by hand-kept sheets, and add up without proving anything.
MIN_DISTINCTIVE_WEIGHT = 2
# Fields a second header may fall back to when the first claimed the field (Work and Home emails).
_SECOND_CHOICE = {"email": "email_alt", "phone": "mobile"}


@dataclass(frozen=True)
class ColumnLabel:
    field: str
    language: str  # "api" for language-neutral names
    # Every language whose file lists the label ("Telefon" is German and Polish alike).
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlatformProfile:
    name: str
    label: str
    signature: Mapping[str, int]
    signature_prefixes: Mapping[str, int]
    object_headers: Mapping[str, frozenset[str]]
    object_prefixes: Mapping[str, tuple[str, ...]]
    id_prefixes: Mapping[str, str]
    columns: Mapping[str, ColumnLabel]
    object_columns: Mapping[str, Mapping[str, ColumnLabel]]


@dataclass
class Detection:
    """What detection concluded about one table, and why."""

    platform: str
    object: str
    confidence: float
    columns: dict[str, str]  # header -> canonical field
    unmapped_columns: list[str]
    language: str | None
    scores: dict[str, int] = field(default_factory=dict)
    object_evidence: str = ""


@cache
def platform_profiles() -> dict[str, PlatformProfile]:
    profiles = {}
    for entry in iter_rules_files("platforms", ".toml"):
        data = load_rules_toml("platforms", entry.name)
        name = data["name"]
        if name not in PLATFORMS:
            raise ValueError(f"rules/platforms/{entry.name}: unknown platform {name!r}")
        objects = data.get("objects", {})
        profiles[name] = PlatformProfile(
            name=name,
            label=data.get("label", name),
            signature={fold(header): int(weight) for header, weight in data.get("signature", {}).items()},
            signature_prefixes={
                prefix.casefold(): int(w) for prefix, w in data.get("signature_prefixes", {}).items()
            },
            object_headers={
                obj: frozenset(fold(header) for header in spec.get("headers", []))
                for obj, spec in objects.items()
            },
            object_prefixes={
                obj: tuple(p.casefold() for p in spec.get("prefixes", [])) for obj, spec in objects.items()
            },
            id_prefixes=dict(data.get("id_prefixes", {})),
            columns=_column_table(data.get("columns", {}), f"platforms/{entry.name}"),
            object_columns={
                obj: _column_table(spec.get("columns", {}), f"platforms/{entry.name} [{obj}]")
                for obj, spec in objects.items()
            },
        )
    return profiles


@cache
def generic_headers() -> dict[str, ColumnLabel]:
    """Header labels of every language, folded. The first language file to claim a label keeps it."""
    table: dict[str, ColumnLabel] = {}
    for entry in iter_rules_files("headers", ".toml"):
        data = load_rules_toml("headers", entry.name)
        language = data.get("language", entry.name.removesuffix(".toml"))
        for field_name, labels in data.items():
            if field_name == "language":
                continue
            _check_field(field_name, f"headers/{entry.name}")
            for label in labels:
                _add_label(table, label, field_name, language)
    return table


def _column_table(by_language: Mapping[str, Mapping[str, str]], source: str) -> dict[str, ColumnLabel]:
    table: dict[str, ColumnLabel] = {}
    for language, labels in by_language.items():
        for header, field_name in labels.items():
            _check_field(field_name, source)
            _add_label(table, header, field_name, language)
    return table


def _add_label(table: dict[str, ColumnLabel], label: str, field_name: str, language: str) -> None:
    """The first file to claim a label keeps it; later languages listing it for the same field are
    recorded, so that a label several languages share counts for each of them."""
    key = fold(label)
    known = table.get(key)
    if known is None:
        table[key] = ColumnLabel(field_name, language, frozenset({language}))
    elif known.field == field_name:
        table[key] = ColumnLabel(known.field, known.language, known.languages | {language})


def _check_field(field_name: str, source: str) -> None:
    if field_name not in INPUT_FIELDS:
        raise ValueError(f"rules/{source}: {field_name!r} is not a canonical input field")


def detect(
    headers: list[str],
    frame: pd.DataFrame,
    *,
    file: str,
    platform: str | None = None,
    object_name: str | None = None,
    column_overrides: Mapping[str, str] | None = None,
) -> Detection:
    """Platform, object and column mapping of one table; given values win over detection."""
    profiles = platform_profiles()
    folded = [fold(header) for header in headers]
    scores = {
        name: score
        for name, profile in profiles.items()
        for score, strongest in [_platform_score(profile, headers, folded)]
        if strongest >= MIN_DISTINCTIVE_WEIGHT
    }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best_name, best = ranked[0] if ranked else ("generic", 0)
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if platform is None:
        platform = best_name if best >= MIN_PLATFORM_SCORE else "generic"
        platform_confidence = _confidence(best, runner_up) if platform != "generic" else None
    else:
        platform_confidence = 1.0
    profile = profiles.get(platform)

    if object_name is not None:
        evidence, object_confidence = "given", 1.0
    elif (
        profile is None
        and object_from_file_name(file) != "account"
        and _has_type_column(map_columns(headers, folded, None, "unknown", column_overrides or {}, file)[0])
    ):
        # A hand-kept list of people with a type column is the contract's "mixed", whatever its file
        # is called; in a list of accounts ("Comptes.xlsx") the type column types companies.
        object_name, evidence, object_confidence = "mixed", "a type column labels each row", 0.9
    else:
        object_name, evidence, object_confidence = _detect_object(profile, headers, folded, frame, file)
    if object_name not in OBJECTS:
        raise ConfigError(f"unknown object {object_name!r}", file=file)
    columns, unmapped, language = map_columns(
        headers, folded, profile, object_name, column_overrides or {}, file
    )
    if platform_confidence is None:
        # A hand-kept sheet is confidently generic when its headers are understood.
        platform_confidence = len(columns) / max(len(headers), 1)
    return Detection(
        platform=platform,
        object=object_name,
        confidence=round(min(platform_confidence, object_confidence), 2),
        columns=columns,
        unmapped_columns=unmapped,
        language=language,
        scores={name: score for name, score in ranked if score},
        object_evidence=evidence,
    )


def _platform_score(profile: PlatformProfile, headers: list[str], folded: list[str]) -> tuple[int, int]:
    """The platform's total evidence and the weight of its strongest single piece."""
    weights = [profile.signature.get(key, 0) for key in set(folded)]
    lowered = [header.casefold().strip() for header in headers]
    for prefix, weight in profile.signature_prefixes.items():
        if any(header.startswith(prefix) for header in lowered):
            weights.append(weight)
    return sum(weights), max(weights, default=0)


def _confidence(best: int, runner_up: int) -> float:
    """Share of the evidence the winner holds, scaled down while the evidence is thin (under 9 points)."""
    share = best / (best + runner_up) if best + runner_up else 0.0
    return share * min(1.0, best / 9)


def _detect_object(
    profile: PlatformProfile | None, headers: list[str], folded: list[str], frame: pd.DataFrame, file: str
) -> tuple[str, str, float]:
    votes: Counter[str] = Counter()
    if profile is not None:
        present = set(folded)
        lowered = [header.casefold().strip() for header in headers]
        for obj, obj_headers in profile.object_headers.items():
            votes[obj] += len(obj_headers & present)
        for obj, prefixes in profile.object_prefixes.items():
            votes[obj] += 2 * sum(1 for header in lowered for prefix in prefixes if header.startswith(prefix))
        by_id = _object_from_ids(profile, frame, folded)
        if by_id:
            return by_id, "record ids", 1.0
    if votes:
        (winner, top), *rest = votes.most_common()
        second = rest[0][1] if rest else 0
        if top > 0 and top > second:
            return (
                winner,
                f"{top} header(s) typical of {winner} exports",
                min(1.0, 0.5 + 0.25 * (top - second)),
            )
    from_name = object_from_file_name(file)
    if from_name:
        return from_name, "the file name", 0.6
    if votes and votes.most_common(1)[0][1] > 0:
        return votes.most_common(1)[0][0], "tie between objects", 0.4
    return "unknown", "nothing in the headers or the file name", 0.3


def _object_from_ids(profile: PlatformProfile, frame: pd.DataFrame, folded: list[str]) -> str | None:
    """Salesforce ids start with a per-object prefix (00Q lead, 003 contact, 001 account)."""
    if not profile.id_prefixes or frame.empty:
        return None
    id_columns = [
        column
        for column, key in zip(frame.columns, folded, strict=False)
        if profile.columns.get(key, ColumnLabel("", "")).field == "source_id"
    ]
    if not id_columns:
        return None
    sample = frame[id_columns[0]].head(200).str.strip().str[:3]
    counts = Counter(profile.id_prefixes.get(prefix) for prefix in sample if prefix)
    counts.pop(None, None)
    if not counts:
        return None
    winner, count = counts.most_common(1)[0]
    return winner if count >= 0.8 * len(sample) else None


def object_from_file_name(file: str) -> str | None:
    """ "Leads.csv", "pistes_2026.xlsx", "Kontakte.csv": the file name often says the object."""
    from auditor.terms import object_for_label  # terms owns the vocabulary of object names

    stem = PurePath(file).stem
    words = [word for word in re.split(r"[\W_\d]+", stem) if word]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            found = object_for_label(" ".join(words[start : start + size]))
            if found:
                return found
    return None


def map_columns(
    headers: list[str],
    folded: list[str],
    profile: PlatformProfile | None,
    object_name: str,
    overrides: Mapping[str, str],
    file: str,
) -> tuple[dict[str, str], list[str], str | None]:
    """Header -> canonical field. Order: the config's overrides, the object's and the platform's own
    labels, then the generic labels of every language. Each field takes the first header claiming it."""
    for header, field_name in overrides.items():
        if field_name not in INPUT_FIELDS and field_name != "":
            raise ConfigError(
                f"column override maps {header!r} to unknown field {field_name!r}",
                file=file,
                hint="Run `crm-audit inspect` to see the canonical fields",
            )
    generic = generic_headers()
    platform_columns = profile.columns if profile else {}
    object_columns = profile.object_columns.get(object_name, {}) if profile else {}
    overrides_folded = {fold(header): field_name for header, field_name in overrides.items()}

    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    taken: set[str] = set()
    languages: Counter[str] = Counter()
    exclusive: Counter[str] = Counter()
    for header, key in zip(headers, folded, strict=True):
        if key in overrides_folded:
            field_name = overrides_folded[key]
            if not field_name:  # mapped to "" in the config: deliberately ignored
                unmapped.append(header)
                continue
            label = ColumnLabel(field_name, "config")
        else:
            label = object_columns.get(key) or platform_columns.get(key) or generic.get(key)
        if label is None:
            unmapped.append(header)
            continue
        field_name = label.field
        if field_name in taken:
            field_name = _SECOND_CHOICE.get(field_name, "")
            if not field_name or field_name in taken:
                unmapped.append(header)
                continue
        mapping[header] = field_name
        taken.add(field_name)
        languages_of_label = label.languages or {label.language}
        # An API name ("Email", "Status") says nothing about the UI language, even when a
        # language writes its label the same way.
        spoken = set() if languages_of_label & {"api", "config"} else languages_of_label
        for language in spoken:
            languages[language] += 1
        if len(spoken) == 1:
            exclusive[next(iter(spoken))] += 1
    language = _most_likely_language(languages, exclusive)
    _lone_first_name_is_whole_name(mapping)
    if object_name == "account":
        _name_of_an_account_is_the_company(mapping)
    return mapping, unmapped, language


def _most_likely_language(votes: Counter[str], exclusive: Counter[str]) -> str | None:
    """The language most headers belong to. Labels several languages share ("Status", "E-mail")
    count for each; ties go to the language with more labels of its own, then to English, the
    language of API names and of most exports."""
    if not votes:
        return None
    return min(
        votes, key=lambda language: (-votes[language], -exclusive[language], language != "en", language)
    )


def _name_of_an_account_is_the_company(mapping: dict[str, str]) -> None:
    """In a list of accounts, "Name" (mapped as a person's name by the generic labels) is the company's."""
    if "company" in mapping.values():
        return
    for header, field_name in mapping.items():
        if field_name in ("full_name", "last_name"):
            mapping[header] = "company"
            return


def _lone_first_name_is_whole_name(mapping: dict[str, str]) -> None:
    """A sheet with a "Nombre" (or "First name") column and no surname column keeps whole names in
    it: read it as the whole name, which is then split where it can be."""
    fields = set(mapping.values())
    if "first_name" in fields and not fields & {"last_name", "full_name"}:
        for header, field_name in mapping.items():
            if field_name == "first_name":
                mapping[header] = "full_name"


def _has_type_column(columns: Mapping[str, str]) -> bool:
    return any(
        field_name in {"type_label", "stage_label", "person_label", "object_label"}
        for field_name in columns.values()
    )
