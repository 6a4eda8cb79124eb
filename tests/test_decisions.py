"""Decisions that last (--decisions): a pair a person ruled apart stays apart across audits, a pair
they ruled one person is joined, and decisions that name absent records are counted, not lost."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.api import AuditResult, audit
from auditor.cli import main
from auditor.config import load_config
from auditor.decisions import read_decisions
from auditor.demo import demo_config, sample_paths
from auditor.errors import ConfigError
from auditor.fixes import plan
from auditor.reporting.html_report import render_html
from auditor.reporting.xlsx_report import write_xlsx

PEOPLE_KINDS = ("duplicate", "lead_is_contact")


@pytest.fixture(scope="module")
def samples() -> Iterator[list[Path]]:
    with sample_paths() as paths:
        yield paths


def _audit(paths: list[Path], decisions: Path | None = None) -> AuditResult:
    config = demo_config()
    if decisions is not None:
        config = config.with_overrides(decisions=str(decisions))
    return audit(paths, config)


@pytest.fixture(scope="module")
def first(samples: list[Path]) -> AuditResult:
    return _audit(samples)


def _key(record: dict[str, Any]) -> tuple[str, str]:
    name = Path(record["file"]).name
    return name, record["id"] or f"row:{record['row']}"


def _pair_keys(finding: dict[str, Any]) -> frozenset[tuple[str, str]]:
    return frozenset(_key(record) for record in finding["records"])


def _write(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file_a", "id_a", "file_b", "id_b", "decision"])
        writer.writerows(rows)
    return path


def _comparable(finding: dict[str, Any]) -> tuple[Any, ...]:
    """A finding without what renumbers when another cluster goes (its cluster label)."""
    evidence = {key: value for key, value in finding["evidence"].items() if key != "cluster"}
    return (
        finding["rule"],
        finding["kind"],
        finding["severity"],
        finding["message"],
        json.dumps(finding["records"], sort_keys=True),
        json.dumps(evidence, sort_keys=True, default=str),
    )


def _chosen(first: AuditResult) -> list[dict[str, Any]]:
    """Two-record findings about people of each sort the samples have: a duplicate, a lead that is a
    contact, a pair set aside for review, and one naming a record with no id (known by its row)."""
    findings = [f for f in first.finding_dicts() if f["kind"] in PEOPLE_KINDS and len(f["records"]) == 2]
    sure_duplicate = next(
        f
        for f in findings
        if f["kind"] == "duplicate"
        and f["evidence"]["confidence"] == "sure"
        and all(r["id"] for r in f["records"])
    )
    lead_is_contact = next(f for f in findings if f["kind"] == "lead_is_contact")
    review = next(f for f in findings if f["evidence"]["confidence"] == "review")
    without_id = next(
        f
        for f in findings
        if f["evidence"]["confidence"] != "review" and any(not r["id"] for r in f["records"])
    )
    chosen = [sure_duplicate, lead_is_contact, review, without_id]
    assert len({_pair_keys(f) for f in chosen}) == 4
    return chosen


def test_pairs_ruled_apart_are_neither_reported_nor_planned_again(
    first: AuditResult, samples: list[Path], tmp_path: Path
) -> None:
    chosen = _chosen(first)
    rows = []
    for finding in chosen:
        (file_a, id_a), (file_b, id_b) = (_key(record) for record in finding["records"])
        rows.append((file_a, id_a, file_b, id_b, "not_same_person"))
    assert any(row[1].startswith("row:") or row[3].startswith("row:") for row in rows)
    second = _audit(samples, _write(tmp_path / "decisions.csv", rows))

    ruled = {_pair_keys(f) for f in chosen}
    before = list(first.finding_dicts())
    after = list(second.finding_dicts())
    # No finding about people names both records of a pair ruled apart.
    for finding in after:
        if finding["kind"] in PEOPLE_KINDS:
            keys = _pair_keys(finding)
            assert not any(pair <= keys for pair in ruled), finding
    # Every other finding is unchanged.
    kept_before = sorted(_comparable(f) for f in before if _pair_keys(f) not in ruled)
    assert sorted(map(_comparable, after)) == kept_before
    assert len(after) == len(before) - len(chosen)
    # The plan merges or converts none of them.
    for action in plan(second).actions:
        if action["action"] in ("merge", "convert"):
            records = [action[name] for name in ("survivor", "lead", "into") if name in action]
            records += action.get("merged", [])
            keys = {_key(record) for record in records}
            assert not any(pair <= keys for pair in ruled), action
    planned_before = plan(first)
    assert any(
        any(
            pair <= {_key(r) for r in [a.get("survivor") or a.get("lead"), *a.get("merged", [a.get("into")])]}
            for pair in ruled
        )
        for a in planned_before.actions
        if a["action"] in ("merge", "convert")
    )
    assert second.decisions is not None
    assert second.to_dict()["decisions"] == {
        "file": str(tmp_path / "decisions.csv"),
        "decisions": 4,
        "applied": 4,
        "not_found": 0,
        "records_not_found": 0,
        "not_found_lines": [],
    }


def test_a_pair_ruled_one_person_is_reported_as_a_sure_duplicate(
    first: AuditResult, samples: list[Path], tmp_path: Path
) -> None:
    records = first.records
    # Two leads of one file that the matcher joined to nobody.
    alone = records[
        (records["duplicate_cluster"] == "")
        & (records["record_type"] == "lead")
        & records["source_file"].str.endswith("salesforce_Lead.csv")
        & (records["source_id"] != "")
    ]
    a, b = alone.iloc[0], alone.iloc[1]
    decisions = _write(
        tmp_path / "decisions.csv",
        [("salesforce_Lead.csv", a["source_id"], "salesforce_Lead.csv", b["source_id"], "same_person")],
    )
    second = _audit(samples, decisions)
    wanted = {("salesforce_Lead.csv", a["source_id"]), ("salesforce_Lead.csv", b["source_id"])}
    found = [f for f in second.finding_dicts() if f["kind"] == "duplicate" and _pair_keys(f) == wanted]
    assert len(found) == 1
    evidence = found[0]["evidence"]
    assert evidence["confidence"] == "sure"
    (pair,) = evidence["pairs"]
    assert pair["decided"] == "same_person"
    # Its own score, below the match threshold, not the decision's weight.
    assert 0.0 <= pair["score"] < 0.5
    assert not any(f["kind"] == "duplicate" and _pair_keys(f) == wanted for f in first.finding_dicts())
    # The plan merges them.
    merges = [
        action
        for action in plan(second).actions
        if action["action"] == "merge" and {_key(action["survivor"]), *map(_key, action["merged"])} == wanted
    ]
    assert len(merges) == 1
    # The report says a person joined them, and how many decisions applied.
    html = render_html(second, lang="en")
    assert html.count('<p class="decided">Joined by a person&#39;s decision</p>') == 1
    assert "1 of 1 decisions applied." in html
    assert 'class="decided"' not in render_html(first, lang="en")


def test_a_config_file_names_the_decisions_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "audit.toml").write_text('[audit]\ndecisions = "decisions.csv"\n', encoding="utf-8")
    config = load_config(tmp_path / "conf" / "audit.toml")
    assert config.decisions == str(tmp_path / "conf" / "decisions.csv")


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("file_a,id_a,file_b\n", 1, "header"),
        (
            "file_a,id_a,file_b,id_b,decision\nLead.csv,1,Lead.csv,2,maybe\n",
            2,
            "not_same_person or same_person",
        ),
        ("file_a,id_a,file_b,id_b,decision\nLead.csv,1,Lead.csv,2,same_person\nLead.csv,1\n", 3, "2 values"),
        ("file_a,id_a,file_b,id_b,decision\nLead.csv,,Lead.csv,2,same_person\n", 2, "id_a is empty"),
        ("file_a,id_a,file_b,id_b,decision\nLead.csv,row:x,Lead.csv,2,same_person\n", 2, "row:<number>"),
    ],
)
def test_a_malformed_decisions_file_names_the_file_and_the_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_decisions(path)
    assert str(path) in str(raised.value)
    assert f"line {line}:" in str(raised.value)
    assert says in str(raised.value)


def _lead_csv(tmp_path: Path) -> Path:
    path = tmp_path / "Lead.csv"
    path.write_text(
        "Id,FirstName,LastName,Email,Company,Status\n"
        "00Q1,Anna,Nowak,anna.nowak@acme.pl,Acme,Open\n"
        "00Q2,Piotr,Zielinski,piotr@zielinski.pl,Zet,Open\n",
        encoding="utf-8",
    )
    return path


def test_cli_refuses_a_malformed_decisions_file_in_one_line(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "file_a,id_a,file_b,id_b,decision\nLead.csv,00Q1,Lead.csv,00Q2,nope\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        ["audit", str(_lead_csv(tmp_path)), "--decisions", str(decisions), "--quiet"],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(decisions) in lines[0] and "line 2:" in lines[0]
    assert "Traceback" not in result.output


def test_cli_counts_decisions_naming_records_not_in_the_audit(tmp_path: Path) -> None:
    decisions = _write(
        tmp_path / "decisions.csv",
        [
            ("Lead.csv", "00Q1", "Lead.csv", "00Q2", "not_same_person"),
            ("Lead.csv", "00Q1", "Lead.csv", "00Q9", "not_same_person"),
            ("Other.csv", "row:4", "Lead.csv", "00Q8", "same_person"),
        ],
    )
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(_lead_csv(tmp_path)),
            "--decisions",
            str(decisions),
            "--json",
            str(out),
            "--fail-on",
            "never",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "1 applied; 2 ignored: 3 record(s) they name are not in this audit (lines 3, 4)" in result.stdout
    html = tmp_path / "report.html"
    assert CliRunner().invoke(
        main, ["audit", str(_lead_csv(tmp_path)), "--decisions", str(decisions), "--html", str(html), "-q"]
    ).exit_code in (0, 1)
    assert "2 decisions ignored: 3 records they name are not in this audit (lines 3, 4)." in html.read_text(
        encoding="utf-8"
    )
    assert json.loads(out.read_text(encoding="utf-8"))["decisions"] == {
        "file": str(decisions),
        "decisions": 3,
        "applied": 1,
        "not_found": 2,
        "records_not_found": 3,
        "not_found_lines": [3, 4],
    }


def test_a_cluster_held_together_by_a_pair_ruled_apart_splits(samples: list[Path], tmp_path: Path) -> None:
    # A third record of the person of Lead rows 69 and 75 (a sure duplicate of two in the samples):
    # row 69 again under another id, so that the three are one cluster.
    lines = (samples[0].parent / "salesforce_Lead.csv").read_text(encoding="utf-8").splitlines()
    copy = tmp_path / "salesforce_Lead_copy.csv"
    copy.write_text(
        f"{lines[0]}\n{lines[68].replace('00Q5g0000000068EAA', '00Q5g0000000999EAA')}\n", encoding="utf-8"
    )
    a, b, c = (
        ("salesforce_Lead.csv", "00Q5g0000000068EAA"),
        ("salesforce_Lead.csv", "00Q5g0000000074EAA"),
        ("salesforce_Lead_copy.csv", "00Q5g0000000999EAA"),
    )
    paths = [*samples, copy]
    before = [_pair_keys(f) for f in _audit(paths).finding_dicts() if f["kind"] == "duplicate"]
    assert {a, b, c} in before
    decisions = _write(tmp_path / "decisions.csv", [(*a, *b, "not_same_person")])
    after = [_pair_keys(f) for f in _audit(paths, decisions).finding_dicts() if f["kind"] in PEOPLE_KINDS]
    assert not any({a, b} <= keys for keys in after)
    # The record the ruled-out pair does not concern still joins one of them.
    assert {a, c} in after or {b, c} in after


def test_a_form_cannot_name_a_decisions_file_on_the_server() -> None:
    from auditor.config import config_from_mapping

    with pytest.raises(ConfigError, match="only in a configuration file"):
        config_from_mapping({"audit": {"decisions": "/etc/passwd"}}, source="the form")


def test_a_decision_about_an_account_is_counted_as_not_found(
    first: AuditResult, samples: list[Path], tmp_path: Path
) -> None:
    accounts = first.records[first.records["object"] == "account"]
    account = accounts.iloc[0]
    lead = first.records[first.records["source_file"].str.endswith("salesforce_Lead.csv")].iloc[0]
    decisions = _write(
        tmp_path / "decisions.csv",
        [
            (
                Path(account["source_file"]).name,
                account["source_id"],
                "salesforce_Lead.csv",
                lead["source_id"],
                "same_person",
            )
        ],
    )
    second = _audit(samples, decisions)
    assert second.to_dict()["decisions"]["not_found"] == 1
    assert second.to_dict()["decisions"]["applied"] == 0


def test_the_xlsx_lists_each_decision_with_what_it_changed_and_marks_the_records(
    first: AuditResult, samples: list[Path], tmp_path: Path
) -> None:
    records = first.records
    alone = records[
        (records["duplicate_cluster"] == "")
        & (records["record_type"] == "lead")
        & records["source_file"].str.endswith("salesforce_Lead.csv")
        & (records["source_id"] != "")
    ]
    a, b = alone.iloc[0]["source_id"], alone.iloc[1]["source_id"]
    (file_c, id_c), (file_d, id_d) = (_key(record) for record in _chosen(first)[0]["records"])
    rows = [
        ("salesforce_Lead.csv", a, "salesforce_Lead.csv", b, "same_person"),
        (file_c, id_c, file_d, id_d, "not_same_person"),
        # names records this audit does not hold, in cells a spreadsheet would run
        ("=2+5.csv", "@SUM(A1)", "salesforce_Lead.csv", a, "not_same_person"),
    ]
    second = _audit(samples, _write(tmp_path / "decisions.csv", rows))
    joined = next(
        f
        for f in second.finding_dicts()
        if f["kind"] == "duplicate"
        and _pair_keys(f) == {("salesforce_Lead.csv", a), ("salesforce_Lead.csv", b)}
    )
    path = tmp_path / "findings.xlsx"
    write_xlsx(second, path, lang="en")
    book = openpyxl.load_workbook(path)

    sheet = [[cell.value for cell in row] for row in book["decisions"].iter_rows()]
    assert sheet[0] == ["file_a", "id_a", "file_b", "id_b", "decision", "Line", "What it changed"]
    assert sheet[1] == [
        "salesforce_Lead.csv", a, "salesforce_Lead.csv", b, "same_person", 2,
        f"Reported as one person, in cluster {joined['evidence']['cluster']}",
    ]  # fmt: skip
    assert sheet[2][4:] == ["not_same_person", 3, "Never reported or planned as one person"]
    assert sheet[3][:2] == ["'=2+5.csv", "'@SUM(A1)"]
    assert sheet[3][6] == "Ignored: =2+5.csv @SUM(A1) not in this audit"
    assert not [cell for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]

    # the duplicate rows of the records a decision names say so
    duplicates = [[cell.value for cell in row] for row in book["duplicate"].iter_rows()]
    column = duplicates[0].index("Decision")
    ids = duplicates[0].index("Id")
    said = {row[ids]: row[column] for row in duplicates[1:] if row[column]}
    assert said == {
        a: f"Same person as salesforce_Lead.csv {b} (line 2)",
        b: f"Same person as salesforce_Lead.csv {a} (line 2)",
    }
    # without a decisions file: no sheet and no column
    write_xlsx(first, tmp_path / "plain.xlsx", lang="en")
    plain = openpyxl.load_workbook(tmp_path / "plain.xlsx")
    assert "decisions" not in plain.sheetnames
    assert "Decision" not in [cell.value for cell in next(plain["duplicate"].iter_rows())]
