"""CL001, beyond the cases of cases/cl001.toml (tests/rules/test_cases.py)."""

from __future__ import annotations

from collections.abc import Callable

import auditor
from auditor.findings import evidence_dict
from tests.rules.conftest import RuleCase, load_cases

RULE = "CL001"


def test_account_evidence_names_the_account_record(
    check_rule_case: Callable[[RuleCase], auditor.AuditResult],
) -> None:
    case = next(case for case in load_cases(RULE) if case.name == "salesforce-customer-account")
    result = check_rule_case(case)
    finding = next(f for f in result.findings if f.rule == RULE and f.records[0].row == 2)
    lead, account = finding.records
    assert (lead.id, account.id, account.row) == ("00Q5g00000Lead01AAA", "0015g00000Acct01AAA", 2)
    # The company name is the only link from a Salesforce lead to an account: stated as such, a
    # severity lower than evidence tied by an id, an address or a domain.
    assert finding.message == (
        "Anna Nowak is labelled a lead, but may be a customer: account ACME Sp. z o.o. is typed "
        "Customer (found by company name); the company name is the only link, so check that it is "
        "the same company."
    )
    assert (finding.severity, evidence_dict(finding.evidence)["grade"]) == ("info", "name")
    # Worded in every report language: the message and who-is-who's reason inside it.
    assert finding.message.in_language("fr").startswith("Anna Nowak porte le libellé lead")
    assert evidence_dict(finding.evidence)["reason"].in_language("fr") == (
        "le compte ACME Sp. z o.o. est de type Client (trouvé par le nom de l'entreprise)"
    )
