"""Properties of the normalisers, for any input: idempotent, blind to case and accents."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.keys import company_key, email_key
from auditor.matching.names import fold_name

# Letters whose accents decompose (é = e + ´), Latin letters that do not (ł, ø, ß), separators.
LETTERS = "abcdefghijklmnopqrstuvwxyzàáâäãåçèéêëìíîïñòóôöõùúûüýÿśźżńčšžřłøßæœ"
TEXT = st.text(alphabet=LETTERS + LETTERS.upper() + " -'.&,", max_size=30)
WORDS = st.lists(
    st.sampled_from(
        [
            "acme",
            "global",
            "sp",
            "z",
            "o",
            "ltd",
            "inc",
            "the",
            "pt",
            "tbk",
            "&",
            "and",
            "gmbh",
            "co",
            "kg",
            "s.a.",
            "müller",
            "łódź",
        ]
    ),
    max_size=6,
).map(" ".join)


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_folding_a_name_twice_changes_nothing(name: str) -> None:
    assert fold_name(fold_name(name)) == fold_name(name)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_names_fold_alike_in_any_case(name: str) -> None:
    assert fold_name(name.upper()) == fold_name(name.lower()) == fold_name(name)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_names_fold_alike_with_or_without_accents(name: str) -> None:
    assert fold_name(_without_accents(name)) == fold_name(name)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9._+-]{1,12}@[A-Za-z0-9-]{1,10}\.(com|pl|de|fr)", fullmatch=True))
def test_email_keys_are_idempotent_and_blind_to_case_and_spaces(address: str) -> None:
    key = email_key(address)
    assert email_key(key) == key or key == ""
    assert email_key(f"  {address.upper()} ") == key


@settings(max_examples=300, deadline=None)
@given(WORDS)
def test_company_keys_are_idempotent_and_blind_to_case(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key
    assert company_key(name.upper()) == key
