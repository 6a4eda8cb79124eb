"""Working out how a text file is encoded, from its bytes, before any parser sees it."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from charset_normalizer import from_bytes

from auditor.errors import InputError
from auditor.resources import load_rules_toml
from auditor.wording import Several, Words

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes, *, file: str, whole_file: bool) -> str:
    """Name of the codec that decodes the sample.

    A byte-order mark decides; then UTF-16 without one, by its NUL high bytes (see `_utf16_without_bom`);
    otherwise UTF-8 if the sample decodes as UTF-8 (nearly every modern export); otherwise the
    single-byte code page that reads most like words (see `_best_single_byte_encoding`). Binary content
    is refused.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    if b"\x00" in sample:
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


def is_unicode(encoding: str) -> bool:
    """Whether the codec is one of Unicode's (a single-byte code page is not)."""
    return encoding.startswith("utf")


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


# UTF-16 text without a byte-order mark: in one byte of each pair at least this share of NULs (the high
# bytes of delimiters, digits, e-mail addresses and Latin letters; a CSV in any script has plenty),
# in the other byte at most that share (U+0100, U+4E00 and the like: rare letters even in the scripts
# that have them). Binary data has NULs in both bytes of the pair, or neither.
_UTF16_HIGH_BYTE_NULS = 0.2
_UTF16_LOW_BYTE_NULS = 0.05
# Decoded UTF-16 text holds no control characters but tab and line breaks; binary data read as UTF-16
# with NUL high bytes is a quarter control characters. A few are tolerated (a stray form feed).
_UTF16_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _utf16_without_bom(sample: bytes) -> str | None:
    """The codec of a sample that is UTF-16 text without a byte-order mark ("utf-16-le" or
    "utf-16-be"), else None.

    The judge is the NUL pattern (every second byte NUL, the high byte of each character) and then
    the decoded text, which must read as text and not as binary data that happens to hold NULs.
    """
    if b"\x00" not in sample or len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_share, odd_share = even.count(0) / len(even), odd.count(0) / len(odd)
    codec, high, low = (
        ("utf-16-le", odd_share, even_share)
        if odd_share > even_share
        else ("utf-16-be", even_share, odd_share)
    )
    if high < _UTF16_HIGH_BYTE_NULS or low > _UTF16_LOW_BYTE_NULS:
        return None
    try:
        # Not final: the sample may end inside a character (half a pair, or half a surrogate pair).
        text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    if len(_CONTROL.findall(text)) > _UTF16_CONTROL_SHARE * len(text):
        return None
    return codec


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _codec_name(name: str) -> str:
    """charset-normalizer's names, as Python's codec registry knows them."""
    return codecs.lookup(name).name


@dataclass(frozen=True)
class MixedEncoding:
    """A UTF-8 file with some lines in a single-byte code page (two exports pasted together, or one
    record edited in an old tool): each line read in its own encoding, the whole as UTF-8."""

    utf8: bytes
    other_encoding: str
    other_lines: list[int]  # 1-based physical line numbers, in order

    def note(self) -> str:
        """What was done, for the table's notes (templates [note] of reports/i18n)."""
        count = len(self.other_lines)
        if count == 1:
            return Words(
                "note.mixed_encoding_line", {"line": self.other_lines[0], "encoding": self.other_encoding}
            )
        named: object = Several([str(line) for line in self.other_lines[:_LINES_NAMED]])
        if count > _LINES_NAMED:
            named = Words("note.mixed_encoding_more", {"lines": named, "count": count - _LINES_NAMED})
        return Words("note.mixed_encoding", {"count": count, "lines": named, "encoding": self.other_encoding})


_LINES_NAMED = 5
# A lead byte and a continuation byte: the start of every multi-byte UTF-8 character. In single-byte
# text the pair is an accident (an accented capital before a typographic symbol); a whole line that
# decodes as UTF-8 with one is UTF-8.
_UTF8_START = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_ASCII = bytes(range(128))
# Lines are checked this many bytes at a time, so that checking never holds more than a slice decoded.
_CHECK_BYTES = 1 << 24
# The single-byte code page of the lines that are not UTF-8 is judged on at most this many of their bytes.
_GUESS_BYTES = 1 << 20


def holds_utf8_start(data: bytes) -> bool:
    """Whether the bytes may hold a multi-byte UTF-8 character; False proves they hold none.

    The ASCII bytes are dropped first (in a byte search, a single-byte export is nearly all ASCII), so
    a lead byte may meet a continuation byte from further on: a false True, never a false False.
    """
    return _UTF8_START.search(data.translate(None, _ASCII)) is not None


def decode_mixed(data: bytes) -> MixedEncoding | None:
    """The file read line by line, when it is UTF-8 except some lines; None when it is not UTF-8 at all
    (no line with a non-ASCII character decodes as UTF-8) or when every line is UTF-8.

    Only called once the file has failed to decode as UTF-8, so pure UTF-8 exports never pay for it.
    """
    newline = b"\n" if b"\n" in data else b"\r"  # old Mac exports end lines with CR alone
    if not _has_utf8_line(data, newline):
        return None
    spans = _spans_not_utf8(data, newline)
    if not spans:
        return None
    guess_sample = bytearray()
    for start, end in spans:
        guess_sample += data[start:end]
        if len(guess_sample) >= _GUESS_BYTES:
            break
    other = _best_single_byte_encoding(bytes(guess_sample))
    utf8 = bytearray()
    view = memoryview(data)
    line_numbers: list[int] = []
    previous, line_number = 0, 1
    for start, end in spans:
        line_number += data.count(newline, previous, start)
        line_numbers.append(line_number)
        utf8 += view[previous:start]
        utf8 += data[start:end].decode(other, errors="replace").encode("utf-8")
        previous, line_number = end, line_number + 1
    utf8 += view[previous:]
    return MixedEncoding(utf8=bytes(utf8), other_encoding=other, other_lines=line_numbers)


def _has_utf8_line(data: bytes, newline: bytes) -> bool:
    if not holds_utf8_start(data):
        return False
    position = 0
    while match := _UTF8_START.search(data, position):
        start, end = _line_around(data, match.start(), newline)
        if _decodes(data[start:end], "utf-8"):
            return True
        position = end
    return False


def _spans_not_utf8(data: bytes, newline: bytes) -> list[tuple[int, int]]:
    """Start and end offsets of the lines that do not decode as UTF-8."""
    spans = []
    view = memoryview(data)
    position = 0
    while position < len(data):
        limit = _line_around(data, min(position + _CHECK_BYTES, len(data)) - 1, newline)[1]
        try:
            codecs.utf_8_decode(view[position:limit], "strict", True)
            position = limit
        except UnicodeDecodeError as error:
            start, end = _line_around(data, position + error.start, newline)
            spans.append((start, end))
            position = end
    return spans


def _line_around(data: bytes, index: int, newline: bytes) -> tuple[int, int]:
    """Offsets of the start of the line holding data[index] and of the start of the next line."""
    start = data.rfind(newline, 0, index) + 1
    end = data.find(newline, index)
    return start, (len(data) if end < 0 else end + 1)
