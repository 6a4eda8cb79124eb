"""Normalising values: dates per column and language, names, countries, emails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.folding import fold
from auditor.normalising import (
    country_codes,
    email_is_valid,
    email_statuses,
    parse_dates,
    unread_date_reasons,
)
from auditor.resources import load_rules_toml


def dates(values: list[str], *, day_first: bool = False) -> list[str]:
    parsed = parse_dates(pd.Series(values, dtype="str"), day_first_default=day_first)
    return [stamp.strftime("%Y-%m-%d %H:%M") if not pd.isna(stamp) else "" for stamp in parsed]


def test_iso_and_salesforce_datetimes() -> None:
    assert dates(["2026-07-14T10:22:31.000Z", "2026-07-14", ""]) == [
        "2026-07-14 10:22",
        "2026-07-14 00:00",
        "",
    ]


def test_day_first_is_read_from_the_values() -> None:
    assert dates(["03/04/2026", "25/12/2025"]) == ["2026-04-03 00:00", "2025-12-25 00:00"]
    assert dates(["03/04/2026", "12/25/2025"], day_first=True) == ["2026-03-04 00:00", "2025-12-25 00:00"]


def test_ambiguous_dates_follow_the_language() -> None:
    assert dates(["03/04/2026"], day_first=True) == ["2026-04-03 00:00"]
    assert dates(["03/04/2026"], day_first=False) == ["2026-03-04 00:00"]


def test_other_layouts_and_excel_serials() -> None:
    assert dates(["14.07.2026", "01.10.2026"]) == ["2026-07-14 00:00", "2026-10-01 00:00"]
    assert dates(["14/07/2025 10:22"]) == ["2025-07-14 10:22"]
    assert dates(["46217", "45658"]) == ["2026-07-14 00:00", "2025-01-01 00:00"]
    assert dates(["not a date", "2026-01-01"]) == ["", "2026-01-01 00:00"]


def seconds(values: list[str], *, day_first: bool = False) -> list[str]:
    parsed = parse_dates(pd.Series(values, dtype="str"), day_first_default=day_first)
    return [stamp.isoformat() if not pd.isna(stamp) else "" for stamp in parsed]


@pytest.mark.parametrize(
    ("written", "day_first", "expected"),
    [
        # Zoho
        ("15 Apr, 2021 00:03:00", False, "2021-04-15T00:03:00"),
        ("Apr 15, 2021 12:03 AM", False, "2021-04-15T00:03:00"),
        ("Apr 15, 2021 12:03:45 PM", False, "2021-04-15T12:03:45"),
        # Salesforce: time zones are read into UTC, then dropped
        ("2026-07-14T10:22:31.000Z", False, "2026-07-14T10:22:31"),
        ("2026-07-14T10:22:31.000+0000", False, "2026-07-14T10:22:31"),
        ("2026-07-14T10:22:31.000+0200", False, "2026-07-14T08:22:31"),
        ("2026-07-14T10:22:31-05:00", False, "2026-07-14T15:22:31"),
        # HubSpot
        ("2026-07-14 10:22", False, "2026-07-14T10:22:00"),
        # Dynamics 365 and hand-kept sheets
        ("14/07/2026 10:22", True, "2026-07-14T10:22:00"),
        ("7/14/2026 10:22 AM", False, "2026-07-14T10:22:00"),
        ("7/4/2026 1:05 PM", False, "2026-07-04T13:05:00"),
        ("14.07.2026 10:22:31", True, "2026-07-14T10:22:31"),
        ("14-Jul-2026", False, "2026-07-14T00:00:00"),
        ("14-JUL-26", False, "2026-07-14T00:00:00"),
        ("2026/07/14 10:22", False, "2026-07-14T10:22:00"),
        ("2026/7/4", False, "2026-07-04T00:00:00"),
        ("20260714", False, "2026-07-14T00:00:00"),
        ("4/7/2026 22:05:09", True, "2026-07-04T22:05:09"),
        ("14.07.2026 10.22", True, "2026-07-14T10:22:00"),
        ("14/07/26", True, "2026-07-14T00:00:00"),
        ("2026-07-14 10:22:31.123456", False, "2026-07-14T10:22:31.123456"),
        # Named months in the UI languages
        ("15 avr. 2021", True, "2021-04-15T00:00:00"),
        ("15 avril 2021", True, "2021-04-15T00:00:00"),
        ("1er avril 2021", True, "2021-04-01T00:00:00"),
        ("15 de abril de 2021", True, "2021-04-15T00:00:00"),
        ("15 abr 2021", True, "2021-04-15T00:00:00"),
        ("15 de abr. de 2021", True, "2021-04-15T00:00:00"),
        ("15 kwi 2021", True, "2021-04-15T00:00:00"),
        ("15 kwietnia 2021", True, "2021-04-15T00:00:00"),
        ("15 października 2021 14:30", True, "2021-10-15T14:30:00"),
        ("15. Apr. 2021", True, "2021-04-15T00:00:00"),
        ("15. April 2021", True, "2021-04-15T00:00:00"),
        ("3. März 2021", True, "2021-03-03T00:00:00"),
        ("15 Mei 2021", True, "2021-05-15T00:00:00"),
        ("15 Agustus 2021 10.22", True, "2021-08-15T10:22:00"),
        ("15 أبريل 2021", True, "2021-04-15T00:00:00"),
        ("15 نيسان 2021", True, "2021-04-15T00:00:00"),
        ("15 كانون الثاني 2021", True, "2021-01-15T00:00:00"),
        ("١٥ تشرين الأول ٢٠٢١ 10:22 م", True, "2021-10-15T22:22:00"),
        ("\u200f15\u200f/04\u200f/2021", True, "2021-04-15T00:00:00"),
        ("15 de março de 2021", True, "2021-03-15T00:00:00"),
        ("April 15th, 2021", False, "2021-04-15T00:00:00"),
        ("10:22 is no date", False, ""),
    ],
)
def test_layouts_real_exports_write(written: str, day_first: bool, expected: str) -> None:
    assert seconds([written], day_first=day_first) == [expected]


def test_layouts_mix_within_a_column() -> None:
    """Each value is read by its own layout; only the order of day and month is the column's."""
    assert seconds(["2026-07-14T10:22:31.000Z", "14/07/2026", "3/4/2026", "46217", "15 Apr 2026"]) == [
        "2026-07-14T10:22:31",
        "2026-07-14T00:00:00",
        "2026-04-03T00:00:00",
        "2026-07-14T00:00:00",
        "2026-04-15T00:00:00",
    ]


def test_naive_values_after_zoned_ones_keep_their_time() -> None:
    """pandas 2.2 applies one value's offset to the naive values after it; we parse them apart."""
    assert seconds(["2026-07-14T10:22:31+02:00", "2026-07-14 10:22:31"]) == [
        "2026-07-14T08:22:31",
        "2026-07-14T10:22:31",
    ]


@pytest.mark.parametrize(
    "written",
    [
        "9999-12-31",
        "4000-12-31",
        "4000-12-31T00:00:00.000Z",
        "0001-01-01",
        "1677-09-21",
        "2262-04-12",
        "31/12/9999",
    ],
)
def test_dates_outside_the_range_are_no_date_and_say_so(written: str) -> None:
    values = pd.Series([written, "2026-07-14", "garbage", "2026-02-30", ""], dtype="str")
    parsed = parse_dates(values, day_first_default=True)
    assert parsed.isna().tolist() == [True, False, True, True, True]
    assert str(parsed.dtype) == "datetime64[ns]"
    assert unread_date_reasons(values, parsed).tolist() == [
        "out_of_range",
        "",
        "unreadable",
        "unreadable",
        "",
    ]


def test_the_edges_of_the_range_are_read() -> None:
    assert seconds(["1677-09-22", "2262-04-11"]) == ["1677-09-22T00:00:00", "2262-04-11T00:00:00"]


def test_unread_reasons_keep_the_index_and_look_at_failed_values_only() -> None:
    values = pd.Series(["9999-12-31", "2026-01-01", "n/a"], index=[10, 11, 12], dtype="str")
    parsed = parse_dates(values, day_first_default=False)
    reasons = unread_date_reasons(values, parsed)
    assert reasons.index.tolist() == [10, 11, 12]
    assert reasons.tolist() == ["out_of_range", "", "unreadable"]


def test_a_month_name_means_one_month_in_every_language() -> None:
    data = load_rules_toml("months.toml")
    seen: dict[str, tuple[str, int]] = {}
    for language, months in data["months"].items():
        assert sorted(map(int, months)) == list(range(1, 13)), language
        for month, names in months.items():
            for name in names:
                key = fold(name)
                assert seen.setdefault(key, (language, int(month)))[1] == int(month), (
                    name,
                    language,
                    seen[key],
                )
    assert set(data["months"]) >= {"en", "fr", "es", "pl", "id", "ar", "de", "pt"}


# Layouts as exports write them: (layout, whether its numbers are day first). `name` is a month
# name of rules/months.toml in some language.
Layout = Callable[[dt.datetime, str], str]
_LAYOUTS: list[tuple[Layout, bool]] = [
    (lambda d, name: d.strftime("%Y-%m-%dT%H:%M:%S.000Z"), False),
    (lambda d, name: d.strftime("%Y-%m-%dT%H:%M:%S.000+0000"), False),
    (lambda d, name: d.strftime("%Y-%m-%d %H:%M"), False),
    (lambda d, name: d.strftime("%Y-%m-%d"), False),
    (lambda d, name: d.strftime("%d/%m/%Y %H:%M"), True),
    (
        lambda d, name: (
            f"{d.month}/{d.day}/{d.year} {d.hour % 12 or 12}:{d:%M} {'PM' if d.hour >= 12 else 'AM'}"
        ),
        False,
    ),
    (lambda d, name: f"{d.day}.{d.month}.{d.year} {d:%H:%M:%S}", True),
    (lambda d, name: d.strftime("%Y/%m/%d %H:%M"), False),
    (lambda d, name: f"{d.day:02d}-{name}-{d.year}", True),
    (lambda d, name: f"{d.day} {name}, {d.year} {d:%H:%M:%S}", True),
    (
        lambda d, name: (
            f"{name} {d.day}, {d.year} {d.hour % 12 or 12}:{d:%M:%S} {'PM' if d.hour >= 12 else 'AM'}"
        ),
        False,
    ),
    (lambda d, name: f"{d.day} de {name} de {d.year}", True),
    (lambda d, name: f"{d.day}. {name} {d.year}", True),
    (lambda d, name: f"{d.day} {name} {d.year} {d:%H:%M}", True),
]
_MONTH_NAMES = load_rules_toml("months.toml")["months"]


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(min_value=dt.datetime(1700, 1, 1), max_value=dt.datetime(2200, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    layout=st.sampled_from(_LAYOUTS),
    language=st.sampled_from(sorted(_MONTH_NAMES)),
    variant=st.integers(min_value=0, max_value=10),
)
def test_a_date_written_in_any_layout_and_language_reads_back(
    when: dt.datetime, layout: tuple[Layout, bool], language: str, variant: int
) -> None:
    names = _MONTH_NAMES[language][str(when.month)]
    write, day_first = layout
    written = write(when, names[variant % len(names)])
    [read] = parse_dates(pd.Series([written], dtype="str"), day_first_default=day_first)
    assert read.date() == when.date(), written
    if ":" in written:
        assert read.hour == when.hour and read.minute == when.minute, written


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6), st.booleans())
def test_reading_never_fails_on_any_text(values: list[str], day_first: bool) -> None:
    series = pd.Series(values, dtype="str")
    parsed = parse_dates(series, day_first_default=day_first)
    reasons = unread_date_reasons(series, parsed)
    assert len(parsed) == len(reasons) == len(values)
    assert set(reasons) <= {"", "out_of_range", "unreadable"}
    assert ((reasons == "") == (parsed.notna() | (series.str.strip() == ""))).all()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("France", "FR"),
        ("Polska", "PL"),
        ("Deutschland", "DE"),
        ("USA", "US"),
        ("United Kingdom", "GB"),
        ("España", "ES"),
        ("Indonesia", "ID"),
        ("السعودية", "SA"),
        ("الإمارات", "AE"),
        ("Brasil", "BR"),
        ("fr", "FR"),
        ("  POLAND ", "PL"),
        ("Atlantis", ""),
    ],
)
def test_country_names_in_many_languages(written: str, code: str) -> None:
    assert country_codes(pd.Series([written], dtype="str")).tolist() == [code]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("anna.nowak@acme.pl", "valid"),
        ("ANNA@ACME.PL", "valid"),
        ("a@xn--bcher-kva.com", "valid"),
        ("jose@café.es", "valid"),
        ("bob@globex", "invalid"),
        ("a..b@x.com", "invalid"),
        ("anna@@acme.pl", "invalid"),
        ("x@y.test", "invalid"),
        ("bob @ acme.com", "invalid"),
        ("", ""),
    ],
)
def test_email_status(email: str, status: str) -> None:
    assert email_statuses(pd.Series([email], dtype="str")).tolist() == [status]


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.sampled_from(list("leadprospctniéèàçñüöóąęłźżśćńأإآاةهىيـَُِ ")), max_size=20))
def test_fold_ignores_case_and_diacritics(text: str) -> None:
    import unicodedata

    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    assert fold(text.upper()) == fold(text) == fold(stripped.upper()) or "ł" in text.lower()


@given(st.one_of(st.emails(), st.text(max_size=40), st.text(alphabet="ab@.-_+'\"<> \n", max_size=20)))
def test_one_address_is_judged_as_a_column_judges_it(address: str) -> None:
    column = email_statuses(pd.Series([address], dtype="str")).iloc[0] == "valid"
    assert email_is_valid(address) == column
