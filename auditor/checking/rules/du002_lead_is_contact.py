"""DU002 lead-is-contact (DU: duplicates)."""

from __future__ import annotations

import numpy as np

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._leads import open_leads_of
from auditor.checking.rules._naming import clustered_record_names, record_names, with_article
from auditor.checking.rules._reach import everyone, nothing_to_compare
from auditor.findings import Finding
from auditor.matching.explaining import group_evidence, review_evidence, review_severity

# The records an open lead must not duplicate: people the business already has a relationship with.
ESTABLISHED = ("contact", "customer", "partner")


def _reach(context: AuditContext, max_pairs: int) -> Reach:
    """Open leads; blind when no contacts, customers or partners are audited alongside (nobody to
    be already), or for a lead with nothing to compare."""
    records = context.records
    applies = open_leads_of(context)
    others = ((records["object"] != "account") & (records["record_type"] != "lead")).to_numpy()
    if not others.any():
        return everyone(applies, "no contacts audited alongside")
    return Reach(
        applies, (Blind("nothing to compare: no name, email or phone", nothing_to_compare(records)),)
    )


@set_rule(
    code="DU002",
    name="lead-is-contact",
    kind="lead_is_contact",
    severity="warning",
    summary="An open lead that is the same person as an existing contact, customer or partner",
    bad={"Lead.csv row 4": "Jan Kowalski (open lead)", "Contact.csv row 12": "Jan Kowalski (contact)"},
    good={"Contact.csv row 12": "Jan Kowalski (contact)"},
    parameters={"max_pairs": 20},
    reach=_reach,
)
def lead_is_contact(rule: Rule, context: AuditContext, max_pairs: int = 20) -> list[Finding]:
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
    names = clustered_record_names(context)
    record_type = records["record_type"].to_numpy(dtype=object)
    is_open_lead = open_leads_of(context)
    established = np.isin(record_type, ESTABLISHED)
    groups = []
    for members in matches.clusters():
        known = [int(position) for position in members if established[position]]
        if known:
            groups.extend([lead, *known] for lead in (int(p) for p in members if is_open_lead[p]))
    # One look-up of every record reference, not one per finding.
    refs = iter(context.refs([position for chosen in groups for position in chosen]))
    findings = []
    for chosen in groups:
        lead, known = chosen[0], chosen[1:]
        evidence = group_evidence(matches, chosen, max_pairs=max_pairs)
        finding_refs = [next(refs) for _ in chosen]
        others = ", ".join(
            f"{with_article(str(record_type[position]))} in {ref.file} row {ref.row}"
            for position, ref in zip(known[:5], finding_refs[1:6], strict=False)
        )
        more = f" and {len(known) - 5} more" if len(known) > 5 else ""
        findings.append(
            rule.finding(
                message=(
                    f"Open lead {names[lead]} ({finding_refs[0].file} row {finding_refs[0].row}) is already "
                    f"{others}{more} (match score {evidence['score']:.2f})."
                ),
                records=finding_refs,
                evidence=evidence,
            )
        )
    return findings + _review_findings(rule, context, is_open_lead, established)


def _review_findings(
    rule: Rule, context: AuditContext, is_open_lead: np.ndarray, established: np.ndarray
) -> list[Finding]:
    """A finding per pair set aside for review of an open lead and an established record."""
    matches = context.matches
    assert matches is not None
    left = matches.review["left"].to_numpy(dtype=np.int64)
    right = matches.review["right"].to_numpy(dtype=np.int64)
    # Each pair read both ways: (lead, established record).
    lead = np.concatenate([left, right])
    known = np.concatenate([right, left])
    pair = np.concatenate([np.arange(len(left)), np.arange(len(left))])
    chosen = np.flatnonzero(is_open_lead[lead] & established[known])
    if not len(chosen):
        return []
    names = record_names(context.records, lead[chosen])
    record_type = context.records["record_type"].to_numpy(dtype=object)
    refs = iter(context.refs(np.column_stack([lead[chosen], known[chosen]]).ravel().tolist()))
    severity = review_severity(rule.severity)
    findings = []
    for index, name in zip(chosen.tolist(), names.tolist(), strict=True):
        evidence = review_evidence(matches, int(pair[index]), [int(lead[index]), int(known[index])])
        lead_ref, known_ref = next(refs), next(refs)
        finding = rule.finding(
            message=(
                f"Open lead {name} ({lead_ref.file} row {lead_ref.row}) may already be "
                f"{with_article(str(record_type[known[index]]))} in {known_ref.file} row {known_ref.row} "
                f"(match score {evidence['score']:.2f}, but {evidence['pairs'][0]['review']}): review "
                "before converting."
            ),
            records=[lead_ref, known_ref],
            evidence=evidence,
        )
        finding.severity = severity
        findings.append(finding)
    return findings
