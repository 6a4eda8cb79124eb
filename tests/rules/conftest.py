"""Rule tests are data, as in sqlfluff: tests/rules/cases/<code>.toml lists, per case, the records
of one export that the rule must flag and the near-misses it must leave alone, plus any files
audited alongside (accounts, contacts) and the settings of the run.

    [[cases]]
    name = "salesforce-converted-flag-open-status"
    file = "Lead.csv"                       # the export the case judges
    header = ["Id", "LastName", "Status", "IsConverted"]
    must_flag = [["00Q5g00000Lead01AAA", "Nowak", "Open - Not Contacted", "true"]]
    must_pass = [["00Q5g00000Lead02AAA", "Dubois", "Closed - Converted", "true"]]
    evidence = [{ fields = ["is_converted", "status_label"] }]   # optional, one per must_flag row
    settings = { internal_domains = ["ourcompany.pl"] }          # optional Config settings
    [[cases.alongside]]                     # optional files loaded in the same audit, not judged
    file = "Account.csv"
    header = ["Id", "Name", "Type"]
    rows = [["0015g00000Acct01AAA", "ACME", "Customer - Direct"]]

One runner, tests/rules/test_cases.py, audits every case of every file through the public API,
`auditor.audit`; tests/rules/test_catalogue.py checks that every rule has cases, and that the case
marked `example = true` is the rule's documented example. A `test_<code>.py` module holds only what
a case cannot say.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import auditor
from auditor.config import Config
from auditor.findings import evidence_dict
from tests.conftest import AS_OF, csv_bytes

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class RuleCase:
    code: str
    name: str
    file: str
    header: list[str]
    must_flag: list[list[str]]
    must_pass: list[list[str]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    alongside: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    example: bool = False  # the rule's documented example (its `bad` and `good`)


def cases_files() -> list[Path]:
    return sorted(CASES.glob("*.toml"))


def all_cases() -> list[RuleCase]:
    return [case for path in cases_files() for case in load_cases(path.stem.upper())]


def load_cases(code: str) -> list[RuleCase]:
    data = tomllib.loads((CASES / f"{code.lower()}.toml").read_text(encoding="utf-8"))
    assert data["rule"] == code, f"cases/{code.lower()}.toml is about {data['rule']}"
    return [
        RuleCase(
            code=code,
            name=case["name"],
            file=case["file"],
            header=case["header"],
            must_flag=case.get("must_flag", []),
            must_pass=case.get("must_pass", []),
            evidence=case.get("evidence", []),
            alongside=case.get("alongside", []),
            settings=case.get("settings", {}),
            example=case.get("example", False),
        )
        for case in data["cases"]
    ]


def _config(settings: Mapping[str, Any]) -> Config:
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in settings.items()}
    return Config(as_of=AS_OF, **values)


@pytest.fixture
def check_rule_case(tmp_path: Path) -> Callable[[RuleCase], auditor.AuditResult]:
    """Audit the case's files; the rule must flag exactly the must_flag rows of the judged file."""

    def check(case: RuleCase) -> auditor.AuditResult:
        for row in (*case.must_flag, *case.must_pass):
            assert len(row) == len(case.header), f"{case.name}: row {row} does not fit the header"
        judged = tmp_path / case.file
        judged.write_bytes(csv_bytes([case.header, *case.must_flag, *case.must_pass]))
        paths = [judged]
        for other in case.alongside:
            path = tmp_path / other["file"]
            path.write_bytes(csv_bytes([other["header"], *other["rows"]]))
            paths.append(path)
        result = auditor.audit(paths, _config(case.settings))
        assert not result.skipped, [report.error for report in result.skipped]

        # A finding flags every record of the judged file it names: a duplicate cluster names them
        # all, an unknown label every record carrying it (accounts and contacts named as evidence
        # are in the files alongside).
        findings = {
            ref.row: finding
            for finding in result.findings
            if finding.rule == case.code
            for ref in finding.records
            if ref.file == str(judged)
        }
        expected = set(range(2, 2 + len(case.must_flag)))
        rows = [case.header, *case.must_flag, *case.must_pass]
        missed = [f"row {row}: {rows[row - 1]}" for row in sorted(expected - set(findings))]
        wrong = [f"row {row}: {findings[row].message}" for row in sorted(set(findings) - expected)]
        assert not missed and not wrong, (
            f"{case.code} {case.name}: not flagged {missed}; flagged near-misses {wrong}"
        )
        for row, wanted in zip(sorted(expected), case.evidence, strict=False):
            evidence = evidence_dict(findings[row].evidence)
            differing = {
                key: evidence.get(key) for key, value in wanted.items() if evidence.get(key) != value
            }
            assert not differing, f"{case.name} row {row}: evidence {evidence} differs from {wanted}"
        return result

    return check
