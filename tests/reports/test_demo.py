"""`crm-audit demo`'s sample exports: regenerable, read as the platforms they imitate, and carrying
the mess they were planted with."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from auditor.api import AuditResult
from auditor.demo import audit_samples
from auditor.reporting.html_report import render_html
from auditor.reporting.rule_docs import ruleset_rules
from auditor.resources import samples_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# What tests/fixtures/make_samples.py plants in the samples, by kind.
PLANTED = {
    "duplicate", "lead_is_contact", "converted_lead_open", "customer_as_lead", "employee_as_lead",
    "partner_as_lead", "stale_lead", "invalid_email", "invalid_phone", "unreachable", "placeholder",
    "unmapped_label", "lifecycle_conflict",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> AuditResult:
    return audit_samples()


def test_committed_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_samples
    finally:
        sys.path.remove(str(FIXTURES))
    written = make_samples.write_samples(tmp_path)
    assert [path.name for path in written] == sorted(
        entry.name for entry in samples_dir().iterdir() if entry.name.endswith((".csv", ".xlsx", ".toml"))
    )
    for path in written:
        assert path.read_bytes() == samples_dir(path.name).read_bytes(), (
            f"{path.name} differs: run python tests/fixtures/make_samples.py"
        )


def test_every_sample_is_read_as_the_platform_it_imitates(demo: AuditResult) -> None:
    assert demo.skipped == []
    detected = {report.file: (report.platform, report.object) for report in demo.inputs}
    assert detected == {
        "dynamics365_clientes_potenciales_es.xlsx": ("dynamics365", "lead"),
        "hand_kept_contacts.xlsx": ("generic", detected["hand_kept_contacts.xlsx"][1]),
        "hubspot_contacts_fr.csv": ("hubspot", "contact"),
        "pipedrive_persons.csv": ("pipedrive", "person"),
        "salesforce_Account.csv": ("salesforce", "account"),
        "salesforce_Contact.csv": ("salesforce", "contact"),
        "salesforce_Lead.csv": ("salesforce", "lead"),
    }
    hubspot = next(report for report in demo.inputs if report.platform == "hubspot")
    assert (hubspot.delimiter, hubspot.encoding, hubspot.language) == (";", "utf-8-sig", "fr")
    dynamics = next(report for report in demo.inputs if report.platform == "dynamics365")
    assert dynamics.language == "es"
    assert dynamics.columns["(No modificar) Cliente potencial"] == "source_id"


def test_samples_carry_the_planted_problems(demo: AuditResult) -> None:
    """Every planted kind that the rule catalogue can find is found (duplicates and lead-is-contact
    join in as soon as their rules are in the catalogue)."""
    findable = PLANTED & {rule.kind for rule in ruleset_rules("default")}
    found = Counter(finding.kind for finding in demo.findings)
    assert sorted(findable - set(found)) == []
    assert len(demo.records) > 300


def test_demo_report_renders_in_every_language(demo: AuditResult) -> None:
    for lang in ("en", "fr", "es", "pl", "id", "ar"):
        html = render_html(demo, lang=lang)
        assert html.count('<section id="kind-') == len({finding.kind for finding in demo.findings})
