"""Phone numbers: E.164 form and validity, for a million numbers in seconds.

libphonenumber (the `phonenumbers` package) is the authority. It costs ~25 µs a number in Python,
so a million distinct numbers would take half a minute. Most numbers in a CRM are plain: digits and
separators, written internationally or nationally without a trunk prefix to rewrite. For those, this
module applies libphonenumber's *own metadata* (the per-region regular expressions for valid number
types, its country codes and national prefixes) to whole columns with Arrow's RE2 kernels.

The fast path only ever concludes "valid"; a number it cannot vouch for (extensions, a trunk prefix
to strip, a pattern that does not match, a non-geographic code) goes to `phonenumbers` itself, so
answers are libphonenumber's in every case. tests/test_phones.py checks the two agree.

Before either, a value that cannot be a phone number in any country (an email address, words, too
few or too many digits: `could_be_phones`) is invalid, whatever the record's country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneMetadata

from auditor.resources import load_rules_toml

VALID, INVALID, UNCHECKED = "valid", "invalid", "unchecked"
# What a person puts between digits; anything else (letters, "ext", "#", "(0)") takes the exact path.
_PLAIN_NUMBER = r"^\+?[0-9][0-9 .\-/()]*$"
_SEPARATORS = r"[ .\-/()]"
_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@dataclass(frozen=True)
class _Desc:
    """One number description: an anchored RE2 pattern and the lengths it allows (empty: any)."""

    pattern: str
    lengths: tuple[int, ...]


@dataclass(frozen=True)
class _RegionPatterns:
    region: str
    country_code: int
    leading_digits: str | None
    general: _Desc
    types: tuple[_Desc, ...]
    national_prefix: str | None  # RE2 pattern anchored at the start, when the region has one
    rewrites_prefix: bool  # the prefix rule rewrites digits (a transform rule) rather than dropping them
    international_prefix: str | None  # the dialling prefix for calling abroad, anchored


def normalise_phones(phones: pd.Series, regions: pd.Series) -> tuple[pd.Series, pd.Series]:
    """E.164 form and status for each phone, read with the record's region (ISO alpha-2 or "").

    Status: "valid"; "invalid" (also whatever cannot be a phone number: `could_be_phones`);
    "unchecked" (a national number with no country to read it by); "" when empty. Invalid and
    unchecked numbers keep their written form.
    """
    written = phones.str.strip()
    filled = (written != "").to_numpy()
    e164 = written.copy()
    status = pd.Series("", index=phones.index, dtype="str")
    if not filled.any():
        return e164, status
    # Each distinct (number, region) pair is judged once: both are factorised, and their codes combined.
    phone_codes, phone_values = pd.factorize(written[filled], sort=False)
    region_codes, region_values = pd.factorize(regions[filled].astype("str"), sort=False)
    pair_codes, codes = np.unique(
        phone_codes.astype(np.int64) * len(region_values) + region_codes, return_inverse=True
    )
    parts = [
        pd.Series(np.asarray(phone_values, dtype=object)[pair_codes // len(region_values)], dtype="str"),
        pd.Series(np.asarray(region_values, dtype=object)[pair_codes % len(region_values)], dtype="str"),
    ]
    formatted, states = _answer_distinct(parts[0], parts[1])
    e164.loc[filled] = formatted[codes]
    status.loc[filled] = states[codes]
    return e164, status


def _answer_distinct(phones: pd.Series, regions: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    size = len(phones)
    written = phones.to_numpy(dtype=object)
    formatted = written.copy()
    states = np.full(size, "", dtype=object)
    plain = phones.str.match(_PLAIN_NUMBER).to_numpy(dtype=bool)
    digits = phones.str.replace(_SEPARATORS, "", regex=True)
    # Written with "+" or "00" in front (as written: "0.01" is not "001"); same rule as exact_answer.
    plus = phones.str.startswith("+").to_numpy(dtype=bool)
    international = plus | phones.str.startswith("00").to_numpy(dtype=bool)
    region_values = regions.to_numpy(dtype=object)
    # What cannot be a phone anywhere is invalid before any country is looked at; plain numbers can
    # only fail by their count of digits, the rest take the whole check.
    possible = np.zeros(size, dtype=bool)
    counts = digits.str.len().to_numpy() - plus
    rules = _phone_rules()
    possible[plain] = (counts[plain] >= rules.min_digits) & (counts[plain] <= rules.max_digits)
    possible[~plain] = could_be_phones(phones[~plain])
    states[~possible] = INVALID
    decided = ~possible

    # International numbers: the country calling code is the prefix of 1-3 digits that names one
    # (calling codes are prefix-free, so at most one length matches).
    after_prefix = digits.str.slice(1).where(plus, digits.str.slice(2))
    known_codes = [str(code) for code in _country_codes()]
    for code_length in (1, 2, 3):
        candidate = after_prefix.str.slice(0, code_length)
        take = plain & international & ~decided & candidate.isin(known_codes).to_numpy(dtype=bool)
        if not take.any():
            continue
        taken = candidate[take]
        for code, rows in taken.groupby(taken, sort=True).indices.items():
            rows = np.flatnonzero(take)[rows]
            national = after_prefix.iloc[rows].str.slice(code_length).reset_index(drop=True)
            valid, judged = _judge_international(int(code), national)
            _settle(
                rows,
                valid,
                judged,
                ("+" + code + national).to_numpy(dtype=object),
                formatted,
                states,
                decided,
            )

    # National numbers, read with the record's region.
    national_rows = plain & ~decided & ~international & (region_values != "")
    if national_rows.any():
        chosen = regions[national_rows]
        for region, rows in chosen.groupby(chosen, sort=True).indices.items():
            patterns = _region_patterns(str(region))
            if patterns is None:
                continue
            rows = np.flatnonzero(national_rows)[rows]
            number = digits.iloc[rows].reset_index(drop=True)
            valid, judged, nsn = _judge_national(number, patterns)
            e164 = ("+" + str(patterns.country_code) + nsn.astype("str")).to_numpy(dtype=object)
            _settle(rows, valid, judged, e164, formatted, states, decided)

    unchecked = ~decided & ~international & (region_values == "")
    states[unchecked] = UNCHECKED
    decided |= unchecked
    left = np.flatnonzero(~decided)
    readable = _extensions_marked(phones.iloc[left])
    for position, text in zip(left, readable, strict=True):
        formatted[position], states[position] = _libphonenumber_answer(
            str(written[position]), str(text), str(region_values[position])
        )
    return formatted, states


def _settle(
    rows: np.ndarray,
    valid: np.ndarray,
    judged: np.ndarray,
    e164: np.ndarray,
    formatted: np.ndarray,
    states: np.ndarray,
    decided: np.ndarray,
) -> None:
    """Record the fast path's verdicts for `rows`: E.164 and "valid", or "invalid" with the written form."""
    good = judged & valid
    formatted[rows[good]] = e164[good]
    states[rows[good]] = VALID
    states[rows[judged & ~valid]] = INVALID
    decided[rows[judged]] = True


def exact_answer(phone: str, region: str) -> tuple[str, str]:
    """libphonenumber's own verdict on one number: (E.164 or the written form, status); invalid
    too when the value cannot be a phone number at all (as `could_be_phones`, one value at a time)."""
    written = phone.strip()
    rules = _phone_rules()
    number = rules.extension_python.sub("", written)
    digits = sum(character.isdecimal() for character in number)
    if (
        "@" in written
        or any(character.isalpha() for character in number)
        or not rules.min_digits <= digits <= rules.max_digits
    ):
        return written, INVALID
    return _libphonenumber_answer(written, rules.extension_python.sub(r" ext. \1", written), region)


def could_be_phones(phones: pd.Series) -> np.ndarray:
    """False for values that cannot be a phone number in any country, whatever the record's: an
    email address, letters other than an extension marker ("poste 12", "wew. 31", "x12"; see
    rules/phones.toml), fewer than 4 or more than 17 digits. "n/a" and "-" are not phones either."""
    if not len(phones):
        return np.zeros(0, dtype=bool)
    rules = _phone_rules()
    text = pa.array(phones.astype("str"), type=pa.large_string())
    number = pc.replace_substring_regex(text, rules.extension, "")
    digits = pc.utf8_length(pc.replace_substring_regex(number, r"[^\p{Nd}]+", "")).to_numpy()
    words = pc.match_substring_regex(number, r"\p{L}").to_numpy(zero_copy_only=False)
    email = pc.match_substring(text, "@").to_numpy(zero_copy_only=False)
    return ~words & ~email & (digits >= rules.min_digits) & (digits <= rules.max_digits)


def known_region(code: str) -> str | None:
    """The ISO 3166 alpha-2 code, upper-cased, when phone numbers can be read by it; else None."""
    region = code.strip().upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def _extensions_marked(phones: pd.Series) -> np.ndarray:
    """The numbers with their extension marker, in any of rules/phones.toml's languages, written
    as the "ext." libphonenumber reads."""
    text = pa.array(phones.astype("str"), type=pa.large_string())
    return pc.replace_substring_regex(text, _phone_rules().extension, r" ext. \1").to_numpy(
        zero_copy_only=False
    )


def _libphonenumber_answer(written: str, readable: str, region: str) -> tuple[str, str]:
    """libphonenumber's verdict on `readable` (the number with its extension marked): (E.164 or the
    written form, status)."""
    international = written.startswith(("+", "00"))
    if not international and not region:
        return written, UNCHECKED
    try:
        number = phonenumbers.parse(
            "+" + readable[2:] if readable.startswith("00") else readable, region or None
        )
    except phonenumbers.NumberParseException:
        return written, INVALID
    if not phonenumbers.is_valid_number(number):
        return written, INVALID
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), VALID


def _judge_international(code: int, national: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """is_valid_number for numbers written +<code><national>, and which of them this can judge.

    A trunk prefix written after the code ("+44 (0)20 ...", "+33 06 ...") is stripped by
    libphonenumber under conditions not worth copying, so such numbers are not judged here.
    """
    regions = _code_regions(code)
    if not regions:  # non-geographic codes (+800, +882 ...): libphonenumber decides
        nothing = np.zeros(len(national), dtype=bool)
        return nothing, nothing
    judged = np.ones(len(national), dtype=bool)
    for patterns in regions:
        if patterns.national_prefix:
            judged &= ~_match(national, patterns.national_prefix)
    return _valid_for_code(regions, national) & judged, judged


def _judge_national(number: pd.Series, patterns: _RegionPatterns) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """is_valid_number for nationally written numbers of one region, which of them this can judge,
    and their national significant numbers.

    Judged: numbers that start neither with the region's international dialling prefix nor with its
    country code (libphonenumber would try reading those internationally), and either carry no trunk
    prefix or carry a plainly dropped one and fit the region once it is dropped.
    """
    size = len(number)
    judged = np.ones(size, dtype=bool)
    if patterns.international_prefix:
        judged &= ~_match(number, patterns.international_prefix)
    judged &= ~number.str.startswith(str(patterns.country_code)).to_numpy(dtype=bool)
    prefixed = (
        _match(number, patterns.national_prefix) if patterns.national_prefix else np.zeros(size, dtype=bool)
    )
    nsn = number
    if prefixed.any():
        if patterns.rewrites_prefix:
            judged &= ~prefixed
        else:
            without = number.str.replace(patterns.national_prefix, "", n=1, regex=True)
            nsn = without.where(prefixed, number)
            # Whether libphonenumber keeps the prefix depends on lengths and carrier codes when the
            # stripped number does not fit the region: leave those to it.
            judged &= ~(prefixed & ~_matches_region(nsn, patterns))
    valid = _valid_for_code(_code_regions(patterns.country_code), nsn)
    return valid & judged, judged, nsn


def _valid_for_code(regions: list[_RegionPatterns], national: pd.Series) -> np.ndarray:
    """Valid national significant numbers of a country code. As libphonenumber's
    region_code_for_number, the number belongs to the first of the code's regions whose leading
    digits match it, else to the first whose patterns give it a number type; it is valid if it fits
    that region."""
    valid = np.zeros(len(national), dtype=bool)
    undecided = np.ones(len(national), dtype=bool)
    for patterns in regions:
        if patterns.leading_digits is not None:
            chosen = undecided & _match(national, "^(?:" + patterns.leading_digits + ")")
            valid |= chosen & _matches_region(national, patterns)
            undecided &= ~chosen
        else:
            typed = undecided & _matches_region(national, patterns)
            valid |= typed
            undecided &= ~typed
    return valid


@cache
def _code_regions_cached(code: int) -> tuple[_RegionPatterns, ...]:
    return tuple(
        patterns for patterns in (_region_patterns(r) for r in _regions_for(code)) if patterns is not None
    )


def _code_regions(code: int) -> list[_RegionPatterns]:
    """The regions of a country calling code that have patterns, in libphonenumber's order."""
    return list(_code_regions_cached(code))


def _matches_region(national: pd.Series, patterns: _RegionPatterns) -> np.ndarray:
    """libphonenumber's _number_type_helper(...) != UNKNOWN: the general description matches, and so
    does the description of at least one number type."""
    if not len(national):
        return np.zeros(0, dtype=bool)
    lengths = national.str.len().to_numpy()
    general = _matches_desc(national, lengths, patterns.general)
    if not general.any():
        return general
    typed = np.zeros(len(national), dtype=bool)
    for desc in patterns.types:
        typed |= _matches_desc(national, lengths, desc)
    return general & typed


def _matches_desc(national: pd.Series, lengths: np.ndarray, desc: _Desc) -> np.ndarray:
    """libphonenumber's _is_number_matching_desc: the length is allowed, then the pattern matches whole."""
    allowed = np.isin(lengths, desc.lengths) if desc.lengths else np.ones(len(national), dtype=bool)
    if not allowed.any():
        return allowed
    return allowed & _match(national, desc.pattern)


def _match(values: pd.Series, pattern: str) -> np.ndarray:
    """RE2 search of an anchored pattern over Arrow-backed text (pandas would warn about the
    capture groups in libphonenumber's patterns, which only matter to extract)."""
    matched = pc.match_substring_regex(pa.array(values.astype("str"), pa.string()), pattern)
    return matched.to_numpy(zero_copy_only=False)


class _PhoneRules(NamedTuple):
    """rules/phones.toml: the extension at the end of a number (its marker, then its digits as
    group 1) for RE2 and for Python's `re` (the same pattern; `exact_answer` reads one value at a
    time), and the fewest and most digits a phone number has."""

    extension: str
    extension_python: re.Pattern[str]
    min_digits: int
    max_digits: int


@cache
def _phone_rules() -> _PhoneRules:
    data = load_rules_toml("phones.toml")
    markers = sorted(data["extension_markers"], key=len, reverse=True)
    alternatives = "|".join(re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", marker) for marker in markers)
    # Spaces spelt out: RE2's \s is ASCII, Python's is not. Python's \d is any decimal digit, as
    # RE2's \p{Nd}; its \Z is RE2's $ (Python's $ also matches before a final newline).
    space = r"[\t\n\f\r ]"
    extension = rf"{space}*[,;]?{space}*(?:{alternatives}){space}*[.:]?{space}*(DIGIT{{1,7}}){space}*"
    return _PhoneRules(
        extension="(?i)" + extension.replace("DIGIT", r"\p{Nd}") + "$",
        extension_python=re.compile(extension.replace("DIGIT", r"\d") + r"\Z", re.IGNORECASE),
        min_digits=int(data["min_digits"]),
        max_digits=int(data["max_digits"]),
    )


@cache
def _country_codes() -> frozenset[int]:
    return frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _regions_for(code: int) -> tuple[str, ...]:
    return tuple(
        region for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ()) if region != "001"
    )


@cache
def _region_patterns(region: str) -> _RegionPatterns | None:
    metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None or metadata.general_desc is None or not metadata.general_desc.national_number_pattern:
        return None
    general = _desc_pattern(metadata.general_desc)
    if general is None:
        return None
    types = [
        desc for desc in (_desc_pattern(getattr(metadata, name)) for name in _TYPE_DESCS) if desc is not None
    ]
    prefix_rule = metadata.national_prefix_for_parsing or metadata.national_prefix
    return _RegionPatterns(
        region=region.upper(),
        country_code=metadata.country_code,
        leading_digits=metadata.leading_digits,
        general=general,
        types=tuple(types),
        national_prefix=f"^(?:{prefix_rule})" if prefix_rule else None,
        rewrites_prefix=bool(metadata.national_prefix_transform_rule),
        international_prefix=f"^(?:{metadata.international_prefix})"
        if metadata.international_prefix
        else None,
    )


def _desc_pattern(desc: object) -> _Desc | None:
    """A number description as an anchored RE2 pattern with its allowed lengths."""
    if desc is None or not getattr(desc, "national_number_pattern", None):
        return None
    return _Desc(pattern=f"^(?:{desc.national_number_pattern})$", lengths=tuple(desc.possible_length or ()))
