"""The command line of docs/CONTRACT.md: options, outputs, exit statuses, one-line errors."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor import __version__
from auditor.cli import main
from auditor.reporting.records_csv import CONTRACT_COLUMNS
from tests.conftest import FIXTURES


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ("salesforce/Lead.csv", "salesforce/Contact.csv", "salesforce/Account.csv"):
        target = tmp_path / Path(name).name
        shutil.copy(FIXTURES / name, target)
        paths.append(target)
    return paths


def test_version() -> None:
    assert run("--version") == (0, f"crm-audit {__version__}\n", "")


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("audit", "inspect", "rules", "demo"):
        assert command in out


def test_audit_writes_the_contract_json(exports: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    code, stdout, _ = run(
        "audit", *map(str, exports), "--as-of", "2026-11-01", "--json", str(out), "--fail-on", "never"
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "crm-audit", "version": __version__}
    assert data["as_of"] == "2026-11-01"
    first = data["inputs"][0]
    assert set(first) >= {
        "file",
        "platform",
        "object",
        "rows",
        "encoding",
        "delimiter",
        "sheet",
        "columns",
        "unmapped_columns",
        "error",
    }
    assert (first["platform"], first["object"], first["rows"], first["error"]) == (
        "salesforce",
        "lead",
        5,
        None,
    )
    assert set(data["summary"]) >= {"records", "findings", "by_kind", "by_severity"}
    assert data["summary"]["records"] == 10
    for finding in data["findings"]:
        assert set(finding) >= {"rule", "kind", "severity", "message", "records", "evidence"}
        for record in finding["records"]:
            assert set(record) >= {"file", "row", "id"} and record["row"] >= 2
    assert "Wrote" in stdout


def test_normalised_export_has_the_contract_columns_and_inert_cells(tmp_path: Path, write_csv) -> None:
    path = write_csv(
        "sheet.csv",
        [
            ["Name", "Email", "Phone", "Company", "Country"],
            ['=HYPERLINK("http://x")', "ann@acme.fr", "+33 1 23 45 67 89", "@SUM(A1)", "France"],
            ["Bob Ray", "bob@acme.fr", "01 23 45 67 89", "-2+3", "France"],
        ],
    )
    out = tmp_path / "records.csv"
    code, _, _ = run("audit", str(path), "--normalised", str(out), "--quiet", "--fail-on", "never")
    assert code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(CONTRACT_COLUMNS)] == list(CONTRACT_COLUMNS)
    assert rows[0]["last_name"].startswith("'=")  # the whole name was split; the formula stays text
    assert rows[0]["company"] == "'@SUM(A1)"
    assert rows[1]["company"] == "'-2+3"
    assert [row["phone"] for row in rows] == ["+33123456789", "+33123456789"]  # E.164 stays clean
    assert [row["source_row"] for row in rows] == ["2", "3"]


def test_unreadable_input_exits_2_with_one_line_and_the_rest_is_audited(
    exports: list[Path], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "findings.json"
    code, _, err = run("audit", str(exports[0]), str(junk), "--json", str(out), "--quiet")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "junk.csv" in lines[0] and "Traceback" not in err
    data = json.loads(out.read_text(encoding="utf-8"))
    skipped = [entry for entry in data["inputs"] if entry["error"]]
    assert [entry["file"] for entry in skipped] == [str(junk)]
    # Counted by its role, it is not one of the audited tables.
    assert [entry["role"] for entry in skipped] == ["not read"]
    assert [entry["role"] for entry in data["inputs"]].count("audited") == 1
    assert data["summary"]["records"] == 5


def test_fail_on_gates_the_exit_status(write_csv) -> None:
    path = write_csv("people.csv", [["Name", "Email"], ["Ann Lee", "ann@"]])  # an invalid email: a warning
    assert run("audit", str(path), "--quiet", "--fail-on", "error")[0] == 0
    assert run("audit", str(path), "--quiet", "--fail-on", "warning")[0] == 1
    assert run("audit", str(path), "--quiet", "--fail-on", "never")[0] == 0


def test_usage_errors_exit_2_without_traceback(write_csv, tmp_path: Path) -> None:
    path = write_csv("people.csv", [["Name", "Email"], ["Ann Lee", "ann@x.co"]])
    for args in (
        ["audit", str(path), "--as-of", "01/11/2026"],
        ["audit", str(path), "--lang", "xx"],
        ["audit", str(path), "--config", str(tmp_path / "missing.toml")],
        ["audit"],
    ):
        code, out, err = run(*args)
        assert code == 2, args
        assert "Traceback" not in out + err


def test_bad_config_is_one_line(write_csv, tmp_path: Path) -> None:
    path = write_csv("people.csv", [["Name"], ["Ann"]])
    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nstale_after_days = "soon"\n', encoding="utf-8")
    code, _, err = run("audit", str(path), "--config", str(config))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "audit.toml" in err


def test_config_file_and_command_line_precedence(write_csv, tmp_path: Path) -> None:
    path = write_csv("people.csv", [["Name", "Email"], ["Ann Lee", "ann@ours.example"]])
    config = tmp_path / "audit.toml"
    config.write_text(
        '[audit]\nas_of = "2026-01-01"\ninternal_domains = ["ours.example"]\n', encoding="utf-8"
    )
    out = tmp_path / "f.json"
    run("audit", str(path), "--config", str(config), "--as-of", "2026-11-01", "--json", str(out), "-q")
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == "2026-11-01"


def test_inputs_are_never_modified_and_never_overwritten(exports: list[Path]) -> None:
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in exports}
    run("audit", *map(str, exports), "--quiet", "--fail-on", "never")
    code, _, err = run("audit", str(exports[0]), "--json", str(exports[0]), "--quiet")
    assert code == 2 and "overwrite an input" in err
    assert {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in exports} == before


def test_inspect_prints_detection_and_mapping() -> None:
    code, out, _ = run("inspect", str(FIXTURES / "hubspot/contacts_fr.csv"))
    assert code == 0
    for expected in (
        "platform:   hubspot",
        "object:     contact",
        "utf-8-sig",
        "';'",
        "Prénom",
        "-> first_name",
        "labels in Phase du cycle de vie",
    ):
        assert expected in out
    code, out, _ = run("inspect", str(FIXTURES / "generic/kontakty_pl.csv"), "--format", "json")
    assert code == 0 and json.loads(out)[0]["encoding"] == "cp1250"


def test_python_api_and_module_entry_point() -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "auditor", "--version"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == f"crm-audit {__version__}"


def test_streamed_json_equals_the_api_result(exports: list[Path], tmp_path: Path) -> None:
    import datetime as dt

    import auditor
    from auditor.reporting import write_json

    result = auditor.audit(exports, auditor.Config(as_of=dt.date(2026, 11, 1)))
    out = tmp_path / "f.json"
    write_json(result, out)
    assert result.findings
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        json.dumps(result.to_dict(), default=str)
    )


def test_a_folder_stands_for_the_exports_in_it(exports: list[Path], tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not an export", encoding="utf-8")
    out = tmp_path / "out" / "f.json"
    out.parent.mkdir()
    code, _, _ = run("audit", str(tmp_path), "--json", str(out), "--quiet", "--fail-on", "never")
    assert code == 0
    files = [entry["file"] for entry in json.loads(out.read_text(encoding="utf-8"))["inputs"]]
    assert files == [str(tmp_path / name) for name in ("Account.csv", "Contact.csv", "Lead.csv")]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("audit", str(empty), "--quiet")
    assert code == 2 and "no CSV or Excel export" in err


def test_inspect_prints_the_learnt_matching_weights(exports: list[Path]) -> None:
    code, out, _ = run("inspect", *map(str, exports), "--weights")
    assert code == 0
    assert "matching model learnt from" in out and "prior: two random records are one person" in out
    assert "  email" in out and "bits" in out
    assert "floor 'the same personal address under the same name': lifted" in out
    code, out, _ = run("inspect", *map(str, exports), "--weights", "--format", "json")
    inspected = json.loads(out)
    assert code == 0 and len(inspected["inputs"]) == 3
    assert inspected["matching"]["floors"][0]["weight"] == 10.0
    assert inspected["matching_diagnostics"]["candidate_pairs"] > 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["audit", "x.csv", "--lang", "xx"], "crm-audit: Invalid value for '--lang': 'xx' is not one of"),
        (["audit"], "crm-audit: Missing argument 'FILES...'. See 'crm-audit audit --help'."),
        (["audit", "--bogus", "x"], "crm-audit: No such option '--bogus'. See 'crm-audit audit --help'."),
        (["nope"], "crm-audit: No such command 'nope'. See 'crm-audit --help'."),
    ],
)
def test_a_wrong_command_line_is_one_line_too(args: list[str], says: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith(says) and err.count("\n") == 1, err
