"""Writing a fix plan: DIR/plan.json and the restore file DIR/before/, each table's touched records
with their full original rows, then the clean set and the import files. Everything is written into
a folder of its own inside DIR and moved in place only once all of it is written, so a failed write
leaves the previous plan whole, and the parts of one plan are never mixed with another's."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from auditor.api import AuditResult
from auditor.errors import AuditorError
from auditor.findings import RecordRef
from auditor.fixes.clean import CLEAN_FOLDER, write_clean
from auditor.fixes.imports import IMPORT_FOLDER, README_FILE, write_imports
from auditor.fixes.planning import Plan, plan_from
from auditor.fixes.sources import Sources
from auditor.reporting.cells import inert
from auditor.reporting.folders import check_output_folder, staging_in, swap_in
from auditor.resources import reports_dir

PLAN_FILE = "plan.json"
BEFORE_FOLDER = "before"
# Everything write_fixes puts in DIR; anything else there is the user's and is left alone.
PLAN_PARTS = (PLAN_FILE, BEFORE_FOLDER, CLEAN_FOLDER, IMPORT_FOLDER, README_FILE)


def check_fixes_dir(folder: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, before any work, a fix folder that cannot be written: a file, an input, a folder
    whose parent is missing, a folder not writable."""
    check_output_folder("--fixes", folder, inputs, holds="the plan")


def write_fixes(
    result: AuditResult, folder: str | Path, paths: Mapping[str, str | Path] | None = None
) -> Plan:
    """Plan the fixes of an audit and write them into `folder` (made when missing): plan.json,
    before/, clean/records.csv, import/<platform>/ and README.md. `paths` as for
    `auditor.fixes.plan`. Returns the plan."""
    check_fixes_dir(folder)
    folder = Path(folder)
    sources = Sources(result, paths)
    fixes = plan_from(result, sources)
    staging = staging_in(folder, ".plan.", f"could not write the fix plan in {folder}")
    try:
        _write_before(fixes.touched, sources, staging / BEFORE_FOLDER)
        _write_plan(fixes, staging / PLAN_FILE)
        # The import files and README are made from the plan as written, so they never say more than it.
        write_imports(fixes.to_dict(), result.inputs, staging)
        write_clean(result, fixes, sources, staging)
        swap_in(staging, folder, PLAN_PARTS, PLAN_PARTS)
    except OSError as error:
        raise AuditorError(f"could not write the fix plan in {folder}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return fixes


def _write_plan(fixes: Plan, path: Path) -> None:
    """plan.json with one action, and one finding without a fix, a line: readable in a pager and
    diffable, and written by json's C encoder (an indented dump runs in Python: 20 s a 90 MB plan)."""
    plan = fixes.to_dict()
    with path.open("w", encoding="utf-8") as handle:
        handle.write("{" + json.dumps("schema_version") + ": " + json.dumps(plan["schema_version"]) + ",\n")
        handle.write(json.dumps("as_of") + ": " + json.dumps(plan["as_of"]) + ",\n")
        for number, key in enumerate(("actions", "without_fix")):
            handle.write(json.dumps(key) + ": [")
            for index, entry in enumerate(plan[key]):
                handle.write(("\n" if index == 0 else ",\n") + json.dumps(entry, ensure_ascii=False))
            handle.write(("\n" if plan[key] else "") + "]" + (",\n" if number == 0 else "}\n"))


def before_name(file: str, sheet: str | None) -> str:
    """The restore file of one input table: its file name, the sheet after " - ", as CSV."""
    name = Path(file).name + (f" - {sheet}" if sheet else "")
    name = re.sub(r'[/\\:*?"<>|\x00-\x1f]', "_", name)
    return name if name.lower().endswith(".csv") else f"{name}.csv"


def _write_before(touched: list[RecordRef], sources: Sources, target: Path) -> None:
    """Each touched record's original row, with its table's original headers after `source_row`
    (the spreadsheet row), cells made inert for spreadsheets, into the new folder `target`."""
    by_table: dict[tuple[str, str | None], list[RecordRef]] = defaultdict(list)
    for ref in touched:
        by_table[(ref.file, ref.sheet or None)].append(ref)
    target.mkdir()
    names: set[str] = set()
    for (file, sheet), refs in sorted(by_table.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        table = sources.table(file, sheet)
        name = before_name(file, sheet)
        stem, number = name.removesuffix(".csv"), 2
        while name.casefold() in names:  # two inputs of one name in different folders
            name, number = f"{stem} ({number}).csv", number + 1
        names.add(name.casefold())
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source_row", *(inert(header) for header in table.headers)])
            for ref in sorted(refs, key=lambda ref: ref.row):
                cells = sources.cells(ref)
                writer.writerow([ref.row, *(inert(cells[header]) for header in table.headers)])


def fixes_schema() -> dict[str, Any]:
    """The JSON Schema every plan.json this version writes validates against."""
    return json.loads(reports_dir("fixes.schema.json").read_text(encoding="utf-8"))
