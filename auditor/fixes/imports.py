"""Import files of a fix plan: DIR/import/<platform>/ holds, per object, an update file and a merge
list in the platform's own vocabulary, and DIR/README.md says how to apply them. What each platform
calls its fields, ids, merge parameters and picklist values comes from the `[import]` section of
rules/platforms/<platform>.toml (data, not code); a header with no name there is left out and said in
the README, never dropped silently, and so is every picklist value written other than as exported.

Only actions ready to apply go into import files: `review` actions, merges across platforms or
objects, and conversions (no importer converts a lead) are listed in the README for a person."""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from auditor.errors import ConfigError
from auditor.fixes.planning import RECORD_ACTIONS
from auditor.folding import fold
from auditor.resources import iter_rules_files, load_rules_toml
from auditor.terms import CONCEPTS, LABEL_COLUMNS, MULTI_LABEL_SEPARATORS

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
        "A Dataverse data flow or the Web API: `update_<object>.csv`, with the id column as the table's "
        "primary key so rows update rather than create; statecode and statuscode hold option values "
        "(numbers), which the Import Data wizard maps by label, so map each number to its option there. "
        "Merges: each row of `merge_<object>.csv` is one Merge request (MergeRequest: Target keeps, "
        "SubordinateId is deactivated); Merge takes leads, contacts and accounts."
    ),
    "zoho": (
        "Data Administration > Import, 'Update existing records' matched on Record Id: `update_<object>.csv`. "
        "Merges: each row of `merge_<object>.csv` is one Deduplicate / merge of duplicate_id into master_id."
    ),
    "pipedrive": (
        "Import data, mapping `id` to the record's ID so rows update existing ones: `update_<object>.csv`. "
        "Merges: each row of `merge_<object>.csv` is one merge (PUT /persons/{id}/merge, or "
        "/organizations/{id}/merge, with merge_with_id: the record in merge_with_id keeps its data, the "
        "one in id is merged into it)."
    ),
    "odoo": (
        "List view > Import records: `update_<object>.csv`, the `id` column being the external id so rows "
        "update. Merges: contacts in the 'Merge' action of the contacts list (dst_partner_id is the "
        "destination contact); leads in their 'Merge' action, which picks the lead it keeps by itself: "
        "check that it kept master_id."
    ),
}

# How a picklist value got into an update file, when not as the export wrote it.
AS_LABEL = "label"  # the platform's own label of an API value (English "Customer" -> "customer")
AS_DEFAULT = "default"  # the platform's default API value for what the export's label means


@dataclass(frozen=True)
class Picklist:
    """One label field's picklist on a platform: the API values its importer takes, the platform's
    own (English) label of each, and per concept of the vocabulary (state, type, temperature) the
    default API value of each meaning."""

    values: frozenset[str]
    labels: Mapping[str, str]  # folded label -> API value
    defaults: Mapping[str, Mapping[str, str]]  # concept -> meaning -> API value

    def api_value(
        self, value: str, meanings: Mapping[str, str], concepts: Iterable[str]
    ) -> tuple[str, str] | None:
        """(API value, how) for a value that is not one already: the platform's label of it, else
        the default of the first meaning (in the field's concept order) that has one; None when
        neither."""
        by_label = self.labels.get(fold(value))
        if by_label is not None:
            return by_label, AS_LABEL
        for concept in concepts:
            default = self.defaults.get(concept, {}).get(meanings.get(concept, ""))
            if default is not None:
                return default, AS_DEFAULT
        return None


@dataclass(frozen=True)
class ImportSpec:
    """One platform's import vocabulary: the id column, field names, merge shape and picklists of
    each object."""

    platform: str
    label: str
    tool: str
    ids: Mapping[str, str]
    merge: tuple[str, ...]
    fields: Mapping[str, str]
    object_fields: Mapping[str, Mapping[str, str]]
    api_headers: frozenset[str]
    merge_ours: bool = False
    object_merge: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    object_merge_ours: Mapping[str, bool] = field(default_factory=dict)
    picklists: Mapping[str, Picklist] = field(default_factory=dict)
    object_picklists: Mapping[str, Mapping[str, Picklist]] = field(default_factory=dict)

    def api_name(self, obj: str, canonical: str) -> str | None:
        return self.object_fields.get(obj, {}).get(canonical) or self.fields.get(canonical)

    def merge_headers(self, obj: str) -> tuple[str, ...]:
        """The merge list's headers for `obj`: master first, then the duplicates one request takes;
        empty when the platform has no merge for that object."""
        return self.object_merge.get(obj, self.merge)

    def merge_headers_ours(self, obj: str) -> bool:
        """True when the platform's merge takes no named parameters for `obj` and the headers are ours."""
        return self.object_merge_ours.get(obj, self.merge_ours)

    def picklist(self, obj: str, canonical: str) -> Picklist | None:
        return self.object_picklists.get(obj, {}).get(canonical) or self.picklists.get(canonical)


@cache
def import_specs() -> dict[str, ImportSpec]:
    """Each platform of rules/platforms/ that has an `[import]` section."""
    specs = {}
    for entry in iter_rules_files("platforms", ".toml"):
        data = load_rules_toml("platforms", entry.name)
        section = data.get("import")
        if not section:
            continue
        where = f"rules/platforms/{entry.name}"
        objects = data.get("objects", {})
        api = set(data.get("columns", {}).get("api", {}))
        for spec in objects.values():
            api |= set(spec.get("columns", {}).get("api", {}))
        per_object = section.get("objects", {})
        specs[data["name"]] = ImportSpec(
            platform=data["name"],
            label=data.get("label", data["name"]),
            tool=section.get("tool", ""),
            ids=dict(section.get("ids", {})),
            merge=tuple(section["merge"]),
            merge_ours=bool(section.get("merge_ours", False)),
            fields=dict(section.get("fields", {})),
            object_fields={obj: dict(spec.get("fields", {})) for obj, spec in per_object.items()},
            object_merge={obj: tuple(spec["merge"]) for obj, spec in per_object.items() if "merge" in spec},
            object_merge_ours={
                obj: bool(spec["merge_ours"]) for obj, spec in per_object.items() if "merge_ours" in spec
            },
            api_headers=frozenset(api),
            picklists=picklists_from(section.get("picklists", {}), where),
            object_picklists={
                obj: picklists_from(spec.get("picklists", {}), where) for obj, spec in per_object.items()
            },
        )
    return specs


def picklists_from(tables: Mapping[str, Any], where: str) -> dict[str, Picklist]:
    """`[import.picklists.<label field>]` tables: `values` (a list of API values that are also their
    English labels, or a table label -> API value) and one table meaning -> API value per concept."""
    picklists = {}
    for canonical, table in tables.items():
        if canonical not in LABEL_COLUMNS:
            raise ConfigError(f"[import] picklist for {canonical!r}, which is no label field", file=where)
        raw = table.get("values", [])
        labels = {value: value for value in raw} if isinstance(raw, list) else dict(raw)
        defaults = {concept: dict(table[concept]) for concept in LABEL_COLUMNS[canonical] if concept in table}
        for concept, meanings in defaults.items():
            for meaning, value in meanings.items():
                if meaning not in CONCEPTS[concept] or value not in labels.values():
                    raise ConfigError(
                        f"[import] picklist {canonical}: {concept} {meaning!r} -> {value!r} is not one of "
                        f"its values or meanings",
                        file=where,
                    )
        picklists[canonical] = Picklist(
            values=frozenset(labels.values()),
            labels={fold(label): value for label, value in labels.items()},
            defaults=defaults,
        )
    return picklists


@dataclass
class _Platform:
    updates: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: defaultdict(dict))
    merges: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    left_out: list[str] = field(default_factory=list)
    # (API field, value as exported, value written, how) and (API field, value, reason) -> records
    translated: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    to_check: Counter[tuple[str, str, str]] = field(default_factory=Counter)


@dataclass
class ImportFiles:
    """What write_imports wrote: files per platform, the headers left out, the picklist values
    written as API values or kept for a person to check, what needs a person."""

    files: dict[str, list[str]] = field(default_factory=dict)
    left_out: dict[str, list[str]] = field(default_factory=dict)
    translated: dict[str, list[str]] = field(default_factory=dict)
    to_check: dict[str, list[str]] = field(default_factory=dict)
    merge_notes: dict[str, list[str]] = field(default_factory=dict)
    by_hand: list[str] = field(default_factory=list)


class _Imports:
    """The import files of one plan, gathered action by action before anything is written."""

    def __init__(self, inputs: Iterable[Any]) -> None:
        self.tables = {(report.file, report.sheet or None): report for report in inputs}
        self.specs = import_specs()
        self.platforms: dict[str, _Platform] = defaultdict(_Platform)
        self.by_hand: list[str] = []

    def report_of(self, ref: Mapping[str, Any]) -> Any:
        return self.tables.get((ref["file"], ref.get("sheet") or None))

    def update(self, ref: Mapping[str, Any], changes: Iterable[tuple[str, str]], why: str) -> None:
        """Set `changes` ((original header, new value) pairs) on the record `ref` in its platform's
        update file: the one way any action reaches an update file."""
        report = self.report_of(ref)
        changes = list(changes)
        if not changes:
            return
        spec = self.specs.get(report.platform) if report else None
        if spec is None or report.object not in spec.ids:
            platform = report.platform if report else "unknown"
            self.by_hand.append(
                f"{why} {_name(ref)}: no import file for {platform} {report.object if report else ''}"
            )
            return
        if not ref.get("id"):
            self.by_hand.append(f"{why} {_name(ref)}: the record has no id to key an update on")
            return
        target = self.platforms[spec.platform]
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
                target.left_out.append(f"{header!r} of {_name(ref)} (new value {value!r}): {reason}")
                continue
            row[api] = self._picklist_value(spec, report, header, canonical, api, value, target)

    def _picklist_value(
        self,
        spec: ImportSpec,
        report: Any,
        header: str,
        canonical: str | None,
        api: str,
        value: str,
        target: _Platform,
    ) -> str:
        """The value to write for a label field: an API value as it is; the platform's label of one,
        or the default API value of what the label means, with the translation noted for the README;
        else the value as exported, noted as one to check. Other fields' values go out as they are."""
        if canonical not in LABEL_COLUMNS or not value.strip():
            return value
        picklist = spec.picklist(report.object, canonical)
        if picklist is not None and value in picklist.values:
            return value
        found = None
        # A cell of several labels ("Hot lead, Customer") has no one meaning to write: translating it
        # by the meaning the audit read would drop the other labels.
        several = any(
            len([part for part in value.split(mark) if part.strip()]) > 1 for mark in MULTI_LABEL_SEPARATORS
        )
        if picklist is not None and not several:
            found = picklist.api_value(value, _meanings(report, header, value), LABEL_COLUMNS[canonical])
        if found is None:
            if several:
                reason = "it holds several labels"
            elif picklist is not None:
                reason = "no API value of that meaning is known for it"
            else:
                reason = f"no {spec.label} picklist values are known for {api}"
            target.to_check[(api, value, reason)] += 1
            return value
        written, how = found
        target.translated[(api, value, written, how)] += 1
        return written

    def merge(
        self, action: Mapping[str, Any], survivor: Mapping[str, Any], others: list[Mapping[str, Any]]
    ) -> None:
        group = ", ".join(_name(ref) for ref in [survivor, *others])
        cluster = action.get("cluster") or "group"
        reports = [self.report_of(ref) for ref in [survivor, *others]]
        kinds = {(report.platform, report.object) if report else None for report in reports}
        spec = self.specs.get(reports[0].platform) if reports[0] else None
        if len(kinds) != 1 or spec is None or reports[0].object not in spec.ids:
            self.by_hand.append(f"merge {cluster} ({group}): records of different platforms or objects")
            return
        obj = reports[0].object
        if not spec.merge_headers(obj):
            self.by_hand.append(f"merge {cluster} ({group}): {spec.label} has no merge for its {obj} records")
            return
        if not all(ref.get("id") for ref in [survivor, *others]):
            self.by_hand.append(f"merge {cluster}: a record has no id to merge by")
            return
        changed = [
            (value["header"], value["value"]) for value in action.get("values", []) if value.get("changed")
        ]
        self.update(survivor, changed, "merge")
        self.platforms[spec.platform].merges[obj].extend(
            merge_rows(spec.merge_headers(obj), survivor["id"], [ref["id"] for ref in others])
        )

    def add(self, action: Mapping[str, Any]) -> None:
        """One plan action: into an update file, a merge list, or the README's list for a person."""
        kind = action["action"]
        if kind in RECORD_ACTIONS:
            ref = action["record"]
            if action.get("review"):
                self.by_hand.append(f"{kind} {_name(ref)}: marked for review")
                return
            changes = [action, *action.get("also", [])]
            # An empty cell in an import file leaves the value as it is: a clear is for a person.
            for change in changes:
                if not change["new"]:
                    self.by_hand.append(
                        f"{kind} {_name(ref)}: clear {change['header']!r} (now {change['old']!r})"
                    )
            self.update(ref, ((change["header"], change["new"]) for change in changes if change["new"]), kind)
            return
        survivor = action["survivor"] if kind == "merge" else action["into"]
        others = action.get("merged", []) if kind == "merge" else [action["lead"]]
        if action.get("review"):
            reasons = "; ".join(reason["text"] for reason in action.get("review_reasons", [])) or "review"
            group = ", ".join(_name(ref) for ref in [survivor, *others])
            self.by_hand.append(
                f"{kind} {action.get('cluster') or 'group'} ({group}): needs a person: {reasons}"
            )
            return
        if kind == "convert":
            self.by_hand.append(
                f"convert {_name(action['lead'])} into {_name(survivor)}: no importer converts a lead; "
                "convert it in the CRM (the contact's updates are in its update file)"
            )
            changed = [
                (value["header"], value["value"])
                for value in action.get("values", [])
                if value.get("changed")
            ]
            self.update(survivor, changed, "convert")
            return
        self.merge(action, survivor, others)

    def write(self, folder: Path) -> ImportFiles:
        written = ImportFiles(by_hand=self.by_hand)
        for platform, content in sorted(self.platforms.items()):
            spec = self.specs[platform]
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
            notes = []
            for obj, merges in sorted(content.merges.items()):
                names.append(f"merge_{obj}.csv")
                headers = list(spec.merge_headers(obj))
                _write_csv(target / names[-1], headers, merges)
                notes.append(
                    f"`{names[-1]}`: {', '.join(headers)} "
                    + (
                        f"are our names: {spec.label}'s merge of {obj} records takes no such parameters"
                        if spec.merge_headers_ours(obj)
                        else f"are {spec.label}'s own names for its merge"
                    )
                )
            written.files[platform] = names
            written.left_out[platform] = content.left_out
            written.merge_notes[platform] = notes
            written.translated[platform] = [
                f"{api}: {value!r} written as {new!r}, "
                + (
                    "its API value"
                    if how == AS_LABEL
                    else "the default API value of what it means; check it if your org renamed its picklist"
                )
                + f" ({_records(count)})"
                for (api, value, new, how), count in sorted(content.translated.items())
            ]
            written.to_check[platform] = [
                f"{api}: {value!r} kept as exported ({_records(count)}): {reason}"
                for (api, value, reason), count in sorted(content.to_check.items())
            ]
        return written


def write_imports(plan: Mapping[str, Any], inputs: Iterable[Any], folder: str | Path) -> ImportFiles:
    """Write DIR/import/<platform>/ and DIR/README.md for the plan.json dict `plan`. `inputs` are
    the audit's InputReports (file, sheet, platform, object, columns: header -> canonical field,
    labels: header -> what each label means)."""
    folder = Path(folder)
    if (folder / IMPORT_FOLDER).exists():  # no file of an earlier plan stays behind
        shutil.rmtree(folder / IMPORT_FOLDER)
    imports = _Imports(inputs)
    for action in plan.get("actions", []):
        imports.add(action)
    written = imports.write(folder)
    (folder / README_FILE).write_text(readme(written), encoding="utf-8")
    return written


def _meanings(report: Any, header: str, value: str) -> dict[str, str]:
    """What the audit read a label of `header` as (concept -> meaning), from the input's labels."""
    key = fold(value)
    for entry in getattr(report, "labels", {}).get(header, []):
        if fold(entry["label"]) == key:
            return dict(entry["maps_to"])
    return {}


def _name(ref: Mapping[str, Any]) -> str:
    where = ref["file"] + (f" - {ref['sheet']}" if ref.get("sheet") else "")
    return f"{where} row {ref['row']}" + (f" (id {ref['id']})" if ref.get("id") else "")


def _records(count: int) -> str:
    return f"{count} record" + ("" if count == 1 else "s")


def merge_rows(headers: Sequence[str], master: str, duplicates: list[str]) -> list[list[str]]:
    """Rows of one merge in the platform's shape: the master, then as many duplicates as one
    request takes (the merge columns after the first); a bigger group makes several rows."""
    size = len(headers) - 1
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
    """DIR/README.md: per platform, its files, how to apply them, which picklist values were
    written other than as exported, and what cannot be undone."""
    specs = import_specs()
    lines = [
        "# Applying this fix plan",
        "",
        "`plan.json` is the plan; `before/` holds the full original row of every record it touches, with "
        "the original headers: it is the restore file. Keep it until the changes are checked.",
        "`import/<platform>/` holds, per object, `update_<object>.csv` (one row per record whose values "
        "change, keyed by the platform's record id; an empty cell means leave as is) and "
        "`merge_<object>.csv` (the merges between records of that platform and object). Picklist values "
        "are written as the platform's API values: a label that already is one stays; another becomes "
        "the API value it is the platform's label of, or the platform's default API value for what the "
        "audit read it as; each such value is listed below, and so is every label kept as exported.",
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
        sections = (
            ("Merge list headers:", files.merge_notes),
            ("Picklist values written as API values:", files.translated),
            (
                "Values to check (kept as the export wrote them; the importer may refuse them):",
                files.to_check,
            ),
            ("Left out of the update files (set these by hand):", files.left_out),
        )
        for title, items in sections:
            if items.get(platform):
                lines += [title, ""]
                lines += [f"- {item}" for item in items[platform]]
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
