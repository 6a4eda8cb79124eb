"""The migration-ready set, DIR/clean/records.csv: one row per person after the plan's merges and
conversions that are not for review, in the canonical model of the normalised export.

A merged person's row is the survivor's canonical record with each field chosen by the same
survivorship rules the plan applies to its original headers (`auditor.survivorship`), over the
canonical (normalised) values: a valid phone in E.164, an email as the model holds it. A field's
check (email_status ...) comes with the value it checks. A close sets the lead's state columns to the
plan's labels and `lead_state` to the state they mean. Records in review groups, accounts and all
others stay as they are, one row each. `stands_for` lists the source records a row stands for
(`file:row:id`, a workbook's sheet after the file in brackets), the survivor first.

`finding_codes` is left out: the findings are of the data before the fixes, and a merged row's
codes would mix several records' findings that the merge settled. `duplicate_cluster` stays: the
records of a review group left apart still share it, which is what a reviewer looks for."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from auditor.api import AuditResult
from auditor.findings import RecordRef
from auditor.fixes.planning import RECORD_ACTIONS, Plan, _label_columns, _state_of
from auditor.fixes.sources import Sources
from auditor.reporting.cells import inert_column
from auditor.reporting.records_csv import NORMALISED_COLUMNS
from auditor.survivorship import Candidate, Survivorship

CLEAN_FOLDER = "clean"
CLEAN_FILE = "records.csv"
CLEAN_COLUMNS = (*(column for column in NORMALISED_COLUMNS if column != "finding_codes"), "stands_for")


def record_name(file: str, sheet: str | None, row: int, record_id: str) -> str:
    """A source record as `stands_for` names it."""
    name = f"{file} [{sheet}]" if sheet else file
    return f"{name}:{row}:{record_id}"


def clean_frame(result: AuditResult, fixes: Plan, sources: Sources) -> pd.DataFrame:
    """The clean set as text, one row per person, in CLEAN_COLUMNS (cells not yet made inert)."""
    records = result.records
    # Plain object arrays while the actions write cell by cell: a cell of an Arrow-backed frame
    # costs a third of a millisecond to set, and a big plan sets a hundred thousand.
    frame: dict[str, np.ndarray] = {}
    for column in CLEAN_COLUMNS:
        if column == "stands_for":
            continue
        if column.endswith("_date"):
            values = records[column].dt.strftime("%Y-%m-%d").fillna("")
        else:
            values = records[column].fillna("")
        frame[column] = values.astype("str").to_numpy(dtype=object)
    names = [
        record_name(file, sheet or None, int(row), str(record_id))
        for file, sheet, row, record_id in zip(
            records["source_file"].tolist(),
            records["source_sheet"].fillna("").tolist(),
            records["source_row"].tolist(),
            records["source_id"].fillna("").tolist(),
            strict=True,
        )
    ]
    stands_for: list[list[str]] = [[name] for name in names]
    gone: set[int] = set()
    rules = Survivorship.of(result.config.survivorship)
    for action in fixes.actions:
        if action["action"] in RECORD_ACTIONS:
            _change(frame, action, sources)
            continue
        if action["review"]:
            continue
        if action["action"] == "merge":
            survivor, others = action["survivor"], action["merged"]
        else:
            survivor, others = action["into"], [action["lead"]]
        keep = _position(sources, survivor)
        away = [_position(sources, record) for record in others]
        _merge(frame, records, rules, keep, away)
        for position in away:
            stands_for[keep].extend(stands_for[position])
            gone.add(position)
    frame["stands_for"] = np.array(["; ".join(names_of) for names_of in stands_for], dtype=object)
    kept = np.array([position for position in range(len(records)) if position not in gone], dtype=np.int64)
    return pd.DataFrame({column: pd.Series(frame[column][kept], dtype="str") for column in CLEAN_COLUMNS})


def write_clean(result: AuditResult, fixes: Plan, sources: Sources, folder: Path) -> Path:
    """Write DIR/clean/records.csv (written beside and moved in place, so a failed write leaves the
    previous one whole) through Arrow's writer, as the normalised export is; cells a spreadsheet
    would run as a formula are made inert."""
    frame = clean_frame(result, fixes, sources)
    target = folder / CLEAN_FOLDER
    target.mkdir(exist_ok=True)
    path = target / CLEAN_FILE
    part = target / f".{CLEAN_FILE}.part"
    text = pd.DataFrame({column: inert_column(frame[column]) for column in CLEAN_COLUMNS})
    schema = pa.schema([pa.field(column, pa.string()) for column in CLEAN_COLUMNS])
    options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
    try:
        pacsv.write_csv(pa.Table.from_pandas(text, preserve_index=False).cast(schema), str(part), options)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return path


def _ref(record: Mapping[str, Any]) -> RecordRef:
    return RecordRef(record["file"], int(record["row"]), record.get("id"), record.get("sheet"))


def _position(sources: Sources, record: Mapping[str, Any]) -> int:
    return sources.position(_ref(record))


def _merge(
    frame: dict[str, np.ndarray], records: pd.DataFrame, rules: Survivorship, keep: int, away: list[int]
) -> None:
    """Set the survivor's row (`keep`) field by field as the survivorship rules choose among it and
    the records merged into it, over their canonical values. Fields with the `survivor` rule and
    no check, and the columns of no field (ids, platform, types, owner, labels, dates), stay the
    survivor's: they describe the record, not the person."""
    group = [keep, *away]
    recency = (-pd.Series(rules.keys(records.iloc[group])["most_recent_activity"])).tolist()
    for name in sorted({*rules.fields, *rules.checked_by}):
        if name not in frame:
            continue
        rule = rules.rule_for(name)
        status = rules.checked_by.get(name)
        values = frame[name]
        own = values[keep].strip()
        candidates = [_candidate(frame, group, status, 0, own)]
        if rule != "survivor" or status:
            for index in range(1, len(group)):
                value = values[group[index]].strip()
                if value and value.casefold() != own.casefold():
                    candidates.append(_candidate(frame, group, status, index, value))
        chosen = rules.choose(rule, candidates, recency)
        if chosen == 0:
            continue
        source = group[candidates[chosen].index]
        values[keep] = values[source]
        if status:
            frame[status][keep] = frame[status][source]


def _candidate(
    frame: dict[str, np.ndarray], group: list[int], status: str | None, index: int, value: str
) -> Candidate:
    """One record's value for a field, with what the field's check says of it."""
    check = frame[status][group[index]] if status else ""
    return Candidate(index, value, invalid=check == "invalid", valid=check == "valid")


def _change(frame: dict[str, np.ndarray], action: Mapping[str, Any], sources: Sources) -> None:
    """The record's fields as a close or an update sets them, an update's new type in
    `record_type`, a repaired email's check, and `lead_state` the state its labels say after."""
    record = action["record"]
    position = _position(sources, record)
    table = sources.table(record["file"], record.get("sheet"))
    cells = dict(sources.cells(_ref(record)))
    for change in [action, *action["also"]]:
        cells[change["header"]] = change["new"]
        name = table.field_of(change["header"])
        if name in frame:
            frame[name][position] = change["new"].strip()
        if name == "email":
            frame["email_status"][position] = "valid"
    if "type" in action:
        frame["record_type"][position] = action["type"]
    states = (_state_of(table, header, cells[header]) for header in _label_columns(table))
    frame["lead_state"][position] = next((state for state in states if state), "")
