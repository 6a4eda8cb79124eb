"""Fix plans (`--fixes DIR`, auditor.fixes): the plan of the bundled samples applied to copies of
them by a small applier, then audited again; the survivorship rules; why findings go without a
fix; the restore file; the JSON Schema; the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from auditor.api import AuditResult, audit
from auditor.cli import main
from auditor.config import config_from_mapping
from auditor.demo import demo_config, sample_paths
from auditor.errors import AuditorError, ConfigError
from auditor.findings import ClusterEvidence
from auditor.fixes import ACTION_OF_KIND, RECORD_ACTIONS, before_name, fixes_schema, plan, write_fixes
from auditor.loading import load_file
from auditor.matching.explaining import RecordFacts, _keep
from auditor.survivorship import Candidate, Survivorship
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
PEOPLE_KINDS = ("duplicate", "lead_is_contact")


def _audit(folder: Path, config: Any = None) -> AuditResult:
    paths = sorted(path for path in folder.iterdir() if path.suffix in (".csv", ".xlsx"))
    return audit(paths, config or demo_config(), display_names=[path.name for path in paths])


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    with sample_paths() as paths:
        for path in paths:
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def result(samples: Path) -> AuditResult:
    return _audit(samples)


@pytest.fixture(scope="module")
def written(result: AuditResult, samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fixes") / "fixes"
    write_fixes(result, folder, {name: samples / name for name in _names(result)})
    return folder


@pytest.fixture(scope="module")
def fixes(written: Path) -> dict[str, Any]:
    return json.loads((written / "plan.json").read_text(encoding="utf-8"))


def _names(result: AuditResult) -> set[str]:
    return {report.file for report in result.inputs}


# The applier: what a person (or a platform's importer) does with plan.json


def _applied(action: dict[str, Any]) -> bool:
    """Risky groups are applied as a reviewer who checked them would; pairs the matcher only set
    aside for review are not: they stay separate, as the plan says they should until a person decides."""
    return action["action"] in RECORD_ACTIONS or action["confidence"] != "review"


def apply_plan(fixes: dict[str, Any], source: Path, target: Path) -> None:
    """Copy the inputs and apply the plan's merges, conversions, updates and closes: merged records
    and converted leads are emptied (a loader skips empty rows and keeps the others' numbers), the
    survivor gets its final values, an updated or closed record its new cells (a clear empties one). Each cell changed must hold
    what the plan says it holds now."""
    edits: dict[tuple[str, str | None], dict[int, dict[str, tuple[str | None, str]]]] = {}
    emptied: dict[tuple[str, str | None], set[int]] = {}

    def table(record: dict[str, Any]) -> tuple[str, str | None]:
        return record["file"], record.get("sheet")

    for action in filter(_applied, fixes["actions"]):
        if action["action"] in RECORD_ACTIONS:
            record = action["record"]
            row = edits.setdefault(table(record), {}).setdefault(record["row"], {})
            for change in [action, *action["also"]]:
                assert change["header"] not in row, ("two actions write one cell", record, change)
                row[change["header"]] = (change["old"], change["new"])
            continue
        survivor = action["survivor"] if action["action"] == "merge" else action["into"]
        gone = action["merged"] if action["action"] == "merge" else [action["lead"]]
        row = edits.setdefault(table(survivor), {}).setdefault(survivor["row"], {})
        for value in action["values"]:
            if value["changed"]:
                assert value["header"] not in row, ("two actions write one cell", survivor, value)
                row[value["header"]] = (None, value["value"])
        for record in gone:
            emptied.setdefault(table(record), set()).add(record["row"])
    for path in source.iterdir():
        shutil.copy(path, target / path.name)
    for file, sheet in {*edits, *emptied}:
        _edit(target / file, sheet, edits.get((file, sheet), {}), emptied.get((file, sheet), set()))


def _edit(
    path: Path, sheet: str | None, edits: dict[int, dict[str, tuple[str | None, str]]], emptied: set[int]
) -> None:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = book[sheet]
        header = [str(cell.value) if cell.value is not None else "" for cell in cells[1]]
        for row, changes in edits.items():
            for name, (old, new) in changes.items():
                cell = cells.cell(row=row, column=header.index(name) + 1)
                assert old is None or str(cell.value or "") == old, (path.name, row, name)
                cell.value = new
        for row in emptied:
            for cell in cells[row]:
                cell.value = None
        book.save(path)
        return
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    text = raw.decode(encoding)
    delimiter = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    for row, changes in edits.items():
        for name, (old, new) in changes.items():
            column = header.index(name)
            assert old is None or rows[row - 1][column] == old, (path.name, row, name)
            rows[row - 1][column] = new
    for row in emptied:
        rows[row - 1] = [""] * len(header)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def _identity(finding: Any) -> tuple[str, str, frozenset]:
    return (
        finding.kind,
        finding.rule,
        frozenset((Path(ref.file).name, ref.sheet, ref.id or ref.row) for ref in finding.records),
    )


def _phone_digits(value: str) -> str:
    return re.sub(r"\D", "", value).lstrip("0")


def _same_phone(one: str, other: str) -> bool:
    a, b = _phone_digits(one), _phone_digits(other)
    return len(a) >= 6 and len(b) >= 6 and (a.endswith(b) or b.endswith(a))


def _contact_points(record: pd.Series) -> tuple[set[str], set[str]]:
    """A record's emails and phones, as the audit read them (phones in E.164 where valid)."""

    def split(*values: str) -> set[str]:
        return {part.strip() for value in values for part in str(value).split(";") if part.strip()}

    emails = {
        email.casefold() for email in split(record["email"], record["email_alt"], record["email_other"])
    }
    phones = split(
        record["phone"], record["mobile"], record["phone_other"], record["phone_raw"], record["mobile_raw"]
    )
    return emails, phones


def _locate(result: AuditResult, record: dict[str, Any]) -> pd.Series:
    records = result.records
    found = records[
        (records["source_file"] == record["file"])
        & (records["source_sheet"] == (record.get("sheet") or ""))
        & (records["source_row"] == record["row"])
    ]
    assert len(found) == 1, record
    return found.iloc[0]


def test_applying_the_plan_leaves_no_merge_to_do_and_finds_nothing_new(
    result: AuditResult, fixes: dict[str, Any], samples: Path, tmp_path: Path
) -> None:
    applied = [action for action in fixes["actions"] if _applied(action)]
    assert {action["action"] for action in applied} == {"merge", "convert", "close", "update"}
    apply_plan(fixes, samples, tmp_path)
    again = _audit(tmp_path)

    before = {_identity(finding) for finding in result.findings}
    after = {_identity(finding): finding for finding in again.findings}
    assert set(after) - before == set(), "applying the plan made new findings"
    left = [finding for finding in again.findings if finding.kind in PEOPLE_KINDS]
    assert left, "the samples' review pairs stay for a person to decide"
    for finding in left:
        assert isinstance(finding.evidence, ClusterEvidence) and finding.evidence.confidence == "review", (
            finding
        )
    closed = {
        (action["record"]["file"], action["record"]["row"])
        for action in applied
        if action["action"] in RECORD_ACTIONS
    }
    for finding in again.findings:
        if finding.kind in ("stale_lead", "converted_lead_open"):
            assert (finding.records[0].file, finding.records[0].row) not in closed, finding
    assert len(again.records) == len(result.records) - sum(
        len(action["merged"]) if action["action"] == "merge" else 1
        for action in applied
        if action["action"] not in RECORD_ACTIONS
    )

    # Every email and phone of every merged record is in the survivor or listed as dropped.
    for action in applied:
        if action["action"] in RECORD_ACTIONS:
            continue
        survivor = action["survivor"] if action["action"] == "merge" else action["into"]
        kept_emails, kept_phones = _contact_points(_locate(again, survivor))
        gone = action["merged"] if action["action"] == "merge" else [action["lead"]]
        for record in gone:
            dropped = [entry["value"] for entry in action["dropped"] if entry["record"] == record]
            emails, phones = _contact_points(_locate(result, record))
            for email in emails:
                assert email in kept_emails or email in {value.strip().casefold() for value in dropped}, (
                    record,
                    email,
                )
            for phone in phones:
                assert any(_same_phone(phone, kept) for kept in kept_phones) or any(
                    _same_phone(phone, value) or phone == value.strip() for value in dropped
                ), (record, phone)


def test_every_finding_has_one_action_or_a_reason(result: AuditResult, fixes: dict[str, Any]) -> None:
    assert len(fixes["actions"]) + len(fixes["without_fix"]) == len(result.findings)
    counts = {kind: 0 for kind in ("merge", "convert", "close", "update")}
    for action in fixes["actions"]:
        counts[action["action"]] += 1
    # The figures the README gives.
    assert counts == {"merge": 8, "convert": 3, "close": 4, "update": 7}
    claimed: list[tuple[str, int]] = []
    for action in fixes["actions"]:
        if action["action"] in RECORD_ACTIONS:
            continue
        group = (
            [action["survivor"], *action["merged"]]
            if action["action"] == "merge"
            else [action["into"], action["lead"]]
        )
        claimed += [(record["file"], record["row"]) for record in group]
    assert len(claimed) == len(set(claimed)), "a record is in two merges"
    kinds = {entry["kind"] for entry in fixes["without_fix"] if entry["reason_code"] == "not_planned"}
    assert not kinds & set(ACTION_OF_KIND)


def test_the_survivor_is_the_record_the_finding_keeps(result: AuditResult, fixes: dict[str, Any]) -> None:
    keeps = {}
    for finding in result.findings:
        if finding.kind in PEOPLE_KINDS:
            kept = finding.records[finding.evidence.keep.record]
            keeps[frozenset((ref.file, ref.row) for ref in finding.records)] = (kept.file, kept.row)
    checked = 0
    for action in fixes["actions"]:
        if action["action"] in RECORD_ACTIONS:
            continue
        survivor = action["survivor"] if action["action"] == "merge" else action["into"]
        gone = action["merged"] if action["action"] == "merge" else [action["lead"]]
        group = frozenset((record["file"], record["row"]) for record in [survivor, *gone])
        assert keeps[group] == (survivor["file"], survivor["row"]), action["cluster"]
        checked += 1
    assert checked == 11


def test_risky_groups_are_planned_for_review_with_their_reasons(fixes: dict[str, Any]) -> None:
    groups = [action for action in fixes["actions"] if action["action"] not in RECORD_ACTIONS]
    assert all(action["review"] for action in groups)  # every sample group spans owners or platforms
    codes = {reason["code"] for action in groups for reason in action["review_reasons"]}
    assert {"different_owners", "different_platforms", "confidence_review"} <= codes
    review_pair = next(action for action in groups if action["confidence"] == "review")
    assert review_pair["review_reasons"][0]["code"] == "confidence_review"


def test_values_say_where_they_come_from_and_never_pick_an_invalid_phone(fixes: dict[str, Any]) -> None:
    merge = next(
        action
        for action in fixes["actions"]
        if action["action"] == "merge" and action["survivor"]["row"] == 75
    )
    phone = next(value for value in merge["values"] if value["header"] == "Phone")
    # The survivor's own phone is invalid; the merged lead's valid one wins, in E.164.
    assert phone == {
        "header": "Phone",
        "value": "+442079460475",
        "from": merge["merged"][0],
        "rule": "valid_over_invalid",
        "changed": True,
    }
    assert {"header": "Phone", "value": "+44 20 7946 000", "record": merge["survivor"]} in merge["dropped"]
    website = next(value for value in merge["values"] if value["header"] == "Website")
    assert website["rule"] == "survivor_else_most_recent" and website["from"] == merge["merged"][0]
    # Columns the record model has no field for keep the survivor's value.
    industry = next(value for value in merge["values"] if value["header"] == "Industry")
    assert industry["rule"] == "survivor" and industry["from"] == merge["survivor"]


def test_closes_use_a_label_the_file_already_uses(fixes: dict[str, Any]) -> None:
    closes = {
        (action["record"]["file"], action["record"]["row"]): action
        for action in fixes["actions"]
        if action["action"] in RECORD_ACTIONS
    }
    converted = closes["salesforce_Lead.csv", 67]
    assert (converted["header"], converted["old"], converted["new"], converted["also"]) == (
        "Status",
        "Working - Contacted",
        "Closed - Converted",
        [],
    )
    stale = closes["dynamics365_clientes_potenciales_es.xlsx", 51]
    # Dynamics 365: the state and its status reason move together, or the lead contradicts itself.
    assert (stale["header"], stale["old"], stale["new"]) == ("Estado", "Abierto", "Descalificado")
    assert stale["also"] == [{"header": "Razón para el estado", "old": "Nuevo", "new": "Perdido"}]


@pytest.mark.parametrize(
    ("file", "row", "code"),
    [
        ("pipedrive_persons.csv", 46, "no_status_column"),
        ("hubspot_contacts_fr.csv", 59, "no_target_label"),
        ("salesforce_Lead.csv", 70, "no_target_label"),
        ("salesforce_Lead.csv", 69, "merged_away"),
        ("salesforce_Lead.csv", 68, "no_open_label"),
        ("dynamics365_clientes_potenciales_es.xlsx", 48, "no_target_label"),
        ("hand_kept_contacts.xlsx", 42, "overlaps_action"),
    ],
)
def test_why_a_finding_has_no_fix(fixes: dict[str, Any], file: str, row: int, code: str) -> None:
    entries = [
        entry
        for entry in fixes["without_fix"]
        if entry["kind"] in ACTION_OF_KIND
        and (entry["records"][0]["file"], entry["records"][0]["row"]) == (file, row)
    ]
    assert [entry["reason_code"] for entry in entries] == [code]
    assert entries[0]["reason"]


def _without_of(fixes: dict[str, Any], kind: str, file: str, row: int) -> dict[str, Any]:
    (entry,) = [
        entry
        for entry in fixes["without_fix"]
        if entry["kind"] == kind and (entry["records"][0]["file"], entry["records"][0]["row"]) == (file, row)
    ]
    return entry


def test_a_lead_that_is_someone_else_gets_the_files_own_label(fixes: dict[str, Any]) -> None:
    updates = {
        (action["record"]["file"], action["record"]["row"]): action
        for action in fixes["actions"]
        if action["action"] == "update" and action["kind"] != "invalid_email"
    }
    hubspot = updates["hubspot_contacts_fr.csv", 55]
    assert (hubspot["rule"], hubspot["type"]) == ("CL001", "customer")
    assert (hubspot["header"], hubspot["old"], hubspot["new"]) == ("Phase du cycle de vie", "Lead", "Client")
    # A customer with lead status "Nouveau" would contradict itself (CL007): the status is cleared.
    assert hubspot["also"] == [{"header": "Statut du lead", "old": "Nouveau", "new": ""}]
    pipedrive = updates["pipedrive_persons.csv", 38]
    assert (pipedrive["header"], pipedrive["old"], pipedrive["new"], pipedrive["also"]) == (
        "Person - Label",
        "Hot lead",
        "Customer",
        [],
    )
    # A lead that is a lead by its object, not its labels, converts in the CRM; staff are no leads;
    # a label the file never uses is not invented; a company name alone is not enough.
    expected = {
        ("customer_as_lead", "salesforce_Lead.csv", 62): "convert_in_crm",
        ("partner_as_lead", "dynamics365_clientes_potenciales_es.xlsx", 50): "convert_in_crm",
        ("employee_as_lead", "salesforce_Lead.csv", 66): "staff_record",
        ("partner_as_lead", "hubspot_contacts_fr.csv", 58): "no_target_label",
        ("employee_as_lead", "pipedrive_persons.csv", 43): "no_target_label",
        ("customer_as_lead", "pipedrive_persons.csv", 21): "weak_evidence",
        ("customer_as_lead", "salesforce_Lead.csv", 61): "merged_away",
    }
    for (kind, file, row), code in expected.items():
        assert _without_of(fixes, kind, file, row)["reason_code"] == code, (kind, file, row)


def test_an_invalid_email_is_repaired_only_when_it_can_mean_one_address(fixes: dict[str, Any]) -> None:
    repairs = {
        (action["record"]["file"], action["record"]["row"]): (action["header"], action["old"], action["new"])
        for action in fixes["actions"]
        if action["action"] == "update" and action["kind"] == "invalid_email"
    }
    assert repairs == {
        ("hubspot_contacts_fr.csv", 63): (
            "E-mail",
            "juliette.rousseau@societe-orme,fr",
            "juliette.rousseau@societe-orme.fr",
        ),
        ("salesforce_Lead.csv", 74): ("Email", "l.ferreira@@grupo-cumbre.es", "l.ferreira@grupo-cumbre.es"),
        ("dynamics365_clientes_potenciales_es.xlsx", 54): (
            "Correo electrónico",
            "javier.castillo @ servicios-cumbre.es",
            "javier.castillo@servicios-cumbre.es",
        ),
    }
    # acme-like company domains without their ending could be .com, .co.uk or anything else.
    entry = _without_of(fixes, "invalid_email", "salesforce_Lead.csv", 73)
    assert entry["reason_code"] == "ambiguous" and "'mark.owens@harwick-sons'" in entry["reason"]


def test_a_mistyped_mail_domain_is_planned_and_gone_once_applied(samples: Path, tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir(), target.mkdir()
    for path in samples.iterdir():
        shutil.copy(path, source / path.name)
    leads = source / "salesforce_Lead.csv"
    rows = list(csv.reader(io.StringIO(leads.read_text(encoding="utf-8"), newline="")))
    email = rows[0].index("Email")
    row = 9  # spreadsheet row 10, a lead with a company address: now a Gmail one, mistyped
    rows[row][email] = rows[row][email].split("@")[0] + "@gmial.com"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    leads.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = _audit(source)
    assert [finding.kind for finding in result.findings].count("mistyped_email_domain") == 1
    fixes = plan(result, {name: source / name for name in _names(result)}).to_dict()
    (action,) = [action for action in fixes["actions"] if action.get("kind") == "mistyped_email_domain"]
    assert (action["record"]["row"], action["header"]) == (row + 1, "Email")
    assert action["new"] == action["old"].replace("@gmial.com", "@gmail.com")
    apply_plan(fixes, source, target)
    again = _audit(target)
    assert "mistyped_email_domain" not in {finding.kind for finding in again.findings}
    assert {_identity(finding) for finding in again.findings} <= {
        _identity(finding) for finding in result.findings
    }


def test_a_stale_lead_that_is_a_customer_is_moved_not_closed(samples: Path, tmp_path: Path) -> None:
    for path in samples.iterdir():
        shutil.copy(path, tmp_path / path.name)
    contacts = tmp_path / "hubspot_contacts_fr.csv"
    text = contacts.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    rows[54][rows[0].index("Date de la dernière activité")] = "03/01/2024 10:00"  # row 55, a customer
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    contacts.write_text(out.getvalue(), encoding="utf-8-sig", newline="")
    result = _audit(tmp_path)
    kinds = {finding.kind for finding in result.findings if finding.records[0].row == 55}
    assert {"stale_lead", "customer_as_lead"} <= kinds
    fixes = plan(result, {name: tmp_path / name for name in _names(result)}).to_dict()
    assert _without_of(fixes, "stale_lead", "hubspot_contacts_fr.csv", 55)["reason_code"] == "retyped"
    assert [
        action["new"]
        for action in fixes["actions"]
        if action.get("record", {}).get("row") == 55 and action["record"]["file"] == "hubspot_contacts_fr.csv"
    ] == ["Client"]


def test_phones_get_their_e164_form_when_the_config_asks(samples: Path, tmp_path: Path) -> None:
    config = demo_config().with_overrides(phone_format="e164")
    result = _audit(samples, config)
    fixes = plan(result, {name: samples / name for name in _names(result)}).to_dict()
    formats = [action for action in fixes["actions"] if action.get("kind") == "phone_format"]
    assert len(formats) > 50
    for action in formats:
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", action["new"]), action
        assert action["rule"] == "E164" and action["also"] == []
    # A format is no finding's fix: every finding still has one action or one reason.
    assert len(fixes["actions"]) - len(formats) + len(fixes["without_fix"]) == len(result.findings)
    jsonschema.validate(fixes, fixes_schema())
    # An extension is never cut off, and no merged-away record is formatted.
    gone = {
        (record["file"], record["row"])
        for action in fixes["actions"]
        if action["action"] in ("merge", "convert") and action["confidence"] != "review"
        for record in (action["merged"] if action["action"] == "merge" else [action["lead"]])
    }
    assert not gone & {(action["record"]["file"], action["record"]["row"]) for action in formats}

    apply_plan(fixes, samples, tmp_path)
    again = _audit(tmp_path, config)
    assert {_identity(finding) for finding in again.findings} <= {
        _identity(finding) for finding in result.findings
    }
    for action in formats:
        record = _locate(again, action["record"])
        assert action["new"] in (record["phone_raw"], record["mobile_raw"]), action
    # Formatted once, nothing is left to format.
    again_plan = plan(again, {name: tmp_path / name for name in _names(again)})
    formatted = {(action["record"]["file"], action["record"]["row"], action["header"]) for action in formats}
    assert not formatted & {
        (action["record"]["file"], action["record"]["row"], action["header"])
        for action in again_plan.actions
        if action.get("kind") == "phone_format"
    }


def test_a_stale_lead_with_a_status_nobody_knows_waits_for_its_mapping(samples: Path, tmp_path: Path) -> None:
    for path in samples.iterdir():
        shutil.copy(path, tmp_path / path.name)
    leads = tmp_path / "salesforce_Lead.csv"
    rows = list(csv.reader(io.StringIO(leads.read_text(encoding="utf-8"), newline="")))
    rows[69][rows[0].index("Status")] = "Parked (see notes)"  # row 70, a stale lead
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    leads.write_text(out.getvalue(), encoding="utf-8", newline="")
    result = _audit(tmp_path)
    fixes = plan(result, {name: tmp_path / name for name in _names(result)})
    (entry,) = [
        entry
        for entry in fixes.without_fix
        if entry["kind"] == "stale_lead" and entry["records"][0]["row"] == 70
    ]
    assert entry["reason_code"] == "unmapped_status"
    assert entry["reason"] == (
        "its 'Status' label 'Parked (see notes)' means no state the audit knows: "
        "map it in the config's [vocabulary.state] first"
    )
    # Once the file's own label is given a meaning, the lead closes with it.
    mapped = demo_config().with_overrides(vocabulary={"state": {"Parked (see notes)": "closed"}})
    result = _audit(tmp_path, mapped)
    fixes = plan(result, {name: tmp_path / name for name in _names(result)})
    closes = [
        action for action in fixes.actions if action["action"] == "close" and action["record"]["row"] == 71
    ]
    assert [(action["old"], action["new"]) for action in closes] == [
        ("Open - Not Contacted", "Parked (see notes)")
    ]


def test_the_reasons_name_what_is_missing(fixes: dict[str, Any]) -> None:
    reasons = {entry["reason"] for entry in fixes["without_fix"]}
    assert (
        "hubspot_contacts_fr.csv uses no label meaning disqualified or closed in its column 'Statut du lead'"
        in reasons
    )
    assert "pipedrive_persons.csv has no status column to close it in" in reasons
    assert (
        "salesforce_Lead.csv row 69 goes in the merge of cluster C11, into salesforce_Lead.csv row 75"
        in reasons
    )


def test_the_restore_file_holds_every_touched_row_as_exported(
    fixes: dict[str, Any], written: Path, samples: Path
) -> None:
    touched: dict[tuple[str, str | None], set[int]] = {}
    for action in fixes["actions"]:
        records = [action[key] for key in ("record", "survivor", "into", "lead") if key in action]
        for record in [*records, *action.get("merged", [])]:
            touched.setdefault((record["file"], record.get("sheet")), set()).add(record["row"])
    files = sorted(path.name for path in (written / "before").iterdir())
    assert files == sorted(before_name(file, sheet) for file, sheet in touched)
    for (file, sheet), rows in touched.items():
        (table,) = [t for t in load_file(samples / file) if t.sheet == sheet]
        with (written / "before" / before_name(file, sheet)).open(encoding="utf-8", newline="") as handle:
            restored = list(csv.reader(handle))
        assert restored[0] == ["source_row", *table.headers]
        assert {int(line[0]) for line in restored[1:]} == rows
        positions = {int(row): index for index, row in enumerate(table.row_numbers)}
        for line in restored[1:]:
            original = [str(value) for value in table.frame.iloc[positions[int(line[0])]]]
            assert [cell.removeprefix("'") if cell.startswith("'") else cell for cell in line[1:]] == original


def test_restore_cells_are_inert(tmp_path: Path) -> None:
    from auditor.fixes.writing import _write_before

    class Table:
        headers = ("Id", "Name")

    class Sources:
        def table(self, file: str, sheet: str | None) -> Table:
            return Table()

        def cells(self, ref: Any) -> dict[str, str]:
            return {"Id": "1", "Name": '=HYPERLINK("http://x")'}

    from auditor.findings import RecordRef

    _write_before([RecordRef("Lead.csv", 2, "1")], Sources(), tmp_path / "before")  # type: ignore[arg-type]
    assert (tmp_path / "before" / "Lead.csv").read_text(encoding="utf-8").splitlines() == [
        "source_row,Id,Name",
        '2,1,"\'=HYPERLINK(""http://x"")"',
    ]


def test_the_plan_is_valid_against_its_shipped_schema(fixes: dict[str, Any]) -> None:
    schema = fixes_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads((ROOT / "reports" / "fixes.schema.json").read_bytes())
    assert "reports/fixes.schema.json" in (ROOT / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    jsonschema.Draft202012Validator(schema).validate(fixes)


@pytest.mark.parametrize(
    ("action", "key", "value"),
    [
        ("merge", "confidence", "maybe"),
        ("merge", "merged", []),
        ("merge", "review", False),  # a group with review reasons is never ready
        ("close", "new", ""),
        ("close", "action", "delete"),
        ("convert", "into", {"file": "x.csv", "row": 0, "id": None}),
    ],
)
def test_the_schema_catches_a_broken_plan(fixes: dict[str, Any], action: str, key: str, value: Any) -> None:
    broken = json.loads(json.dumps(fixes))
    target = next(item for item in broken["actions"] if item["action"] == action)
    target[key] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(fixes_schema()).validate(broken)


# Survivorship rules


def _group(**columns: Iterable[Any]) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    frame = {name: [""] * size for name in Survivorship.of().complete}
    frame |= {"record_type": ["lead"] * size}
    for name in ("last_activity_date", "last_modified_date", "created_date"):
        frame[name] = [pd.NaT] * size
    frame |= {name: list(values) for name, values in columns.items()}
    for name in ("last_activity_date", "last_modified_date", "created_date"):
        frame[name] = pd.to_datetime(pd.Series(frame[name]))
    return pd.DataFrame(frame)


def test_survivor_contact_over_lead_then_complete_then_recent_then_oldest() -> None:
    rules = Survivorship.of()
    assert rules.survivor(_group(record_type=["lead", "contact"], email=["a@x.com", ""])) == (1, ["role"])
    assert rules.survivor(_group(record_type=["contact", "customer"])) == (1, ["role"])
    assert rules.survivor(_group(email=["", "a@x.com"], city=["", "Paris"])) == (1, ["most_complete"])
    recent = _group(last_activity_date=["2026-01-01", "2026-05-01"])
    assert rules.survivor(recent) == (1, ["most_recent_activity"])
    modified = _group(last_modified_date=["2026-06-01", None], last_activity_date=[None, "2026-05-01"])
    assert rules.survivor(modified) == (0, ["most_recent_activity"])
    old = _group(created_date=["2025-01-01", "2020-01-01", None])
    assert rules.survivor(old) == (1, ["oldest_creation"])
    assert rules.survivor(_group(email=["a@x.com", "b@x.com"])) == (0, ["first_listed"])


def test_keep_and_the_plan_choose_the_same_record(result: AuditResult) -> None:
    """The findings' Keep and the plan's survivor follow one order (rules/survivorship.toml): on
    random groups of the samples' people they choose alike, and a full tie goes to the oldest."""
    records = result.records
    rules = Survivorship.of()
    people = np.flatnonzero((records["object"] != "account").to_numpy())
    generator = np.random.default_rng(17)
    decided = set()
    for _ in range(400):
        positions = generator.choice(people, size=int(generator.integers(2, 5)), replace=False).tolist()
        facts = RecordFacts.of(records, set(), np.array(positions))
        survivor, criteria = rules.survivor(records.iloc[positions].reset_index(drop=True))
        assert _keep(facts, positions).record == survivor, positions
        decided.add(criteria[0])
    assert {"role", "most_complete", "most_recent_activity"} <= decided
    twins = records.iloc[[0, 0]].reset_index(drop=True)
    twins["created_date"] = pd.to_datetime(pd.Series(["2026-02-01", "2025-02-01"])).astype(
        twins["created_date"].dtype
    )
    keep = _keep(RecordFacts.of(twins, set(), np.array([0, 1])), [0, 1])
    assert (keep.record, str(keep.reason)) == (1, "created first (2025-02-01)")
    assert rules.survivor(twins) == (1, ["oldest_creation"])


def test_the_config_can_reorder_the_survivor_rules() -> None:
    group = _group(record_type=["contact", "lead"], last_activity_date=["2024-01-01", "2026-01-01"])
    assert Survivorship.of().survivor(group)[0] == 0
    config = config_from_mapping({"survivorship": {"order": ["most_recent_activity", "role"]}})
    assert Survivorship.of(config.survivorship).survivor(group) == (1, ["most_recent_activity"])


def test_value_rules() -> None:
    rules = Survivorship.of()
    recency = [1.0, 3.0, 2.0]
    own, newer, older = Candidate(0, "own"), Candidate(1, "newest"), Candidate(2, "longest one")
    assert rules.choose("survivor_else_most_recent", [own, newer, older], recency) == 0
    assert rules.choose("survivor_else_most_recent", [Candidate(0, ""), newer, older], recency) == 1
    assert rules.choose("survivor", [Candidate(0, ""), newer], recency) == 0
    assert rules.choose("most_recent", [own, newer, older], recency) == 1
    assert rules.choose("longest", [own, newer, older], recency) == 2
    same = [Candidate(0, "a"), Candidate(1, "B "), Candidate(2, "b")]
    assert rules.choose("most_frequent", same, recency) == 1
    # Never an invalid value over a valid one, the survivor's own neither; invalid beats nothing.
    invalid = Candidate(0, "bad@", invalid=True)
    assert (
        rules.choose("survivor_else_most_recent", [invalid, Candidate(2, "ok@x.com", valid=True)], recency)
        == 1
    )
    assert rules.choose("survivor", [invalid, Candidate(2, "ok@x.com", valid=True)], recency) == 1
    assert (
        rules.choose(
            "most_recent", [Candidate(0, "ok@x.com", valid=True), Candidate(1, "new@", invalid=True)], recency
        )
        == 0
    )
    assert rules.choose("survivor_else_most_recent", [invalid], recency) == 0


def test_the_config_can_change_a_field_rule_and_the_plan_follows(result: AuditResult, samples: Path) -> None:
    config = demo_config().with_overrides(survivorship={"fields": {"website": "survivor"}})
    changed = AuditResult(
        config=config, records=result.records, findings=list(result.findings), inputs=result.inputs
    )
    fixes = plan(changed, {name: samples / name for name in _names(result)})
    merge = next(
        action for action in fixes.actions if action["action"] == "merge" and action["survivor"]["row"] == 75
    )
    website = next(value for value in merge["values"] if value["header"] == "Website")
    assert (website["value"], website["rule"], website["changed"]) == ("", "survivor", False)
    assert {"header": "Website", "value": "www.harbourline.co.uk", "record": merge["merged"][0]} in merge[
        "dropped"
    ]


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({"order": ["role", "loudest"]}, "unknown survivor criterion 'loudest'"),
        ({"fields": {"email": "prettiest"}}, "unknown value rule 'prettiest' for email"),
        ({"fields": {"shoe_size": "survivor"}}, "unknown field 'shoe_size'"),
        ({"master": "oldest"}, "unknown setting 'master' in [survivorship]"),
    ],
)
def test_a_wrong_survivorship_section_is_refused(section: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):
        config_from_mapping({"survivorship": section})


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({"phone_format": "national"}, "phone_format must be one of as_exported, e164, not 'national'"),
        ({"phones": "e164"}, "unknown setting 'phones' in [fixes]"),
    ],
)
def test_a_wrong_fixes_section_is_refused(section: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):
        config_from_mapping({"fixes": section})
    assert config_from_mapping({"fixes": {"phone_format": "e164"}}).phone_format == "e164"


def test_a_plan_refuses_a_file_changed_since_the_audit(
    result: AuditResult, samples: Path, tmp_path: Path
) -> None:
    for name in _names(result):
        shutil.copy(samples / name, tmp_path / name)
    lines = (tmp_path / "salesforce_Lead.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "salesforce_Lead.csv").write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(AuditorError, match="changed since the audit"):
        plan(result, {name: tmp_path / name for name in _names(result)})


def test_a_failed_plan_leaves_the_previous_one_whole(
    result: AuditResult, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "fixes"
    paths = {name: samples / name for name in _names(result)}
    write_fixes(result, folder, paths)
    (folder / "notes.txt").write_text("the user's own", encoding="utf-8")
    before = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    # Another plan, whose last part fails to write: nothing of it may replace the first one's parts.
    phones_only = _audit(samples, demo_config().with_overrides(select=("DQ002",)))

    def broken(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("auditor.fixes.writing.write_clean", broken)
    with pytest.raises(AuditorError, match="No space left on device"):
        write_fixes(phones_only, folder, paths)
    after = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    assert after == before
    monkeypatch.undo()

    # A plan with nothing for an import file takes the old import files away; the user's file stays.
    write_fixes(phones_only, folder, paths)
    assert json.loads((folder / "plan.json").read_text(encoding="utf-8"))["actions"] == []
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "the user's own"
    assert sorted(path.name for path in folder.iterdir()) == [
        "README.md",
        "before",
        "clean",
        "notes.txt",
        "plan.json",
    ]


# The command line


def _run(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_cli_writes_the_plan(tmp_path: Path) -> None:
    folder = FIXTURES / "salesforce"
    code, _, err = _run(
        "audit", str(folder), "--as-of", "2026-11-01", "--quiet", "--fixes", str(tmp_path / "fixes")
    )
    assert code in (0, 1) and err == ""
    written = json.loads((tmp_path / "fixes" / "plan.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(fixes_schema()).validate(written)
    assert written["as_of"] == "2026-11-01" and (tmp_path / "fixes" / "before" / "Lead.csv").is_file()
    # Planning again replaces the restore file whole: nothing of an earlier plan stays behind.
    (tmp_path / "fixes" / "before" / "Old.csv").write_text("stale", encoding="utf-8")
    assert _run("audit", str(folder), "--as-of", "2026-11-01", "-q", "--fixes", str(tmp_path / "fixes"))[
        0
    ] in (0, 1)
    assert sorted(path.name for path in (tmp_path / "fixes" / "before").iterdir()) == ["Lead.csv"]


@pytest.mark.parametrize("bad", ["file", "input", "missing_parent"])
def test_cli_refuses_a_bad_fixes_folder_in_one_line(tmp_path: Path, bad: str) -> None:
    lead = tmp_path / "Lead.csv"
    shutil.copy(FIXTURES / "salesforce" / "Lead.csv", lead)
    target = {
        "file": tmp_path / "plan.txt",
        "input": lead,
        "missing_parent": tmp_path / "nowhere" / "fixes",
    }[bad]
    if bad == "file":
        target.write_text("not a folder", encoding="utf-8")
    code, out, err = _run("audit", str(lead), "--quiet", "--fixes", str(target))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("crm-audit: --fixes ")


def test_a_reordered_survivorship_moves_the_findings_keep_with_the_plan(samples: Path) -> None:
    """A config's [survivorship] order is the one the findings' Keep follows too: the report and the
    plan never name different records to keep."""
    config = demo_config().with_overrides(
        survivorship={"order": ["oldest_creation", "most_recent_activity", "most_complete", "role"]}
    )
    reordered = _audit(samples, config)
    fixes = plan(reordered, {name: samples / name for name in _names(reordered)}).to_dict()
    by_default = _audit(samples).findings
    merges = {
        frozenset((ref["file"], ref["row"]) for ref in [action["survivor"], *action["merged"]]): action[
            "survivor"
        ]
        for action in fixes["actions"]
        if action["action"] == "merge"
    }
    kept_differently = 0
    compared = 0
    for finding in reordered.findings:
        if finding.kind != "duplicate" or not isinstance(finding.evidence, ClusterEvidence):
            continue
        group = frozenset((ref.file, ref.row) for ref in finding.records)
        if group not in merges:
            continue
        kept = finding.records[finding.evidence.keep.record]
        assert (merges[group]["file"], merges[group]["row"]) == (kept.file, kept.row)
        compared += 1
        default = next(
            f for f in by_default if f.kind == "duplicate" and {(r.file, r.row) for r in f.records} == group
        )
        kept_differently += default.records[default.evidence.keep.record].row != kept.row
    assert compared and kept_differently  # the order changed what is kept, in both alike
