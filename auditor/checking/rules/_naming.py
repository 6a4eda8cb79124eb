"""How findings name a record and its fields, so that every message reads the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    pass

# Record-model fields in the words a CRM user knows them by.
FIELD_WORDS = {
    "first_name": "first name",
    "last_name": "last name",
    "full_name": "name",
    "company": "company name",
    "email": "email",
    "email_alt": "second email",
    "phone": "phone",
    "mobile": "mobile",
    "is_converted": "converted flag",
    "converted_contact_id": "converted contact id",
    "state_label": "state",
    "status_label": "status",
    "stage_label": "lifecycle stage",
    "type_label": "type",
    "person_label": "label",
    "won_deals": "won deals",
    "became_customer_at": "became-customer date",
    "account_id": "account id",
    "last_activity_at": "last activity date",
    "last_modified_at": "last modified date",
    "created_at": "created date",
}


def with_article(word: str) -> str:
    """ "a lead", "an employee": for messages that name a record's type."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


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
    return name.where(name != "", "(no name)").to_numpy(dtype=object)


def field_evidence(fields: list[str], values: list[object]) -> dict[str, object]:
    """Evidence naming the offending field and value, or fields and values when there are several."""
    if len(fields) == 1:
        return {"field": fields[0], "value": values[0]}
    return {"fields": fields, "values": values}


def field_values(fields: list[str], values: list[object], joiner: str = ", ") -> str:
    """ "first name 'Test', last name 'Test'": fields and values as a message says them."""
    return joiner.join(f"{field_words(field)} {value!r}" for field, value in zip(fields, values, strict=True))
