"""Shared test helpers: tests build small exports as real files and audit them through the public API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import jsonschema
import pytest

import auditor
from auditor.config import Config

AS_OF = dt.date(2026, 11, 1)
FIXTURES = Path(__file__).parent / "fixtures"


@cache
def findings_json_validator() -> jsonschema.Draft202012Validator:
    from auditor.reporting.json_report import findings_schema

    return jsonschema.Draft202012Validator(findings_schema())


@pytest.fixture(autouse=True)
def every_findings_json_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every findings JSON any test writes (CLI, API, demo) is checked against the schema shipped
    in reports/findings.schema.json, the one docs/CONTRACT.md publishes."""
    import auditor.reporting.json_report as json_report

    write = json_report.write_json

    def write_and_check(result: auditor.AuditResult, path: str | Path) -> None:
        write(result, path)
        findings_json_validator().validate(json.loads(Path(path).read_bytes()))

    monkeypatch.setattr(json_report, "write_json", write_and_check)


def csv_bytes(
    rows: Sequence[Sequence[str]], *, delimiter: str = ",", encoding: str = "utf-8", quote_all: bool = False
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv("Lead.csv", [header, row, ...], delimiter=";", encoding="utf-16") -> path."""

    def write(name: str, rows: Sequence[Sequence[str]], **options: object) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, **options))  # type: ignore[arg-type]
        return path

    return write


@pytest.fixture
def run_audit() -> Callable[..., auditor.AuditResult]:
    """run_audit(paths, internal_domains=(...), ...) with the fixed audit date of the test suite."""

    def run(paths: Sequence[Path | str], **settings: object) -> auditor.AuditResult:
        settings.setdefault("as_of", AS_OF)
        return auditor.audit(paths, Config(**settings))  # type: ignore[arg-type]

    return run


def findings_of(result: auditor.AuditResult, rule: str) -> list[auditor.Finding]:
    return [finding for finding in result.findings if finding.rule == rule]
