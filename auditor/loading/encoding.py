"""Working out how a text file is encoded, from its bytes, before any parser sees it."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from auditor.errors import InputError

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
    export); otherwise charset-normalizer judges the bytes (it tells cp1250 Polish from cp1252 French,
    and UTF-16 without a mark). Binary content is refused.
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
    best = from_bytes(sample).best()
    if best is None:
        return "cp1252" if _decodes(sample, "cp1252") else "latin-1"
    return _codec_name(best.encoding)


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
