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

from auditor.keys import acronyms
from auditor.matching.features import Feature, Features, PairFeatures
from auditor.matching.names import share_group, skeletons
from auditor.wording import Several, Words, field_words, term

PairFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]
ValueFunction = Callable[[np.ndarray], np.ndarray]
PairFilter = Callable[[Feature, np.ndarray, np.ndarray], np.ndarray]
PairBound = Callable[[Feature, np.ndarray, np.ndarray], np.ndarray]


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
        at: float | None = None,
        bound: PairBound | None = None,
    ) -> np.ndarray:
        """`function(left values, right values)` for the first column of a feature, computed once per
        distinct pair of values and only for the pairs in `scope`; `default` where either side is
        missing (and outside the scope, where the result is not needed).

        `transform` rewrites each distinct value first (once per value, not per pair); `eligible`
        marks the values worth the function at all (a pair is computed if either side is eligible);
        `keep(feature, left codes, right codes)` rules pairs out cheaply before the function runs.
        `bound(feature, left codes, right codes)`, an upper bound of the function, spares the
        distinct pairs that cannot reach `at` (the threshold the caller compares with): they read
        `default` and stay to be computed should a lower threshold ask for them.
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
                both[both] = keep(feature, left[both], right[both])
            if both.any():
                inverse, codes_left, codes_right = distinct_pairs(left[both], right[both], feature.size)
                distinct_scores = np.full(len(codes_left), default)
                chosen = np.ones(len(codes_left), dtype=bool)
                if bound is not None and at is not None:
                    spared = _spared(feature, codes_left, codes_right, bound, at)
                    distinct_scores[spared] = np.nan
                    chosen &= ~spared
                if chosen.any():
                    distinct_scores[chosen] = _apply(
                        feature, codes_left[chosen], codes_right[chosen], function, kind, transform
                    )
                scores[both] = distinct_scores[inverse]
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


def _spared(feature: Feature, left: np.ndarray, right: np.ndarray, bound: PairBound, at: float) -> np.ndarray:
    """The pairs whose `bound` says the function cannot reach `at`. The bound is tried on a
    sample first: where it would spare few pairs, working it out costs more than it saves."""
    spared = np.zeros(len(left), dtype=bool)
    probe = max(len(left) // 16, 4096)
    # Scores are float32 (rapidfuzz): a margin keeps rounding from deciding.
    spared[:probe] = bound(feature, left[:probe], right[:probe]) < at - 1e-6
    if len(left) > probe and spared[:probe].mean() >= 0.25:
        spared[probe:] = bound(feature, left[probe:], right[probe:]) < at - 1e-6
    return spared


def _per_distinct_pair(
    feature: Feature,
    left: np.ndarray,
    right: np.ndarray,
    function: PairFunction,
    kind: str = "",
    transform: ValueFunction | None = None,
) -> np.ndarray:
    """`function` over aligned pairs of value codes (all present), computed once per distinct pair."""
    inverse, distinct_left, distinct_right = distinct_pairs(left, right, feature.size)
    return _apply(feature, distinct_left, distinct_right, function, kind, transform)[inverse]


def distinct_pairs(
    left: np.ndarray, right: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of codes (each below `size`) among aligned `left` and `right`, in the order
    first seen: (per pair, the number of its distinct pair; the distinct pairs' left codes; their
    right codes)."""
    span = np.int64(size)
    inverse, distinct = pd.factorize(left.astype(np.int64) * span + right, sort=False)
    distinct = np.asarray(distinct, dtype=np.int64)
    return inverse, distinct // span, distinct % span


def _apply(
    feature: Feature,
    left: np.ndarray,
    right: np.ndarray,
    function: PairFunction,
    kind: str = "",
    transform: ValueFunction | None = None,
) -> np.ndarray:
    """`function` over the values (or `transform`ed values) of aligned pairs of codes."""
    if transform is None:
        values_left, values_right = feature.take(left), feature.take(right)
    else:
        values_left = feature.transformed(kind, left, transform)
        values_right = feature.transformed(kind, right, transform)
    return np.asarray(function(values_left, values_right), dtype=np.float64)


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


def _is_ascii(values: pa.Array) -> np.ndarray:
    return pc.string_is_ascii(values).to_numpy(zero_copy_only=False)


def _byte_lengths(values: pa.Array) -> np.ndarray:
    return pc.binary_length(values).to_numpy(zero_copy_only=False)


# Bytes are counted in this many bins (by their low bits: the ten digits fall in ten bins).
_BINS = 16


def _byte_counts(values: pa.Array) -> np.ndarray:
    """Per value, how many of its UTF-8 bytes fall in each of 16 bins (by the byte's low four
    bits), at most 255: a coarse letter count, cheap to compare for a million pairs. Worked out
    from Arrow's buffers, 65536 values at a time."""
    values = values.cast(pa.large_string())
    counts = np.zeros((len(values), _BINS), dtype=np.uint8)
    step = 1 << 16
    for start in range(0, len(values), step):
        chunk = values.slice(start, step)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        data = chunk.buffers()[2]
        if data is None or offsets[-1] == offsets[0]:
            continue
        text = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
        # Each byte's cell: its value's row of bins, and its bin in the row.
        cell = np.repeat(np.arange(0, len(chunk) * _BINS, _BINS, dtype=np.int32), np.diff(offsets))
        cell += text & (_BINS - 1)
        found = np.bincount(cell, minlength=len(chunk) * _BINS)
        counts[start : start + len(chunk)] = np.minimum(found, 255).reshape(-1, _BINS)
    return counts


def _bytes_apart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per row of two tables of byte counts (`_byte_counts`), how far apart they are (the sum of
    the differences), at most: eight bins are added at once in a 64-bit word, whose sum past 255
    wraps. So a pair read as close may be far apart (and is compared for nothing), but a pair read
    as far apart is."""
    # In place, on the caller's copies: a million pairs make tables of tens of megabytes.
    apart = np.maximum(left, right)
    apart -= np.minimum(left, right, out=left)
    words = apart.view(np.uint64)
    words *= np.uint64(0x0101010101010101)
    words >>= np.uint64(56)
    return words.sum(axis=1)


# The level-test library ------------------------------------------------------------------------------

LevelFunction = Callable[[PairView, str, float | None], np.ndarray]


@dataclass(frozen=True)
class LevelTest:
    name: str
    holds: LevelFunction


LEVEL_TESTS: dict[str, LevelTest] = {}


def level_test(name: str) -> Callable[[LevelFunction], LevelFunction]:
    """Register a level test under `name`, for use in rules/matching.toml. How it compares, for
    people reading the evidence, is `comparison.<name>` of reports/i18n ("{at}" is the threshold)."""

    def register(function: LevelFunction) -> LevelFunction:
        LEVEL_TESTS[name] = LevelTest(name=name, holds=function)
        return function

    return register


@level_test("null")
def _null(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.missing(feature)


@level_test("neither")
def _neither(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.missing_on_both(feature)


@level_test("exact")
def _exact(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.matched_value(feature) >= 0


@level_test("shared_exact")
def _shared_exact(view: PairView, feature: str, at: float | None) -> np.ndarray:
    matched = view.matched_value(feature)
    shared = view.features[feature].shared
    if shared is None:
        return np.zeros(len(view), dtype=bool)
    return (matched >= 0) & shared[np.maximum(matched, 0)]


@level_test("jaro_winkler")
def _jaro_winkler(view: PairView, feature: str, at: float | None) -> np.ndarray:
    threshold = at or 0.0
    similarity = view.on_values(
        feature,
        "jaro_winkler",
        _scorer(JaroWinkler.normalized_similarity),
        at=threshold,
        bound=_jaro_winkler_bound,
    )
    return similarity >= threshold


def _jaro_winkler_bound(values: Feature, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """No less than the Jaro-Winkler similarity of each pair of values: as if every letter the two
    have in common matched, none transposed, and the first four letters were shared. Letters in common
    are at most the shorter length, and at most the bytes the two have in common by bin (a
    letter's bytes are in both, and a bin adds letters up); values over 254 bytes, whose counts
    may be cut at 255, are bounded by length alone."""
    lengths = values.derived("lengths", _lengths)
    length_left, length_right = lengths[left].astype(np.float64), lengths[right].astype(np.float64)
    common = np.minimum(length_left, length_right)
    counted = values.derived("byte lengths", _byte_lengths)
    short = (counted[left] < 255) & (counted[right] < 255)
    if not short.all():
        left, right = left[short], right[short]
    in_bins = values.derived_for("byte counts", left, _byte_counts)
    np.minimum(in_bins, values.derived_for("byte counts", right, _byte_counts), out=in_bins)
    shared = in_bins.sum(axis=1, dtype=np.int64)
    common[short] = np.minimum(common[short], shared)
    # Jaro with every letter in common matched and none transposed; Winkler adds at most 4 x 0.1
    # of what Jaro lacks. No letter in common: 0.
    jaro = (common / length_left + common / length_right + 1.0) / 3.0
    return np.where(common > 0, jaro + 0.4 * (1.0 - jaro), 0.0)


@level_test("typos")
def _typos(view: PairView, feature: str, at: float | None) -> np.ndarray:
    # Optimal string alignment: Damerau-Levenshtein without re-editing a substring, many times faster.
    limit = at or 0

    def close_enough(values: Feature, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # Two values whose lengths differ by more than `at` cannot be `at` typos apart.
        lengths = values.derived("lengths", _lengths)
        close = np.abs(lengths[left] - lengths[right]) <= limit
        # Nor can two whose letter counts differ by more than two per typo (a swap changes none);
        # counted in bytes, so a letter of a non-ASCII text may count four.
        rows = np.flatnonzero(close)
        ascii_ = values.derived("ascii", _is_ascii)
        apart = _bytes_apart(
            values.derived_for("byte counts", left[rows], _byte_counts),
            values.derived_for("byte counts", right[rows], _byte_counts),
        )
        widest = np.where(ascii_[left[rows]] & ascii_[right[rows]], 1, 4)
        close[rows] = apart <= 2 * limit * widest
        return close

    distance = view.on_values(
        feature, f"typos {limit:g}", _scorer(OSA.distance), default=np.inf, keep=close_enough
    )
    return distance <= limit


@level_test("typos_same_digits")
def _typos_same_digits(view: PairView, feature: str, at: float | None) -> np.ndarray:
    # A digit is chosen, not slipped: jan.kowalski77@ and jan.kowalski78@ are two mailboxes.
    same_digits = view.on_values(feature, "digits", _equal_values, transform=_digits) > 0
    return _typos(view, feature, at) & same_digits


@level_test("spelled_in_own_mailbox")
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
    name_left, name_right = name_left[present], name_right[present]
    mail_left, mail_right = mail_left[present], mail_right[present]
    # Whether a record's mailbox spells its own name is a fact about the record: found once per
    # record, whichever pairs (and passes: random pairs, candidates, clusters) ask.
    people = np.concatenate([view.left[rows], view.right[rows]])
    own = view.features.per_person(
        f"{feature} in own mailbox",
        people,
        lambda asked: _name_in_mailbox(names, emails, names.first[asked], emails.first[asked]),
    )
    both = own[: len(rows)] & own[len(rows) :]
    rows, name_left, name_right = rows[both], name_left[both], name_right[both]
    mail_left, mail_right = mail_left[both], mail_right[both]
    lengths = names.derived("letters length", _letters_length)
    longer_is_left = lengths[name_left] >= lengths[name_right]
    longer = np.where(longer_is_left, name_left, name_right)
    other_mailbox = np.where(longer_is_left, mail_right, mail_left)
    hit[rows] = ~_name_in_mailbox(names, emails, longer, other_mailbox)
    return hit


def _name_in_mailbox(names: Feature, emails: Feature, name: np.ndarray, email: np.ndarray) -> np.ndarray:
    """Whether the letters of each name (three or more) are written whole in the letters of the
    mailbox (the part before the @) of the email beside it; once per distinct pair of values."""
    result = np.zeros(len(name), dtype=bool)
    if not len(name):
        return result
    inverse, name, email = distinct_pairs(name, email, emails.size)
    name_length = names.derived("letters length", _letters_length)[name]
    mailbox = emails.text_of("mailbox letters", email, _mailbox_letters_of)
    # A part longer than its text cannot be in it; a part of two letters or fewer says nothing.
    worth = (name_length >= 3) & (name_length <= pc.utf8_length(mailbox).to_numpy())
    found = np.zeros(len(name), dtype=bool)
    if worth.any():
        chosen = np.flatnonzero(worth)
        parts = names.text_of("letters", name[chosen], _letters_of).to_pylist()
        texts = pc.take(mailbox, pa.array(chosen)).to_pylist()
        # A partial ratio of 100 is an exact match of the shorter string somewhere in the longer one.
        found[chosen] = np.asarray(_scorer(fuzz.partial_ratio)(parts, texts), dtype=np.float64) >= 100.0
    return found[inverse]


def _letters_of(values: pa.Array) -> pa.Array:
    """The letters a-z of each value, everything else dropped."""
    return pc.replace_substring_regex(values, "[^a-z]+", "")


def _letters_length(values: pa.Array) -> np.ndarray:
    """How many letters a-z each value has."""
    return pc.utf8_length(_letters_of(values)).to_numpy(zero_copy_only=False)


def _mailbox_letters_of(addresses: pa.Array) -> pa.Array:
    """The letters of each address's mailbox, the part before the @."""
    return _letters_of(pc.list_element(pc.split_pattern(addresses, "@", max_splits=1), 0))


@level_test("name_variant")
def _name_variant(view: PairView, feature: str, at: float | None) -> np.ndarray:
    return view.on_values(feature, "name_variant", share_group) > 0


@level_test("initial")
def _initial(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def initial(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        first_left = pd.Series(left, dtype="str").str[:1].to_numpy(dtype=object)
        first_right = pd.Series(right, dtype="str").str[:1].to_numpy(dtype=object)
        short = (pd.Series(left, dtype="str").str.len() == 1) | (pd.Series(right, dtype="str").str.len() == 1)
        return (short.to_numpy() & (first_left == first_right)).astype(float)

    return view.on_values(feature, "initial", initial, eligible=_is_initial) > 0


@level_test("name_part")
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


@level_test("sounds_like")
def _sounds_like(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def same_sound(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return ((left == right) & (pd.Series(left, dtype="str").str.len() >= 2).to_numpy()).astype(float)

    def sound(values: np.ndarray) -> np.ndarray:
        return skeletons(pd.Series(values, dtype="str")).to_numpy(dtype=object)

    return view.on_values(feature, "sounds_like", same_sound, transform=sound) > 0


@level_test("acronym")
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


@level_test("street_similar")
def _street_similar(view: PairView, feature: str, at: float | None) -> np.ndarray:
    indel = _scorer(Indel.normalized_similarity)
    as_written = view.on_values(feature, "no_spaces", indel, transform=_no_spaces)
    reordered = view.on_values(feature, "sorted_words", indel, transform=_sorted_words)
    # 126 and 154 Diponegoro Street are two addresses however alike the rest reads.
    numbers = view.on_values(feature, "house_numbers", _house_numbers_apart, transform=_digits)
    return (np.maximum(as_written, reordered) >= (at or 0.0)) & (numbers <= 1)


@level_test("date_typo")
def _date_typo(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def day_month_swapped(values: np.ndarray) -> np.ndarray:
        dates = pd.Series(values, dtype="str")
        return (dates.str[:4] + dates.str[6:8] + dates.str[4:6]).to_numpy(dtype=object)

    swapped = view.on_values(feature, "day_month_swapped", _equal_to_original(day_month_swapped))
    return _typos(view, feature, 1) | (swapped > 0)


@level_test("same_year")
def _same_year(view: PairView, feature: str, at: float | None) -> np.ndarray:
    def year(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (pd.Series(left, dtype="str").str[:4] == pd.Series(right, dtype="str").str[:4]).to_numpy(
            dtype=float
        )

    return view.on_values(feature, "same_year", year) > 0


@level_test("else")
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
    def comparison(self) -> Words:
        """What was compared and how, for people reading the evidence."""
        how = Words(f"comparison.{self.test}", {"at": self.at} if self.at is not None else {})
        if self.max_typos is not None:
            how = Words("comparison.at_most_typos", {"how": how, "typos": self.max_typos})
        if self.when:
            fields = Several([field_words(name) for name, _ in self.when], by="and")
            how = Words("comparison.only_where", {"how": how, "fields": fields})
        return how

    @property
    def shown_label(self) -> str:
        """The level's label as reports show it (in the report's words where they have it)."""
        return term("level", self.label)

    def holds(self, view: PairView, earlier: Mapping[str, tuple[Comparison, np.ndarray]]) -> np.ndarray:
        scope = view.scope
        allowed = self._allowed(view, earlier)
        if allowed is not None:
            # The test runs only where the earlier comparisons let the level hold at all: an email
            # one typo off is looked for under the same name only, a few pairs in a million.
            view.scope = scope & allowed
        hit = LEVEL_TESTS[self.test].holds(view, self.feature, self.at)
        if allowed is not None:
            hit = hit & allowed
        if self.max_typos is not None and hit.any():
            # Typos are counted only for the pairs the test let through.
            view.scope = scope & hit
            hit = hit & _typos(view, self.feature, self.max_typos)
        view.scope = scope
        return hit

    def _allowed(
        self, view: PairView, earlier: Mapping[str, tuple[Comparison, np.ndarray]]
    ) -> np.ndarray | None:
        """Where the earlier comparisons of `when` are at one of the levels listed (None: no `when`)."""
        if not self.when:
            return None
        allowed = np.ones(len(view), dtype=bool)
        for name, labels in self.when:
            comparison, levels = earlier[name]
            chosen = [index for index, level in enumerate(comparison.levels) if level.label in labels]
            allowed &= np.isin(levels, chosen)
        return allowed


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
        tf_codes = np.full(len(view), -1, dtype=np.int32)
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


# Candidate pairs compared at a time: a comparison keeps per-pair scores and codes of every feature
# it reads, so all candidates at once would hold gigabytes (benchmarks/README.md).
PAIRS_AT_A_TIME = 250_000


def evaluate_pairs(
    comparisons: list[Comparison], features: Features, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`evaluate_all` of the pairs (`left[i]`, `right[i]`), `PAIRS_AT_A_TIME` at a time: each pair's
    levels are its own, so the result is the same, in bounded memory."""
    # Column-major, as vetoes, floors and groups read them: a comparison at a time.
    levels = np.zeros((len(left), len(comparisons)), dtype=np.int8, order="F")
    tf_codes = np.full((len(left), len(comparisons)), -1, dtype=np.int32, order="F")
    for start in range(0, len(left), PAIRS_AT_A_TIME):
        stop = start + PAIRS_AT_A_TIME
        levels[start:stop], tf_codes[start:stop] = evaluate_all(
            comparisons, PairView(features, left[start:stop], right[start:stop])
        )
    return levels, tf_codes


def evaluate_cut_pairs(comparisons: list[Comparison], cut: PairFeatures) -> tuple[np.ndarray, np.ndarray]:
    """`evaluate_pairs` of pairs with the features of only their people (`Features.of_pairs`),
    the term-frequency codes put back into the whole vocabularies: what `evaluate_pairs` gives
    those pairs with all the features."""
    levels, tf_codes = evaluate_pairs(comparisons, cut.features, cut.left, cut.right)
    for column, comparison in enumerate(comparisons):
        for index, level in enumerate(comparison.levels):
            if level.tf:
                at = np.flatnonzero((levels[:, column] == index) & (tf_codes[:, column] >= 0))
                tf_codes[at, column] = cut.whole_codes[level.feature][tf_codes[at, column]]
    return levels, tf_codes


def evaluate_all(comparisons: list[Comparison], view: PairView) -> tuple[np.ndarray, np.ndarray]:
    """Level matrix (pairs x comparisons, int8) and term-frequency codes (pairs x comparisons,
    int32, a comparison's codes side by side in memory: they are read a comparison at a time)."""
    levels = np.zeros((len(view), len(comparisons)), dtype=np.int8)
    tf_codes = np.full((len(view), len(comparisons)), -1, dtype=np.int32, order="F")
    earlier: dict[str, tuple[Comparison, np.ndarray]] = {}
    for index, comparison in enumerate(comparisons):
        chosen, tf_codes[:, index] = comparison.evaluate(view, earlier)
        levels[:, index] = chosen
        earlier[comparison.name] = (comparison, chosen)
    return levels, tf_codes
