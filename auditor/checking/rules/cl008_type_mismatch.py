"""CL008 type-mismatch (CL: classification, who is who)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._evidence import reason_columns, reasons_of
from auditor.checking.rules._leads import converted_leads, evidence_in, open_leads_of
from auditor.checking.rules._naming import field_words, record_names, with_article
from auditor.checking.rules._reach import checked_all
from auditor.finding_groups import FindingColumns, record_refs
from auditor.findings import FieldEvidence, Finding
from auditor.model import people
from auditor.terms import typed_by_label

# Evidence that the lead rules report for open leads: CL001-CL003, and DU002 lead-is-contact.
_LEAD_RULE_EVIDENCE = (
    whoiswho.WON_DEALS,
    whoiswho.WON_DEAL,
    whoiswho.BECAME_CUSTOMER,
    whoiswho.CUSTOMER_ACCOUNT,
    whoiswho.PARTNER_DOMAIN,
    whoiswho.PARTNER_ACCOUNT,
    whoiswho.INTERNAL_DOMAIN,
    whoiswho.STAFF_USER,
    whoiswho.MATCHED_RECORD,
)


def _reach(context: AuditContext) -> Reach:
    """People typed by a label of their own (a record typed by its file's object has no label to
    contradict)."""
    return checked_all(people(context.records) & typed_by_label(context.records))


@set_rule(
    code="CL008",
    name="type-mismatch",
    kind="type_mismatch",
    severity="info",
    summary="A record whose own label says one type and whose evidence says another (other than an open lead)",
    bad={"Lifecycle Stage": "Other", "Became a Customer Date": "2025-03-14"},
    good={"Lifecycle Stage": "Customer", "Became a Customer Date": "2025-03-14"},
    reach=_reach,
)
def type_mismatch(rule: Rule, context: AuditContext) -> FindingColumns | list[FindingColumns]:
    """
    ## What it does
    Every record gets two types: what its own labels say (`record_type`) and what the evidence
    says (`suggested_type`: won deals, a became-customer date, its account's type, internal or
    partner domains, the record it matches). Where a label *on the record itself* (a lifecycle
    stage, a contact type, a status, a Pipedrive label) says one type and the evidence another,
    and no lead rule already says why (CL001-CL003 and DU002 cover open leads), this rule does: a
    HubSpot contact at stage Subscriber whose company is a customer, a contact typed Prospect on a
    partner's domain. A record whose type only comes from the object of its file (a Salesforce
    contact has no type of its own) has no label to correct: the who-is-who matrix shows it. A
    converted lead that matches a contact is what conversion leaves behind, and is not reported.

    ## Why it matters
    The type decides who gets which email, which team owns the person and where the record lands
    in a migration. A contact labelled Subscriber whose company is a customer is a customer;
    segmenting on the label alone sends customers the prospect newsletter. Often the fix is only to
    sync the label from the account; the finding says which evidence to trust.

    ## Example
    A HubSpot contact at lifecycle stage "Subscriber" whose associated company "Tecnologías
    Ibéricas S.L." has type "Customer".

    ## Use instead
    A type that matches the evidence (a customer lifecycle stage or contact type), or fix the
    evidence (the account's type) if that is what is wrong.
    """
    records = context.records
    evidence = context.who.evidence if context.who is not None else np.full(len(records), "", dtype=object)
    differs = (records["suggested_type"] != records["record_type"]).to_numpy()
    people = (records["object"] != "account").to_numpy()
    lead_rules = open_leads_of(context) & evidence_in(context, _LEAD_RULE_EVIDENCE)
    # Conversion copies a lead into a contact: a converted lead matching a contact is expected.
    conversion_copy = converted_leads(context) & (evidence == whoiswho.MATCHED_RECORD)
    # Only a label on the record itself can be wrong: a Salesforce contact has no type of its own,
    # so its account's type is a fact for the who-is-who matrix, not a label to correct.
    labelled = typed_by_label(records)
    positions = np.flatnonzero(differs & people & labelled & ~lead_rules & ~conversion_copy)
    if not len(positions):
        return []
    measured = {
        "evidence": np.asarray(evidence, dtype=object)[positions],
        **reason_columns(context, positions),
    }
    return rule.columns(context, positions, measured, partial(_write, rule))


def _write(
    rule: Rule, records: pd.DataFrame, at: np.ndarray, named: np.ndarray, measured: Mapping[str, np.ndarray]
) -> list[Finding]:
    names = record_names(records, at)
    labelled, suggested, label_reasons = (
        records[column].take(at).to_numpy(dtype=object)
        for column in ("record_type", "suggested_type", "record_type_reason")
    )
    reasons = reasons_of(measured)
    check = rule.says("check")
    # Types worded once each, not once a finding.
    articles = {kind: with_article(kind) for kind in set(labelled.tolist())}
    types = {kind: field_words(kind) for kind in set(suggested.tolist())}
    return [
        rule.finding(
            says="mismatch",
            values={
                "name": names[index],
                "labelled": articles[labelled[index]],
                "type": types[suggested[index]],
                "reason": reasons[index],
            },
            records=[ref],
            evidence=FieldEvidence.of(
                "record_type",
                labelled[index],
                label=label_reasons[index],
                suggested_type=suggested[index],
                reason=reasons[index],
                evidence=str(code),
                check=check,
            ),
        )
        for index, (ref, code) in enumerate(
            zip(record_refs(records, at), measured["evidence"].tolist(), strict=True)
        )
    ]
