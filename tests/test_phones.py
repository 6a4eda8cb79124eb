"""Phones: the vectorised fast path answers exactly what libphonenumber answers."""

from __future__ import annotations

import random

import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from auditor.phones import could_be_phones, exact_answer, known_region, normalise_phones


def both(numbers: list[str], regions: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    e164, status = normalise_phones(pd.Series(numbers, dtype="str"), pd.Series(regions, dtype="str"))
    fast = list(zip(e164.tolist(), status.tolist(), strict=True))
    exact = [
        exact_answer(number, region) if number.strip() else (number.strip(), "")
        for number, region in zip(numbers, regions, strict=True)
    ]
    return fast, exact


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+33 1 23 45 67 89", "", ("+33123456789", "valid")),
        ("01 23 45 67 89", "FR", ("+33123456789", "valid")),
        ("12 345 67 89", "PL", ("+48123456789", "valid")),
        ("(415) 555-0134", "US", ("+14155550134", "valid")),
        ("+44 (0)20 7946 0958", "", ("+442079460958", "valid")),
        ("0039 06 1234 5678", "", ("+390612345678", "valid")),
        ("555-0100", "", ("555-0100", "unchecked")),
        ("12345", "FR", ("12345", "invalid")),
        ("call me", "FR", ("call me", "invalid")),
        ("", "FR", ("", "")),
        # What cannot be a phone number anywhere is invalid, with a country or without one.
        ("anna.nowak@acme.pl", "", ("anna.nowak@acme.pl", "invalid")),
        ("anna.nowak@acme.pl", "PL", ("anna.nowak@acme.pl", "invalid")),
        ("n/a", "", ("n/a", "invalid")),
        ("N/A", "FR", ("N/A", "invalid")),
        ("-", "", ("-", "invalid")),
        ("123", "", ("123", "invalid")),
        ("12 34 56 78 90 12 34 56 78", "", ("12 34 56 78 90 12 34 56 78", "invalid")),
        ("+48 12 345 67 89 / +48 12 345 67 80", "", ("+48 12 345 67 89 / +48 12 345 67 80", "invalid")),
        ("Tel. 01 23 45 67 89", "FR", ("Tel. 01 23 45 67 89", "invalid")),
        ("1-800-FLOWERS", "US", ("1-800-FLOWERS", "invalid")),
        ("call me", "", ("call me", "invalid")),
        # Extension markers in the UI languages are not words: the number is read, its extension dropped.
        ("01 23 45 67 89 poste 12", "FR", ("+33123456789", "valid")),
        ("12 345 67 89 wew. 31", "PL", ("+48123456789", "valid")),
        ("(415) 555-0134 x12", "US", ("+14155550134", "valid")),
        ("+1 415 555 0134 ext. 12", "", ("+14155550134", "valid")),
        ("+49 30 1234567 DW 89", "", ("+49301234567", "valid")),
        ("(415) 555-0134 x12", "", ("(415) 555-0134 x12", "unchecked")),
        ("1234", "", ("1234", "unchecked")),
    ],
)
def test_known_numbers(number: str, region: str, expected: tuple[str, str]) -> None:
    fast, exact = both([number], [region])
    assert fast == [expected] == exact


def test_every_region_and_type_agrees_with_libphonenumber() -> None:
    """Example numbers of every region and type, in every format, and near misses of each."""
    rng = random.Random(11)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    numbers, given_regions = [], []
    for region in regions:
        for number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is None:
                continue
            for number_format in (
                PhoneNumberFormat.E164,
                PhoneNumberFormat.INTERNATIONAL,
                PhoneNumberFormat.NATIONAL,
            ):
                written = phonenumbers.format_number(example, number_format)
                for variant in (written, written[:-1], written + "7", written[:3] + "0" + written[3:]):
                    numbers += [variant, variant]
                    given_regions += [region, rng.choice(regions)]
    fast, exact = both(numbers, given_regions)
    mismatches = [
        (n, r, f, e) for n, r, f, e in zip(numbers, given_regions, fast, exact, strict=True) if f != e
    ]
    assert len(numbers) > 5000
    assert mismatches == []


@settings(max_examples=200, deadline=None)
@given(
    number=st.text(st.sampled_from(list("0123456789 +-().")), min_size=1, max_size=18),
    region=st.sampled_from(
        ["", "FR", "PL", "ES", "DE", "ID", "SA", "AE", "BR", "US", "GB", "IT", "IM", "AX"]
    ),
)
def test_any_digit_string_agrees_with_libphonenumber(number: str, region: str) -> None:
    fast, exact = both([number], [region])
    assert fast == exact


@pytest.mark.parametrize(
    ("value", "possible"),
    [
        ("+33 1 23 45 67 89", True),
        ("555-0100", True),
        ("٠١٢٣٤٥٦٧٨٩", True),
        ("01 23 45 67 89 poste 12", True),
        ("12 345 67 89 wew. 31", True),
        ("+62 21 1234 5678 pes. 12", True),
        ("0612345678 تحويلة 12", True),
        ("jan@acme.pl", False),
        ("n/a", False),
        ("unknown", False),
        ("poste 12", False),
        ("123", False),
        ("1" * 18, False),
        ("+1 415 555 0134 call after 5", False),
    ],
)
def test_what_could_be_a_phone(value: str, possible: bool) -> None:
    assert could_be_phones(pd.Series([value], dtype="str")).tolist() == [possible]


def test_known_regions() -> None:
    assert [known_region(code) for code in ("fr", " PL ", "ZZ", "", "FRA")] == ["FR", "PL", None, None, None]


_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")) | st.just(" ")


@settings(max_examples=300, deadline=None)
@given(
    number=st.one_of(
        st.text(_PRINTABLE, max_size=24),
        st.text(st.sampled_from(list("0123456789 +-().@xXetnpos#wWabc")), min_size=1, max_size=24),
    ),
    region=st.sampled_from(["", "FR", "PL", "US", "DE", "ID"]),
)
def test_any_text_agrees_with_the_exact_path(number: str, region: str) -> None:
    """Whatever is in a phone field, the fast path and `exact_answer` agree, and a value that cannot
    be a phone is invalid whatever the country."""
    fast, exact = both([number], [region])
    assert fast == exact
    if number.strip() and not could_be_phones(pd.Series([number.strip()], dtype="str"))[0]:
        assert fast[0][1] == "invalid"
