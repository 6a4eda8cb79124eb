"""DU001 duplicate (DU: duplicates)."""

from __future__ import annotations

import numpy as np

from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._naming import clustered_record_names
from auditor.findings import Finding
from auditor.matching.explaining import group_evidence

# Record types that play the contact role; every other person record plays the lead role or none.
CONTACT_ROLE = ("contact", "customer", "partner", "employee")


@set_rule(
    code="DU001",
    name="duplicate",
    kind="duplicate",
    severity="warning",
    summary="The same person recorded more than once in the same role (lead and lead, contact and contact)",
    bad={
        "Lead.csv row 2": "Anna Nowak, anna.nowak@acme.pl",
        "Lead.csv row 9": "ANNA NOWAK, Anna.Nowak@ACME.pl",
    },
    good={"Lead.csv row 2": "Anna Nowak, anna.nowak@acme.pl"},
    parameters={"max_pairs": 20},
)
def duplicate(rule: Rule, context: AuditContext, max_pairs: int = 20) -> list[Finding]:
    """
    ## What it does
    Finds people recorded more than once in the same role: two or more leads, or two or more
    contacts (customers, partners), in one file or across files and platforms. Records are matched
    with no configuration: emails as the mail server reads them (case, Gmail dots, +tags), phones as
    E.164, names with typos, nicknames (Bob/Robert, Kasia/Katarzyna), transliterations
    (Mohammed/Muhammad) and swapped first and last names, companies without legal forms, addresses
    and dates of birth. Role mailboxes (info@, sales@) and shared switchboard numbers count for
    little on their own. One finding lists every record of the cluster in that role, the evidence
    field by field, the record to keep and what makes the merge risky.

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
    if matches is None or matches.pairs.empty:
        return []
    records = context.records
    names = clustered_record_names(context)
    record_type = records["record_type"].to_numpy(dtype=object)
    contact_role = np.isin(record_type, CONTACT_ROLE)
    lead_role = record_type == "lead"
    groups = []
    for members in matches.clusters():
        for role, in_role in (("lead", lead_role), ("contact", contact_role)):
            chosen = [int(position) for position in members if in_role[position]]
            if len(chosen) >= 2:
                groups.append((role, chosen))
    # One look-up of every record reference, not one per finding: a million records make the
    # column access the expensive part.
    refs = iter(context.refs([position for _, chosen in groups for position in chosen]))
    findings = []
    for role, chosen in groups:
        evidence = group_evidence(matches, chosen, max_pairs=max_pairs)
        kept = chosen[evidence["keep"]["record"]]
        finding_refs = [next(refs) for _ in chosen]
        places = ", ".join(f"{ref.file} row {ref.row}" for ref in finding_refs[:5])
        more = f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""
        findings.append(
            rule.finding(
                message=(
                    f"{names[kept]} is recorded {len(chosen)} times as a {role}: {places}{more} "
                    f"(match score {evidence['score']:.2f})."
                ),
                records=finding_refs,
                evidence=evidence,
            )
        )
    return findings
