"""Working out how a text file is encoded, from its bytes, before any parser sees it."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache

from charset_normalizer import from_bytes

from auditor.errors import InputError
from auditor.resources import load_rules_toml

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes, *, file: str, whole_file: bool) -> str:
    """Name of the codec that decodes the sample.

    A byte-order mark decides; otherwise UTF-8 if the sample decodes as UTF-8 (nearly every modern
    export); otherwise the single-byte code page that reads most like words (see
    `_best_single_byte_encoding`). Binary content is refused.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _looks_binary(sample):
        raise InputError(
            "this is not a text file (it holds binary data)", file=file, hint="Export the data as CSV or XLSX"
        )
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        if not whole_file and error.start >= len(sample) - 3 and error.reason == "unexpected end of data":
            return "utf-8"
    return _best_single_byte_encoding(sample)


# Code pages of the languages the auditor serves, tried before anything charset-normalizer proposes.
_CODE_PAGES = ("cp1252", "cp1250", "cp1256")


def _best_single_byte_encoding(sample: bytes) -> str:
    """Among charset-normalizer's best guess and the usual Windows code pages, the one whose
    decoding reads most like words of a language.

    charset-normalizer needs more text than a small CRM export gives it: on a few lines it reads
    Polish cp1250 as cp1252 ("£ukasz") and Spanish cp1252 as cp1250 ("Núńez"). A word in the right
    code page has its accented letters from one alphabet; a wrong one mixes alphabets or puts a
    symbol inside a word. Ties go to the code pages in order, then to charset-normalizer's guess
    (a lone byte is more likely a Western accent than a Japanese syllable).
    """
    guess = from_bytes(sample).best()
    candidates = list(dict.fromkeys([*_CODE_PAGES, *([_codec_name(guess.encoding)] if guess else [])]))
    scored = [(name, _plausibility(sample.decode(name))) for name in candidates if _decodes(sample, name)]
    if not scored:
        return "latin-1"  # decodes any byte; the text may be odd but nothing is lost
    best_score = max(score for _, score in scored)
    return next(name for name, score in scored if score == best_score)


_WORD = re.compile(r"[^\s\d,;|\t\"'()\[\]{}<>=+*/\\:.!?@#&_-]+")


def _plausibility(text: str) -> int:
    """+1 for each word whose non-ASCII letters fit one language (or one non-Latin script), -1 for a
    word mixing alphabets, -2 for a word with a symbol inside."""
    score = 0
    for word in _WORD.findall(text):
        extra = [char for char in word if ord(char) > 127]
        if not extra:
            continue
        if any(not char.isalpha() for char in extra):
            score -= 2
        elif _coherent(extra):
            score += 1
        else:
            score -= 1
    return score


def _coherent(letters: list[str]) -> bool:
    scripts = {unicodedata.name(char, "?").split(" ")[0] for char in letters}
    if len(scripts) != 1:
        return False
    if scripts != {"LATIN"}:
        return True  # one non-Latin script throughout the word: Arabic, Cyrillic, Greek ...
    return any(all(char in alphabet for char in letters) for alphabet in _alphabets())


@cache
def _alphabets() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(letters) for letters in load_rules_toml("alphabets.toml").values())


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes mean binary, unless they are the high bytes of UTF-16 text."""
    if b"\x00" not in sample:
        return False
    even, odd = sample[0::2], sample[1::2]
    nul_share = max(even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1))
    return not (
        nul_share > 0.3
        and _decodes(
            sample[: len(sample) // 2 * 2], "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
        )
    )


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _codec_name(name: str) -> str:
    """charset-normalizer's names, as Python's codec registry knows them."""
    return codecs.lookup(name).name
