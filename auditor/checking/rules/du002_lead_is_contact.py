"""DU002 lead-is-contact (DU: duplicates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._leads import open_leads_of
from auditor.checking.rules._matched import explained, review_pairs
from auditor.checking.rules._naming import place, record_names, with_article
from auditor.checking.rules._reach import blind_reason, everyone, nothing_to_compare_blind
from auditor.finding_groups import FindingGroup, record_refs
from auditor.findings import ClusterEvidence, Finding, RecordRef
from auditor.matching.explaining import group_evidence
from auditor.wording import Several, Words

if TYPE_CHECKING:
    from auditor.matching import MatchResult

# The records an open lead must not duplicate: people the business already has a relationship with.
ESTABLISHED = ("contact", "customer", "partner")


def _reach(context: AuditContext, max_pairs: int) -> Reach:
    """Open leads; blind when no contacts, customers or partners are audited alongside (nobody to
    be already), or for a lead with nothing to compare."""
    records = context.records
    applies = open_leads_of(context)
    others = ((records["object"] != "account") & (records["record_type"] != "lead")).to_numpy()
    if not others.any():
        return everyone(applies, blind_reason("DU002", "no_contacts"))
    return Reach(applies, (nothing_to_compare_blind(records),))


@set_rule(
    code="DU002",
    name="lead-is-contact",
    kind="lead_is_contact",
    severity="warning",
    summary="An open lead that is the same person as an existing contact, customer or partner",
    bad={"Lead.csv row 2": "Jan Kowalski (open lead)", "Contact.csv row 2": "Jan Kowalski (contact)"},
    good={"Contact.csv row 2": "Jan Kowalski (contact)"},
    parameters={"max_pairs": 20},
    reach=_reach,
)
def lead_is_contact(rule: Rule, context: AuditContext, max_pairs: int = 20) -> list[FindingGroup]:
    """
    ## What it does
    Finds open leads (not converted, disqualified or closed) that are the same person as a contact,
    customer or partner record, in the same export, another file of the same CRM, or another
    platform's export. The match is the one the duplicate rule uses: names with typos, nicknames and
    transliterations, emails as the mail server reads them, E.164 phones, companies without legal
    forms, addresses and birth dates, weighed without configuration. The lead comes first in the
    finding's records, then the records it already is, with the evidence field by field and how sure
    the match is (`confidence`: "sure", "likely" or "review"). The lead's suggested type becomes the
    type of the record it matches. A lead that looks like a contact but carries another birth date,
    another mailbox at the same company, or another last name and another email, or has no given
    name and lives at a private contact's home under the same family name, is reported for review,
    a severity lower, and keeps its type.

    ## Why it matters
    A person who is already a contact or a customer but still sits in the lead queue is prospected
    again: cold calls and nurture emails to someone the business knows, pipeline counted twice, and
    lead-to-customer conversion rates that are wrong. It is the most common leftover of manual
    imports and of leads created from web forms by existing customers.

    ## Example
    A Salesforce lead "Jan Kowalski, jan.kowalski@acme.pl, status Open - Not Contacted" and a
    Salesforce contact "Jan Kowalski, JAN.KOWALSKI@ACME.PL" at the customer account "ACME Sp. z o.o.".

    ## Use instead
    Convert the lead into the existing contact (Salesforce "Convert" with the existing contact
    chosen; HubSpot merge), or close it as a duplicate.
    """
    matches = context.matches
    if matches is None or (matches.pairs.empty and matches.review.empty):
        return []
    records = context.records
    is_open_lead = open_leads_of(context)
    established = records["record_type"].isin(ESTABLISHED).to_numpy()
    found: list[FindingGroup] = []
    leads, lead_cluster = matches.clustered(is_open_lead)
    known, known_cluster = matches.clustered(established)
    clusters = int(matches.cluster.max(initial=-1)) + 1
    known_count = np.bincount(known_cluster, minlength=clusters)
    known_start = np.cumsum(known_count) - known_count
    # Each open lead of a cluster with established records, then those records: one finding each.
    chosen = known_count[lead_cluster] > 0
    leads, lead_cluster = leads[chosen], lead_cluster[chosen]
    if len(leads):
        named = 1 + known_count[lead_cluster]
        at = np.empty(int(named.sum()), dtype=np.int64)
        starts = np.cumsum(named) - named
        at[starts] = leads
        following = np.ones(len(at), dtype=bool)
        following[starts] = False
        counts = named - 1
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        at[following] = known[np.repeat(known_start[lead_cluster], counts) + within]
        found.append(explained(rule, context, at, named, {}, _write_clusters, max_pairs))
    left = matches.review["left"].to_numpy(dtype=np.int64)
    right = matches.review["right"].to_numpy(dtype=np.int64)
    # Each pair set aside for review read both ways: (lead, established record).
    lead = np.concatenate([left, right])
    known = np.concatenate([right, left])
    pair = np.concatenate([np.arange(len(left)), np.arange(len(left))])
    chosen = np.flatnonzero(is_open_lead[lead] & established[known])
    if len(chosen):
        found.append(review_pairs(rule, context, lead[chosen], known[chosen], pair[chosen], _review_wording))
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
    """A finding per open lead in a cluster with established records: the lead, then those."""
    matches.prepare(at)  # the chunk's explanations in one pass
    starts = np.cumsum(named) - named
    names = record_names(records, at[starts]).tolist()
    record_type = records["record_type"].take(at).to_numpy(dtype=object).tolist()
    refs = record_refs(records, at)
    findings = []
    for start, size, name in zip(starts.tolist(), named.tolist(), names, strict=True):
        chosen = at[start : start + size].tolist()
        evidence = group_evidence(matches, chosen, max_pairs=max_pairs)
        finding_refs = refs[start : start + size]
        others = Several(
            [
                Words("place.type_in", {"type": with_article(str(kind)), "place": place(ref)})
                for kind, ref in zip(
                    record_type[start + 1 : start + min(size, 6)], finding_refs[1:6], strict=True
                )
            ]
        )
        findings.append(
            rule.finding(
                says="already",
                values={
                    "name": name,
                    "lead": place(finding_refs[0]),
                    "others": others,
                    "more": rule.says("more", {"count": size - 6}) if size > 6 else "",
                    "score": evidence.score,
                },
                records=finding_refs,
                evidence=evidence,
            )
        )
    return findings


def _review_wording(
    rule: Rule, name: str, kind: str, lead: RecordRef, known: RecordRef, evidence: ClusterEvidence
) -> str:
    return rule.says(
        "review",
        {
            "name": name,
            "lead": place(lead),
            "known": Words("place.type_in", {"type": with_article(kind), "place": place(known)}),
            "score": evidence.score,
            "reason": evidence.pairs[0].review,
        },
    )
