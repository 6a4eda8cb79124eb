"""Step 6: matching people: the same person within a file, across files, objects and platforms.

`match_people(records, config)` returns the pairs judged to be the same person and the clusters they
form; it also fills `records["duplicate_cluster"]`. The duplicate and lead-is-contact rules turn the
result into findings, and `adopt_matched_types` lets a lead take the type of the record it matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.matching.keys import email_domains
from auditor.whoiswho import MATCHED_RECORD, WhoIsWho


@dataclass
class MatchResult:
    """Pairs of records judged to be the same person, and the clusters they form.

    `pairs` has columns left, right (positions in records, left < right), score (0..1) and
    matched_on (tuple of field names); `evidence` maps a pair index to its per-field explanation.
    `cluster` gives each record's cluster number (-1 when it matches nobody).
    """

    pairs: pd.DataFrame
    cluster: np.ndarray
    evidence: dict[int, list[dict[str, object]]] = field(default_factory=dict)


def match_people(records: pd.DataFrame, config: Config) -> MatchResult:
    """Exact matching on the normalised email address (people only, role addresses excluded)."""
    people = records["object"] != "account"
    emails = records["email"].str.strip().str.lower()
    usable = people & (records["email_status"] == "valid") & (email_domains(emails) != "")
    keys = emails.where(usable, "")
    positions = np.flatnonzero(keys.to_numpy() != "")
    frame = pd.DataFrame({"key": keys.to_numpy()[positions], "position": positions})
    first = frame.groupby("key", sort=False)["position"].transform("min")
    pairs = pd.DataFrame({"left": first.to_numpy(), "right": frame["position"].to_numpy()})
    pairs = pairs[pairs["left"] != pairs["right"]].reset_index(drop=True)
    pairs["score"] = 1.0
    pairs["matched_on"] = [("email",)] * len(pairs)
    cluster = np.full(len(records), -1, dtype=np.int64)
    cluster[pairs["left"].to_numpy()] = pairs["left"].to_numpy()
    cluster[pairs["right"].to_numpy()] = pairs["left"].to_numpy()
    labels = np.where(cluster >= 0, "C" + pd.Series(cluster).astype(str).to_numpy(dtype=object), "")
    records["duplicate_cluster"] = pd.Series(labels, index=records.index, dtype="str")
    return MatchResult(pairs=pairs, cluster=cluster)


def adopt_matched_types(records: pd.DataFrame, matches: MatchResult, who: WhoIsWho) -> None:
    """A lead that is the same person as a contact, customer or partner takes that record's type,
    unless stronger evidence (domains, won deals, accounts) already decided it."""
    record_type = records["record_type"].to_numpy(dtype=object)
    suggested = records["suggested_type"].to_numpy(dtype=object).copy()
    reason = records["suggested_reason"].to_numpy(dtype=object).copy()
    for left, right in matches.pairs[["left", "right"]].itertuples(index=False):
        for lead, other in ((left, right), (right, left)):
            if record_type[lead] == "lead" and record_type[other] in ("contact", "customer", "partner", "employee"):
                if who.evidence[lead] == "":
                    suggested[lead] = record_type[other]
                    reason[lead] = (
                        f"same person as {record_type[other]} {records['source_file'].iat[other]} "
                        f"row {records['source_row'].iat[other]}"
                    )
                    who.evidence[lead] = MATCHED_RECORD
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
