"""Folding text to a comparable key: the one definition of "the same label" used across the auditor.

"Leads", "LEAD ", "Léad" and "lead" fold alike; so do the Arabic spellings of one word that differ only
in alef forms, taa marbuta, alef maqsura, tatweel or harakat. Headers, vocabulary labels and
names all go through here, so that a label added to a data file matches however a CRM spells it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Letters NFKD leaves whole (Polish ł, Norwegian ø, German ß ...), and Arabic letters people and
# keyboards use interchangeably (alef forms, taa marbuta, alef maqsura, hamza seats, tatweel).
# The one table of such equivalences: the matching step's vectorised folding uses it too.
LETTER_FOLDS: dict[str, str] = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ı": "i",
    "ħ": "h",
    "þ": "th",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "ـ": "",  # tatweel only stretches a word
}
_LETTER_TABLE = str.maketrans(LETTER_FOLDS)
_PUNCTUATION_OR_SPACE = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive key of a label or header.

    >>> fold("  Prospect   chaud! ")
    'prospect chaud'
    >>> fold("Téléphone") == fold("TELEPHONE")
    True
    """
    # Case first (case folding can yield combining marks: "İ" is "i" and a dot), then again after the
    # compatibility decomposition, which can yield capitals ("Ⅸ" is "IX").
    decomposed = unicodedata.normalize("NFKD", text.casefold()).casefold()
    # Drops Latin accents and Arabic harakat alike: both are combining marks after NFKD.
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Some letters do not decompose: ł (Polish), ø, đ, ß, æ, œ.
    return _PUNCTUATION_OR_SPACE.sub(" ", stripped.translate(_LETTER_TABLE)).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """`fold` over a column, computed once per distinct value (labels repeat a lot)."""
    codes, uniques = pd.factorize(values.astype("str"), sort=False)
    folded = pd.Series([fold(value) for value in uniques], dtype="str")
    result = folded.take(codes) if len(codes) else pd.Series([], dtype="str")
    result.index = values.index
    return result


def ascii_fold_array(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A vectorised, cheaper cousin of `fold` for columns with mostly distinct values (names, emails).

    Lower-cases, removes combining marks and collapses punctuation to single spaces, all in Arrow.
    """
    decomposed = pc.utf8_normalize(values, "NFKD")
    no_marks = pc.replace_substring_regex(decomposed, r"\p{Mn}+", "")
    lowered = pc.utf8_lower(no_marks)
    spaced = pc.replace_substring_regex(lowered, r"[^\p{L}\p{N}]+", " ")
    return pc.utf8_trim_whitespace(spaced)
