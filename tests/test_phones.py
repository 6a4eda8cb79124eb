"""Phones: the vectorised fast path answers exactly what libphonenumber answers."""

from __future__ import annotations

import random

import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from auditor.phones import exact_answer, normalise_phones


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
