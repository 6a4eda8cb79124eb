"""The migration-ready set (DIR/clean/records.csv): the samples' plan with the review flag of its
sure groups cleared (every sure group of the samples is risky, so the shipped plan merges none),
the matcher's review pair left for review; the clean set written from it and loaded back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditor.api import AuditResult, audit
from auditor.demo import demo_config, sample_paths
from auditor.findings import RecordRef
from auditor.fixes import write_fixes
from auditor.fixes.clean import CLEAN_COLUMNS, clean_frame, record_name, write_clean
from auditor.fixes.planning import RECORD_ACTIONS, Plan, plan_from
from auditor.fixes.sources import Sources
from auditor.loading import load_file
from auditor.reporting.cells import inert
from tests.conftest import FIXTURES

EMAILS = ("email", "email_alt", "email_other")
PHONES = ("phone", "mobile", "phone_other")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("samples")
    with sample_paths() as paths:
        for path in paths:
            shutil.copy(path, folder / path.name)
    return sorted(path for path in folder.iterdir() if path.suffix in (".csv", ".xlsx"))


@pytest.fixture(scope="module")
def result(samples: list[Path]) -> AuditResult:
    return audit(samples, demo_config(), display_names=[path.name for path in samples])


@pytest.fixture(scope="module")
def sources(result: AuditResult, samples: list[Path]) -> Sources:
    return Sources(result, {path.name: path for path in samples})


@pytest.fixture(scope="module")
def fixes(result: AuditResult, sources: Sources) -> Plan:
    """The plan as a reviewer leaves it who approved every sure group and none set aside for review."""
    planned = plan_from(result, sources)
    for action in planned.actions:
        if action["action"] not in RECORD_ACTIONS:
            action["review"] = action["confidence"] == "review"
    return planned


@pytest.fixture(scope="module")
def applied(fixes: Plan) -> list[dict[str, Any]]:
    found = [
        action for action in fixes.actions if action["action"] not in RECORD_ACTIONS and not action["review"]
    ]
    assert len(found) >= 5 and any(action["action"] == "convert" for action in found)
    return found


@pytest.fixture(scope="module")
def clean(
    result: AuditResult, fixes: Plan, sources: Sources, tmp_path_factory: pytest.TempPathFactory
) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("fixes")
    path = write_clean(result, fixes, sources, folder)
    assert path == folder / "clean" / "records.csv"
    (table,) = load_file(path)
    return table.frame


def _name(record: dict[str, Any]) -> str:
    return record_name(record["file"], record.get("sheet"), record["row"], record["id"] or "")


def _gone(action: dict[str, Any]) -> list[dict[str, Any]]:
    return action["merged"] if action["action"] == "merge" else [action["lead"]]


def _kept(action: dict[str, Any]) -> dict[str, Any]:
    return action["survivor"] if action["action"] == "merge" else action["into"]


def _row(clean: pd.DataFrame, record: dict[str, Any]) -> pd.Series:
    rows = clean[clean["stands_for"].str.split("; ").str[0] == _name(record)]
    assert len(rows) == 1, _name(record)
    return rows.iloc[0]


def _record(result: AuditResult, sources: Sources, record: dict[str, Any]) -> pd.Series:
    ref = RecordRef(record["file"], record["row"], record["id"], record.get("sheet"))
    return result.records.iloc[sources.position(ref)]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value).lstrip("0")


def _same_phone(one: str, other: str) -> bool:
    one, other = _digits(one), _digits(other)
    return len(one) >= 6 and len(other) >= 6 and (one.endswith(other) or other.endswith(one))


def test_one_row_per_person_after_the_applied_merges(
    result: AuditResult, clean: pd.DataFrame, applied: list[dict[str, Any]]
) -> None:
    merged_away = sum(len(_gone(action)) for action in applied)
    assert len(clean) == len(result.records) - merged_away
    assert list(clean.columns) == list(CLEAN_COLUMNS)


def test_every_source_record_is_in_exactly_one_row(result: AuditResult, clean: pd.DataFrame) -> None:
    records = result.records
    expected = [
        record_name(file, sheet or None, int(row), record_id or "")
        for file, sheet, row, record_id in zip(
            records["source_file"],
            records["source_sheet"].fillna(""),
            records["source_row"],
            records["source_id"].fillna(""),
            strict=True,
        )
    ]
    listed = [name for names in clean["stands_for"] for name in names.split("; ")]
    assert sorted(listed) == sorted(expected)
    assert len(set(listed)) == len(listed)


def test_a_merged_row_stands_for_its_group_survivor_first(
    clean: pd.DataFrame, applied: list[dict[str, Any]]
) -> None:
    for action in applied:
        row = _row(clean, _kept(action))
        assert row["stands_for"].split("; ") == [_name(_kept(action)), *map(_name, _gone(action))]
        assert row["source_row"] == str(_kept(action)["row"])


def test_every_email_and_phone_of_a_merged_group_is_kept_or_dropped(
    result: AuditResult, sources: Sources, clean: pd.DataFrame, applied: list[dict[str, Any]]
) -> None:
    checked = 0
    for action in applied:
        row = _row(clean, _kept(action))
        dropped = [entry["value"] for entry in action["dropped"]]
        for record in [_kept(action), *_gone(action)]:
            facts = _record(result, sources, record)
            for value in (facts[name] for name in EMAILS if facts[name]):
                checked += 1
                held = [row[name].casefold() for name in EMAILS] + [
                    text.strip().casefold() for text in dropped
                ]
                assert value.casefold() in held, (action["cluster"], value)
            for value in (facts[name] for name in PHONES if facts[name]):
                checked += 1
                held = [row[name] for name in PHONES if row[name]] + dropped
                assert any(_same_phone(value, other) for other in held), (action["cluster"], value)
    assert checked >= 10


def test_the_clean_row_holds_the_values_the_plan_chose(
    result: AuditResult, sources: Sources, clean: pd.DataFrame, applied: list[dict[str, Any]]
) -> None:
    assert _holds_plan_values(result, sources, clean, applied) >= 3


def _holds_plan_values(
    result: AuditResult, sources: Sources, clean: pd.DataFrame, applied: list[dict[str, Any]]
) -> int:
    """For every changed header of a merge, the field it maps to holds the plan's value as the
    model holds it: the canonical value of the record the plan took it from (a valid phone in E.164).
    Returns how many changed headers it checked."""
    changed = 0
    for action in applied:
        kept = _kept(action)
        table = sources.table(kept["file"], kept.get("sheet"))
        row = _row(clean, kept)
        for entry in action["values"]:
            name = table.field_of(entry["header"])
            if not entry["changed"] or name not in clean.columns:
                continue
            changed += 1
            source = _record(result, sources, entry["from"])
            assert row[name] == source[name], (action["cluster"], entry["header"])
            if f"{name}_status" in clean.columns:  # the check comes with the value it checks
                assert row[f"{name}_status"] == source[f"{name}_status"]
            if name in PHONES:
                assert _same_phone(row[name], entry["value"])
                if source[f"{name}_status"] == "valid":
                    assert re.fullmatch(r"\+[1-9]\d{6,14}", row[name])
            else:
                assert row[name].casefold() == entry["value"].strip().casefold()
    return changed


def test_review_groups_stay_apart(
    result: AuditResult, sources: Sources, clean: pd.DataFrame, fixes: Plan
) -> None:
    review = [action for action in fixes.actions if action.get("review")]
    assert review
    for action in review:
        for record in [_kept(action), *_gone(action)]:
            row = _row(clean, record)
            assert row["stands_for"] == _name(record)
            assert row["email"] == _record(result, sources, record)["email"]


def test_closes_set_the_leads_state(clean: pd.DataFrame, sources: Sources, fixes: Plan) -> None:
    closes = [action for action in fixes.actions if action["action"] == "close"]
    assert closes
    for action in closes:
        row = _row(clean, action["record"])
        table = sources.table(action["record"]["file"], action["record"].get("sheet"))
        for change in [action, *action["also"]]:
            assert row[table.field_of(change["header"])] == change["new"]
        wanted = "disqualified closed" if action["kind"] == "stale_lead" else "converted qualified"
        assert row["lead_state"] in wanted.split()


def test_updates_set_the_records_fields_and_type(clean: pd.DataFrame, sources: Sources, fixes: Plan) -> None:
    updates = [action for action in fixes.actions if action["action"] == "update"]
    assert {action["kind"] for action in updates} >= {"customer_as_lead", "invalid_email"}
    for action in updates:
        row = _row(clean, action["record"])
        table = sources.table(action["record"]["file"], action["record"].get("sheet"))
        for change in [action, *action["also"]]:
            assert row[table.field_of(change["header"])] == change["new"]
        if action["kind"] == "invalid_email":
            assert row["email_status"] == "valid"
        else:
            # A customer's labels say no lead state once its lead status is cleared.
            assert row["record_type"] == action["type"]
            assert row["lead_state"] == ""


def test_the_clean_file_loads_back_as_text_and_inert(clean: pd.DataFrame) -> None:
    for column in clean.columns:
        assert all(isinstance(value, str) for value in clean[column]), column
        assert all(inert(value) == value for value in clean[column]), column


def test_a_formula_is_written_inert(
    result: AuditResult, fixes: Plan, sources: Sources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = clean_frame(result, fixes, sources)
    frame.loc[0, "company"] = '=HYPERLINK("http://x")'
    monkeypatch.setattr("auditor.fixes.clean.clean_frame", lambda *args: frame)
    (table,) = load_file(write_clean(result, fixes, sources, tmp_path))
    assert table.frame.loc[table.frame.index[0], "company"] == '\'=HYPERLINK("http://x")'


def test_write_fixes_writes_the_clean_set_and_a_risky_plan_merges_nothing(
    result: AuditResult, samples: list[Path], tmp_path: Path
) -> None:
    write_fixes(result, tmp_path / "fixes", {path.name: path for path in samples})
    (table,) = load_file(tmp_path / "fixes" / "clean" / "records.csv")
    # Every group of the samples is risky: nothing is merged until a person reviews it.
    assert len(table.frame) == len(result.records)
    assert not table.frame["stands_for"].str.contains("; ").any()


def test_a_plan_with_ready_merges_as_write_fixes_writes_it(tmp_path: Path) -> None:
    """The multilingual fixture's groups are sure and of one owner: the plan merges them unreviewed,
    and the clean set write_fixes writes holds each person once, with the plan's values."""
    paths = sorted((FIXTURES / "multilingual").glob("*.csv"))
    result = audit(paths)
    write_fixes(result, tmp_path / "fixes")
    planned = json.loads((tmp_path / "fixes" / "plan.json").read_text(encoding="utf-8"))
    ready = [
        action
        for action in planned["actions"]
        if action["action"] not in RECORD_ACTIONS and not action["review"]
    ]
    assert len(ready) >= 10
    (table,) = load_file(tmp_path / "fixes" / "clean" / "records.csv")
    clean = table.frame
    sources = Sources(result)
    test_one_row_per_person_after_the_applied_merges(result, clean, ready)
    test_every_source_record_is_in_exactly_one_row(result, clean)
    test_a_merged_row_stands_for_its_group_survivor_first(clean, ready)
    test_every_email_and_phone_of_a_merged_group_is_kept_or_dropped(result, sources, clean, ready)
    assert _holds_plan_values(result, sources, clean, ready) >= 1
