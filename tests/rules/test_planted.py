"""Precision and recall per kind on a synthetic six-file export with planted problems (planted.py).

A finding counts for the record it names first (for a finding about a lead and its account, the
lead; for a lead that is a contact, the lead); a finding about a label counts for every record that
carries it, and a duplicate cluster for each of its records. Every kind must reach precision >= 0.98 and recall >= 0.95. The figures are printed (see them
with `pytest -s tests/rules/test_planted.py`) and are in the assertion message when a kind falls short.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import auditor
from auditor.config import Config
from tests.conftest import AS_OF
from tests.rules.planted import KINDS, write_planted

MIN_PRECISION = 0.98
MIN_RECALL = 0.95


def precision_recall(result: auditor.AuditResult, truth: dict[str, set[tuple[str, int]]]) -> dict[str, dict]:
    found: dict[str, set[tuple[str, int]]] = {kind: set() for kind in KINDS}
    for finding in result.findings:
        if finding.kind in found:
            named = (
                finding.records if finding.kind in ("unmapped_label", "duplicate") else finding.records[:1]
            )
            found[finding.kind].update((Path(ref.file).name, ref.row) for ref in named)
    scores = {}
    for kind in KINDS:
        planted, flagged = truth.get(kind, set()), found[kind]
        hits = len(planted & flagged)
        scores[kind] = {
            "planted": len(planted),
            "flagged": len(flagged),
            "precision": hits / len(flagged) if flagged else 1.0,
            "recall": hits / len(planted) if planted else 1.0,
            "missed": sorted(planted - flagged)[:5],
            "wrong": sorted(flagged - planted)[:5],
        }
    return scores


def table(scores: dict[str, dict]) -> str:
    lines = [f"{'kind':<22}{'planted':>8}{'flagged':>8}{'precision':>10}{'recall':>8}"]
    lines += [
        f"{kind:<22}{s['planted']:>8}{s['flagged']:>8}{s['precision']:>10.3f}{s['recall']:>8.3f}"
        for kind, s in scores.items()
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def planted_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[auditor.AuditResult, dict]:
    planted = write_planted(tmp_path_factory.mktemp("planted"), seed=11)
    result = auditor.audit(planted.paths, Config(as_of=AS_OF, **planted.settings))
    return result, planted.truth


def test_every_file_is_read_as_its_platform(planted_audit: tuple[auditor.AuditResult, dict]) -> None:
    result, _ = planted_audit
    read = {Path(report.file).name: (report.platform, report.object) for report in result.inputs}
    assert read == {
        "Lead.csv": ("salesforce", "lead"),
        "Contact.csv": ("salesforce", "contact"),
        "Account.csv": ("salesforce", "account"),
        "hubspot-contacts.csv": ("hubspot", "contact"),
        "Dynamics-Leads.csv": ("dynamics365", "lead"),
        "pipedrive-people.csv": ("pipedrive", "person"),
    }


def test_every_kind_is_planted_in_several_places(planted_audit: tuple[auditor.AuditResult, dict]) -> None:
    _, truth = planted_audit
    assert {kind: len(truth.get(kind, ())) >= 10 for kind in KINDS} == dict.fromkeys(KINDS, True)


def test_precision_and_recall_per_kind(planted_audit: tuple[auditor.AuditResult, dict]) -> None:
    result, truth = planted_audit
    scores = precision_recall(result, truth)
    report = table(scores)
    print("\n" + report)
    failing = {
        kind: {"missed": s["missed"], "wrong": s["wrong"]}
        for kind, s in scores.items()
        if s["precision"] < MIN_PRECISION or s["recall"] < MIN_RECALL
    }
    assert not failing, f"\n{report}\nbelow target: {failing}"
    assert all(s["planted"] for s in scores.values()), f"\n{report}"
