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

from auditor.catalogue import objects, people_objects, table_objects
from auditor.errors import ConfigError
from auditor.folding import fold
from auditor.model import DEAL_FIELDS, INPUT_FIELDS, LEAD_STATES, MULTI_VALUE_FIELDS, USER_FIELDS
from auditor.resources import iter_rules_files, load_rules_toml
from auditor.wording import FALLBACK, Several, Words, catalogue

MIN_PLATFORM_SCORE = 3
# A platform needs at least one header it alone writes (weight >= 2): "Lead Status" and "Record ID"
# are shared by several CRMs and by hand-kept sheets, and add up without proving anything.
MIN_DISTINCTIVE_WEIGHT = 2
# Fields a second header may fall back to when the first claimed the field (Work and Home emails,
# a Salesforce contact's HomePhone and OtherPhone). The further phones and emails take any number.
_SECOND_CHOICE = {
    "email": "email_alt",
    "email_alt": "email_other",
    "phone": "phone_other",
    "mobile": "phone_other",
}


@dataclass(frozen=True)
class ColumnLabel:
    field: str
    language: str  # "api" for language-neutral names
    # Every language whose file lists the label ("Telefon" is German and Polish alike).
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ConversionModel:
    """How a platform records that a lead was converted (a platform profile's [conversion])."""

    # The lead keeps the status it had when converted (Zoho): an open status on a converted lead is
    # history, not a contradiction.
    status_kept: bool = False
    # Lead states that mean converted on this platform (Dynamics 365: a qualified lead is converted).
    converted_states: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformProfile:
    name: str
    label: str
    signature: Mapping[str, int]
    signature_prefixes: Mapping[str, int]
    object_headers: Mapping[str, frozenset[str]]
    # Headers that name the object outright (Dynamics' hidden "(Do Not Modify) Contact" key column).
    object_keys: Mapping[str, frozenset[str]]
    object_prefixes: Mapping[str, tuple[str, ...]]
    id_prefixes: Mapping[str, str]
    # Record ids only this platform writes (Salesforce's 15/18-character ids): a regex and its weight.
    id_pattern: re.Pattern[str] | None
    id_weight: int
    # How the ids of objects an organisation made itself begin (Salesforce custom objects: "a").
    custom_id_start: str
    columns: Mapping[str, ColumnLabel]
    object_columns: Mapping[str, Mapping[str, ColumnLabel]]
    conversion: ConversionModel = ConversionModel()


@dataclass(frozen=True)
class TableKind:
    """A kind of table that holds no people (rules/tables.toml): how to know it and what it is for."""

    name: str
    role: str  # "evidence" or "not audited"
    reason: str
    headers: Mapping[str, int]  # folded header -> weight of its vote
    prefixes: tuple[str, ...]
    columns: Mapping[str, str]  # folded header -> field of the evidence table


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
    # "audited" (people and accounts), "evidence" (deals, users) or "not audited", and why.
    role: str = "audited"
    reason: str = ""
    # What detection was unsure of, said in the terminal and the report.
    notes: list[str] = field(default_factory=list)


@cache
def platform_profiles() -> dict[str, PlatformProfile]:
    profiles = {}
    for entry in iter_rules_files("platforms", ".toml"):
        data = load_rules_toml("platforms", entry.name)
        name = data["name"]
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
            object_keys={
                obj: frozenset(fold(header) for header in spec.get("keys", []))
                for obj, spec in objects.items()
            },
            object_prefixes={
                obj: tuple(p.casefold() for p in spec.get("prefixes", [])) for obj, spec in objects.items()
            },
            id_prefixes=dict(data.get("id_prefixes", {})),
            id_pattern=re.compile(data["ids"]["pattern"]) if "ids" in data else None,
            id_weight=int(data.get("ids", {}).get("weight", 0)),
            custom_id_start=str(data.get("ids", {}).get("custom_objects", "")),
            columns=_column_table(data.get("columns", {}), f"platforms/{entry.name}"),
            object_columns={
                obj: _column_table(spec.get("columns", {}), f"platforms/{entry.name} [{obj}]")
                for obj, spec in objects.items()
            },
            conversion=_conversion(data.get("conversion", {}), entry.name),
        )
    return profiles


def _conversion(data: Mapping[str, object], source: str) -> ConversionModel:
    states = tuple(str(state) for state in data.get("converted_states", ()))  # type: ignore[union-attr]
    unknown = [state for state in states if state not in LEAD_STATES]
    if unknown:
        raise ValueError(f"rules/platforms/{source} [conversion]: {unknown[0]!r} is not a lead state")
    return ConversionModel(status_kept=bool(data.get("status_kept", False)), converted_states=states)


def conversion_model(platform: str) -> ConversionModel:
    """The platform's conversion model; a hand-kept sheet (generic) gets the defaults."""
    profile = platform_profiles().get(platform)
    return profile.conversion if profile is not None else ConversionModel()


@cache
def table_kinds() -> dict[str, TableKind]:
    """The kinds of table that hold no people, from rules/tables.toml."""
    data = load_rules_toml("tables.toml")
    fields = {"deal": DEAL_FIELDS, "user": USER_FIELDS}
    kinds = {}
    for name, spec in data.items():
        columns = {fold(header): field_name for header, field_name in spec.get("columns", {}).items()}
        for field_name in columns.values():
            if field_name not in fields.get(name, ()):
                raise ValueError(f"rules/tables.toml [{name}.columns]: unknown field {field_name!r}")
        kinds[name] = TableKind(
            name=name,
            role=spec["role"],
            reason=_table_reason(name, spec["reason"]),
            headers={fold(header): int(weight) for header, weight in spec.get("headers", {}).items()},
            prefixes=tuple(prefix.casefold() for prefix in spec.get("prefixes", [])),
            columns=columns,
        )
    return kinds


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
    overrides = column_overrides or {}
    id_votes = {name: _id_vote(profile, headers, folded, frame) for name, profile in profiles.items()}
    scores = {
        name: score + id_weight
        for name, profile in profiles.items()
        for score, strongest in [_platform_score(profile, headers, folded)]
        for id_weight in [id_votes[name][0]]
        if max(strongest, id_weight) >= MIN_DISTINCTIVE_WEIGHT
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

    notes: list[str] = []
    why_not = ""
    if object_name is not None:
        evidence, object_confidence = Words("detected.given"), 1.0
    else:
        by_id = id_votes[platform][1] if platform in id_votes else None
        object_name, evidence, object_confidence, notes, why_not = _detect_object(
            profile, headers, folded, file, overrides, by_id
        )
    if object_name not in objects():
        raise ConfigError(f"unknown object {object_name!r}", file=file)
    role, reason = "audited", ""
    if object_name in table_objects():
        kind = table_kinds()[object_name]
        role, reason = kind.role, why_not or kind.reason
        columns, unmapped, language = map_table_columns(headers, folded, kind, overrides)
    else:
        columns, unmapped, language = map_columns(headers, folded, profile, object_name, overrides, file)
        _custom_contact_columns(columns, unmapped, frame, overrides)
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
        role=role,
        reason=reason,
        notes=notes,
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


# Weights of the evidence for an object, next to the headers' own (1 a header, 1-3 in tables.toml).
_ID_WEIGHT = 20  # most record ids carry the object's key prefix: as good as certain
_KEY_WEIGHT = 5  # a key column that names the object ("(Do Not Modify) Contact")
_PREFIX_WEIGHT = 2  # each header that starts with the entity's name ("Person - ", "Deal - ")
_FILE_NAME_WEIGHT = 3  # "Opportunity.csv", "Pistes 2026.xlsx"
_PERSON_FIELD_WEIGHT = 2  # each field only people have (names, email, mobile, birth date)
_PERSON_FIELDS = ("first_name", "last_name", "email", "email_alt", "mobile", "birthdate")
# What `_id_vote` says of ids that name an object the organisation made itself.
CUSTOM_OBJECT = "custom object"
# Below this, detection says it is unsure; a table that may not be leads is never audited as leads.
SURE_OBJECT = 0.6


def _detect_object(
    profile: PlatformProfile | None,
    headers: list[str],
    folded: list[str],
    file: str,
    overrides: Mapping[str, str],
    by_id: str | None,
) -> tuple[str, str, float, list[str], str]:
    """The object of a table, from every piece of evidence weighed together: record ids, key
    columns, headers typical of an object (the platform's and those of tables that hold no people),
    entity prefixes and the file name. Returns the object, the evidence in words, a confidence,
    notes for what detection was unsure of, and for a table not audited the reason when it is more
    particular than its kind's."""
    votes: Counter[str] = Counter()
    why: dict[str, list[str]] = {}

    def vote(obj: str, weight: int, reason: str) -> None:
        if weight > 0:
            votes[obj] += weight
            why.setdefault(obj, []).append(reason)

    present = set(folded)
    lowered = [header.casefold().strip() for header in headers]
    if by_id == CUSTOM_OBJECT:
        return "other", Words("detected.custom_ids"), 0.9, [], Words("input_reason.custom_object")
    if by_id:
        vote(by_id, _ID_WEIGHT, Words("detected.record_ids"))
    if profile is not None:
        for obj, keys in profile.object_keys.items():
            vote(obj, _KEY_WEIGHT * len(keys & present), Words("detected.key_column"))
        for obj, obj_headers in profile.object_headers.items():
            found = len(obj_headers & present)
            vote(obj, found, Words("detected.typical_headers", {"count": found, "object": object_words(obj)}))
        for obj, prefixes in profile.object_prefixes.items():
            found = sum(1 for header in lowered for prefix in prefixes if header.startswith(prefix))
            vote(
                obj,
                _PREFIX_WEIGHT * found,
                Words("detected.named_headers", {"count": found, "object": object_words(obj)}),
            )
    for kind in table_kinds().values():
        weight = sum(kind.headers.get(key, 0) for key in present)
        vote(kind.name, weight, Words("detected.table_headers", {"object": object_words(kind.name)}))
        found = sum(1 for header in lowered for prefix in kind.prefixes if header.startswith(prefix))
        vote(
            kind.name,
            _PREFIX_WEIGHT * found,
            Words("detected.named_headers", {"count": found, "object": object_words(kind.name)}),
        )
    from_name = object_from_file_name(file)
    if from_name:
        vote(from_name, _FILE_NAME_WEIGHT, Words("detected.file_name"))

    people_columns = map_columns(headers, folded, profile, "unknown", overrides, file)[0]
    person_fields = set(people_columns.values()) & set(_PERSON_FIELDS)
    people_votes = max((votes[obj] for obj in people_objects()), default=0)
    people_strength = people_votes + _PERSON_FIELD_WEIGHT * len(person_fields)
    table_votes = [(weight, obj) for obj, weight in votes.items() if obj in table_objects()]
    if table_votes:
        weight, obj = max(table_votes, key=lambda item: (item[0], -table_objects().index(item[1])))
        if weight >= _FILE_NAME_WEIGHT and weight > people_strength:
            confidence = min(1.0, 0.5 + 0.5 * (weight - people_strength) / weight)
            return obj, _said(why[obj]), round(confidence, 2), [], ""

    reachable = set(people_columns.values()) & {*_PERSON_FIELDS, "full_name", "phone", "company"}
    if not reachable and votes["account"] == 0:
        return "other", Words("detected.no_people_columns"), 0.7, [], Words("input_reason.no_people_columns")
    if profile is None and from_name != "account" and _has_type_column(people_columns):
        # A hand-kept list of people with a type column is the "mixed" object of docs/CONTRACT.md, whatever its file
        # is called; in a list of accounts ("Comptes.xlsx") the type column types companies.
        return "mixed", Words("detected.type_column"), 0.9, [], ""
    people = Counter({obj: votes[obj] for obj in people_objects() if votes[obj] > 0})
    if not people:
        return "unknown", Words("detected.nothing"), 0.3, [], ""
    ranked = sorted(people.items(), key=lambda item: (-item[1], item[0]))
    (winner, top), (second, runner_up) = ranked[0], ranked[1] if len(ranked) > 1 else ("", 0)
    if top == runner_up and from_name == second:
        # A tie is settled by the file name when it names one of the two.
        (winner, top), (second, runner_up) = (second, runner_up), (winner, top)
    confidence = round(min(1.0, 0.4 + 0.6 * (top - runner_up) / top) * (1.0 if top >= 3 else 0.8), 2)
    evidence = _said(why[winner])
    notes = []
    if confidence < SURE_OBJECT:
        unsure_lead = winner == "lead" and second in ("contact", "person")
        if unsure_lead or (top == runner_up and {winner, second} == {"lead", "contact"}):
            # Lead rules on a contact list make a false finding of every record: when the evidence
            # cannot tell leads from contacts, the table is read as a people list, in which only
            # records labelled lead are leads.
            other = second if winner == "lead" else winner
            notes.append(
                Words(f"note.lead_or_{other}", {"leads": _said(why["lead"]), "others": _said(why[other])})
            )
            return "person", evidence, confidence, notes, ""
        values = {"object": object_words(winner), "evidence": evidence}
        if second:
            values |= {"other": object_words(second), "other_evidence": _said(why[second])}
        notes.append(Words("note.unsure_object_or" if second else "note.unsure_object", values))
    return winner, evidence, confidence, notes, ""


def _said(reasons: list[str]) -> str:
    """The evidence for an object in words, each piece once ("record ids, the file name")."""
    return Words("detected.evidence", {"pieces": Several(list(dict.fromkeys(reasons)))})


def object_words(name: str) -> str:
    """An object's name ("lead", "deal") in the words of reports/i18n ([object]), else as it is."""
    key = f"object.{name}"
    return Words(key) if key in catalogue(FALLBACK) else name


def _table_reason(name: str, reason: str) -> str:
    """Why a kind of table is not audited as people: rules/tables.toml's English, worded by
    [input_reason] of reports/i18n where its English there is the same text."""
    key = f"input_reason.{name}"
    return Words(key) if catalogue(FALLBACK).get(key) == reason else reason


def _id_vote(
    profile: PlatformProfile, headers: list[str], folded: list[str], frame: pd.DataFrame
) -> tuple[int, str | None]:
    """What the record ids say: the platform's weight when a column holds ids only it writes
    (Salesforce's 15/18-character ids with a known key prefix), and the object their prefix names."""
    if frame.empty or (profile.id_pattern is None and not profile.id_prefixes):
        return 0, None
    id_columns = [
        header
        for header, key in zip(headers, folded, strict=True)
        if profile.columns.get(key, ColumnLabel("", "")).field == "source_id"
        or key in ("id", "record id", "recordid")
    ]
    for header in id_columns[:3]:
        sample = frame[header].head(200).str.strip()
        sample = sample[sample != ""]
        if sample.empty:
            continue
        if profile.id_pattern is not None:
            shaped = sample.str.fullmatch(profile.id_pattern.pattern)
            if shaped.mean() < 0.9:
                continue
        if not profile.id_prefixes:
            return profile.id_weight, None  # ids of this platform's shape, naming no object
        custom = profile.custom_id_start
        counts = Counter(
            profile.id_prefixes.get(value[:3])
            or (CUSTOM_OBJECT if custom and value.startswith(custom) else None)
            for value in sample
        )
        known = len(sample) - counts.pop(None, 0)
        if profile.id_pattern is not None and known < 0.8 * len(sample):
            continue  # 15 or 18 letters and digits, but not ids of this platform's objects
        winner = counts.most_common(1)[0][0] if counts else None
        share = counts[winner] / len(sample) if winner else 0.0
        return profile.id_weight, winner if share >= 0.8 else None
    return 0, None


def object_from_file_name(file: str) -> str | None:
    """ "Leads.csv", "pistes_2026.xlsx", "Kontakte.csv", "OpportunityHistory.csv": the file name
    often says the object. Longer phrases are read first and use up their words ("Potential
    customers" names leads, not potentials); when the name still names several objects, the
    precedence of vocabulary/objects.toml decides ("LeadHistory" is history, not leads)."""
    from auditor.terms import object_for_label  # terms owns the vocabulary of object names

    stem = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", PurePath(file).stem)  # "OpportunityHistory"
    words = [word for word in re.split(r"[\W_\d]+", stem) if word]
    used = [False] * len(words)
    named: set[str] = set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            found = object_for_label(" ".join(words[start : start + size]))
            if found:
                named.add(found)
                used[start : start + size] = [True] * size
    if not named:
        return None
    order = _object_precedence()
    return min(named, key=lambda obj: order.index(obj) if obj in order else len(order))


@cache
def _object_precedence() -> list[str]:
    return list(load_rules_toml("vocabulary", "objects.toml")["precedence"]["order"])


def map_table_columns(
    headers: list[str], folded: list[str], kind: TableKind, overrides: Mapping[str, str]
) -> tuple[dict[str, str], list[str], str | None]:
    """Header -> field of a table that holds no people (a deal's account, stage and won flag; a
    user's email). Only the table kind's own labels count: a deal's "Name" is the deal's, not a
    person's. Each field takes the first header claiming it."""
    overrides_folded = {fold(header): field_name for header, field_name in overrides.items()}
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    for header, key in zip(headers, folded, strict=True):
        field_name = overrides_folded.get(key) or kind.columns.get(key)
        if field_name and field_name not in mapping.values():
            mapping[header] = field_name
        elif kind.columns:
            unmapped.append(header)
    return mapping, unmapped, None


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
        while field_name in taken and field_name not in MULTI_VALUE_FIELDS:
            field_name = _SECOND_CHOICE.get(field_name, "")
        if not field_name:
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
    if object_name == "account":
        _name_of_an_account_is_the_company(mapping)
    else:
        _names_in_context(mapping, overrides_folded)
        _lone_first_name_is_whole_name(mapping)
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


@dataclass(frozen=True)
class _ContactWords:
    phone: frozenset[str]
    email: frozenset[str]
    excluded: frozenset[str]
    share: float
    sample: int


@cache
def _contact_header_words() -> _ContactWords:
    data = load_rules_toml("contact_headers.toml")
    return _ContactWords(
        phone=frozenset(fold(word) for word in data["phone"]),
        email=frozenset(fold(word) for word in data["email"]),
        excluded=frozenset(fold(word) for word in data["except"]),
        share=float(data["share"]),
        sample=int(data["sample"]),
    )


_PHONE_SHAPE = r"^\+?[\d\s().\-/]{6,24}$"
_EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _custom_contact_columns(
    columns: dict[str, str], unmapped: list[str], frame: pd.DataFrame, overrides: Mapping[str, str]
) -> None:
    """Unmapped columns whose header says phone or email and whose values look like phone numbers
    or email addresses become further phones or emails (rules/contact_headers.toml): a person with a
    valid number in a custom field is reachable."""
    if frame.empty:
        return
    words = _contact_header_words()
    overridden = {fold(header) for header in overrides}
    for header in list(unmapped):
        key = fold(header)
        if key in overridden:
            continue
        tokens = set(key.split())
        if tokens & words.excluded:
            continue
        if tokens & words.phone:
            field_name, shape = "phone_other", _PHONE_SHAPE
        elif tokens & words.email:
            field_name, shape = "email_other", _EMAIL_SHAPE
        else:
            continue
        sample = frame[header].head(words.sample).str.strip()
        sample = sample[sample != ""]
        if len(sample) and sample.str.match(shape).mean() >= words.share:
            columns[header] = field_name
            unmapped.remove(header)


@cache
def _ambiguous_name_headers() -> frozenset[str]:
    return frozenset(fold(label) for label in load_rules_toml("name_headers.toml")["ambiguous"])


def _names_in_context(mapping: dict[str, str], overrides: Mapping[str, str]) -> None:
    """A bare "Name" / "Nombre" / "Nom" header means what the other name headers leave to it: the
    given name beside a family-name column, the family name beside a given-name column, the whole
    name beside both or alone. A header the config maps keeps its mapping."""
    name_fields = {"first_name", "last_name", "full_name"}
    ambiguous = [
        header
        for header, field_name in mapping.items()
        if field_name in name_fields
        and fold(header) in _ambiguous_name_headers()
        and fold(header) not in overrides
    ]
    if len(ambiguous) != 1:
        return
    (header,) = ambiguous
    others = {field_name for other, field_name in mapping.items() if other != header}
    if "last_name" in others and "first_name" not in others:
        meaning = "first_name"
    elif "first_name" in others and "last_name" not in others:
        meaning = "last_name"
    else:
        meaning = "full_name"
    if meaning in others:
        return  # the field is already another header's: leave the mapping as the labels made it
    mapping[header] = meaning


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
