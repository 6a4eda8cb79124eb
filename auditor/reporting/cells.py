"""Making data cells inert before they reach a spreadsheet (CSV/formula injection, OWASP).

A cell starting with "=", "+", "-", "@", a tab or a carriage return may run as a formula when a
spreadsheet opens the file. Such a cell gets a leading apostrophe, which Excel, LibreOffice and
Google Sheets read as "text follows". One exception keeps migrations clean: a "+" or "-" followed only
by digits and phone punctuation ("+33123456789", "-12.5") is a number, not a formula, whatever a
spreadsheet does with it, so E.164 phones are written as they are.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"^[+-][\d\s().,/-]*$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def inert(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER_RE.match(value):
        return "'" + value
    return value


def inert_column(values: pd.Series) -> pd.Series:
    """`inert` over a text column, vectorised."""
    text = values.astype("str")
    risky = text.str.startswith(FORMULA_STARTS)
    if not risky.any():
        return text
    risky &= ~text.str.match(_PLAIN_NUMBER)
    return text.where(~risky, "'" + text)
