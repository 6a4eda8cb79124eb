"""Tables that hold no people, read for what they prove: won deals say customer, users say staff.

Detection (auditor/detecting.py, rules/tables.toml) tells these tables apart from people; they never
enter the records the rules audit. Deals, opportunities and potentials of any platform become one
`Deals` table (auditor/model.py), users one `Users` table; who-is-who (auditor/whoiswho.py) links
them to the people and accounts audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from auditor.detecting import Detection
from auditor.folding import fold
from auditor.keys import email_domains, free_mail_domains
from auditor.loading import RawTable
from auditor.model import DEAL_FIELDS, USER_FIELDS, Deals, Users
from auditor.resources import load_rules_toml
from auditor.terms import Vocabulary

# A user domain is taken for the organisation's own only when enough users share it: user tables
# also hold partner-portal, community and integration users at other companies' domains.
_MIN_DOMAIN_USERS = 2
_MIN_DOMAIN_SHARE = 0.1
# Salesforce user types that are not staff (portal, community, guest and automated users).
_NOT_STAFF = frozenset(
    fold(kind)
    for kind in (
        "PowerPartner",
        "PowerCustomerSuccess",
        "CustomerSuccess",
        "CspLitePortal",
        "CsnOnly",
        "Guest",
        "AutomatedProcess",
        "SelfService",
        "Partner Community",
        "Customer Community",
    )
)


@dataclass
class Evidence:
    """Deals and users read from the inputs, numbered in the order they were read."""

    deals: pd.DataFrame = field(default_factory=lambda: _empty(Deals, DEAL_FIELDS))
    users: pd.DataFrame = field(default_factory=lambda: _empty(Users, USER_FIELDS))

    def add(self, kind: str, frame: pd.DataFrame) -> None:
        if kind == "deal":
            self.deals = pd.concat([self.deals, frame], ignore_index=True)
        elif kind == "user":
            self.users = pd.concat([self.users, frame], ignore_index=True)

    def staff_emails(self) -> np.ndarray:
        """Lower-cased addresses of the users who are staff (emails and email-shaped user names)."""
        staff = self._staff()
        if staff.empty:
            return np.zeros(0, dtype=object)
        addresses = pd.concat([staff["email"], staff["username"]], ignore_index=True).str.strip().str.lower()
        return np.unique(addresses[addresses.str.contains("@", regex=False)].to_numpy(dtype=object))

    def staff_record_ids(self) -> np.ndarray:
        """Ids of the person records that are staff users' own (Odoo: a user's partner)."""
        staff = self._staff()
        if staff.empty:
            return np.zeros(0, dtype=object)
        ids = staff["person_id"].str.strip()
        return np.unique(ids[ids != ""].to_numpy(dtype=object))

    def staff_domains(self) -> list[tuple[str, int]]:
        """Email domains most of the staff users share (not free mail), with how many users each."""
        staff = self._staff()
        if staff.empty:
            return []
        domains = email_domains(staff["email"].where(staff["email"] != "", staff["username"]))
        domains = domains[(domains != "") & ~domains.isin(free_mail_domains())]
        if domains.empty:
            return []
        counts = Counter(domains.tolist())
        return sorted(
            (
                (domain, count)
                for domain, count in counts.items()
                if count >= _MIN_DOMAIN_USERS and count >= _MIN_DOMAIN_SHARE * len(domains)
            ),
            key=lambda item: (-item[1], item[0]),
        )

    def _staff(self) -> pd.DataFrame:
        users = self.users
        kinds = users["user_type"].map(fold)
        return users[~kinds.isin(_NOT_STAFF)]


def _empty(model: type, fields: tuple[str, ...]) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {
        "source_file": pd.Series([], dtype="str"),
        "source_row": pd.Series([], dtype=np.int64),
    }
    columns |= {name: pd.Series([], dtype="str") for name in fields}
    if model is Deals:
        columns["won"] = pd.Series([], dtype=bool)
    return pd.DataFrame(columns)


def evidence_table(table: RawTable, detection: Detection, vocabulary: Vocabulary) -> pd.DataFrame:
    """The deal or user table of one input, in the `Deals` or `Users` shape."""
    fields = DEAL_FIELDS if detection.object == "deal" else USER_FIELDS
    by_field = {field_name: header for header, field_name in detection.columns.items()}
    size = table.rows
    columns: dict[str, pd.Series] = {
        "source_file": pd.Series(np.full(size, table.file, dtype=object), dtype="str"),
        "source_row": pd.Series(table.row_numbers.astype(np.int64)),
    }
    for name in fields:
        if name in by_field:
            columns[name] = table.frame[by_field[name]].str.strip().reset_index(drop=True)
        else:
            columns[name] = pd.Series(np.full(size, "", dtype=object), dtype="str")
    frame = pd.DataFrame(columns)
    if detection.object == "deal":
        frame["won"] = won_deals(frame, vocabulary)
        return Deals.validate(frame)
    return Users.validate(frame)


def won_deals(deals: pd.DataFrame, vocabulary: Vocabulary) -> np.ndarray:
    """Which deals are won: by their won flag where the export has one (Salesforce IsWon decides),
    else by their status (Pipedrive won/lost/open, Dynamics Won), else by their stage."""
    won = np.zeros(len(deals), dtype=bool)
    decided = np.zeros(len(deals), dtype=bool)
    flag = deals["is_won"].map(fold)
    yes, no = _flag_words()
    said = flag.isin(yes).to_numpy() | flag.isin(no).to_numpy()
    won[said] = flag.isin(yes).to_numpy()[said]
    decided |= said
    for column in ("status_label", "stage_label"):
        meaning = _deal_meanings(deals[column], vocabulary)
        said = ~decided & (meaning != "")
        won[said] = meaning[said] == "won"
        decided |= said
    return won


def _deal_meanings(labels: pd.Series, vocabulary: Vocabulary) -> np.ndarray:
    codes, uniques = pd.factorize(labels, sort=False)
    meanings = np.array(
        [""] + [(term.value if (term := vocabulary.lookup("deal", str(label))) else "") for label in uniques],
        dtype=object,
    )
    return meanings[codes + 1]


@cache
def _flag_words() -> tuple[frozenset[str], frozenset[str]]:
    words = load_rules_toml("booleans.toml")
    return frozenset(map(fold, words["yes"])), frozenset(map(fold, words["no"]))
