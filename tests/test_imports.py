"""Import files of a fix plan (DIR/import/<platform>/, DIR/README.md): each platform's own header
names, merge lists in the shape its merge takes, review groups kept out."""

from __future__ import annotations

import csv
import math
import re
import shlex
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.api import AuditResult
from auditor.cli import main
from auditor.errors import ConfigError
from auditor.fixes import RECORD_ACTIONS
from auditor.fixes.imports import IMPORT_FOLDER, README_FILE, import_specs, picklists_from, write_imports
from auditor.resources import iter_rules_files, load_rules_toml
from auditor.terms import LABEL_COLUMNS, builtin_vocabulary
from tests.test_fixes import fixes, result, samples, written  # noqa: F401 (module fixtures)

# Each platform's merge list per object: its merge API's own parameter names, master first, or ours
# (True) where the merge takes none; None where the object has no merge.
MERGE_SHAPES: dict[tuple[str, str], tuple[list[str], bool] | None] = {
    ("salesforce", "lead"): (["MasterRecordId", "DuplicateRecordId1", "DuplicateRecordId2"], False),
    ("hubspot", "contact"): (["primaryObjectId", "objectIdToMerge"], False),
    ("dynamics365", "contact"): (["Target", "SubordinateId"], False),
    ("zoho", "lead"): (["master_id", "duplicate_id"], True),
    ("pipedrive", "person"): (["merge_with_id", "id"], False),
    ("pipedrive", "lead"): None,
    ("odoo", "contact"): (["dst_partner_id", "partner_ids"], False),
    ("odoo", "lead"): (["master_id", "duplicate_id"], True),
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
    readme = (written / README_FILE).read_text(encoding="utf-8")
    # every close's and update's new value is in its platform's update file, on the record's id: as
    # exported when it is an API value, else as the API value the README says it was written as; a
    # clear (which an empty import cell cannot say) is in the README for a person
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
            if not change["new"]:
                assert f"clear {change['header']!r} (now {change['old']!r})" in readme
                continue
            written_as = re.findall(rf"{re.escape(repr(change['new']))} written as '([^']*)'", readme)
            assert change["new"] in cells or (written_as and written_as[0] in cells), (change, cells)
    assert readme.count("before/") >= 1


def test_the_samples_dynamics_closes_go_out_as_option_values(written: Path) -> None:  # noqa: F811
    rows = _rows(written / IMPORT_FOLDER / "dynamics365" / "update_lead.csv")
    header = rows[0]
    assert header[0] == "leadid" and {"statecode", "statuscode"} <= set(header)
    # "Descalificado" / "Perdido" of the Spanish export: Disqualified (2) with its default reason, Lost (4)
    closes = [
        [row[header.index("statecode")], row[header.index("statuscode")]]
        for row in rows[1:]
        if row[header.index("statecode")]
    ]
    assert len(closes) > 1 and all(close == ["2", "4"] for close in closes)
    readme = (written / README_FILE).read_text(encoding="utf-8")
    assert "statecode: 'Descalificado' written as '2', the default API value" in readme
    assert "check it if your org renamed its picklist" in readme
    # an English Salesforce status is already its API value: kept, and not listed
    salesforce = _rows(written / IMPORT_FOLDER / "salesforce" / "update_lead.csv")
    assert "Closed - Converted" in [row[salesforce[0].index("Status")] for row in salesforce[1:]]
    assert "'Closed - Converted' written as" not in readme


def test_every_import_header_is_one_the_platform_documents(written: Path) -> None:  # noqa: F811
    known = _vocabulary()
    files = _import_files(written)
    assert files
    for path in files:
        headers = _rows(path)[0]
        if path.name.startswith("merge_"):
            obj = path.stem.removeprefix("merge_")
            assert headers == list(import_specs()[path.parent.name].merge_headers(obj))
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
    assert rows[0] == MERGE_SHAPES[("salesforce", "lead")][0]
    assert len(rows) == 3 and all(len([cell for cell in row if cell]) <= 3 for row in rows[1:])
    assert {row[0] for row in rows[1:]} == {survivor["id"]}
    assert sorted(cell for row in rows[1:] for cell in row[1:] if cell) == sorted(ref["id"] for ref in merged)
    assert _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "update_lead.csv") == [
        ["Id", "Email"],
        [survivor["id"], "a@b.example"],
    ]
    pairs = _rows(tmp_path / IMPORT_FOLDER / "hubspot" / "merge_contact.csv")
    assert pairs == [MERGE_SHAPES[("hubspot", "contact")][0], ["102", "103"], ["102", "104"]]
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


# Picklist API values


def _labels(header: str, *entries: tuple[str, dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """An input's `labels` as the audit reads them: each label of `header` and what it means."""
    return {header: [{"label": label, "records": 1, "maps_to": meaning} for label, meaning in entries]}


def _close(ref: dict[str, Any], header: str, new: str, also: list[dict[str, str]] | None = None) -> dict:
    return {"action": "close", "record": ref, "header": header, "old": "", "new": new, "also": also or []}


FRENCH_LEADS = SimpleNamespace(
    file="Pistes.csv",
    sheet=None,
    platform="salesforce",
    object="lead",
    columns={"ID de piste": "source_id", "Statut de la piste": "status_label", "Évaluation": "rating_label"},
    labels={
        **_labels(
            "Statut de la piste", ("Nouveau", {"state": "open"}), ("Qualifiée", {"state": "qualified"})
        ),
        **_labels("Évaluation", ("Chaud", {"temperature": "hot"})),
    },
)


def test_a_french_salesforce_status_goes_out_as_its_default_api_value(tmp_path: Path) -> None:
    plan = {
        "actions": [
            _close(
                _ref("Pistes.csv", 2, "00Q000000000002"),
                "Statut de la piste",
                "Nouveau",
                [{"header": "Évaluation", "old": "", "new": "Chaud"}],
            ),
            _close(_ref("Pistes.csv", 3, "00Q000000000003"), "Statut de la piste", "Nouveau"),
            # already an API value: kept as it is, and not listed
            _close(_ref("Pistes.csv", 4, "00Q000000000004"), "Statut de la piste", "Closed - Not Converted"),
            # Salesforce's standard picklist has no "qualified" status: kept, and listed to check
            _close(_ref("Pistes.csv", 5, "00Q000000000005"), "Statut de la piste", "Qualifiée"),
        ]
    }
    write_imports(plan, [FRENCH_LEADS], tmp_path)
    assert _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "update_lead.csv") == [
        ["Id", "Rating", "Status"],
        ["00Q000000000002", "Hot", "Open - Not Contacted"],
        ["00Q000000000003", "", "Open - Not Contacted"],
        ["00Q000000000004", "", "Closed - Not Converted"],
        ["00Q000000000005", "", "Qualifiée"],
    ]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert (
        "Status: 'Nouveau' written as 'Open - Not Contacted', the default API value of what it means; "
        "check it if your org renamed its picklist (2 records)"
    ) in readme
    assert "Rating: 'Chaud' written as 'Hot'" in readme
    assert (
        "'Closed - Not Converted' written as" not in readme and "'Closed - Not Converted' kept" not in readme
    )
    assert "Values to check" in readme and "Status: 'Qualifiée' kept as exported (1 record)" in readme


HUBSPOT_FR = SimpleNamespace(
    file="contacts.csv",
    sheet=None,
    platform="hubspot",
    object="contact",
    columns={
        "Record ID": "source_id",
        "Phase du cycle de vie": "stage_label",
        "Statut du lead": "status_label",
    },
    labels={
        **_labels(
            "Phase du cycle de vie",
            ("Client", {"type": "customer"}),
            ("Customer", {"type": "customer"}),
            ("Lead qualifié marketing", {"type": "lead"}),
            ("Mystère", {}),
        ),
        **_labels("Statut du lead", ("Nouveau", {"state": "open"}), ("En cours", {"state": "working"})),
    },
)


def test_hubspot_labels_go_out_as_internal_values(tmp_path: Path) -> None:
    refs = [_ref("contacts.csv", row, str(500 + row)) for row in range(2, 8)]
    plan = {
        "actions": [
            _close(
                refs[0],
                "Phase du cycle de vie",
                "Client",
                [{"header": "Statut du lead", "old": "", "new": "Nouveau"}],
            ),
            _close(refs[1], "Phase du cycle de vie", "Customer"),  # HubSpot's own label of `customer`
            _close(refs[2], "Phase du cycle de vie", "lead"),  # an internal value already
            _close(refs[3], "Phase du cycle de vie", "Mystère"),  # means nothing the audit knows
            _close(refs[4], "Statut du lead", "En cours"),
            _close(refs[5], "Statut du lead", "IN_PROGRESS"),
        ]
    }
    write_imports(plan, [HUBSPOT_FR], tmp_path)
    rows = {row[0]: row[1:] for row in _rows(tmp_path / IMPORT_FOLDER / "hubspot" / "update_contact.csv")}
    assert rows["Record ID"] == ["hs_lead_status", "lifecyclestage"]
    assert rows["502"] == ["NEW", "customer"]
    assert rows["503"] == ["", "customer"]
    assert rows["504"] == ["", "lead"]
    assert rows["505"] == ["", "Mystère"]
    assert rows["506"] == ["IN_PROGRESS", ""]
    assert rows["507"] == ["IN_PROGRESS", ""]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert "lifecyclestage: 'Customer' written as 'customer', its API value (1 record)" in readme
    assert "lifecyclestage: 'Client' written as 'customer', the default API value" in readme
    assert "hs_lead_status: 'En cours' written as 'IN_PROGRESS', the default API value" in readme
    assert "lifecyclestage: 'Mystère' kept as exported (1 record)" in readme
    assert "'lead' written as" not in readme and "'IN_PROGRESS' written as" not in readme


def test_a_label_field_without_known_api_values_is_kept_and_listed(tmp_path: Path) -> None:
    leads = SimpleNamespace(
        file="Leads.xlsx",
        sheet="Leads",
        platform="dynamics365",
        object="lead",
        columns={"(No modificar) Cliente potencial": "source_id", "Calificación": "rating_label"},
        labels=_labels("Calificación", ("Caliente", {"temperature": "hot"})),
    )
    ref = _ref("Leads.xlsx", 3, "a1b2") | {"sheet": "Leads"}
    write_imports({"actions": [_close(ref, "Calificación", "Caliente")]}, [leads], tmp_path)
    assert _rows(tmp_path / IMPORT_FOLDER / "dynamics365" / "update_lead.csv") == [
        ["leadid", "leadqualitycode"],
        ["a1b2", "Caliente"],
    ]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert (
        "leadqualitycode: 'Caliente' kept as exported (1 record): no Microsoft Dynamics 365 picklist"
        in readme
    )


def _meaning_of(picklist: Any, value: str, concept: str) -> set[str]:
    """What the vocabulary reads an API value as: the value itself, or the platform's labels of it."""
    vocabulary = builtin_vocabulary()
    names = [value, *(label for label, api in picklist.labels.items() if api == value)]
    return {term.value for name in names if (term := vocabulary.lookup(concept, name))}


def test_every_picklist_default_is_a_value_of_its_meaning_or_stands_in_for_a_missing_one() -> None:
    checked = 0
    for platform, spec in import_specs().items():
        tables = [("*", spec.picklists), *spec.object_picklists.items()]
        for obj, picklists in tables:
            for canonical, picklist in picklists.items():
                # the field goes out under an API name on that object, so its values can be written
                objects = spec.ids if obj == "*" else [obj]
                assert all(spec.api_name(name, canonical) for name in objects), (platform, obj, canonical)
                for concept, defaults in picklist.defaults.items():
                    assert concept in LABEL_COLUMNS[canonical]
                    for meaning, value in defaults.items():
                        checked += 1
                        assert value in picklist.values, (platform, canonical, value)
                        meanings = _meaning_of(picklist, value, concept)
                        has_own = any(
                            meaning in _meaning_of(picklist, other, concept) for other in picklist.values
                        )
                        assert meaning in meanings or not has_own, (platform, obj, canonical, meaning, value)
    assert checked >= 30


def test_a_bad_picklist_in_the_rules_is_refused_naming_the_file() -> None:
    with pytest.raises(ConfigError, match=r"rules/platforms/x\.toml") as error:
        picklists_from(
            {"status_label": {"values": ["Open"], "state": {"open": "Opened"}}}, "rules/platforms/x.toml"
        )
    assert "'Opened'" in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(ConfigError, match="no label field"):
        picklists_from({"email": {"values": ["x"]}}, "rules/platforms/x.toml")


# Merge lists in each platform's own names


def test_each_platform_merge_list_takes_its_merge_apis_names_master_first(tmp_path: Path) -> None:
    inputs, actions = [], []
    for platform, obj in MERGE_SHAPES:
        id_header = import_specs()[platform].ids[obj]
        name = f"{platform}_{obj}.csv"
        inputs.append(
            SimpleNamespace(
                file=name, sheet=None, platform=platform, object=obj, columns={id_header: "source_id"}
            )
        )
        actions.append(
            _merge(_ref(name, 2, f"{platform}-{obj}-master"), [_ref(name, 3, f"{platform}-{obj}-dup")], [])
        )
    write_imports({"actions": actions}, inputs, tmp_path)
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    for (platform, obj), shape in MERGE_SHAPES.items():
        path = tmp_path / IMPORT_FOLDER / platform / f"merge_{obj}.csv"
        if shape is None:
            assert not path.exists()
            assert (
                f"merge C9 ({platform}_{obj}.csv row 2" in readme and f"has no merge for its {obj}" in readme
            )
            continue
        headers, ours = shape
        rows = _rows(path)
        assert rows[0] == headers
        assert rows[1][:2] == [f"{platform}-{obj}-master", f"{platform}-{obj}-dup"]
        said = f"`merge_{obj}.csv`: {', '.join(headers)} are " + (
            "our names" if ours else f"{import_specs()[platform].label}'s own names"
        )
        assert said in readme, said


def test_salesforce_merge_rows_never_hold_more_than_three_records(tmp_path: Path) -> None:
    leads = SimpleNamespace(
        file="Lead.csv", sheet=None, platform="salesforce", object="lead", columns={"Id": "source_id"}
    )
    sizes = range(2, 9)  # groups of two to eight records
    actions = []
    for size in sizes:
        refs = [_ref("Lead.csv", 100 * size + row, f"00Q{size:03d}{row:09d}") for row in range(size)]
        actions.append(_merge(refs[0], refs[1:], []) | {"cluster": f"C{size}"})
    write_imports({"actions": actions}, [leads], tmp_path)
    header, *rows = _rows(tmp_path / IMPORT_FOLDER / "salesforce" / "merge_lead.csv")
    assert header == ["MasterRecordId", "DuplicateRecordId1", "DuplicateRecordId2"]
    assert all(len(row) == 3 and row[0] and row[1] for row in rows)
    assert len(rows) == sum(math.ceil((size - 1) / 2) for size in sizes)
    for action in actions:
        own = [row for row in rows if row[0] == action["survivor"]["id"]]
        duplicates = [cell for row in own for cell in row[1:] if cell]
        assert sorted(duplicates) == sorted(ref["id"] for ref in action["merged"])


# The project README's examples, one per platform, are what the tool writes

ROOT = Path(__file__).resolve().parents[1]


def _readme_examples() -> list[tuple[list[str], list[tuple[str, list[str]]]]]:
    """Each example of the README's "One example per platform": its command's arguments, and each
    file it shows with the lines shown."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### One example per platform", 1)[1].split("\n## ", 1)[0]
    examples = []
    for part in section.split("```sh\n")[1:]:
        command, rest = part.split("\n```", 1)
        shown = re.findall(r"`fixes/(import/[^`]+\.csv)`:\n\n```csv\n(.*?)```", rest, flags=re.S)
        examples.append((shlex.split(command), [(name, lines.splitlines()) for name, lines in shown]))
    return examples


def test_the_readme_shows_one_example_per_platform_as_the_tool_writes_it(tmp_path: Path) -> None:
    examples = _readme_examples()
    known = _vocabulary()
    shown = {name.split("/")[1] for _, files in examples for name, _ in files}
    assert shown == set(import_specs())
    for number, (command, files) in enumerate(examples):
        assert command[:2] == ["crm-audit", "audit"] and files, command
        folder = tmp_path / str(number)
        arguments = [
            str(folder)
            if argument == "fixes/"
            else str(ROOT / argument)
            if (ROOT / argument).exists()
            else argument
            for argument in command[2:]
        ]
        outcome = CliRunner().invoke(main, ["audit", *arguments, "-q"], catch_exceptions=False)
        assert outcome.exit_code in (0, 1), outcome.output
        for name, lines in files:
            wrote = (folder / name).read_text(encoding="utf-8").splitlines()
            assert wrote[: len(lines)] == lines, (command, name)
        # every file each example writes has the headers its platform documents
        for path in _import_files(folder):
            platform, obj = path.parent.name, path.stem.split("_", 1)[1]
            headers = _rows(path)[0]
            if path.name.startswith("merge_"):
                assert headers == MERGE_SHAPES.get((platform, obj), (headers,))[0], path
            else:
                assert set(headers) <= known[platform], (path, set(headers) - known[platform])
                assert headers[0] == import_specs()[platform].ids[obj]


def test_a_cell_of_several_labels_is_kept_whole_and_listed(tmp_path: Path) -> None:
    people = SimpleNamespace(
        file="people.csv",
        sheet=None,
        platform="pipedrive",
        object="person",
        columns={"Person - ID": "source_id", "Person - Label": "person_label"},
        labels=_labels(
            "Person - Label",
            ("Cliente", {"type": "customer"}),
            ("Prospect chaud, Cliente", {"type": "customer", "temperature": "hot"}),
        ),
    )
    plan = {
        "actions": [
            _close(_ref("people.csv", 2, "11"), "Person - Label", "Cliente"),
            _close(_ref("people.csv", 3, "12"), "Person - Label", "Prospect chaud, Cliente"),
        ]
    }
    write_imports(plan, [people], tmp_path)
    assert _rows(tmp_path / IMPORT_FOLDER / "pipedrive" / "update_person.csv") == [
        ["id", "label"],
        ["11", "Customer"],
        ["12", "Prospect chaud, Cliente"],
    ]
    readme = (tmp_path / README_FILE).read_text(encoding="utf-8")
    assert "label: 'Prospect chaud, Cliente' kept as exported (1 record): it holds several labels" in readme
