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
from auditor.checking.rules._naming import record_names
from auditor.findings import Finding

# How who-is-who found an account -> the person's field it matched on.
_ACCOUNT_LINK_FIELDS = {"account id": "account_id", "company name": "company", "email domain": "email"}


def misclassified_leads(rule: Rule, context: AuditContext, codes: Collection[str]) -> list[Finding]:
    """One finding per open lead whose evidence code is one of `codes`."""
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
        evidence = _evidence(code, index, position, columns, context, who)
        account = int(who.account_position[position])
        findings.append(
            rule.finding(
                message=(
                    f"{names[index]} is labelled a lead, but the evidence says "
                    f"{suggested[index]}: {reasons[index]}."
                ),
                records=[ref, context.ref(account)] if code.endswith("_account") else [ref],
                evidence=evidence | {"suggested_type": suggested[index], "reason": reasons[index]},
            )
        )
    return findings


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
        domains = config.internal_domains if code == whoiswho.INTERNAL_DOMAIN else config.partner_domains
        which = "internal" if code == whoiswho.INTERNAL_DOMAIN else "partner"
        return {
            "field": "email",
            "value": columns["email"][index],
            "check": f"email domain is one of the {which} domains",
            "domains": list(domains),
        }
    if code == whoiswho.WON_DEALS:
        return {"field": "won_deals", "value": columns["won_deals"][index], "check": "won deals > 0"}
    if code == whoiswho.BECAME_CUSTOMER:
        return {
            "field": "became_customer_at",
            "value": columns["became_customer_at"][index],
            "check": f"became-customer date on or before the audit date {config.as_of.isoformat()}",
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
