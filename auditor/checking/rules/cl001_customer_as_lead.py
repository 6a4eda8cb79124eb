"""CL001 customer-as-lead (CL: classification, who is who)."""

from __future__ import annotations

import numpy as np

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._evidence import misclassified_leads
from auditor.checking.rules._reach import blind_reason, everyone, in_files_with, linkable, open_leads_reach
from auditor.finding_groups import FindingGroup


def _reach(context: AuditContext) -> Reach:
    """Open leads; blind where nothing could say customer: no customer dates or won-deal counts in
    the lead's export, and no accounts or deals in the audit to tie it to (or nothing to tie it by)."""
    records = context.records
    applies = open_leads_reach(context)
    own = in_files_with(records, "won_deals", "became_customer_at")
    has_accounts = bool((records["object"] == "account").any())
    has_deals = (
        context.who is not None
        and context.who.evidence_tables is not None
        and bool(len(context.who.evidence_tables.deals))
    )
    if not has_accounts and not has_deals:
        if not own.any():
            return everyone(applies, blind_reason("CL001", "nothing"))
        return Reach(applies, (Blind(blind_reason("CL001", "no_accounts"), ~own),))
    ambiguous = (
        context.who.ambiguous_account != ""
        if context.who is not None and len(context.who.ambiguous_account)
        else np.zeros(len(records), dtype=bool)
    )
    return Reach(
        applies,
        (
            Blind(blind_reason("CL001", "ambiguous"), ambiguous & ~own, records["company"]),
            Blind(blind_reason("CL001", "unlinkable"), ~linkable(records) & ~own),
        ),
    )


@set_rule(
    code="CL001",
    name="customer-as-lead",
    kind="customer_as_lead",
    severity="warning",
    summary="An open lead that the evidence says is already a customer",
    bad={"Lifecycle Stage": "Lead", "Became a Customer Date": "2025-03-14"},
    good={"Lifecycle Stage": "Customer", "Became a Customer Date": "2025-03-14"},
    reach=_reach,
)
def customer_as_lead(rule: Rule, context: AuditContext) -> list[FindingGroup]:
    """
    ## What it does
    Finds open leads whose evidence says customer: won deals (Pipedrive), a became-customer date
    on or before the audit date (HubSpot), a won deal in a deals or opportunities export audited
    alongside that names the lead, its account or its company (Salesforce Opportunity.csv, Zoho
    Potentials, HubSpot or Pipedrive deals), or a company or email domain that belongs to an
    account typed Customer in an accounts export (Salesforce, Dynamics 365, HubSpot companies).
    Free-mail domains (gmail.com, wp.pl, yahoo.co.id ...) never tie a person to a company, so a
    Gmail lead is never made a customer because some customer uses Gmail too.

    Evidence is graded by how it reaches the lead: its own fields, a record id, its exact email,
    its company's email domain, or the company name alone. A name-only link ("ACME" the lead
    typed against an account called ACME) is said to be one and reported as info, not warning:
    two companies can share a name.

    ## Why it matters
    A lead is someone still to be won. A customer kept as a lead is nurtured, scored and cold-called
    as a prospect; sales reps chase people the company already serves, campaigns count existing
    business as new pipeline, and a migration carries two stories about one buyer.

    ## Example
    A HubSpot contact at lifecycle stage "Lead" with a "Became a Customer Date" of 2025-03-14; a
    Salesforce lead whose company "ACME Sp. z o.o." is an account of type "Customer - Direct".

    ## Use instead
    Move the person to the customer stage, or convert the lead into a contact of the customer account.
    """
    return misclassified_leads(
        rule,
        context,
        (whoiswho.WON_DEALS, whoiswho.WON_DEAL, whoiswho.BECAME_CUSTOMER, whoiswho.CUSTOMER_ACCOUNT),
    )
