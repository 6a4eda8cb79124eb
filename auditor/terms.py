"""Step 3: map the labels records carry (stages, statuses, types, tags, ratings) onto canonical terms.

The vocabulary is data (rules/vocabulary/*.toml, one file per language, plus the config's
[vocabulary] tables, which win). A label is looked up after folding (auditor.folding) and, failing
that, with each word made singular, so "Leads", "LEAD " and "Prospects chauds" land. Every distinct
label is looked up once; the answers are spread over the rows with vectorised takes.

Each record gets:
- `record_type`: what its own labels say, from the most specific label it has (a Pipedrive label,
  a lifecycle stage, a type column) down to the object of its file;
- `lead_state` and `temperature`;
- and every label no table knows is reported, with the rows that carry it and the closest known labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from auditor.catalogue import MIXED, UNKNOWN, objects
from auditor.errors import ConfigError
from auditor.folding import fold
from auditor.model import CANONICAL_TYPES, DEAL_STATES, LEAD_STATES, TEMPERATURES
from auditor.resources import iter_rules_files, load_rules_toml

CONCEPTS: dict[str, tuple[str, ...]] = {
    "type": CANONICAL_TYPES,
    "state": LEAD_STATES,
    "temperature": TEMPERATURES,
    "object": tuple(obj for obj in objects() if obj not in (MIXED, UNKNOWN)),
    "deal": DEAL_STATES,
}

# Which concepts a label column can speak for, most telling first. A status column in a hand-kept
# sheet may well say "Client", so it is asked for a type too; a rating only ever gives a temperature.
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "person_label": ("type", "temperature", "state"),
    "stage_label": ("type", "state", "temperature"),
    "type_label": ("type", "temperature", "state"),
    "account_type": ("type",),
    "object_label": ("type", "object"),
    "status_label": ("state", "type", "temperature"),
    "state_label": ("state",),
    "rating_label": ("temperature",),
}
# Precedence for record_type: the most specific label wins over the object a file holds.
TYPE_PRECEDENCE = (
    "person_label",
    "stage_label",
    "type_label",
    "object_label",
    "status_label",
    "account_type",
)
STATE_PRECEDENCE = ("state_label", "status_label", "stage_label", "type_label", "person_label")
TEMPERATURE_PRECEDENCE = ("rating_label", "person_label", "type_label", "stage_label", "status_label")
# What a record is when none of its labels says: the object of its file.
OBJECT_DEFAULT_TYPE = {"lead": "lead", "contact": "contact", "person": "contact"}
# Pipedrive and hand-kept sheets put several labels in one cell.
MULTI_LABEL_SEPARATORS = (",", ";", "|")


@dataclass(frozen=True)
class Term:
    value: str
    label: str  # the label as written in the vocabulary
    source: str  # "fr", "neutral", "config" ...


@dataclass
class Vocabulary:
    """Folded label -> Term, per concept; built from the data files and the config's tables."""

    tables: dict[str, dict[str, Term]] = field(default_factory=dict)

    def lookup(self, concept: str, label: str) -> Term | None:
        table = self.tables.get(concept, {})
        key = fold(label)
        if not key:
            return None
        return table.get(key) or table.get(singular_key(key))

    def with_overrides(self, overrides: Mapping[str, Mapping[str, str]]) -> Vocabulary:
        tables = {concept: dict(table) for concept, table in self.tables.items()}
        for concept, labels in overrides.items():
            if concept not in CONCEPTS:
                raise ConfigError(
                    f"unknown vocabulary table [vocabulary.{concept}]",
                    hint=f"Use one of: {', '.join(CONCEPTS)}",
                )
            for label, value in labels.items():
                _check_value(concept, value, "the configuration")
                _add(tables.setdefault(concept, {}), label, Term(value, label, "config"), override=True)
        return Vocabulary(tables)


def singular_key(key: str) -> str:
    """A folded label with each word made singular the cheap way: final "s" dropped, Arabic "ال" too.

    Applied to the vocabulary and to the data alike, so it only has to be consistent, not correct.
    """
    words = []
    for word in key.split(" "):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if len(word) > 3 and word.startswith("ال"):
            word = word[2:]
        words.append(word)
    return " ".join(words)


def _add(table: dict[str, Term], label: str, term: Term, *, override: bool = False) -> None:
    key = fold(label)
    for variant in (key, singular_key(key)):
        if override or variant not in table:
            table[variant] = term


def _check_value(concept: str, value: str, source: str) -> None:
    if value not in CONCEPTS[concept]:
        raise ConfigError(
            f"{source}: {value!r} is not a canonical {concept}",
            hint=f"Use one of: {', '.join(CONCEPTS[concept])}",
        )


@cache
def builtin_vocabulary() -> Vocabulary:
    """Every rules/vocabulary/*.toml file. Exact labels of a file beat singular forms of another."""
    tables: dict[str, dict[str, Term]] = {concept: {} for concept in CONCEPTS}
    entries = list(iter_rules_files("vocabulary", ".toml"))
    exact: dict[str, dict[str, Term]] = {concept: {} for concept in CONCEPTS}
    for entry in entries:
        data = load_rules_toml("vocabulary", entry.name)
        source = data.get("language", entry.name.removesuffix(".toml"))
        for concept in CONCEPTS:
            for label, value in data.get(concept, {}).items():
                _check_value(concept, value, f"rules/vocabulary/{entry.name}")
                exact[concept].setdefault(fold(label), Term(value, label, source))
    for concept, table in exact.items():
        tables[concept].update(table)
        for key, term in table.items():
            tables[concept].setdefault(singular_key(key), term)
    return Vocabulary(tables)


def object_for_label(label: str) -> str | None:
    """The object a word names ("Leads", "Pistes", "Kontakte" ...), for file names and object columns."""
    vocabulary = builtin_vocabulary()
    term = vocabulary.lookup("object", label)
    if term:
        return term.value
    term = vocabulary.lookup("type", label)
    if term is None or term.value == "unknown":
        return None
    return "lead" if term.value == "lead" else "contact"


@dataclass
class UnmappedLabel:
    """A label no vocabulary table places: reported, never guessed."""

    field: str
    header: str
    label: str
    count: int
    positions: np.ndarray  # row positions in the records frame
    suggestions: list[str]


@dataclass
class TermsResult:
    record_type: pd.Series
    record_type_reason: pd.Series
    lead_state: pd.Series
    temperature: pd.Series
    unmapped: list[UnmappedLabel]
    # For `crm-audit inspect`: per label column, each distinct label and what it maps to.
    label_maps: dict[str, list[tuple[str, int, dict[str, str]]]]


def map_terms(
    records: pd.DataFrame,
    *,
    object_name: str,
    headers: Mapping[str, str],
    vocabulary: Vocabulary,
    language: str | None = None,
) -> TermsResult:
    """record_type, lead_state and temperature for every record of one table.

    `headers` maps a canonical label field back to the header it came from, for messages;
    `language` (the export's UI language, when detection knows it) bounds the suggestions offered
    for labels nobody knows.
    """
    size = len(records)
    answers: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    unmapped: list[UnmappedLabel] = []
    label_maps: dict[str, list[tuple[str, int, dict[str, str]]]] = {}
    for field_name, concepts in LABEL_COLUMNS.items():
        if field_name not in headers or field_name not in records:
            continue
        column = records[field_name]
        codes, uniques = pd.factorize(column, sort=False)
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques)) if len(uniques) else np.array([])
        per_concept = {concept: np.full(len(uniques), "", dtype=object) for concept in concepts}
        reasons = np.full(len(uniques), "", dtype=object)
        described = []
        for position, label in enumerate(uniques):
            label = str(label)
            if not label.strip():
                continue
            found = _lookup_label(vocabulary, concepts, label)
            for concept, term in found.items():
                per_concept[concept][position] = term.value
            reasons[position] = f"{headers[field_name]} = {label.strip()!r}"
            described.append(
                (label, int(counts[position]), {concept: term.value for concept, term in found.items()})
            )
            if not found:
                unmapped.append(
                    UnmappedLabel(
                        field=field_name,
                        header=headers[field_name],
                        label=label,
                        count=int(counts[position]),
                        positions=np.flatnonzero(codes == position),
                        suggestions=suggest(vocabulary, concepts, label, language=language),
                    )
                )
        label_maps[headers[field_name]] = sorted(described, key=lambda item: (-item[1], item[0]))
        for concept in concepts:
            values = _spread(per_concept[concept], codes)
            answers[(field_name, concept)] = (values, _spread(reasons, codes))

    default_type = OBJECT_DEFAULT_TYPE.get(object_name, "unknown")
    record_type, reason = _first_answer(
        answers, TYPE_PRECEDENCE, "type", size, default_type, object_reason(object_name)
    )
    lead_state, _ = _first_answer(answers, STATE_PRECEDENCE, "state", size, "", "")
    temperature, _ = _first_answer(answers, TEMPERATURE_PRECEDENCE, "temperature", size, "", "")
    index = records.index
    return TermsResult(
        record_type=pd.Series(record_type, index=index, dtype="str"),
        record_type_reason=pd.Series(reason, index=index, dtype="str"),
        lead_state=pd.Series(lead_state, index=index, dtype="str"),
        temperature=pd.Series(temperature, index=index, dtype="str"),
        unmapped=unmapped,
        label_maps=label_maps,
    )


def object_reason(object_name: str) -> str:
    """`record_type_reason` of a record that no label of its own types: the object of its file."""
    return f"{object_name} export"


def typed_by_label(records: pd.DataFrame) -> np.ndarray:
    """True where a label on the record itself (a stage, a status, a type column) gave its type,
    rather than the object of its file (a Salesforce contact has no type of its own)."""
    reasons = records["record_type_reason"]
    return (reasons != "").to_numpy() & ~reasons.isin([object_reason(obj) for obj in objects()]).to_numpy()


def _lookup_label(vocabulary: Vocabulary, concepts: tuple[str, ...], label: str) -> dict[str, Term]:
    """Terms a label gives for each concept; a multi-label cell ("Hot lead, Customer") is split,
    and the parts are read in order, the first part to give a concept keeping it."""
    found: dict[str, Term] = {}
    for concept in concepts:
        term = vocabulary.lookup(concept, label)
        if term:
            found[concept] = term
    if found:
        return found
    for separator in MULTI_LABEL_SEPARATORS:
        if separator in label:
            parts = [part for part in label.split(separator) if part.strip()]
            for part in parts:
                for concept in concepts:
                    term = vocabulary.lookup(concept, part)
                    if term and (concept not in found or _outranks(concept, term, found[concept])):
                        found[concept] = term
            if found:
                return found
    return found


# Which type is the stronger fact about who a person is: when one cell holds "Hot lead, Customer",
# the customer; when a lead matches records of several types, the strongest.
TYPE_STRENGTH = {"employee": 5, "partner": 4, "customer": 3, "contact": 2, "lead": 1, "unknown": 0}


def _outranks(concept: str, new: Term, old: Term) -> bool:
    return concept == "type" and TYPE_STRENGTH.get(new.value, 0) > TYPE_STRENGTH.get(old.value, 0)


def _spread(per_unique: np.ndarray, codes: np.ndarray) -> np.ndarray:
    values = np.empty(len(codes), dtype=object)
    valid = codes >= 0
    values[valid] = per_unique[codes[valid]] if len(per_unique) else ""
    values[~valid] = ""
    return values


def _first_answer(
    answers: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    precedence: tuple[str, ...],
    concept: str,
    size: int,
    default: str,
    default_reason: str,
) -> tuple[np.ndarray, np.ndarray]:
    values = np.full(size, "", dtype=object)
    reasons = np.full(size, "", dtype=object)
    for field_name in precedence:
        if (field_name, concept) not in answers:
            continue
        candidate, candidate_reason = answers[(field_name, concept)]
        take = (values == "") & (candidate != "")
        values[take] = candidate[take]
        reasons[take] = candidate_reason[take]
    if default:
        empty = values == ""
        values[empty] = default
        reasons[empty] = default_reason
    return values, reasons


def suggest(
    vocabulary: Vocabulary,
    concepts: tuple[str, ...],
    label: str,
    limit: int = 3,
    *,
    language: str | None = None,
) -> list[str]:
    """The known labels closest to an unknown one, for a person to pick from: only labels of the
    concepts the column can speak for, and of the export's language when it is known (a Spanish
    "Activo" is not offered the French "Transaction ouverte")."""
    choices = _choices(vocabulary, concepts, language)
    if not choices:
        return []
    matches = process.extract(
        fold(label), list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=60
    )
    suggestions: list[str] = []
    for key, _score, _ in matches:
        term = choices[key]
        text = f"{term.label} ({term.value})"
        if text not in suggestions:
            suggestions.append(text)
        if len(suggestions) == limit:
            break
    return suggestions


# Labels that belong to no one language: platform values, object names, the config's own.
_EVERY_LANGUAGE = frozenset({"neutral", "config"})


def _choices(vocabulary: Vocabulary, concepts: tuple[str, ...], language: str | None) -> dict[str, Term]:
    choices: dict[str, Term] = {}
    for concept in concepts:
        for term in vocabulary.tables.get(concept, {}).values():
            if language is None or term.source == language or term.source in _EVERY_LANGUAGE:
                choices.setdefault(fold(term.label), term)
    return choices
