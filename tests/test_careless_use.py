"""Careless and hostile use of the command line (issue 14): outputs that would destroy an input or
the config, outputs that cannot be written, an audit date out of range, a config entry of the
wrong shape, escape sequences in what the files name. Each is one plain line, found before the
audit where it can be, and nothing is overwritten or left half-written."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import Config
from auditor.errors import ConfigError

PEOPLE = "First Name,Last Name,Email,Lead Status\nAnna,Nowak,anna@acme.pl,Open\nJan,Kowalski,jan@acme,Open\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def leads(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def never_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading any input fail the test: the refusal must come before the audit."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the audit ran before the outputs were checked")

    monkeypatch.setattr("auditor.api.read_inputs", refuse)


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_an_output_that_is_another_name_of_an_input_is_refused(
    leads: Path, tmp_path: Path, link: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_name = tmp_path / "report.json"
    (os.link if link == "hard" else os.symlink)(leads, other_name)
    before = digest(leads)
    never_audited(monkeypatch)
    code, _, err = run("audit", str(leads), "--json", str(other_name), "-q")
    assert code == 2 and "would overwrite an input file" in err and str(leads) in err
    assert digest(leads) == before


def test_the_config_file_is_never_an_output(
    leads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "audit.toml"
    config.write_text('[audit]\nas_of = "2026-11-01"\n', encoding="utf-8")
    before = digest(config)
    never_audited(monkeypatch)
    code, _, err = run("audit", str(leads), "--config", str(config), "--html", str(config), "-q")
    assert code == 2 and "would overwrite the config file" in err
    assert digest(config) == before


def test_two_outputs_on_one_path_are_refused(
    leads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_audited(monkeypatch)
    same = tmp_path / "out.txt"
    code, _, err = run("audit", str(leads), "--json", str(same), "--normalised", str(same), "-q")
    assert code == 2 and "name the same file" in err and not same.exists()


def test_a_missing_output_folder_is_said_before_the_audit(
    leads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_audited(monkeypatch)
    code, _, err = run("audit", str(leads), "--xlsx", str(tmp_path / "no" / "such" / "r.xlsx"), "-q")
    assert code == 2 and "does not exist" in err and "unexpected" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_full_disk_is_one_plain_line_and_leaves_the_last_report_whole(
    leads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "findings.json"
    report.write_text('{"last": "good"}', encoding="utf-8")

    def disk_full(result: object, path: str) -> None:
        Path(path).write_text("{half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr("auditor.reporting.json_report.write_json", disk_full)
    code, _, err = run("audit", str(leads), "--json", str(report), "-q")
    assert code == 2 and "could not write" in err and "No space left on device" in err
    assert "unexpected" not in err and len(err.strip().splitlines()) == 1
    assert report.read_text(encoding="utf-8") == '{"last": "good"}'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["findings.json", "leads.csv"]  # no leftovers


def test_every_output_follows_a_symlink_and_gets_the_same_permissions(leads: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept" / "report.xlsx"
    target.parent.mkdir()
    link = tmp_path / "report.xlsx"
    link.symlink_to(target)
    outputs = {"--xlsx": link, "--json": tmp_path / "f.json", "--html": tmp_path / "r.html"}
    outputs["--normalised"] = tmp_path / "n.csv"
    args = [part for option, path in outputs.items() for part in (option, str(path))]
    run("audit", str(leads), *args, "-q", "--fail-on", "never")
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes()[:2] == b"PK" and target.stat().st_size > 1000
    modes = {stat.S_IMODE(path.stat().st_mode) for path in outputs.values()}
    umask = os.umask(0)
    os.umask(umask)
    assert modes == {0o666 & ~umask}


def test_a_report_rewritten_keeps_the_permissions_it_had(leads: Path, tmp_path: Path) -> None:
    report = tmp_path / "f.json"
    report.write_text("{}", encoding="utf-8")
    report.chmod(0o640)
    run("audit", str(leads), "--json", str(report), "-q", "--fail-on", "never")
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert json.loads(report.read_text(encoding="utf-8"))["findings"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1677-09-22", "2262-04-11"])
def test_an_audit_date_out_of_range_is_a_usage_error(leads: Path, as_of: str) -> None:
    code, _, err = run("audit", str(leads), "--as-of", as_of, "-q")
    assert code == 2 and "outside the dates an audit can count days to" in err and "unexpected" not in err


def test_the_audit_date_range_holds_for_the_library_and_the_config_file(tmp_path: Path, leads: Path) -> None:
    with pytest.raises(ConfigError, match="outside the dates"):
        Config(as_of=dt.date(4000, 12, 31))
    config = tmp_path / "audit.toml"
    config.write_text("[audit]\nas_of = 0001-01-01\n", encoding="utf-8")
    code, _, err = run("audit", str(leads), "--config", str(config), "-q")
    assert code == 2 and str(config) in err and "1678-01-01" in err
    assert Config(as_of=dt.date(2261, 12, 31)).as_of.year == 2261


@pytest.mark.parametrize(
    ("value", "said"),
    [("[0, 5]", "wrong value [0, 5] for str_length"), ('{min_value = "a"}', "wrong value")],
)
def test_a_field_check_of_the_wrong_shape_is_refused_before_reading(
    leads: Path, tmp_path: Path, value: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(
        f'[[fields]]\ncolumn = "email"\ncheck = "str_length"\nvalue = {value}\n', encoding="utf-8"
    )
    never_audited(monkeypatch)
    code, _, err = run("audit", str(leads), "--config", str(config), "-q")
    assert code == 2 and said in err and "field check F001 on email" in err and "unexpected" not in err


def test_a_field_check_of_the_right_shape_still_runs(leads: Path, tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(
        '[[fields]]\ncolumn = "email"\ncheck = "str_matches"\nvalue = "^[^@]+@[^@]+[.][a-z]+$"\n',
        encoding="utf-8",
    )
    out = tmp_path / "f.json"
    run("audit", str(leads), "--config", str(config), "--json", str(out), "-q", "--fail-on", "never")
    checked = [
        item for item in json.loads(out.read_text(encoding="utf-8"))["findings"] if item["rule"] == "F001"
    ]
    assert len(checked) == 1 and "jan@acme" in json.dumps(checked)


ESCAPES = "\x1b]0;pwned\x07Email", "\x1b[2JLead Status", "\x9b31mCompany"


def test_escape_sequences_in_headers_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "esc.csv"
    path.write_text(
        "First Name,Last Name," + ",".join(ESCAPES) + "\nAnna,Nowak,a@acme.pl,Open,Acme\n", encoding="utf-8"
    )
    for args in (["inspect", str(path)], ["inspect", str(path), "--format", "json"], ["audit", str(path)]):
        _, out, err = run(*args)
        for control in ("\x1b", "\x07", "\x9b"):
            assert control not in out + err, args
    _, out, _ = run("inspect", str(path))
    assert "\\u001b]0;pwned\\u0007Email" in out  # shown, not hidden: the user sees what the file holds
    _, out, _ = run("inspect", str(path), "--format", "json")
    assert any("pwned" in column for report in json.loads(out) for column in report["columns"])


def test_the_progress_line_writes_control_characters_out(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from auditor.reporting.terminal import Progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with Progress(enabled=True) as progress:
        progress.update("loading", "\x1b[2Jsheet\x1b]0;x\x07.xlsx")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\u001b[2Jsheet" in err


def test_a_file_the_loaders_did_not_foresee_costs_only_itself(
    leads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.api

    odd = tmp_path / "odd.csv"
    odd.write_text(PEOPLE + "Ewa,Lis,ewa@acme.pl,Open\n", encoding="utf-8")
    real_load = auditor.api.load_file

    def load(path: Path, **options: object) -> object:
        if Path(path).name == "odd.csv":
            raise MemoryError("a sheet too big for this machine")
        return real_load(path, **options)

    monkeypatch.setattr(auditor.api, "load_file", load)
    monkeypatch.setattr(auditor.api, "_DEBUG", False)
    out = tmp_path / "f.json"
    code, _, err = run("audit", str(odd), str(leads), "--json", str(out), "-q")
    assert code == 2 and "odd.csv: could not be read (MemoryError" in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["records"] == 2
    assert [entry["error"] is not None for entry in report["inputs"]] == [True, False]


def test_a_folder_audited_twice_does_not_audit_its_own_reports(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "leads.csv").write_text(
        PEOPLE + "Anna,Nowak,anna@acme.pl,Open\n", encoding="utf-8"
    )  # one duplicate to find
    first = tmp_path / "first.json"
    args = ["--normalised", str(folder / "records.csv"), "--xlsx", str(folder / "report.xlsx"), "-q"]
    run("audit", str(folder), "--json", str(first), *args, "--fail-on", "never")
    second = tmp_path / "second.json"
    code, out, _ = run("audit", str(folder), "--json", str(second), "--fail-on", "never")
    assert code == 0
    assert "records.csv" in out and "the normalised records crm-audit wrote" in out
    assert "report.xlsx" in out and "a report crm-audit wrote" in out
    before, after = (json.loads(path.read_text(encoding="utf-8")) for path in (first, second))
    assert after["summary"] == before["summary"]
    assert [entry["role"] for entry in after["inputs"]] == ["audited", "not audited", "not audited"]


@pytest.mark.parametrize("again", ["the same path", "a hard link", "a copy", "the folder it is in"])
def test_one_export_given_twice_is_read_once(tmp_path: Path, again: str) -> None:
    from tests.conftest import FIXTURES

    folder = tmp_path / "exports"
    folder.mkdir()
    lead = folder / "Lead.csv"
    lead.write_bytes((FIXTURES / "salesforce" / "Lead.csv").read_bytes())
    other = {
        "the same path": lead,
        "a hard link": tmp_path / "Lead-link.csv",
        "a copy": tmp_path / "Lead (1).csv",
        "the folder it is in": folder,
    }[again]
    if again == "a hard link":
        os.link(lead, other)
    elif again == "a copy":
        other.write_bytes(lead.read_bytes())
    once, twice = tmp_path / "once.json", tmp_path / "twice.json"
    run("audit", str(lead), "--json", str(once), "-q", "--fail-on", "never")
    run("audit", str(lead), str(other), "--json", str(twice), "-q", "--fail-on", "never")
    before, after = (json.loads(path.read_text(encoding="utf-8")) for path in (once, twice))
    assert after["summary"] == before["summary"] and after["findings"] == before["findings"]
    assert [entry["role"] for entry in after["inputs"]] == ["audited", "not audited"]
    assert "read once" in after["inputs"][1]["reason"]


def test_a_folder_with_an_open_workbook_audits_its_exports_only(tmp_path: Path) -> None:
    """Excel keeps "~$<name>.xlsx" (a few bytes naming who has it open) beside an open workbook,
    and macOS writes "._<name>" files on shared drives: neither is an export nor an error."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "leads.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "~$leads.xlsx").write_bytes(b"\x05Marta" + b" " * 100)
    (folder / "._leads.csv").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    code, out, err = run("audit", str(folder), "--fail-on", "never")
    assert code == 0 and err == "" and "~$" not in out and "._leads" not in out
