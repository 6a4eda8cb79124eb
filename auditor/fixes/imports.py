"""Import files of a fix plan: DIR/import/<platform>/ holds, per object, an update file and a merge
list in the platform's own vocabulary, and DIR/README.md says how to apply them. What each platform
calls its fields comes from the `[import]` section of rules/platforms/<platform>.toml (data, not
code); a header with no name there is left out and said in the README, never dropped silently.

Only actions ready to apply go into import files: `review` actions, merges across platforms or
objects, and conversions (no importer converts a lead) are listed in the README for a person."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from auditor.fixes.planning import RECORD_ACTIONS
from auditor.resources import iter_rules_files, load_rules_toml

IMPORT_FOLDER = "import"
README_FILE = "README.md"
ID_FIELD = "source_id"

# How each platform applies its files, and what it cannot take back. English, as the README is.
HOW_TO = {
    "salesforce": (
        "Data Loader: Update with `update_<object>.csv` (map each column to the field of the same API name; "
        "leave 'Insert null values' off so that an empty cell changes nothing). Merges: Data Loader has no "
        "merge, so run each row of `merge_<object>.csv` as one merge() call (API, Workbench or a flow): "
        "MasterRecordId keeps, DuplicateRecordId1 and 2 are merged into it."
    ),
    "hubspot": (
        "Import > Existing records: `update_<object>.csv`, matched on Record ID, each column mapped to the "
        "property of the same internal name (an empty cell changes nothing). Merges: each row of "
        "`merge_<object>.csv` is one call to the CRM merge endpoint "
        "(POST /crm/v3/objects/<object>/merge with primaryObjectId and objectIdToMerge)."
    ),
    "dynamics365": (
        "Import Data wizard (or a Dataverse data flow): `update_<object>.csv`, with the id column mapped to "
        "the entity's primary key so rows update rather than create. Merges: each row of "
        "`merge_<object>.csv` is one Merge action (master_id keeps, subordinate_id is deactivated)."
    ),
    "zoho": (
        "Data Administration > Import, 'Update existing records' matched on Record Id: `update_<object>.csv`. "
        "Merges: each row of `merge_<object>.csv` is one Deduplicate / merge of the duplicate into the master."
    ),
    "pipedrive": (
        "Import data, mapping `id` to the record's ID so rows update existing ones: `update_<object>.csv`. "
        "Merges: each row of `merge_<object>.csv` is one merge (PUT /persons/{duplicate_id}/merge with "
        "merge_with_id = master_id)."
    ),
    "odoo": (
        "List view > Import records: `update_<object>.csv`, the `id` column being the external id so rows "
        "update. Merges: each row of `merge_<object>.csv` is one merge in the 'Merge' wizard, master first."
    ),
}


@dataclass(frozen=True)
class ImportSpec:
    """One platform's import vocabulary: the id column and the field names of each object."""

    platform: str
    label: str
    tool: str
    ids: Mapping[str, str]
    merge: tuple[str, ...]
    fields: Mapping[str, str]
    object_fields: Mapping[str, Mapping[str, str]]
    api_headers: frozenset[str]

    def api_name(self, obj: str, canonical: str) -> str | None:
        return self.object_fields.get(obj, {}).get(canonical) or self.fields.get(canonical)


@cache
def import_specs() -> dict[str, ImportSpec]:
    """Each platform of rules/platforms/ that has an `[import]` section."""
    specs = {}
    for entry in iter_rules_files("platforms", ".toml"):
        data = load_rules_toml("platforms", entry.name)
        section = data.get("import")
        if not section:
            continue
        objects = data.get("objects", {})
        api = set(data.get("columns", {}).get("api", {}))
        for spec in objects.values():
            api |= set(spec.get("columns", {}).get("api", {}))
        specs[data["name"]] = ImportSpec(
            platform=data["name"],
            label=data.get("label", data["name"]),
            tool=section.get("tool", ""),
            ids=dict(section.get("ids", {})),
            merge=tuple(section["merge"]),
            fields=dict(section.get("fields", {})),
            object_fields={
                obj: dict(spec.get("fields", {})) for obj, spec in section.get("objects", {}).items()
            },
            api_headers=frozenset(api),
        )
    return specs


@dataclass
class _Platform:
    updates: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: defaultdict(dict))
    merges: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    left_out: list[str] = field(default_factory=list)


@dataclass
class ImportFiles:
    """What write_imports wrote: files per platform, the headers left out, what needs a person."""

    files: dict[str, list[str]] = field(default_factory=dict)
    left_out: dict[str, list[str]] = field(default_factory=dict)
    by_hand: list[str] = field(default_factory=list)


def write_imports(plan: Mapping[str, Any], inputs: Iterable[Any], folder: str | Path) -> ImportFiles:
    """Write DIR/import/<platform>/ and DIR/README.md for the plan.json dict `plan`. `inputs` are
    the audit's InputReports (file, sheet, platform, object, columns: header -> canonical field)."""
    folder = Path(folder)
    if (folder / IMPORT_FOLDER).exists():  # no file of an earlier plan stays behind
        shutil.rmtree(folder / IMPORT_FOLDER)
    tables = {(report.file, report.sheet or None): report for report in inputs}
    specs = import_specs()
    platforms: dict[str, _Platform] = defaultdict(_Platform)
    by_hand: list[str] = []

    def report_of(ref: Mapping[str, Any]) -> Any:
        return tables.get((ref["file"], ref.get("sheet") or None))

    def name(ref: Mapping[str, Any]) -> str:
        where = ref["file"] + (f" - {ref['sheet']}" if ref.get("sheet") else "")
        return f"{where} row {ref['row']}" + (f" (id {ref['id']})" if ref.get("id") else "")

    def update(ref: Mapping[str, Any], changes: Iterable[tuple[str, str]], why: str) -> None:
        report = report_of(ref)
        changes = list(changes)
        if not changes:
            return
        spec = specs.get(report.platform) if report else None
        if spec is None or report.object not in spec.ids:
            platform = report.platform if report else "unknown"
            by_hand.append(
                f"{why} {name(ref)}: no import file for {platform} {report.object if report else ''}"
            )
            return
        if not ref.get("id"):
            by_hand.append(f"{why} {name(ref)}: the record has no id to key an update on")
            return
        target = platforms[spec.platform]
        row = target.updates[report.object].setdefault(ref["id"], {})
        for header, value in changes:
            canonical = report.columns.get(header)
            if canonical == ID_FIELD:
                continue
            api = header if header in spec.api_headers else None
            if api is None and canonical:
                api = spec.api_name(report.object, canonical)
            if api is None or api == spec.ids[report.object]:
                reason = (
                    f"its field {canonical!r} has no {spec.label} API name in rules/platforms ([import] fields)"
                    if canonical
                    else "the audit mapped it to no field"
                )
                target.left_out.append(f"{header!r} of {name(ref)} (new value {value!r}): {reason}")
                continue
            row[api] = value

    for action in plan.get("actions", []):
        kind = action["action"]
        if kind in RECORD_ACTIONS:
            changes = [action, *action.get("also", [])]
            ref = action["record"]
            # An empty cell in an import file leaves the value as it is: a clear is for a person.
            for change in changes:
                if not change["new"]:
                    by_hand.append(f"{kind} {name(ref)}: clear {change['header']!r} (now {change['old']!r})")
            update(ref, ((change["header"], change["new"]) for change in changes if change["new"]), kind)
            continue
        survivor = action["survivor"] if kind == "merge" else action["into"]
        others = action.get("merged", []) if kind == "merge" else [action["lead"]]
        if action.get("review"):
            reasons = "; ".join(reason["text"] for reason in action.get("review_reasons", [])) or "review"
            group = ", ".join(name(ref) for ref in [survivor, *others])
            by_hand.append(f"{kind} {action.get('cluster') or 'group'} ({group}): needs a person: {reasons}")
            continue
        changed = [
            (value["header"], value["value"]) for value in action.get("values", []) if value.get("changed")
        ]
        if kind == "convert":
            by_hand.append(
                f"convert {name(action['lead'])} into {name(survivor)}: no importer converts a lead; "
                "convert it in the CRM (the contact's updates are in its update file)"
            )
            update(survivor, changed, "convert")
            continue
        reports = [report_of(ref) for ref in [survivor, *others]]
        kinds = {(report.platform, report.object) if report else None for report in reports}
        spec = specs.get(reports[0].platform) if reports[0] else None
        if len(kinds) != 1 or spec is None or reports[0].object not in spec.ids:
            group = ", ".join(name(ref) for ref in [survivor, *others])
            by_hand.append(
                f"merge {action.get('cluster') or 'group'} ({group}): records of different platforms or objects"
            )
            continue
        if not all(ref.get("id") for ref in [survivor, *others]):
            by_hand.append(f"merge {action.get('cluster') or 'group'}: a record has no id to merge by")
            continue
        update(survivor, changed, "merge")
        platforms[spec.platform].merges[reports[0].object].extend(
            merge_rows(spec, survivor["id"], [ref["id"] for ref in others])
        )

    written = ImportFiles(by_hand=by_hand)
    for platform, content in sorted(platforms.items()):
        spec = specs[platform]
        target = folder / IMPORT_FOLDER / platform
        target.mkdir(parents=True, exist_ok=True)
        names = []
        for obj, rows in sorted(content.updates.items()):
            rows = {record: values for record, values in rows.items() if values}
            if not rows:
                continue
            columns = sorted({api for values in rows.values() for api in values})
            names.append(f"update_{obj}.csv")
            _write_csv(
                target / names[-1],
                [spec.ids[obj], *columns],
                ([record, *(values.get(api, "") for api in columns)] for record, values in rows.items()),
            )
        for obj, merges in sorted(content.merges.items()):
            names.append(f"merge_{obj}.csv")
            _write_csv(target / names[-1], list(spec.merge), merges)
        written.files[platform] = names
        written.left_out[platform] = content.left_out
    (folder / README_FILE).write_text(readme(written), encoding="utf-8")
    return written


def merge_rows(spec: ImportSpec, master: str, duplicates: list[str]) -> list[list[str]]:
    """Rows of one merge in the platform's shape: the master, then as many duplicates as one
    request takes (the merge columns after the first); a bigger group makes several rows."""
    size = len(spec.merge) - 1
    rows = []
    for start in range(0, len(duplicates), size):
        chunk = duplicates[start : start + size]
        rows.append([master, *chunk, *[""] * (size - len(chunk))])
    return rows


def _write_csv(path: Path, headers: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def readme(files: ImportFiles) -> str:
    """DIR/README.md: per platform, its files, how to apply them and what cannot be undone."""
    specs = import_specs()
    lines = [
        "# Applying this fix plan",
        "",
        "`plan.json` is the plan; `before/` holds the full original row of every record it touches, with "
        "the original headers: it is the restore file. Keep it until the changes are checked.",
        "`import/<platform>/` holds, per object, `update_<object>.csv` (one row per record whose values "
        "change, keyed by the platform's record id; an empty cell means leave as is) and "
        "`merge_<object>.csv` (the merges between records of that platform and object). Values are "
        "written as the export had them (its labels), so check that picklist values match the "
        "platform's before loading.",
        "",
        "Apply the update files first, then the merges. **Merges cannot be undone**: the merged "
        "records are deleted or deactivated; `before/` lets you recreate them, not un-merge them. "
        "Updates can be undone by loading the matching rows of `before/` back.",
        "",
    ]
    if not files.files:
        lines += ["No action of this plan is ready for an import file.", ""]
    for platform, names in files.files.items():
        spec = specs[platform]
        lines += [f"## {spec.label}", ""]
        lines += [f"- `import/{platform}/{name}`" for name in names] or ["- no file: nothing left to load"]
        lines += ["", f"How: {HOW_TO.get(platform, spec.tool)}", ""]
        if files.left_out.get(platform):
            lines += ["Left out of the update files (set these by hand):", ""]
            lines += [f"- {item}" for item in files.left_out[platform]]
            lines.append("")
    if files.by_hand:
        lines += [
            "## Needs a person",
            "",
            "Not in any import file: review groups, merges across platforms or objects, conversions.",
            "",
        ]
        lines += [f"- {item}" for item in files.by_hand]
        lines.append("")
    return "\n".join(lines)
