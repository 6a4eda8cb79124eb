"""Email repairs of a fix plan (auditor.fixes.repairs): only an address with one possible reading
gets one, and what it gets is always valid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.fixes.repairs import repair_domain, repair_email
from auditor.normalising import email_is_valid


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("mailto:jan@acme.pl", "jan@acme.pl"),
        ("<jan@acme.pl>", "jan@acme.pl"),
        ('"jan@acme.pl"', "jan@acme.pl"),
        ("jan@acme.pl.", "jan@acme.pl"),
        ("jan@acme.pl;", "jan@acme.pl"),
        ("<mailto:jan@acme.pl>.", "jan@acme.pl"),
        ("(jan@acme.pl.)", "jan@acme.pl"),
        ("jan@@acme.pl", "jan@acme.pl"),
        ("jan @ acme.pl", "jan@acme.pl"),
        ("jan@acme,pl", "jan@acme.pl"),
        ("jan@acme..pl", "jan@acme.pl"),
        ("jan@gmail", "jan@gmail.com"),
        ("jan@wp", "jan@wp.pl"),
    ],
)
def test_one_reading_is_repaired(written: str, meant: str) -> None:
    assert repair_email(written) == meant


@pytest.mark.parametrize(
    "written",
    [
        "jan@acme",  # .com, .pl, .co.uk ...
        "jan@yahoo",  # yahoo.com, yahoo.fr, yahoo.co.uk ...
        "jan@hotmail",
        "a@b@acme.pl",  # which @ is the real one
        "jan kowalski@acme.pl",  # a space inside: two words or one
        "jan@exam ple.com",
        "janacme.pl",
        "",
        "jan@acme.pl",  # already valid: nothing to repair
        "'jan@acme.pl",  # valid too: an apostrophe may start a mailbox
    ],
)
def test_more_than_one_reading_or_none_is_left_alone(written: str) -> None:
    assert repair_email(written) is None


@given(st.text(alphabet=st.sampled_from(list("ja@n.,;<>\"' :mailto-gcowp")), max_size=30))
def test_a_repair_is_always_a_valid_new_address(written: str) -> None:
    repaired = repair_email(written)
    if repaired is not None:
        assert email_is_valid(repaired)
        assert repaired != written
        assert repaired.count("@") == 1


@given(st.emails())
def test_a_valid_address_is_never_changed(address: str) -> None:
    if email_is_valid(address):
        assert repair_email(address) is None


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("jan@gmial.com", "jan@gmail.com"),
        ("Jan.Kowalski@Hotmail.con", "Jan.Kowalski@hotmail.com"),
        ("marie@outlok.fr", "marie@outlook.fr"),
        ("jan@gmail.com", None),  # right already
        ("jan@ymail.com", None),  # a provider of its own
        ("jan@yahoo.co", None),  # yahoo.com or yahoo.co.uk
        ("jan@love.com", None),  # not live.com: short domains are not guessed at
        ("jan@gmial", None),  # invalid: DQ001's repair, not this one
    ],
)
def test_a_mistyped_common_domain_is_repaired(written: str, meant: str | None) -> None:
    assert repair_domain(written) == meant
