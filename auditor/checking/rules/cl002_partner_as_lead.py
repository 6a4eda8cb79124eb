"""CL002 partner-as-lead (CL: classification, who is who)."""

from __future__ import annotations

import numpy as np

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._evidence import misclassified_leads
from auditor.checking.rules._reach import blind_reason, everyone, filled, linkable, open_leads_reach
from auditor.finding_groups import FindingGroup


def _reach(context: AuditContext) -> Reach:
    """Open leads; blind when the audit knows no partner (no partner domain given, no account typed
    partner), or for a lead with nothing to tie it to a partner by."""
    records = context.records
    applies = open_leads_reach(context)
    partner_accounts = bool(((records["object"] == "account") & (records["record_type"] == "partner")).any())
    domains = bool(context.config.partner_domains)
    if not domains and not partner_accounts:
        return everyone(applies, blind_reason("CL002", "nothing"))
    tied = (filled(records, "email") if domains else np.zeros(len(records), dtype=bool)) | (
        linkable(records) if partner_accounts else np.zeros(len(records), dtype=bool)
    )
    return Reach(applies, (Blind(blind_reason("CL002", "untied"), ~tied),))


@set_rule(
    code="CL002",
    name="partner-as-lead",
    kind="partner_as_lead",
    severity="warning",
    summary="An open lead from a partner domain or a partner account",
    bad={"Email": "ines@reseller.example"},
    good={"Email": "ines@prospect.example"},
    reach=_reach,
)
def partner_as_lead(rule: Rule, context: AuditContext) -> list[FindingGroup]:
    """
    ## What it does
    Finds open leads whose email is on one of the configured partner domains
    (`partner_domains`, `--partner-domain`), or whose company is an account typed as a partner
    (reseller, consultant, channel or technology partner) in an accounts export audited alongside.

    ## Why it matters
    Partners register deals, ask for demos and download material like prospects do, so they land in
    the CRM as leads. Counted as leads they inflate the pipeline and get prospecting sequences meant
    for buyers; the partner team does not see them at all.

    ## Example
    A lead `ines@reseller.example` when `reseller.example` is a partner domain; a lead at
    "Initech Sp. z o.o." when that account's type is "Channel Partner / Reseller".

    ## Use instead
    Keep partner people as contacts of the partner account (or in the partner module).
    """
    return misclassified_leads(rule, context, (whoiswho.PARTNER_DOMAIN, whoiswho.PARTNER_ACCOUNT))
