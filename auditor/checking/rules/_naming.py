"""How findings name a record and its fields, so that every message reads the same way."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.findings import FieldEvidence, RecordRef
from auditor.wording import Several, Words, field_words, file_name, term

__all__ = [
    "field_evidence",
    "field_value",
    "field_values",
    "field_words",
    "place",
    "record_names",
    "with_article",
]


def with_article(record_type: str) -> str:
    """ "a lead", "an employee": a record type with its article, for messages that name one."""
    return term("article", record_type)


def place(ref: RecordRef) -> Words:
    """ "Lead.csv row 12": where a record sits, as messages say it."""
    return Words("place.row", {"file": file_name(ref.file), "row": ref.row})


def field_value(field: str, value: object) -> Words:
    """ "first name 'Test'": a field and its value, as messages say them."""
    return Words("place.field_value", {"field": field_words(field), "value": repr(value)})


def field_values(fields: list[str], values: list[object], by: str = "comma") -> Several:
    """ "first name 'Test', last name 'Test'": fields and values, joined as the language joins
    them (`by`: "comma", "and")."""
    return Several([field_value(field, value) for field, value in zip(fields, values, strict=True)], by=by)


def record_names(frame: pd.DataFrame, positions: np.ndarray | None = None) -> np.ndarray:
    """A name a person recognises for each record (of `positions` in `frame`, or all of them): the
    person's name, else the company, the email or the record id; "(no name)" when it has none."""
    columns = ("first_name", "last_name", "full_name", "company", "email", "source_id")
    values = {
        column: frame[column] if positions is None else frame[column].take(positions).reset_index(drop=True)
        for column in columns
    }
    name = (values["first_name"] + " " + values["last_name"]).str.strip()
    for fallback in columns[2:]:
        name = name.where(name != "", values[fallback])
    named = name.to_numpy(dtype=object)
    named[named == ""] = Words("place.no_name")
    return named


def field_evidence(fields: list[str], values: list[object], **details: object) -> FieldEvidence:
    """Evidence naming the offending field(s) and value(s), then what else the rule measured."""
    return FieldEvidence(list(fields), list(values), details)
