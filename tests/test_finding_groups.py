"""`Findings`: an audit's findings held a rule at a time, some kept as columns until read. Whatever is
asked of them (in order, by index, by slice, by kind, counted, located), the answer must be the one
the written-out list of findings gives."""

from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pytest

from auditor.api import AuditResult
from auditor.demo import audit_samples
from auditor.finding_groups import FindingColumns, Findings, locate
from auditor.findings import sort_findings


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return audit_samples()


def test_some_rules_keep_their_findings_as_columns(result: AuditResult) -> None:
    kept = [group for group in result.findings.groups if isinstance(group, FindingColumns)]
    assert {group.rule for group in kept} >= {"CL006"}
    assert sum(len(group) for group in kept) > 10


def test_the_order_is_the_report_order(result: AuditResult) -> None:
    written = list(result.findings)
    assert len(written) == len(result.findings) > 50
    assert written == sort_findings(written)


def test_by_index_and_slice_as_written(result: AuditResult) -> None:
    written = list(result.findings)
    findings = result.findings
    assert [findings[number] for number in range(len(findings))] == written
    assert findings[-1] == written[-1]
    for start, stop in [(0, 3), (5, 40), (len(written) - 7, len(written) + 5), (10, 10)]:
        assert findings[start:stop] == written[start:stop]
    assert findings[::7] == written[::7]
    with pytest.raises(IndexError):
        findings[len(written)]


def test_counts_kinds_and_positions_without_writing(result: AuditResult) -> None:
    written = list(result.findings)
    findings = result.findings
    assert findings.counts() == Counter((f.kind, f.severity) for f in written)
    assert findings.tally("rule") == Counter(f.rule for f in written)
    for kind, part in findings.by_kind().items():
        assert list(part) == [f for f in written if f.kind == kind]
    assert list(findings.per_finding("severity")) == [f.severity for f in written]
    located = locate(result.records, written)
    assert all(np.array_equal(a, b) for a, b in zip(findings.positions(), located, strict=True))


def test_columns_write_alike_in_any_chunks(result: AuditResult) -> None:
    for group in result.findings.groups:
        whole = group.findings(0, len(group))
        pieces = [
            finding for start in range(0, len(group), 3) for finding in group.findings(start, start + 3)
        ]
        assert pieces == whole


def test_a_list_of_findings_becomes_the_same_findings(result: AuditResult) -> None:
    written = list(result.findings)
    shuffled = written[::-1]
    again = Findings.of(shuffled, result.records)
    assert list(again) == sort_findings(shuffled)
    assert again == result.findings


def test_a_result_pickles(result: AuditResult) -> None:
    again = pickle.loads(pickle.dumps(result))
    assert list(again.findings) == list(result.findings)


def test_chunk_boundaries_change_nothing(result: AuditResult, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import finding_groups

    written = list(result.findings)
    monkeypatch.setattr(finding_groups, "_CHUNK", 3)
    findings = Findings(result.findings.groups, result.records, ordered=True)
    assert list(findings) == written
    assert [findings[number] for number in range(len(findings))] == written
    assert [findings[number] for number in reversed(range(len(findings)))] == written[::-1]
    assert findings[4:29] == written[4:29]


def _warmth_and_days(findings: Findings) -> list[tuple[int, float]]:
    warmth = {"hot": 0, "warm": 1, "cold": 2}
    flat, sizes = findings.located()
    firsts = flat[np.cumsum(sizes) - sizes]
    temperatures = findings.records["temperature"].to_numpy()[firsts]
    days = np.concatenate(
        [
            np.asarray(group.measure("days"), dtype=float)
            if group.measure("days") is not None
            else np.zeros(len(group))
            for group in findings.groups
        ]
    )
    return [(warmth.get(str(value), 3), -float(day)) for value, day in zip(temperatures, days, strict=True)]


def test_ranked_puts_hot_leads_first_then_the_longest_untouched() -> None:
    from auditor.demo import audit_samples, demo_config

    stale = audit_samples(demo_config()).findings.by_kind()["stale_lead"]
    ranked = stale.ranked()
    keys = _warmth_and_days(ranked)
    assert keys == sorted(keys)
    assert keys != _warmth_and_days(stale)  # file order was not already this order
    # The same findings, only moved.
    assert sorted(f.records[0].row for f in ranked) == sorted(f.records[0].row for f in stale)
    assert [f.evidence.details["days"] for f in ranked] == [-day for _, day in keys]


def test_ranked_puts_the_surest_matches_first() -> None:
    from auditor.demo import audit_samples, demo_config
    from auditor.findings import CONFIDENCES

    duplicates = audit_samples(demo_config()).findings.by_kind()["duplicate"]
    ranked = duplicates.ranked()

    def keys(findings: Findings) -> list[tuple[int, float]]:
        return [(CONFIDENCES.index(f.evidence.confidence), -f.evidence.score) for f in findings]

    # Per rule (group): sure before likely before review, the highest score first.
    for group in ranked.groups:
        found = keys(Findings([group], ranked.records, ordered=True))
        assert found == sorted(found)
    assert keys(ranked) != keys(duplicates)  # the report's order was not already this one
    assert sorted(f.evidence.cluster for f in ranked) == sorted(f.evidence.cluster for f in duplicates)
