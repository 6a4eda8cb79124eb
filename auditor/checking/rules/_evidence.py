"""Findings for open leads whose who-is-who evidence says they are something else (CL001-CL003).

Who-is-who (auditor/whoiswho.py) has already decided each record's `suggested_type` and kept the
evidence code behind it; these rules only pick their codes and spell the evidence out: the field it
rests on, the value, the test, and for account evidence the account record itself (listed second
in the finding's records, so a reviewer can open both rows). Messages, checks and who-is-who's
reason are worded from templates of reports/i18n ([finding.CL001] ..., [whoiswho_reason]).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import partial

import numpy as np
import pandas as pd

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.registry import Rule
from auditor.checking.rules._leads import evidence_in, open_leads_of
from auditor.checking.rules._naming import field_words, record_names, with_article
from auditor.finding_groups import FindingGroup, record_refs
from auditor.findings import FieldEvidence, Finding

# How who-is-who found an account -> the person's field it matched on, and the rule's check.
_ACCOUNT_LINKS = {
    "account id": ("account_id", "check_account_id"),
    "account id in the company field": ("company", "check_account_id_in_company"),
    "company name": ("company", "check_company_name"),
    "email domain": ("email", "check_email_domain"),
}
# The measured columns of who-is-who's reason (whoiswho.reason_facts) go by this prefix.
_FACT = "reason."


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
        "link": who.account_link[positions].astype(object),
        "deal_link": who.deal_link[positions].astype(object)
        if len(who.deal_link)
        else np.full(len(positions), "", dtype=object),
        "won_deals": who.won_deal_count[positions]
        if len(who.won_deal_count)
        else np.zeros(len(positions), dtype=np.int64),
        **_deals(who, positions, code),
        **reason_columns(context, positions),
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


def reason_columns(context: AuditContext, positions: np.ndarray) -> dict[str, np.ndarray]:
    """What who-is-who's reason for each record at `positions` names, as columns a rule keeps with
    its findings (whoiswho.reason_facts): the reason is worded when the findings are written."""
    if context.who is None:
        facts = {"code": np.full(len(positions), "", dtype=object)}
    else:
        facts = whoiswho.reason_facts(context.records, context.who, positions)
    return {_FACT + name: values for name, values in facts.items()}


def reasons_of(measured: Mapping[str, np.ndarray]) -> np.ndarray:
    """The reasons kept by `reason_columns` (of the findings being written), as `Words`."""
    return whoiswho.worded_reasons(
        {name[len(_FACT) :]: values for name, values in measured.items() if name.startswith(_FACT)}
    )


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
    reasons = reasons_of(measured)
    refs = iter(record_refs(records, at))
    # Texts that repeat from finding to finding (a type, a check) are worded once per write.
    said = _Said(rule)
    findings = []
    for index, (code, grade, suggested, reason) in enumerate(
        zip(
            measured["code"].tolist(),
            measured["grade"].tolist(),
            measured["suggested"].tolist(),
            reasons.tolist(),
            strict=True,
        )
    ):
        weak = grade in whoiswho.WEAK_GRADES
        if weak:
            message = rule.says(
                "labelled_weak", {"name": names[index], "type": said.article(suggested), "reason": reason}
            )
        else:
            message = rule.says(
                "labelled", {"name": names[index], "type": said.type(suggested), "reason": reason}
            )
        evidence = _evidence(said, code, index, measured, lead_values, account_values, domains, as_of)
        evidence.details |= {"suggested_type": suggested, "reason": reason, "grade": grade}
        findings.append(
            Finding(
                rule.code,
                rule.kind,
                weaker_severity(rule.severity) if weak else rule.severity,
                message,
                [next(refs) for _ in range(named[index])],
                evidence,
            )
        )
    return findings


class _Said:
    """A rule's texts that many findings share, each worded once: a record type ("customer", "a
    customer"), a check with its values."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._said: dict[tuple[str, ...], str] = {}

    def type(self, record_type: str) -> str:
        return self._once(("type", record_type), lambda: field_words(record_type))

    def article(self, record_type: str) -> str:
        return self._once(("article", record_type), lambda: with_article(record_type))

    def check(self, says: str, **values: str) -> str:
        return self._once((says, *values.values()), lambda: self.rule.says(says, values))

    def _once(self, key: tuple[str, ...], say: Callable[[], str]) -> str:
        if key not in self._said:
            self._said[key] = say()
        return self._said[key]


def _evidence(
    said: _Said,
    code: str,
    index: int,
    measured: Mapping[str, np.ndarray],
    lead: Mapping[str, np.ndarray],
    account: Mapping[str, np.ndarray],
    domains: Mapping[str, list[str]],
    as_of: str,
) -> FieldEvidence:
    if code in (whoiswho.INTERNAL_DOMAIN, whoiswho.PARTNER_DOMAIN):
        internal = code == whoiswho.INTERNAL_DOMAIN
        return FieldEvidence.of(
            "email",
            lead["email"][index],
            check=said.check("check_internal_domains" if internal else "check_partner_domains"),
            domains=list(domains[code]),
        )
    if code == whoiswho.STAFF_USER:
        return FieldEvidence.of("email", lead["email"][index], check=said.check("check_staff_user"))
    if code == whoiswho.WON_DEALS:
        return FieldEvidence.of("won_deals", lead["won_deals"][index], check=said.check("check_won_deals"))
    if code == whoiswho.BECAME_CUSTOMER:
        return FieldEvidence.of(
            "became_customer_at",
            lead["became_customer_at"][index],
            check=said.check("check_became_customer", as_of=as_of),
        )
    if code == whoiswho.WON_DEAL:
        link = measured["deal_link"][index]
        return FieldEvidence(
            [],
            [],
            {
                "check": said.check("check_won_deal", link=link),
                "deal": {
                    "file": measured["deal_file"][index],
                    "row": int(measured["deal_row"][index]),
                    "id": measured["deal_id"][index] or None,
                    "name": measured["deal_name"][index],
                    "stage": measured["deal_stage"][index],
                    "company": measured["deal_company"][index],
                },
                "won_deals": int(measured["won_deals"][index]),
                "link": link,
            },
        )
    # Account evidence: customer_account or partner_account.
    field, says = _ACCOUNT_LINKS[str(measured["link"][index])]
    return FieldEvidence.of(
        field,
        lead[field][index],
        check=said.check(says, type=said.type(account["record_type"][index])),
        account=account["company"][index],
        account_type=account["type_label"][index],
    )
