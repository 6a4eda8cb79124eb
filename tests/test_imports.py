"""Import files of a fix plan (DIR/import/<platform>/, DIR/README.md): each platform's own header
names, merge lists in the shape its merge takes, review groups kept out."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from auditor.api import AuditResult
from auditor.fixes import RECORD_ACTIONS
from auditor.fixes.imports import IMPORT_FOLDER, README_FILE, import_specs, write_imports
from auditor.resources import iter_rules_files, load_rules_toml
from tests.test_fixes import fixes, result, samples, written  # noqa: F401 (module fixtures)

MERGE_SHAPES = {
    "salesforce": ["MasterRecordId", "DuplicateRecordId1", "DuplicateRecordId2"],
    "hubspot": ["primary_object_id", "object_id_to_merge"],
}


def _vocabulary() -> dict[str, set[str]]:
    """Every header rules/platforms/ knows for each platform: signature, object headers, column tables."""
    known = {}
    for entry in iter_rules_files("platforms", ".toml"):
        data = load_rules_toml("platforms", entry.name)
        words = set(data.get("signature", {}))
        tables = [data.get("columns", {})]
        for spec in data.get("objects", {}).values():
            words |= set(spec.get("headers", []))
            tables.append(spec.get("columns", {}))
        for table in tables:
            for language in table.values():
                words |= set(language)
        known[data["name"]] = words
    return known


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _import_files(folder: Path) -> list[Path]:
    return sorted((folder / IMPORT_FOLDER).glob("*/*.csv"))


def _platform_of(audited: AuditResult, ref: dict[str, Any]) -> str:
    for report in audited.inputs:
        if report.file == ref["file"] and (report.sheet or None) == (ref.get("sheet") or None):
            return report.platform
    raise AssertionError(ref)


def test_import_files_exist_for_each_platform_the_ready_actions_touch(
    result: AuditResult,  # noqa: F811
    written: Path,  # noqa: F811
    fixes: dict[str, Any],  # noqa: F811
) -> None:
    ready = [action for action in fixes["actions"] if not action.get("review")]
    touched = {
        _platform_of(result, action["record"]) for action in ready if action["action"] in RECORD_ACTIONS
    }
    assert touched >= {"salesforce", "dynamics365", "hubspot", "pipedrive"}  # the samples' closes and updates
    folders = {path.name for path in (written / IMPORT_FOLDER).iterdir()}
    assert folders == touched
    for platform in touched:
        assert list((written / IMPORT_FOLDER / platform).glob("update_*.csv"))
    # every close's and update's new value is in its platform's update file, on the record's id; a
    # clear (which an empty import cell cannot say) is in the README for a person
    readme = (written / README_FILE).read_text(encoding="utf-8")
    for action in ready:
        platform = _platform_of(result, action["record"])
        cells = {
            cell
            for path in (written / IMPORT_FOLDER / platform).glob("update_*.csv")
            for row in _rows(path)
            if row[0] == action["record"]["id"]
            for cell in row
        }
        for change in [action, *action["also"]]:
            if change["new"]:
                assert change["new"] in cells
            else:
                assert f"clear {change['header']!r} (now {change['old']!r})" in readme
    assert readme.count("before/") >= 1


def test_every_import_header_is_one_the_platform_documents(written: Path) -> None:  # noqa: F811
    known = _vocabulary()
    files = _import_files(written)
    assert files
    for path in files:
        headers = _rows(path)[0]
        if path.name.startswith("merge_"):
            assert headers == MERGE_SHAPES.get(path.parent.name, headers)
        else:
            assert set(headers) <= known[path.parent.name], (path, set(headers) - known[path.parent.name])


def test_review_actions_never_reach_an_import_file(written: Path, fixes: dict[str, Any]) -> None:  # noqa: F811
    ready_ids = {action["record"]["id"] for action in fixes["actions"] if not action.get("review")}
    review_ids = set()
    for action in fixes["actions"]:
        if action.get("review"):
            refs = [action.get("survivor") or action["into"], *action.get("merged", []), action.get("lead")]
            review_ids |= {ref["id"] for ref in refs if ref and ref.get("id")}
    assert review_ids
    cells = {cell for path in _import_files(written) for row in _rows(path) for cell in row}
    assert not (review_ids - ready_ids) & cells
    readme = (written / README_FILE).read_text(encoding="utf-8")
    assert "Needs a person" in readme and all(identifier in readme for identifier in review_ids - ready_ids)


def _ref(file: str, row: int, identifier: str) -> dict[str, Any]:
    return {"file": file, "row": row, "id": identifier}


def _merge(survivor: dict, merged: list[dict], values: list[dict], review: bool = False) -> dict:
    return {
        "action": "merge",
        "cluster": "C9",
        "review": review,
        "survivor": survivor,
        "merged": merged,
        "values": values,
    }


LEADS = SimpleNamespace(
    file="Lead.csv",
    sheet=None,
    platform="salesforce",
    object="lead",
    columns={
        "Id": "source_id",
        "Email": "email",
        "Mobile": "mobile",
        "Notes": "notes",
        "Status": "status_label",
    },
)
CONTACTS = SimpleNamespace(
    file="contacts.csv",
    sheet=None,
    platform="hubspot",
    object="contact",
    columns={"Record ID": "source_id", "E-mail": "email", "Numéro de téléphone": "phone"},
)


def test_a_group_of_five_makes_salesforce_rows_of_three_at_most(tmp_path: Path) -> None:
    survivor = _ref("Lead.csv", 2, "00Q000000000001")
    merged = [_ref("Lead.csv", row, f"00Q00000000000{row}") for row in range(3, 7)]
    hub = [_ref("contacts.csv", row, str(100 + row)) for row in range(2, 5)]
    plan = {
        "actions": [
            _merge(survivor, merged, [{"header": "Email", "value": "a@b.example", "changed": True}]),
            _merge(hub[0], hub[1:], [{"header": "E-mail", "value": "c@d.example", "changed": True}]),
        ]
    }
    write_imports(plan, [LEADS, CONTACTS], tmp_path)
    rows = _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "merge_lead.csv")
    assert rows[0] == MERGE_SHAPES["salesforce"]
    assert len(rows) == 3 and all(len([cell for cell in row if cell]) <= 3 for row in rows[1:])
    assert {row[0] for row in rows[1:]} == {survivor["id"]}
    assert sorted(cell for row in rows[1:] for cell in row[1:] if cell) == sorted(ref["id"] for ref in merged)
    assert _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "update_lead.csv") == [
        ["Id", "Email"],
        [survivor["id"], "a@b.example"],
    ]
    pairs = _rows(tmp_path / IMPORT_FOLDER / "hubspot" / "merge_contact.csv")
    assert pairs == [MERGE_SHAPES["hubspot"], ["102", "103"], ["102", "104"]]
    # a localized header goes out under the internal name
    assert _rows(tmp_path / IMPORT_FOLDER / "hubspot" / "update_contact.csv") == [
        ["Record ID", "email"],
        ["102", "c@d.example"],
    ]


def test_a_header_with_no_api_name_is_left_out_and_said_in_the_readme(tmp_path: Path) -> None:
    close = {
        "action": "close",
        "record": _ref("Lead.csv", 4, "00Q000000000004"),
        "header": "Status",
        "old": "Open",
        "new": "Closed - Not Converted",
        "also": [{"header": "Notes", "old": "", "new": "stale"}],
    }
    write_imports({"actions": [close]}, [LEADS], tmp_path)
    rows = _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "update_lead.csv")
    assert rows == [["Id", "Status"], ["00Q000000000004", "Closed - Not Converted"]]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert "'Notes' of Lead.csv row 4" in readme and "has no Salesforce API name" in readme


def test_review_and_cross_platform_merges_go_to_a_person(tmp_path: Path) -> None:
    lead = _ref("Lead.csv", 2, "00Q000000000001")
    other = _ref("Lead.csv", 3, "00Q000000000002")
    contact = _ref("contacts.csv", 2, "555")
    change = [{"header": "Email", "value": "x@y.example", "changed": True}]
    plan = {"actions": [_merge(lead, [other], change, review=True), _merge(lead, [contact], change)]}
    write_imports(plan, [LEADS, CONTACTS], tmp_path)
    assert not (tmp_path / IMPORT_FOLDER).exists() or not _import_files(tmp_path)
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert "needs a person" in readme and "different platforms or objects" in readme


def test_every_import_name_in_the_rules_is_a_header_the_platform_lists() -> None:
    known = _vocabulary()
    specs = import_specs()
    assert set(specs) == {"salesforce", "hubspot", "dynamics365", "zoho", "pipedrive", "odoo"}
    for platform, spec in specs.items():
        names = {*spec.ids.values(), *spec.fields.values()}
        for fields in spec.object_fields.values():
            names |= set(fields.values())
        assert names <= known[platform], (platform, names - known[platform])
        assert len(spec.merge) >= 2


def test_a_ready_conversion_updates_the_contact_and_leaves_the_conversion_to_a_person(tmp_path: Path) -> None:
    dynamics = SimpleNamespace(
        file="Kontakte.xlsx",
        sheet="Kontakte",
        platform="dynamics365",
        object="contact",
        columns={"(Nicht ändern) Kontakt": "source_id", "Mobiltelefon": "mobile", "E-Mail": "email"},
    )
    into = _ref("Kontakte.xlsx", 5, "0f5c-contact") | {"sheet": "Kontakte"}
    convert = {
        "action": "convert",
        "cluster": "C3",
        "lead": _ref("Lead.csv", 9, "00Q000000000009"),
        "into": into,
        "values": [
            {"header": "Mobiltelefon", "value": "+4915112345678", "changed": True},
            {"header": "E-Mail", "value": "same@example.com", "changed": False},
        ],
    }
    write_imports({"actions": [convert]}, [dynamics, LEADS], tmp_path)
    assert _rows(tmp_path / IMPORT_FOLDER / "dynamics365" / "update_contact.csv") == [
        ["contactid", "mobilephone"],
        ["0f5c-contact", "+4915112345678"],
    ]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert "convert Lead.csv row 9" in readme and "no importer converts a lead" in readme
