"""CL003 employee-as-lead (CL: classification, who is who)."""

from __future__ import annotations

from auditor import whoiswho
from auditor.checking.context import AuditContext
from auditor.checking.coverage import Blind, Reach
from auditor.checking.registry import Rule, set_rule
from auditor.checking.rules._evidence import misclassified_leads
from auditor.checking.rules._reach import blind_reason, everyone, filled, open_leads_reach
from auditor.finding_groups import FindingGroup


def _reach(context: AuditContext) -> Reach:
    """Open leads; blind when the audit knows none of the organisation's own domains or users, or
    for a lead without an email."""
    records = context.records
    applies = open_leads_reach(context)
    users = (
        context.who is not None
        and context.who.evidence_tables is not None
        and bool(len(context.who.evidence_tables.users))
    )
    if not context.config.internal_domains and not users:
        return everyone(applies, blind_reason("CL003", "nothing"))
    return Reach(applies, (Blind(blind_reason("CL003", "no_email"), ~filled(records, "email")),))


@set_rule(
    code="CL003",
    name="employee-as-lead",
    kind="employee_as_lead",
    severity="warning",
    summary="An open lead with an email on the organisation's own domains",
    bad={"Email": "marta@ourcompany.example"},
    good={"Email": "marta@client.example"},
    reach=_reach,
)
def employee_as_lead(rule: Rule, context: AuditContext) -> list[FindingGroup]:
    """
    ## What it does
    Finds open leads whose email is on one of the organisation's internal domains
    (`internal_domains`, `--internal-domain`), subdomains included, or is the address of one of
    the CRM's own users when a users export is audited alongside (Salesforce User.csv, a Zoho or
    Dynamics users list). The domains most of those users share count as internal too (portal,
    community and guest users do not count), and the inputs list says which were taken.

    ## Why it matters
    Staff fill in their own web forms to test them, sign up for webinars and import their address
    books. As leads they are scored, routed to sales and counted in conversion rates, and marketing
    sends them campaigns meant for buyers.

    ## Example
    A lead `marta@ourcompany.example` when `ourcompany.example` is an internal domain.

    ## Use instead
    Delete test leads; keep colleagues out of the lead object (or as contacts of your own account).
    """
    return misclassified_leads(rule, context, (whoiswho.INTERNAL_DOMAIN, whoiswho.STAFF_USER))
