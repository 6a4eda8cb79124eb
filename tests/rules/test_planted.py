"""Precision and recall per kind on a synthetic eighteen-file export with planted problems (planted.py).

Findings are scored as tests/rules/scoring.py says. Every kind must reach precision >= 0.98
and recall >= 0.95. The figures are printed (see them with `pytest -s tests/rules/test_planted.py`)
and are in the assertion message when a kind falls short.

Besides the scores: every file is read as its platform and object, the tables that hold no people
are read as evidence or not audited and never named by a finding, evidence is stated at the
severity its link deserves, and what could not be checked is said.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from tests.conftest import AS_OF
from tests.rules.planted import EXPORTS, KINDS, write_planted
from tests.rules.scoring import flagged_by_kind, precision_recall, table

MIN_PRECISION = 0.98
MIN_RECALL = 0.95


def scores_of(result: auditor.AuditResult, truth: dict[str, set[tuple[str, int]]]) -> dict[str, dict]:
    flagged = flagged_by_kind(
        (
            (finding.kind, [(Path(ref.file).name, ref.row) for ref in finding.records])
            for finding in result.findings
        ),
        KINDS,
    )
    scores = precision_recall({kind: flagged[kind] for kind in KINDS}, truth)
    return {kind: scores[kind] for kind in KINDS}


@pytest.fixture(scope="module")
def planted_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[auditor.AuditResult, dict, float]:
    planted = write_planted(tmp_path_factory.mktemp("planted"), seed=11)
    started = time.perf_counter()
    result = auditor.audit(planted.paths, Config(as_of=AS_OF, **planted.settings))
    return result, planted, time.perf_counter() - started


def _named_files(findings: Iterable[auditor.Finding]) -> set[str]:
    return {Path(ref.file).name for finding in findings for ref in finding.records}


def test_every_file_is_read_as_its_platform_and_object(planted_audit: tuple) -> None:
    result, _, _ = planted_audit
    read = {Path(report.file).name: (report.platform, report.object, report.role) for report in result.inputs}
    assert read == EXPORTS


def test_tables_that_hold_no_people_are_never_audited_as_people(planted_audit: tuple) -> None:
    """Opportunities, their history, tasks, users, campaign members, Zoho deals and calls: listed
    under the inputs with the reason, read for what they prove, and never named by a finding."""
    result, _, _ = planted_audit
    not_people = {name for name, (_, _, role) in EXPORTS.items() if role != "audited"}
    assert {"Opportunity.csv", "User.csv", "Tratos_001.csv", "Calls_001.csv"} <= not_people
    reasons = {Path(report.file).name: report.reason for report in result.inputs}
    assert all(reasons[name] for name in not_people), reasons
    assert not _named_files(result.findings) & not_people
    audited = set(result.records["source_file"].map(lambda file: Path(file).name))
    assert not audited & not_people


def test_evidence_is_stated_at_the_severity_its_link_deserves(planted_audit: tuple) -> None:
    """A won opportunity on the account a lead's work email finds is a warning; a Zoho deal won by
    an account that only shares the lead's company name is a lead to check (info)."""
    result, planted, _ = planted_audit
    severity = {
        (Path(finding.records[0].file).name, finding.records[0].row): finding.severity
        for finding in result.findings
        if finding.kind in ("customer_as_lead", "partner_as_lead")
    }
    assert {"warning", "info"} <= set(planted.severity.values())
    assert {where: severity.get(where) for where in planted.severity} == planted.severity


def test_what_could_not_be_checked_is_said(planted_audit: tuple) -> None:
    """National numbers with no country to read them by (the English Dynamics contact view) are
    counted as not checked; the Polish Pipedrive export's are read as Polish, and the note says so.
    Zoho's and Spanish Dynamics' dates are all read; a lead whose company names accounts of
    different types is counted as one customer_as_lead could not judge."""
    result, _, _ = planted_audit
    coverage = {(c.rule, Path(c.file).name): c for c in result.coverage}
    assert coverage["DQ002", "Active Contacts 11-1-2026 9-12-40 AM.csv"].not_checked >= 5
    notes = {Path(report.file).name: " ".join(report.notes) for report in result.inputs}
    assert "read as PL: the file's language (pl)" in notes["pipedrive-osoby.csv"]
    for named_months in ("Leads_001.csv", "Todos los clientes potenciales 1-11-2026 9-13-02.csv"):
        stale = coverage["CL006", named_months]
        assert stale.checked and not stale.not_checked, stale.reasons
    ambiguous = {reason["reason"]: reason["records"] for reason in coverage["CL001", "Lead.csv"].reasons}
    assert ambiguous.get("its company matches accounts of different types") == 2


def test_every_kind_is_planted_in_several_places(planted_audit: tuple) -> None:
    _, planted, _ = planted_audit
    assert {kind: len(planted.truth.get(kind, ())) >= 10 for kind in KINDS} == dict.fromkeys(KINDS, True)


def test_precision_and_recall_per_kind(planted_audit: tuple) -> None:
    result, planted, seconds = planted_audit
    scores = scores_of(result, planted.truth)
    report = table(scores)
    print(
        f"\n{report}\n{len(result.records)} records in {len(planted.paths)} files audited in {seconds:.1f} s"
    )
    failing = {
        kind: {"missed": s["missed"], "wrong": s["wrong"]}
        for kind, s in scores.items()
        if s["precision"] < MIN_PRECISION or s["recall"] < MIN_RECALL
    }
    assert not failing, f"\n{report}\nbelow target: {failing}"
    assert all(s["planted"] for s in scores.values()), f"\n{report}"


@pytest.mark.parametrize("seed", [5, 23, 42])
def test_other_seeds_meet_the_same_bars(tmp_path: Path, seed: int) -> None:
    """The planted export drawn again from other seeds (other people, companies, countries and
    places for each problem) scores as seed 11 does: the rules were not tuned to one draw."""
    planted = write_planted(tmp_path, seed=seed)
    scores = scores_of(auditor.audit(planted.paths, Config(as_of=AS_OF, **planted.settings)), planted.truth)
    failing = [
        kind for kind, s in scores.items() if s["precision"] < MIN_PRECISION or s["recall"] < MIN_RECALL
    ]
    assert not failing, f"seed {seed}\n{table(scores)}"
    assert all(s["planted"] for s in scores.values()), f"seed {seed}\n{table(scores)}"
