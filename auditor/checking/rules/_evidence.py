"""Findings for open leads whose who-is-who evidence says they are something else (CL001-CL003).

Who-is-who (auditor/whoiswho.py) has already decided each record's `suggested_type` and kept the
evidence code behind it; these rules only pick their codes and spell the evidence out: the field it
rests on, the value, the test, and for account evidence the account record itself (listed second
in the finding's records, so a reviewer can open both rows).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule
from auditor.checking.rules._leads import evidence_in, open_leads_of
from auditor.checking.rules._naming import record_names, with_article
from auditor.findings import Finding

# How who-is-who found an account -> the person's field it matched on.
_ACCOUNT_LINK_FIELDS = {
    "account id": "account_id",
    "account id in the company field": "company",
    "company name": "company",
    "email domain": "email",
}


def misclassified_leads(rule: Rule, context: AuditContext, codes: Collection[str]) -> list[Finding]:
    """One finding per open lead whose evidence code is one of `codes`. Evidence tied to the lead by
    the company name alone is said to be that, and reported a severity lower (see `whoiswho.GRADES`)."""
    who = context.who
    if who is None:
        return []
    records = context.records
    positions = np.flatnonzero(open_leads_of(context) & evidence_in(context, codes))
    if not len(positions):
        return []
    chosen = records.iloc[positions]
    columns = {
        name: chosen[name].to_numpy(dtype=object)
        for name in ("email", "won_deals", "became_customer_at", "account_id", "company")
    }
    suggested = chosen["suggested_type"].to_numpy(dtype=object)
    reasons = chosen["suggested_reason"].to_numpy(dtype=object)
    names = record_names(chosen)
    findings = []
    for index, (position, ref) in enumerate(zip(positions, context.refs(positions), strict=True)):
        code = str(who.evidence[position])
        grade = str(who.grade[position]) if len(who.grade) else ""
        weak = grade in whoiswho.WEAK_GRADES
        evidence = _evidence(code, index, position, columns, context, who)
        account = int(who.account_position[position])
        if weak:
            message = (
                f"{names[index]} is labelled a lead, but may be {with_article(suggested[index])}: "
                f"{reasons[index]}; the company name is the only link, so check that it is the same company."
            )
        else:
            message = (
                f"{names[index]} is labelled a lead, but the evidence says {suggested[index]}: "
                f"{reasons[index]}."
            )
        finding = rule.finding(
            message=message,
            records=[ref, context.ref(account)] if code.endswith("_account") else [ref],
            evidence=evidence
            | {"suggested_type": suggested[index], "reason": reasons[index], "grade": grade},
        )
        if weak:
            finding.severity = weaker_severity(finding.severity)
        findings.append(finding)
    return findings


def weaker_severity(severity: str) -> str:
    """One level below `severity` (info stays info): for evidence that is only a lead to check."""
    order = ("info", "warning", "error")
    return order[max(order.index(severity) - 1, 0)]


def _evidence(
    code: str,
    index: int,
    position: int,
    columns: dict[str, np.ndarray],
    context: AuditContext,
    who: whoiswho.WhoIsWho,
) -> dict[str, Any]:
    config = context.config
    if code in (whoiswho.INTERNAL_DOMAIN, whoiswho.PARTNER_DOMAIN):
        internal = code == whoiswho.INTERNAL_DOMAIN
        domains = (*config.internal_domains, *who.staff_domains) if internal else config.partner_domains
        return {
            "field": "email",
            "value": columns["email"][index],
            "check": f"email domain is one of the {'internal' if internal else 'partner'} domains",
            "domains": list(dict.fromkeys(domains)),
        }
    if code == whoiswho.STAFF_USER:
        return {"field": "email", "value": columns["email"][index], "check": "the address is a CRM user's"}
    if code == whoiswho.WON_DEALS:
        return {"field": "won_deals", "value": columns["won_deals"][index], "check": "won deals > 0"}
    if code == whoiswho.BECAME_CUSTOMER:
        return {
            "field": "became_customer_at",
            "value": columns["became_customer_at"][index],
            "check": f"became-customer date on or before the audit date {config.as_of.isoformat()}",
        }
    if code == whoiswho.WON_DEAL:
        deal = who.deal(position)
        assert deal is not None  # the code is given only with a deal
        return {
            "check": f"a won deal names the lead's {who.deal_link[position]}",
            "deal": {
                "file": deal["source_file"],
                "row": int(deal["source_row"]),
                "id": deal["source_id"] or None,
                "name": deal["deal_name"],
                "stage": deal["stage_label"] or deal["status_label"],
                "company": deal["company"],
            },
            "won_deals": int(who.won_deal_count[position]),
            "link": str(who.deal_link[position]),
        }
    # Account evidence: customer_account or partner_account.
    link = str(who.account_link[position])
    field = _ACCOUNT_LINK_FIELDS[link]
    account = int(who.account_position[position])
    account_record = context.records.iloc[account]
    return {
        "field": field,
        "value": columns[field][index],
        "check": f"an account of that {link} is typed {account_record['record_type']}",
        "account": account_record["company"],
        "account_type": account_record["type_label"],
    }
