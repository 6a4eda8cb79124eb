"""Texts of findings that every report language can say.

A rule words what it found (a message, the check a value failed, why a record is kept, what makes a
merge risky) as `Words`: a template of reports/i18n/<lang>.toml and the values that fill it. A
`Words` is the English text itself (a `str`), so the findings JSON, the English report and every
comparison read it as they always did; a report in another language asks it for its own wording
(`in_language`), and marks it English where that language has no template yet.

The catalogues live here, beside the one place that reads them, so that rules can word findings
without importing the report writers.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from auditor.resources import reports_dir

FALLBACK = "en"


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every key of one language's file, flattened to dotted keys ("kind.duplicate.why")."""
    text = reports_dir("i18n", f"{lang}.toml").read_text(encoding="utf-8")
    flat: dict[str, str] = {}
    _flatten(tomllib.loads(text), "", flat)
    return flat


def _flatten(table: Mapping[str, Any], prefix: str, into: dict[str, str]) -> None:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, dotted + ".", into)
        else:
            into[dotted] = str(value)


class Words(str):
    """A text worded from template `key` of reports/i18n with `values`; as a `str`, its English.

    A value may itself be `Words` or `Several` (a list said in the language's way): each is said in
    the language of the text around it. Numbers are written the language's way ("{score:.2f}" is
    0.97 in English, 0,97 in French); other values go in as given."""

    # Slots: a big audit words hundreds of thousands of these.
    __slots__ = ("key", "values")

    key: str
    values: Mapping[str, Any]

    def __new__(cls, key: str, values: Mapping[str, Any] | None = None) -> Words:
        values = {} if values is None else values
        text = _say(FALLBACK, key, values)
        if text is None:
            raise KeyError(f"reports/i18n/{FALLBACK}.toml has no {key}")
        words = super().__new__(cls, text)
        words.key = key
        words.values = values
        return words

    def in_language(self, lang: str) -> str | None:
        """This text in `lang`, or None where `lang` has no template for it (or for a part of it)."""
        return str(self) if lang == FALLBACK else _say(lang, self.key, self.values)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Words, (self.key, self.values))


class Several:
    """A list inside a text, joined as the language joins it: `by` names the joiner in [join] of
    reports/i18n ("and", "vs", "comma"); items may be `Words`."""

    __slots__ = ("by", "items")

    def __init__(self, items: Sequence[Any], by: str = "comma") -> None:
        self.items = tuple(items)
        self.by = by

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Several) and (self.items, self.by) == (other.items, other.by)

    def __hash__(self) -> int:
        return hash((self.items, self.by))

    def __repr__(self) -> str:
        return f"Several({list(self.items)!r}, by={self.by!r})"

    def __str__(self) -> str:
        return str(_value(FALLBACK, self))


def said(value: Any, lang: str) -> tuple[str, bool]:
    """Any text of a finding in `lang`: its wording there and True, or its English and False when
    `lang` has no template for it (True for plain values, which are data, not sentences)."""
    if isinstance(value, Words):
        text = value.in_language(lang)
        return (str(value), False) if text is None else (text, True)
    return str(value), True


def _say(lang: str, key: str, values: Mapping[str, Any]) -> str | None:
    template = catalogue(lang).get(key)
    if template is None:
        return None
    if lang == FALLBACK and not any(type(value) is Several for value in values.values()):
        # English is Python's own way with numbers, and a Words value is its English already.
        return template.format(**values)
    filled: dict[str, Any] = {}
    for name, value in values.items():
        text = _value(lang, value)
        if text is None:
            return None
        filled[name] = text
    return template.format(**filled)


class _Number:
    """A number formatted as a language writes it: Python's format, then the language's separators."""

    __slots__ = ("decimal", "group", "value")

    def __init__(self, value: float, group: str, decimal: str) -> None:
        self.value, self.group, self.decimal = value, group, decimal

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)


def _value(lang: str, value: Any) -> Any:
    if isinstance(value, Words):
        return str(value) if lang == FALLBACK else value.in_language(lang)
    if isinstance(value, Several):
        joiner = catalogue(lang).get(f"join.{value.by}")
        if joiner is None:
            return None
        parts = [_value(lang, item) for item in value.items]
        return None if any(part is None for part in parts) else joiner.join(map(str, parts))
    if lang != FALLBACK and isinstance(value, int | float) and not isinstance(value, bool):
        texts = catalogue(lang)
        return _Number(value, texts["meta.group_separator"], texts["meta.decimal_separator"])
    return value


def term(table: str, text: str) -> str:
    """A name from settings or data in the words of reports/i18n where it has them (`[table]`,
    keyed by the English itself: a veto's name, a level's label), else as written: a name a user
    gave in their own settings is shown as they wrote it."""
    key = f"{table}.{text}"
    return Words(key) if key in catalogue(FALLBACK) else text


def field_words(name: str) -> str:
    """A record field in the words a CRM user knows it by, inside a sentence ("first name",
    "lifecycle stage"): `[words]` of reports/i18n, else the field's name with spaces."""
    key = f"words.{name}"
    return Words(key) if key in catalogue(FALLBACK) else name.replace("_", " ")


# What comes before a file's name in a path, Windows' or POSIX's.
FOLDERS = r"^.*[\\/]"
_FOLDERS = re.compile(FOLDERS)


def file_name(path: str) -> str:
    """How sentences name an input file: its name, without the folders it was read from (a record's
    reference keeps the path as given). Shorter to read, and a shared report does not say where the
    exports were kept."""
    return _FOLDERS.sub("", path)


def file_names(paths: np.ndarray) -> np.ndarray:
    """`file_name` of each path."""
    return pd.Series(paths, dtype=object).str.replace(_FOLDERS, "", regex=True).to_numpy(dtype=object)
