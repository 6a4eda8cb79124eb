"""Comparisons: small named level tests, composed into comparisons by rules/matching.toml.

A *level test* answers one question about many pairs at once ("are the first names a nickname of
each other?") and returns a boolean per pair. A *comparison* is an ordered list of levels over one
feature; each pair falls into the first level whose test holds. Tests are registered by name with
`@level_test`, so the settings file can compose them without code, as splink's comparison library.

Everything is vectorised: exact tests compare integer codes; fuzzy tests score each distinct pair
of values once (rapidfuzz's `cpdist` over aligned arrays, on every core) and map the scores back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, JaroWinkler
from rapidfuzz.process import cpdist

from auditor.matching.features import Feature, Features
from auditor.matching.keys import acronyms
from auditor.matching.names import share_group, skeletons

PairFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]
ValueFunction = Callable[[np.ndarray], np.ndarray]
PairFilter = Callable[[Feature, np.ndarray, np.ndarray], np.ndarray]


class PairView:
    """The features of many pairs of people (`left[i]`, `right[i]`), with scores cached per feature.

    Where two people's first and last names read better crossed over than straight ("Nowak Anna"
    against "Anna Nowak"), the right person's names are swapped before any name is compared, and
    `swapped` says so.
    """

    def __init__(self, features: Features, left: np.ndarray, right: np.ndarray) -> None:
        self.features = features
        self.left = left
        self.right = right
        self._cache: dict[tuple[str, ...], np.ndarray] = {}
        # Level tests compute fuzzy scores only for the pairs in scope: those no earlier level of the
        # comparison has claimed (an exact match needs no Jaro-Winkler).
        self.scope = np.ones(len(left), dtype=bool)
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.swapped = self._find_swapped()

    def __len__(self) -> int:
        return len(self.left)

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes of the feature on both sides, shape (pairs, columns)."""
        if name not in self._codes:
            feature = self.features[name]
            left = feature.codes[self.left]
            right = feature.codes[self.right]
            if name in ("first_name", "last_name") and self.swapped.any():
                other = self.features["last_name" if name == "first_name" else "first_name"]
                right[self.swapped] = other.codes[self.right[self.swapped]]
            self._codes[name] = (left, right)
        return self._codes[name]

    def missing(self, name: str) -> np.ndarray:
        """Pairs where either person lacks the feature altogether."""
        left, right = self.codes(name)
        return (left < 0).all(axis=1) | (right < 0).all(axis=1)

    def missing_on_both(self, name: str) -> np.ndarray:
        """Pairs where neither person holds the feature."""
        left, right = self.codes(name)
        return (left < 0).all(axis=1) & (right < 0).all(axis=1)

    def matched_value(self, name: str) -> np.ndarray:
        """The code of a value both sides hold (-1 where they share none)."""
        key = ("matched", name)
        if key not in self._cache:
            left, right = self.codes(name)
            matched = np.full(len(self), -1, dtype=np.int64)
            for i in range(left.shape[1]):
                for j in range(right.shape[1]):
                    same = (left[:, i] == right[:, j]) & (left[:, i] >= 0) & (matched < 0)
                    matched[same] = left[same, i]
            self._cache[key] = matched
        return self._cache[key]

    def on_values(
        self,
        name: str,
        kind: str,
        function: PairFunction,
        *,
        default: float = 0.0,
        transform: ValueFunction | None = None,
        eligible: ValueFunction | None = None,
        keep: PairFilter | None = None,
    ) -> np.ndarray:
        """`function(left values, right values)` for the first column of a feature, computed once per
        distinct pair of values and only for the pairs in `scope`; `default` where either side is
        missing (and outside the scope, where the result is not needed).

        `transform` rewrites each distinct value first (once per value, not per pair); `eligible`
        marks the values worth the function at all (a pair is computed if either side is eligible);
        `keep(feature, left codes, right codes)` rules pairs out cheaply before the function runs.
        """
        key = (kind, name)
        result = self._cache.get(key)
        if result is None:
            result = self._cache[key] = np.full(len(self), np.nan)
        todo = np.isnan(result) & self.scope
        if todo.any():
            feature = self.features[name]
            left, right = self.codes(name)
            rows = np.flatnonzero(todo)
            left, right = left[rows, 0], right[rows, 0]
            scores = np.full(len(rows), default)
            both = (left >= 0) & (right >= 0)
            if eligible is not None:
                worth = np.asarray(feature.derived("eligible " + kind, eligible), dtype=bool)
                both &= worth[np.maximum(left, 0)] | worth[np.maximum(right, 0)]
            if keep is not None:
                both &= keep(feature, np.maximum(left, 0), np.maximum(right, 0))
            if both.any():
                scores[both] = _per_distinct_pair(feature, left[both], right[both], function, kind, transform)
            result[rows] = scores
        return np.where(np.isnan(result), default, result)

    def _find_swapped(self) -> np.ndarray:
        if "first_name" not in self.features.by_name:
            return np.zeros(len(self), dtype=bool)
        # First and last names share one vocabulary, so either feature reads both.
        names = self.features["first_name"]
        first_left = self.features["first_name"].first[self.left]
        first_right = self.features["first_name"].first[self.right]
        last_left = self.features["last_name"].first[self.left]
        last_right = self.features["last_name"].first[self.right]
        # Only pairs that differ in both names can read better crossed over.
        candidates = (first_left >= 0) & (first_right >= 0) & (last_left >= 0) & (last_right >= 0)
        candidates &= (first_left != first_right) & (last_left != last_right)
        swapped = np.zeros(len(self), dtype=bool)
        rows = np.flatnonzero(candidates)
        if not len(rows):
            return swapped
        first_left, first_right = first_left[rows], first_right[rows]
        last_left, last_right = last_left[rows], last_right[rows]
        similar = _scorer(JaroWinkler.normalized_similarity)
        straight = _per_distinct_pair(names, first_left, first_right, similar)
        straight += _per_distinct_pair(names, last_left, last_right, similar)
        crossed = _per_distinct_pair(names, first_left, last_right, similar)
        crossed += _per_distinct_pair(names, last_left, first_right, similar)
        # Crossed must read well on its own (both names close) and clearly better than straight.
        swapped[rows] = (crossed >= 1.7) & (crossed > straight + 0.1)
        return swapped


def _per_distinct_pair(
    feature: Feature,
    left: np.ndarray,
    right: np.ndarray,
    function: PairFunction,
    kind: str = "",
    transform: ValueFunction | None = None,
) -> np.ndarray:
    """`function` over aligned pairs of value codes (all present), computed once per distinct pair."""
    span = np.int64(feature.size)
    inverse, distinct = pd.factorize(left.astype(np.int64) * span + right, sort=False)
    distinct = np.asarray(distinct, dtype=np.int64)
    codes_left, codes_right = distinct // span, distinct % span
    if transform is None:
        values_left, values_right = feature.take(codes_left), feature.take(codes_right)
    else:
        values_left = feature.transformed(kind, codes_left, transform)
        values_right = feature.transformed(kind, codes_right, transform)
    return np.asarray(function(values_left, values_right), dtype=np.float64)[inverse]


def _scorer(scorer: Any) -> PairFunction:
    """A rapidfuzz scorer over aligned arrays of strings, on every core."""

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return cpdist(list(left), list(right), scorer=scorer, workers=-1)

    return score


def _no_spaces(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype="str").str.replace(" ", "", regex=False).to_numpy(dtype=object)


def _sorted_words(values: np.ndarray) -> np.ndarray:
    return np.array(["".join(sorted(value.split(" "))) for value in values], dtype=object)


def _digits(values: np.ndarray) -> np.ndarray:
    return (
        pd.Series(values, dtype="str").str.replace(r"\D+", " ", regex=True).str.strip().to_numpy(dtype=object)
    )


def _house_numbers_apart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Typos between the numbers of two addresses (0 when either has none: nothing to contradict)."""
    distance = np.asarray(cpdist(list(left), list(right), scorer=OSA.distance, workers=-1), dtype=np.float64)
    empty = (pd.Series(left, dtype="str") == "").to_numpy() | (pd.Series(right, dtype="str") == "").to_numpy()
    return np.where(empty, 0.0, distance)


def _letters(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype="str").str.replace(r"[^a-z]+", "", regex=True).to_numpy(dtype=object)


def _mailbox_letters(values: np.ndarray) -> np.ndarray:
    """The letters of each address's mailbox, the part before the @."""
    return _letters(pd.Series(values, dtype="str").str.split("@").str[0].to_numpy(dtype=object))


def _text_lengths(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype="str").str.len().to_numpy()


def _written_in(parts: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Whether each part (three letters or more) is written whole in its text."""
    # A partial ratio of 100 is an exact match of the shorter string somewhere in the longer one.
    found = np.asarray(_scorer(fuzz.partial_ratio)(parts, texts), dtype=np.float64) >= 100.0
    part_length = _text_lengths(parts)
    return found & (part_length >= 3) & (part_length <= _text_lengths(texts))


def _equal_values(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left == right).astype(float)


def _equal_to_original(transform: ValueFunction) -> PairFunction:
    """Whether the left value, transformed, equals the right value as written."""

    def equal(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (transform(left) == right).astype(float)

    return equal


# Per-value properties, with Arrow kernels over a whole vocabulary.
def _lengths(values: pa.Array) -> np.ndarray:
    return pc.utf8_length(values).to_numpy(zero_copy_only=False)


def _could_be_initials(values: pa.Array) -> np.ndarray:
    return pc.match_substring_regex(values, "^[a-z]{2,6}$").to_numpy(zero_copy_only=False)


def _has_space(values: pa.Array) -> np.ndarray:
    return pc.match_substring(values, " ").to_numpy(zero_copy_only=False)


def _is_initial(values: pa.Array) -> np.ndarray:
    return pc.equal(pc.utf8_length(values), 1).to_numpy(zero_copy_only=False)


# The level-test library ------------------------------------------------------------------------------

LevelFunction = Callable[[PairView, str, float | None], np.ndarray]


@dataclass(frozen=True)
class LevelTest:
    name: str
    holds: LevelFunction
    # How the test compares, for people reading the evidence; "{at}" is the threshold.
    comparison: str


LEVEL_TESTS: dict[str, LevelTest] = {}


def level_test(name: str, comparison: str) -> Callable[[LevelFunction], LevelFunction]:
    """Register a level test under `name`, for use in rules/matching.toml."""

    def register(function: LevelFunction) -> LevelFunction:
        LEVEL_TESTS[name] = LevelTest(name=name, holds=function, comparison=comparison)
        return function

    return register


@level_test("null", "missing on one side")
def _null(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.missing(feature)


@level_test("neither", "missing on both sides")
def _neither(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.missing_on_both(feature)


@level_test("exact", "equal after normalising")
def _exact(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.matched_value(feature) >= 0


@level_test("shared_exact", "equal, but the value is shared by several people")
def _shared_exact(view: PairView, feature: str, at: float | None) -> np.ndarray:
    matched = view.matched_value(feature)
    shared = view.features[feature].shared
    if shared is None:
        return np.zeros(len(view), dtype=bool)
    return (matched >= 0) & shared[np.maximum(matched, 0)]


@level_test("jaro_winkler", "Jaro-Winkler similarity >= {at}")
def _jaro_winkler(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.on_values(feature, "jaro_winkler", _scorer(JaroWinkler.normalized_similarity)) >= (at or 0.0)


@level_test("typos", "at most {at} typo(s) apart: a letter added, dropped, changed, or two swapped")
def _typos(view: PairView, feature: str, at: float | None) -> np.ndarray:
    # Optimal string alignment: Damerau-Levenshtein without re-editing a substring, many times faster.
    limit = at or 0

    def close_in_length(values: Feature, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # Two values whose lengths differ by more than `at` cannot be `at` typos apart.
        lengths = values.derived("lengths", _lengths)
        return np.abs(lengths[left] - lengths[right]) <= limit

    distance = view.on_values(
        feature, f"typos {limit:g}", _scorer(OSA.distance), default=np.inf, keep=close_in_length
    )
    return distance <= limit


@level_test(
    "typos_same_digits",
    "at most {at} typo(s) apart, with the same digits (anna.nowak2@ is another mailbox, not a typo)",
)
def _typos_same_digits(view: PairView, feature: str, at: float | None) -> np.ndarray:
    # A digit is chosen, not slipped: jan.kowalski77@ and jan.kowalski78@ are two mailboxes.
    same_digits = view.on_values(feature, "digits", _equal_values, transform=_digits) > 0
    return _typos(view, feature, at) & same_digits


@level_test(
    "spelled_in_own_mailbox",
    "alike (Jaro-Winkler >= {at}) but spelled otherwise, each as its record's own mailbox spells it",
)
def _spelled_in_own_mailbox(view: PairView, feature: str, at: float | None) -> np.ndarray:
    # Porte and Porter: one name mistyped, or two names. Where bporte@ and wporter@ each spell their
    # own record's, both spellings come from the people who chose the mailboxes, not from a typist:
    # two names. A mailbox that spells the other record's longer name (jkowalski@ on a "Kowal")
    # says the opposite, and so does one person's mailbox on both records.
    hit = np.zeros(len(view), dtype=bool)
    names, emails = view.features[feature], view.features["email"]
    rows = np.flatnonzero(_jaro_winkler(view, feature, at) & view.scope & ~view.swapped)
    name_left, name_right = names.first[view.left[rows]], names.first[view.right[rows]]
    mail_left, mail_right = emails.first[view.left[rows]], emails.first[view.right[rows]]
    present = (name_left >= 0) & (name_right >= 0) & (mail_left >= 0) & (mail_right >= 0)
    present &= name_left != name_right
    if not present.any():
        return hit
    rows = rows[present]
    name_left = names.transformed("letters", name_left[present], _letters)
    name_right = names.transformed("letters", name_right[present], _letters)
    mail_left = emails.transformed("mailbox letters", mail_left[present], _mailbox_letters)
    mail_right = emails.transformed("mailbox letters", mail_right[present], _mailbox_letters)
    longer_is_left = _text_lengths(name_left) >= _text_lengths(name_right)
    longer = np.where(longer_is_left, name_left, name_right)
    other_mailbox = np.where(longer_is_left, mail_right, mail_left)
    hit[rows] = (
        _written_in(name_left, mail_left)
        & _written_in(name_right, mail_right)
        & ~_written_in(longer, other_mailbox)
    )
    return hit


@level_test("name_variant", "nickname or spelling variant of one name (rules/nicknames.csv)")
def _name_variant(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.on_values(feature, "name_variant", share_group) > 0


@level_test("initial", "an initial that matches the other name")
def _initial(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def initial(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        first_left = pd.Series(left, dtype="str").str[:1].to_numpy(dtype=object)
        first_right = pd.Series(right, dtype="str").str[:1].to_numpy(dtype=object)
        short = (pd.Series(left, dtype="str").str.len() == 1) | (pd.Series(right, dtype="str").str.len() == 1)
        return (short.to_numpy() & (first_left == first_right)).astype(float)

    return view.on_values(feature, "initial", initial, eligible=_is_initial) > 0


@level_test("name_part", "one name is a part of the other (compound or middle names)")
def _name_part(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def part(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.fromiter(
            (
                a != b and (set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()))
                for a, b in zip(left, right, strict=True)
            ),
            dtype=float,
            count=len(left),
        )

    return view.on_values(feature, "name_part", part, eligible=_has_space) > 0


@level_test("sounds_like", "same consonant skeleton (spelling and transliteration variants)")
def _sounds_like(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def same_sound(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return ((left == right) & (pd.Series(left, dtype="str").str.len() >= 2).to_numpy()).astype(float)

    def sound(values: np.ndarray) -> np.ndarray:
        return skeletons(pd.Series(values, dtype="str")).to_numpy(dtype=object)

    return view.on_values(feature, "sounds_like", same_sound, transform=sound) > 0


@level_test("acronym", "one name is the initials of the other")
def _acronym(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def acronym(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b = pd.Series(left, dtype="str"), pd.Series(right, dtype="str")
        return ((acronyms(a) == b) | (acronyms(b) == a)).to_numpy(dtype=float)

    def initials_and_words(values: Feature, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # Only a short single word against a name of several words can be its acronym.
        short = values.derived("could be initials", _could_be_initials)
        several = values.derived("has space", _has_space)
        return (short[left] & several[right]) | (several[left] & short[right])

    return view.on_values(feature, "acronym", acronym, keep=initials_and_words) > 0


@level_test(
    "street_similar",
    "Indel similarity >= {at}, spaces and word order ignored; house numbers at most one typo apart",
)
def _street_similar(view: PairView, feature: str, at: float | None) -> np.ndarray:
    indel = _scorer(Indel.normalized_similarity)
    as_written = view.on_values(feature, "no_spaces", indel, transform=_no_spaces)
    reordered = view.on_values(feature, "sorted_words", indel, transform=_sorted_words)
    # 126 and 154 Diponegoro Street are two addresses however alike the rest reads.
    numbers = view.on_values(feature, "house_numbers", _house_numbers_apart, transform=_digits)
    return (np.maximum(as_written, reordered) >= (at or 0.0)) & (numbers <= 1)


@level_test("date_typo", "one digit apart, two digits transposed, or day and month swapped")
def _date_typo(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def day_month_swapped(values: np.ndarray) -> np.ndarray:
        dates = pd.Series(values, dtype="str")
        return (dates.str[:4] + dates.str[6:8] + dates.str[4:6]).to_numpy(dtype=object)

    swapped = view.on_values(feature, "day_month_swapped", _equal_to_original(day_month_swapped))
    return _typos(view, feature, 1) | (swapped > 0)


@level_test("same_year", "same year")
def _same_year(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def year(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (pd.Series(left, dtype="str").str[:4] == pd.Series(right, dtype="str").str[:4]).to_numpy(
            dtype=float
        )

    return view.on_values(feature, "same_year", year) > 0


@level_test("else", "different")
def _else(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return np.ones(len(view), dtype=bool)


# Comparisons ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a comparison: a named test on a feature, its threshold, and prior m and u."""

    test: str
    feature: str
    at: float | None = None
    tf: bool = False
    m: float = 0.0
    u: float = 0.0
    label_override: str | None = None
    # Agreement that says nothing about the person (a switchboard): weighs 0, is not trained.
    neutral: bool = False
    # The level holds only where these comparisons (listed earlier in the settings) are at one of
    # these levels, by label: an email one typo off counts where the names agree.
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The level holds only where the values are at most this many typos apart as well: Jaro-Winkler
    # rewards a shared beginning, and Bernard and Bertrand (three typos) are two names.
    max_typos: int | None = None

    @property
    def label(self) -> str:
        """The level's name in evidence: "exact", "jaro_winkler >= 0.92" ..."""
        if self.label_override:
            return self.label_override
        if self.at is None:
            return self.test
        return f"{self.test} {'<=' if self.test == 'typos' else '>='} {self.at:g}"

    @property
    def comparison(self) -> str:
        """What was compared and how, for people reading the evidence."""
        text = LEVEL_TESTS[self.test].comparison
        text = text.replace("{at}", f"{self.at:g}") if self.at is not None else text
        if self.max_typos is not None:
            text += f"; at most {self.max_typos} typo(s) apart"
        if self.when:
            text += f"; only where the {' and '.join(name.replace('_', ' ') for name, _ in self.when)} agree"
        return text

    def holds(self, view: PairView, earlier: Mapping[str, tuple[Comparison, np.ndarray]]) -> np.ndarray:
        hit = LEVEL_TESTS[self.test].holds(view, self.feature, self.at)
        if self.max_typos is not None and hit.any():
            # Typos are counted only for the pairs the test let through.
            scope = view.scope
            view.scope = scope & hit
            hit = hit & _typos(view, self.feature, self.max_typos)
            view.scope = scope
        for name, labels in self.when:
            comparison, levels = earlier[name]
            chosen = [index for index, level in enumerate(comparison.levels) if level.label in labels]
            hit = hit & np.isin(levels, chosen)
        return hit


# Levels that say a value is missing: no evidence either way. "neither" may come before "null" where
# it matters that neither record holds a value (an evidence group's condition reads it).
MISSING_TESTS = ("neither", "null")


@dataclass(frozen=True)
class Comparison:
    """An ordered list of levels over one feature; level 0 is "null" (or "neither", then "null"),
    the last is "else"."""

    name: str
    feature: str
    levels: tuple[Level, ...]

    @property
    def reads(self) -> tuple[str, ...]:
        """Every feature the comparison's levels read."""
        return tuple(dict.fromkeys(level.feature for level in self.levels))

    @property
    def silent(self) -> np.ndarray:
        """Per level: True where the level is no evidence (null or neither, or neutral)."""
        return np.array([level.test in MISSING_TESTS or level.neutral for level in self.levels])

    def evaluate(
        self, view: PairView, earlier: Mapping[str, tuple[Comparison, np.ndarray]] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's level, and for term-frequency levels the code of the shared value (else -1).
        `earlier` holds the comparisons evaluated before, with their levels, for levels with `when`."""
        chosen = np.full(len(view), len(self.levels) - 1, dtype=np.int8)
        open_ = np.ones(len(view), dtype=bool)
        for index, level in enumerate(self.levels[:-1]):
            view.scope = open_
            hit = open_ & level.holds(view, earlier or {})
            chosen[hit] = index
            open_ &= ~hit
        view.scope = np.ones(len(view), dtype=bool)
        tf_codes = np.full(len(view), -1, dtype=np.int64)
        for index, level in enumerate(self.levels):
            if level.tf:
                at_level = chosen == index
                tf_codes[at_level] = view.matched_value(level.feature)[at_level]
        return chosen, tf_codes


def comparison_from_settings(spec: Mapping[str, Any]) -> Comparison:
    feature = spec["feature"]
    levels = []
    for raw in spec["levels"]:
        if raw["test"] not in LEVEL_TESTS:
            raise ValueError(f"comparison {spec['name']}: unknown level test {raw['test']!r}")
        levels.append(
            Level(
                test=raw["test"],
                feature=raw.get("feature", feature),
                at=raw.get("at"),
                tf=bool(raw.get("tf", False)),
                m=float(raw.get("m", 0.0)),
                u=float(raw.get("u", 0.0)),
                label_override=raw.get("label"),
                neutral=bool(raw.get("neutral", False)),
                when=tuple((name, tuple(labels)) for name, labels in raw.get("when", {}).items()),
                max_typos=raw.get("max_typos"),
            )
        )
    missing = [level.test for level in levels if level.test in MISSING_TESTS]
    if (
        missing not in (["null"], ["neither", "null"])
        or [level.test for level in levels[: len(missing)]] != missing
    ):
        raise ValueError(f"comparison {spec['name']}: the first level must be null (or neither, then null)")
    if levels[-1].test != "else":
        raise ValueError(f"comparison {spec['name']}: the last level must be else")
    return Comparison(name=spec["name"], feature=feature, levels=tuple(levels))


def evaluate_all(comparisons: list[Comparison], view: PairView) -> tuple[np.ndarray, np.ndarray]:
    """Level matrix (pairs x comparisons, int8) and term-frequency codes (pairs x comparisons)."""
    levels = np.zeros((len(view), len(comparisons)), dtype=np.int8)
    tf_codes = np.full((len(view), len(comparisons)), -1, dtype=np.int64)
    earlier: dict[str, tuple[Comparison, np.ndarray]] = {}
    for index, comparison in enumerate(comparisons):
        levels[:, index], tf_codes[:, index] = comparison.evaluate(view, earlier)
        earlier[comparison.name] = (comparison, levels[:, index])
    return levels, tf_codes
