"""Findings for open leads whose who-is-who evidence says they are something else (CL001-CL003).

Who-is-who (auditor/whoiswho.py) has already decided each record's `suggested_type` and kept the
evidence code behind it; these rules only pick their codes and spell the evidence out: the field it
rests on, the value, the test, and for account evidence the account record itself (listed second
in the finding's records, so a reviewer can open both rows).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule
from auditor.checking.rules._leads import evidence_in, open_leads_of
from auditor.checking.rules._naming import record_names, with_article
from auditor.finding_groups import FindingGroup, record_refs
from auditor.findings import Finding

# How who-is-who found an account -> the person's field it matched on.
_ACCOUNT_LINK_FIELDS = {
    "account id": "account_id",
    "account id in the company field": "company",
    "company name": "company",
    "email domain": "email",
}


def misclassified_leads(rule: Rule, context: AuditContext, codes: Collection[str]) -> list[FindingGroup]:
    """One finding per open lead whose evidence code is one of `codes`, kept as columns (a real
    org keeps a fifth of its leads at customer accounts: 200k findings in a million leads). Evidence
    tied to the lead by the company name alone is said to be that, and reported a severity lower
    (see `whoiswho.GRADES`). Account evidence names the account record second."""
    who = context.who
    if who is None:
        return []
    records = context.records
    positions = np.flatnonzero(open_leads_of(context) & evidence_in(context, codes))
    if not len(positions):
        return []
    code = who.evidence[positions].astype(object)
    grade = (
        who.grade[positions].astype(object) if len(who.grade) else np.full(len(positions), "", dtype=object)
    )
    measured = {
        "code": code,
        "grade": grade,
        "suggested": records["suggested_type"].take(positions).to_numpy(dtype=object),
        "reason": records["suggested_reason"].take(positions).to_numpy(dtype=object),
        "link": who.account_link[positions].astype(object),
        "deal_link": who.deal_link[positions].astype(object)
        if len(who.deal_link)
        else np.full(len(positions), "", dtype=object),
        "won_deals": who.won_deal_count[positions]
        if len(who.won_deal_count)
        else np.zeros(len(positions), dtype=np.int64),
        **_deals(who, positions, code),
    }
    account = np.asarray(who.account_position[positions], dtype=np.int64)
    names_account = np.array([str(value).endswith("_account") for value in code], dtype=bool)
    named = 1 + names_account.astype(np.int64)
    # The lead, then its account where the evidence is the account's: one finding after another.
    at = np.column_stack([positions, account]).ravel()[
        np.column_stack([np.ones(len(positions), dtype=bool), names_account]).ravel()
    ]
    config = context.config
    domains = {
        whoiswho.INTERNAL_DOMAIN: list(dict.fromkeys((*config.internal_domains, *who.staff_domains))),
        whoiswho.PARTNER_DOMAIN: list(dict.fromkeys(config.partner_domains)),
    }
    write = partial(_write, rule, domains, config.as_of.isoformat())
    weak = np.isin(grade, list(whoiswho.WEAK_GRADES))
    groups = []
    for severity, chosen in ((rule.severity, ~weak), (weaker_severity(rule.severity), weak)):
        if not chosen.any():
            continue
        keep = np.repeat(chosen, named)
        groups.append(
            rule.columns(
                context,
                at[keep],
                {name: values[chosen] for name, values in measured.items()},
                write,
                named=named[chosen],
                severity=severity,
            )
        )
    return groups


def weaker_severity(severity: str) -> str:
    """One level below `severity` (info stays info): for evidence that is only a lead to check."""
    order = ("info", "warning", "error")
    return order[max(order.index(severity) - 1, 0)]


def _deals(who: whoiswho.WhoIsWho, positions: np.ndarray, code: np.ndarray) -> dict[str, np.ndarray]:
    """The won deal each finding names (WON_DEAL evidence), as columns of plain values: the deals
    table is not kept with the findings."""
    columns = {name: np.full(len(positions), None, dtype=object) for name in _DEAL_FIELDS}
    deal = np.full(len(positions), -1, dtype=np.int64)
    if len(who.deal_position) and who.evidence_tables is not None:
        deal = np.where(code == whoiswho.WON_DEAL, who.deal_position[positions], -1)
    found = np.flatnonzero(deal >= 0)
    if len(found):
        deals = who.evidence_tables.deals  # type: ignore[union-attr]
        for name, column in _DEAL_FIELDS.items():
            columns[name][found] = deals[column].take(deal[found]).to_numpy(dtype=object)
        stage = deals["status_label"].take(deal[found]).to_numpy(dtype=object)
        columns["deal_stage"][found] = np.where(
            columns["deal_stage"][found] != "", columns["deal_stage"][found], stage
        )
    return columns


# Columns of a won deal that a finding shows -> the deals table's column.
_DEAL_FIELDS = {
    "deal_file": "source_file",
    "deal_row": "source_row",
    "deal_id": "source_id",
    "deal_name": "deal_name",
    "deal_stage": "stage_label",
    "deal_company": "company",
}


def _write(
    rule: Rule,
    domains: Mapping[str, list[str]],
    as_of: str,
    records: pd.DataFrame,
    at: np.ndarray,
    named: np.ndarray,
    measured: Mapping[str, np.ndarray],
) -> list[Finding]:
    starts = np.cumsum(named) - named
    leads = at[starts]
    account = np.where(named > 1, at[np.minimum(starts + 1, len(at) - 1)], 0)
    names = record_names(records, leads)
    lead_values = {
        name: records[name].take(leads).to_numpy(dtype=object)
        for name in ("email", "won_deals", "became_customer_at", "account_id", "company")
    }
    account_values = {
        name: records[name].take(account).to_numpy(dtype=object)
        for name in ("company", "type_label", "record_type")
    }
    refs = iter(record_refs(records, at))
    findings = []
    for index, (code, grade, suggested, reason) in enumerate(
        zip(
            measured["code"].tolist(),
            measured["grade"].tolist(),
            measured["suggested"].tolist(),
            measured["reason"].tolist(),
            strict=True,
        )
    ):
        if grade in whoiswho.WEAK_GRADES:
            message = (
                f"{names[index]} is labelled a lead, but may be {with_article(suggested)}: "
                f"{reason}; the company name is the only link, so check that it is the same company."
            )
        else:
            message = f"{names[index]} is labelled a lead, but the evidence says {suggested}: {reason}."
        evidence = _evidence(code, index, measured, lead_values, account_values, domains, as_of)
        findings.append(
            Finding(
                rule.code,
                rule.kind,
                rule.severity if grade not in whoiswho.WEAK_GRADES else weaker_severity(rule.severity),
                message,
                [next(refs) for _ in range(named[index])],
                evidence | {"suggested_type": suggested, "reason": reason, "grade": grade},
            )
        )
    return findings


def _evidence(
    code: str,
    index: int,
    measured: Mapping[str, np.ndarray],
    lead: Mapping[str, np.ndarray],
    account: Mapping[str, np.ndarray],
    domains: Mapping[str, list[str]],
    as_of: str,
) -> dict[str, Any]:
    if code in (whoiswho.INTERNAL_DOMAIN, whoiswho.PARTNER_DOMAIN):
        internal = code == whoiswho.INTERNAL_DOMAIN
        return {
            "field": "email",
            "value": lead["email"][index],
            "check": f"email domain is one of the {'internal' if internal else 'partner'} domains",
            "domains": list(domains[code]),
        }
    if code == whoiswho.STAFF_USER:
        return {"field": "email", "value": lead["email"][index], "check": "the address is a CRM user's"}
    if code == whoiswho.WON_DEALS:
        return {"field": "won_deals", "value": lead["won_deals"][index], "check": "won deals > 0"}
    if code == whoiswho.BECAME_CUSTOMER:
        return {
            "field": "became_customer_at",
            "value": lead["became_customer_at"][index],
            "check": f"became-customer date on or before the audit date {as_of}",
        }
    if code == whoiswho.WON_DEAL:
        return {
            "check": f"a won deal names the lead's {measured['deal_link'][index]}",
            "deal": {
                "file": measured["deal_file"][index],
                "row": int(measured["deal_row"][index]),
                "id": measured["deal_id"][index] or None,
                "name": measured["deal_name"][index],
                "stage": measured["deal_stage"][index],
                "company": measured["deal_company"][index],
            },
            "won_deals": int(measured["won_deals"][index]),
            "link": str(measured["deal_link"][index]),
        }
    # Account evidence: customer_account or partner_account.
    link = str(measured["link"][index])
    field = _ACCOUNT_LINK_FIELDS[link]
    return {
        "field": field,
        "value": lead[field][index],
        "check": f"an account of that {link} is typed {account['record_type'][index]}",
        "account": account["company"][index],
        "account_type": account["type_label"][index],
    }
