"""Making data cells inert before they reach a spreadsheet (CSV/formula injection, OWASP), and
text before it reaches a terminal.

A cell starting with "=", "+", "-", "@", a tab or a carriage return may run as a formula when a
spreadsheet opens the file. Such a cell gets a leading apostrophe, which Excel, LibreOffice and
Google Sheets read as "text follows". One exception keeps migrations clean: a "+" or "-" followed only
by digits and phone punctuation ("+33123456789", "-12.5") is a number, not a formula, whatever a
spreadsheet does with it, so E.164 phones are written as they are.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = "^[" + "".join(f"\\x{ord(start):02x}" for start in FORMULA_STARTS) + "]"  # for Arrow's RE2
# ASCII digits and a plain space only: Python's \d and \s take in other scripts' digits and control
# characters that Arrow's RE2 does not, and a cell either engine doubts is made inert.
_PLAIN_NUMBER_BODY = r"[+-][0-9 ().,/-]*"
_PLAIN_NUMBER = f"^{_PLAIN_NUMBER_BODY}$"  # RE2's $ is the very end; Python's also allows a final "\n"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER_BODY)


def inert(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def inert_column(values: pd.Series) -> pd.Series:
    """`inert` over a text column, vectorised."""
    text = values.astype("str")
    return pd.Series(inert_array(pa.array(text)), index=text.index, dtype="str", name=text.name)


def inert_array(values: pa.Array) -> pa.Array:
    """`inert` over an Arrow text array without nulls, with Arrow's regex kernels (one pass over
    the column; the rare risky cells are tested again as plain numbers)."""
    risky = pc.match_substring_regex(values, _FORMULA_START)
    if not pc.any(risky).as_py():
        return values
    risky = pc.and_(risky, pc.invert(pc.match_substring_regex(values, _PLAIN_NUMBER)))
    quoted = pc.binary_join_element_wise(pa.scalar("'", values.type), values, pa.scalar("", values.type))
    return pc.if_else(risky, quoted, values)


# Control characters, but the line break and the tab: in a header, a sheet or a file name, an escape
# sequence would retitle the terminal, clear it or move the cursor (C1 controls such as U+009B act
# as ESC [ on some terminals). Each is shown as its code, which is also valid inside a JSON string.
_CONTROLS = {code: f"\\u{code:04x}" for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\n\t"}


def printable(text: str) -> str:
    """`text` with its control characters written out (ESC as \\u001b), safe to print."""
    return text.translate(_CONTROLS)
