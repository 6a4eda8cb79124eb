"""What the rules could check: the pieces each rule's `reach` is made of (see auditor.checking.coverage).

A blind spot is said in words a CRM user knows ("no country to read the number by"), with the
records it touches; the reports count them per rule and file. Its reason is `Words` (a template of
reports/i18n): a rule's own under `finding.<code>.blind` (`blind_reason`), one several rules share
under `reach`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.checking.coverage import Blind, Reach, Tables
from auditor.checking.rules._leads import leads, open_leads_of
from auditor.keys import company_domains
from auditor.wording import Words

if TYPE_CHECKING:
    from auditor.checking.context import AuditContext

LABEL_FIELDS = ("person_label", "stage_label", "type_label", "object_label", "status_label", "state_label")
NAME_FIELDS = ("first_name", "last_name", "full_name")


def filled(records: pd.DataFrame, *columns: str) -> np.ndarray:
    """True where any of the columns holds a value."""
    return np.logical_or.reduce([(records[column] != "").to_numpy() for column in columns])


def in_files_with(records: pd.DataFrame, *columns: str, among: np.ndarray | None = None) -> np.ndarray:
    """True for the records of the input tables in which some record fills one of the columns: the
    export has the column (a column nobody fills is as good as absent). With `among` (positions),
    only the tables of those records are looked at, and the rest are False: cheaper when a rule
    asks about a few records of a million."""
    if not len(records):
        return np.zeros(0, dtype=bool)
    having = filled(records, *columns)
    if among is None:
        tables = Tables.of(records).codes
        return (np.bincount(tables[having], minlength=int(tables.max()) + 1) > 0)[tables]
    answer = np.zeros(len(records), dtype=bool)
    if not len(among):
        return answer
    # The asked records' tables told apart by codes, not by a frame's drop_duplicates over strings.
    files, file_names = pd.factorize(records["source_file"].take(among), use_na_sentinel=False)
    sheets, sheet_names = pd.factorize(records["source_sheet"].take(among), use_na_sentinel=False)
    for pair in np.unique(files.astype(np.int64) * len(sheet_names) + sheets).tolist():
        file, sheet = file_names[pair // len(sheet_names)], sheet_names[pair % len(sheet_names)]
        table = (records["source_file"] == file).to_numpy() & (records["source_sheet"] == sheet).to_numpy()
        answer |= table & bool((table & having).any())
    return answer


def blind_reason(code: str, why: str, values: Mapping[str, Any] | None = None) -> Words:
    """Why rule `code` could not check some records, in words every report language says: the
    template `finding.<code>.blind.<why>` of reports/i18n."""
    return Words(f"finding.{code}.blind.{why}", values)


def everyone(applies: np.ndarray, reason: str) -> Reach:
    """A rule that has nothing to check against in this audit: every record it applies to is a
    blind spot, for one reason."""
    return Reach(applies, (Blind(reason, applies),))


def checked_all(applies: np.ndarray) -> Reach:
    return Reach(applies)


def linkable(records: pd.DataFrame) -> np.ndarray:
    """Records who-is-who can tie to an account or a deal: an account id, a company name, or a work
    email (free-mail domains tie nobody to a company), or their own id for a deal that names them."""
    work_email = (company_domains(records["email"]) != "").to_numpy()
    return filled(records, "account_id", "company", "source_id") | work_email


def nothing_to_compare(records: pd.DataFrame) -> np.ndarray:
    """People with neither a name, an email nor a phone: matching has nothing to go by."""
    return ~filled(records, *NAME_FIELDS, "email", "email_alt", "phone", "mobile")


def nothing_to_compare_blind(records: pd.DataFrame) -> Blind:
    """The blind spot of the rules that match people (DU001, DU002): those with neither a name, an
    email nor a phone, for the reason `reach.nothing_to_compare` of reports/i18n."""
    return Blind(Words("reach.nothing_to_compare"), nothing_to_compare(records))


def open_leads_reach(context: AuditContext) -> np.ndarray:
    return open_leads_of(context)


def leads_reach(context: AuditContext) -> np.ndarray:
    return leads(context.records)
