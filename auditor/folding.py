"""Folding text to a comparable key: the one definition of "the same label" used across the auditor.

"Leads", "LEAD ", "Léad" and "lead" fold alike; so do the Arabic spellings of one word that differ only
in alef forms, taa marbuta, alef maqsura, tatweel or harakat. Headers, vocabulary labels and
names all go through here, so that a label added to a data file matches however a CRM spells it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
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


def ascii_fold_array(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A vectorised, cheaper cousin of `fold` for columns with mostly distinct values (names, emails).

    Lower-cases, removes combining marks and collapses punctuation to single spaces, all in Arrow.
    Values in plain ASCII (most names and company names) take a shorter road to the same keys.
    """
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([ascii_fold_array(chunk) for chunk in values.chunks], type=values.type)
    plain = pc.fill_null(pc.string_is_ascii(values), True)
    if pc.all(plain).as_py():
        return _ascii_words(pc.ascii_lower(values))
    if not pc.any(plain).as_py():
        return _unicode_fold(values)
    folded = pc.replace_with_mask(values, plain, _ascii_words(pc.ascii_lower(pc.filter(values, plain))))
    other = pc.invert(plain)
    return pc.replace_with_mask(folded, other, _unicode_fold(pc.filter(values, other)))


def _unicode_fold(values: pa.Array) -> pa.Array:
    decomposed = pc.utf8_normalize(values, "NFKD")
    no_marks = pc.replace_substring_regex(decomposed, r"\p{Mn}+", "")
    lowered = pc.utf8_lower(no_marks)
    spaced = pc.replace_substring_regex(lowered, r"[^\p{L}\p{N}]+", " ")
    return pc.utf8_trim_whitespace(spaced)


# Bytes of lower-case ASCII text that are not letters or digits: what `_unicode_fold`'s
# `[^\p{L}\p{N}]` matches there.
_SEPARATOR = np.ones(256, dtype=bool)
_SEPARATOR[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)] = False


def _ascii_words(values: pa.Array) -> pa.Array:
    """Lower-case ASCII strings with every run of other bytes than letters and digits made one
    space, trimmed. The same as `_unicode_fold` gives them, worked on the bytes with numpy, at a
    fraction of the cost of a regular expression replacement per value (benchmarks/README.md)."""
    large = pa.types.is_large_string(values.type)
    values = values.cast(pa.string()) if large else values
    validity, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(values) + 1, offset=values.offset * 4)
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if data_buffer
        else np.zeros(0, np.uint8)
    )
    offsets = offsets - offsets[0]
    separator = _SEPARATOR[data]
    # A separator goes when it follows another or begins its string: runs become one, leading ones go.
    after_separator = np.empty(len(data), dtype=bool)
    after_separator[:1] = True
    after_separator[1:] = separator[:-1]
    starts = offsets[:-1]
    after_separator[starts[starts < len(data)]] = True
    keep = ~separator | ~after_separator
    counted = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum(keep, out=counted[1:])
    bounds = counted[offsets]
    kept, kept_separator = data[keep], separator[keep]
    # What is left of a trailing run is one separator, the last byte of its string: it goes too.
    ends = bounds[1:]
    last = ends[ends > bounds[:-1]] - 1
    trailing = last[kept_separator[last]]
    if len(trailing):
        stay = np.ones(len(kept), dtype=bool)
        stay[trailing] = False
        bounds = bounds - np.searchsorted(trailing, bounds, side="left").astype(np.int32)
        kept, kept_separator = kept[stay], kept_separator[stay]
    kept = np.where(kept_separator, np.uint8(ord(" ")), kept)
    if validity is not None and values.offset:
        validity = pc.is_valid(values).buffers()[1]
    words = pa.Array.from_buffers(
        pa.string(),
        len(values),
        [validity, pa.py_buffer(bounds), pa.py_buffer(kept)],
        null_count=values.null_count,
    )
    return words.cast(pa.large_string()) if large else words
