"""Normalising values: dates per column and language, names, countries, emails."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.folding import fold
from auditor.normalising import country_codes, email_statuses, parse_dates


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
