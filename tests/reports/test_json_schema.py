"""The findings JSON against its published JSON Schema (reports/findings.schema.json, cited by
docs/CONTRACT.md). Every JSON the suite writes is validated by an autouse fixture (tests/conftest.py);
these tests show that the schema itself is sound and that it would catch a broken JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from auditor.demo import audit_samples, demo_config
from auditor.reporting.json_report import findings_schema, write_json
from tests.conftest import findings_json_validator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "demo.json"
    write_json(audit_samples(demo_config()), path)
    return json.loads(path.read_bytes())


def test_the_schema_is_a_valid_json_schema_and_the_shipped_copy() -> None:
    schema = findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads((ROOT / "reports" / "findings.schema.json").read_bytes())
    assert "reports/findings.schema.json" in (ROOT / "docs" / "CONTRACT.md").read_text(encoding="utf-8")


def test_the_demo_json_is_valid_and_uses_every_part_of_the_schema(demo_json: dict) -> None:
    findings_json_validator().validate(demo_json)
    assert demo_json["coverage"] and demo_json["inputs"] and demo_json["findings"]
    kinds = {finding["kind"] for finding in demo_json["findings"]}
    assert {"duplicate", "lead_is_contact", "customer_as_lead"} <= kinds


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), 2),
        (("findings", 0, "severity"), "critical"),
        (("findings", 0, "records"), []),
        (("findings", 0, "records", 0, "row"), 0),
        (("inputs", 0, "rows"), -1),
        (("summary", "by_severity"), {"fatal": 1}),
        (("coverage", 0, "checked"), "49"),
    ],
)
def test_a_broken_json_is_refused(demo_json: dict, path: tuple, value: object) -> None:
    broken = copy.deepcopy(demo_json)
    target = broken
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        findings_json_validator().validate(broken)


def test_a_duplicate_without_its_score_is_refused(demo_json: dict) -> None:
    broken = copy.deepcopy(demo_json)
    duplicate = next(finding for finding in broken["findings"] if finding["kind"] == "duplicate")
    del duplicate["evidence"]["score"]
    with pytest.raises(jsonschema.ValidationError, match="score"):
        findings_json_validator().validate(broken)


def test_fields_the_contract_adds_later_are_accepted(demo_json: dict) -> None:
    extended = copy.deepcopy(demo_json)
    # (This stood for `decisions` until --decisions defined it: test_decisions_are_whole below.)
    extended["undo"] = {"file": "undo.csv", "pairs": 2}
    extended["findings"][0]["plan_action"] = "merge"
    extended["inputs"][0]["engine"] = "dask"
    findings_json_validator().validate(extended)


def test_decisions_are_whole(demo_json: dict) -> None:
    decided = copy.deepcopy(demo_json)
    decided["decisions"] = {
        "file": "decisions.csv",
        "decisions": 3,
        "applied": 1,
        "not_found": 2,
        "records_not_found": 3,
        "not_found_lines": [3, 4],
    }
    findings_json_validator().validate(decided)
    del decided["decisions"]["not_found"]
    with pytest.raises(jsonschema.ValidationError, match="not_found"):
        findings_json_validator().validate(decided)


def test_a_baseline_is_whole_and_a_status_is_one_of_two(demo_json: dict) -> None:
    compared = copy.deepcopy(demo_json)
    compared["baseline"] = {"file": "last.json", "new": 1, "still_open": 2, "fixed": 0, "fixed_findings": []}
    compared["findings"][0]["baseline_status"] = "new"
    findings_json_validator().validate(compared)
    compared["findings"][0]["baseline_status"] = "fixed"
    with pytest.raises(jsonschema.ValidationError):
        findings_json_validator().validate(compared)
    del compared["findings"][0]["baseline_status"]
    compared["baseline"] = {"new": 1}
    with pytest.raises(jsonschema.ValidationError, match="still_open"):
        findings_json_validator().validate(compared)
