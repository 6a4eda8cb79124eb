"""DU001 duplicate (DU: duplicates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._matched import explained, review_pairs
from auditor.checking.rules._naming import place, record_names
from auditor.checking.rules._reach import nothing_to_compare_blind
from auditor.finding_groups import FindingGroup, record_refs
from auditor.findings import ClusterEvidence, Finding, RecordRef
from auditor.matching.explaining import group_evidence
from auditor.model import people
from auditor.wording import Several

if TYPE_CHECKING:
    from auditor.matching import MatchResult

# Record types that play the contact role; every other person record plays the lead role or none.
CONTACT_ROLE = ("contact", "customer", "partner", "employee")


def _reach(context: AuditContext, max_pairs: int) -> Reach:
    """People; blind where a record has nothing to compare (no name, email or phone)."""
    records = context.records
    return Reach(people(records), (nothing_to_compare_blind(records),))


@set_rule(
    code="DU001",
    name="duplicate",
    kind="duplicate",
    severity="warning",
    summary="The same person recorded more than once in the same role (lead and lead, contact and contact)",
    bad={
        "Lead.csv row 2": "Anna Nowak, anna.nowak@acme.pl",
        "Lead.csv row 3": "ANNA NOWAK, Anna.Nowak@ACME.pl",
    },
    good={"Lead.csv row 2": "Anna Nowak, anna.nowak@acme.pl"},
    parameters={"max_pairs": 20},
    reach=_reach,
)
def duplicate(rule: Rule, context: AuditContext, max_pairs: int = 20) -> list[FindingGroup]:
    """
    ## What it does
    Finds people recorded more than once in the same role: two or more leads, or two or more
    contacts (customers, partners), in one file or across files and platforms. Records are matched
    with no configuration: emails as the mail server reads them (case, Gmail dots, +tags), phones as
    E.164, names with typos, nicknames (Bob/Robert, Kasia/Katarzyna), transliterations
    (Mohammed/Muhammad) and swapped first and last names, companies without legal forms, addresses
    and dates of birth. Role mailboxes (info@, sales@) and shared switchboard numbers count for
    little on their own, and so do a company and its address: they say where someone works
    (between private people, with no company on either record, a home address counts field by
    field). Near-namesakes stay apart: Marcel and Marceline are two given names, and Monet and
    Monetti two last names where each record's own mailbox spells its own.
    One finding lists every record of the cluster in that role, the evidence field by field, the
    record to keep, what makes the merge risky and how sure it is (`confidence`: "sure", "likely"
    or "review"). Two records that look alike but carry two birth dates, two mailboxes at one
    company, or another last name and another email, and a private record without a given name at
    a namesake's home, are never merged: they are reported for review, a severity lower.

    ## Why it matters
    Two records of one person split the history: activities, emails and deals land on either, the
    person gets every campaign twice, reports count them twice, and two reps may call them.
    A migration copies the duplicates into the new CRM, where they cost more to merge.

    ## Example
    Lead.csv row 2 "Anna Nowak, anna.nowak@acme.pl, +48 22 123 45 67" and row 9 "ANNA NOWAK,
    Anna.Nowak@ACME.pl, 022 123 45 67"; a HubSpot contact "Bob Smith, bob@gmail.com" next to a
    Salesforce contact "Robert Smith, b.o.b@googlemail.com".

    ## Use instead
    One record per person: merge the duplicates into the record the finding suggests keeping
    (the most complete, most recently active), after checking the risks it lists.
    """
    matches = context.matches
    if matches is None or (matches.pairs.empty and matches.review.empty):
        return []
    records = context.records
    # Arrow's isin over the column, not the column as Python strings and numpy's isin on them.
    contact_role = records["record_type"].isin(CONTACT_ROLE).to_numpy()
    lead_role = (records["record_type"] == "lead").to_numpy()
    found: list[FindingGroup] = []
    at, named, roles = [], [], []
    for role, in_role in (("lead", lead_role), ("contact", contact_role)):
        members, cluster = matches.clustered(in_role)
        # The members of one role, of clusters that have two or more of them.
        sizes = np.bincount(cluster, minlength=int(cluster.max(initial=-1)) + 1)
        kept = sizes[cluster] >= 2
        at.append(members[kept])
        named.append(sizes[np.unique(cluster[kept])])
        roles.append(np.full(len(named[-1]), role, dtype=object))
    if sum(len(sizes) for sizes in named):
        found.append(
            explained(
                rule,
                context,
                np.concatenate(at).astype(np.int64),
                np.concatenate(named).astype(np.int64),
                {"role": np.concatenate(roles)},
                _write_clusters,
                max_pairs,
            )
        )
    left = matches.review["left"].to_numpy(dtype=np.int64)
    right = matches.review["right"].to_numpy(dtype=np.int64)
    # Pairs set aside for review whose two records play one role.
    review = np.flatnonzero((lead_role[left] & lead_role[right]) | (contact_role[left] & contact_role[right]))
    if len(review):
        found.append(review_pairs(rule, context, left[review], right[review], review, _review_wording))
    return found


def _write_clusters(
    rule: Rule,
    matches: MatchResult,
    max_pairs: int,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    columns: Mapping[str, np.ndarray],
) -> list[Finding]:
    """A finding per cluster's records of one role, with the evidence that joins them."""
    matches.prepare(at)  # the chunk's explanations in one pass
    names = dict(zip(at.tolist(), record_names(records, at).tolist(), strict=True))
    refs = iter(record_refs(records, at))
    findings = []
    for chosen, role in zip(np.split(at, np.cumsum(named)[:-1]), columns["role"].tolist(), strict=True):
        chosen = chosen.tolist()
        evidence = group_evidence(matches, chosen, max_pairs=max_pairs)
        kept = chosen[evidence.keep.record]
        finding_refs = [next(refs) for _ in chosen]
        findings.append(
            rule.finding(
                says=f"cluster_{role}",
                values={
                    "name": names[kept],
                    "count": len(chosen),
                    "places": Several([place(ref) for ref in finding_refs[:5]]),
                    "more": rule.says("more", {"count": len(chosen) - 5}) if len(chosen) > 5 else "",
                    "score": evidence.score,
                },
                records=finding_refs,
                evidence=evidence,
            )
        )
    return findings


def _review_wording(
    rule: Rule, name: str, kind: str, first: RecordRef, second: RecordRef, evidence: ClusterEvidence
) -> str:
    role = "lead" if kind == "lead" else "contact"  # both records play one role
    return rule.says(
        f"review_{role}",
        {
            "name": name,
            "first": place(first),
            "second": place(second),
            "score": evidence.score,
            "reason": evidence.pairs[0].review,
        },
    )
