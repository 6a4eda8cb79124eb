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

import string
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

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
    the language of the text around it. Other values go in as given: a message's English is the
    JSON's, and must not depend on a report's number format."""

    key: str
    values: Mapping[str, Any]

    def __new__(cls, key: str, values: Mapping[str, Any] | None = None) -> Words:
        values = dict(values or {})
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
    texts = catalogue(lang)
    template = texts.get(key)
    if template is None:
        return None
    filled: dict[str, Any] = {}
    for name, value in values.items():
        text = _value(lang, value)
        if text is None:
            return None
        filled[name] = text
    return _NumbersOf(texts).format(template, **filled)


class _NumbersOf(string.Formatter):
    """Formats a template's numbers as its language writes them ("{score:.2f}" is 0.97 in English,
    0,97 in French); English is Python's own format, so the JSON's messages do not change."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.group = texts.get("meta.group_separator", ",")
        self.decimal = texts.get("meta.decimal_separator", ".")

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (self.group, self.decimal) == (",", ".")
        ):
            return text
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
