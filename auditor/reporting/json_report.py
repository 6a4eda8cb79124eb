"""The findings JSON of the contract.

Written one finding per line: a million-record audit has hundreds of thousands of findings, which
`json.dump(indent=...)` takes minutes to lay out, while a line each keeps the file fast to write,
easy to diff and still easy to read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.api import AuditResult


def write_json(result: AuditResult, path: str | Path) -> None:
    head = {
        "schema_version": 1,
        "tool": {"name": "crm-audit", "version": __version__},
        "as_of": result.config.as_of.isoformat(),
        "inputs": [report.to_dict() for report in result.inputs],
        "summary": result.summary(),
    }
    with Path(path).open("w", encoding="utf-8") as handle:
        handle.write("{\n")
        for key, value in head.items():
            handle.write(f" {json.dumps(key)}: ")
            if isinstance(value, list):
                _write_items(handle, iter(value))
            else:
                handle.write(_dumps(value))
            handle.write(",\n")
        handle.write(' "findings": ')
        _write_items(handle, result.finding_dicts())
        handle.write("\n}\n")


def _write_items(handle: Any, items: Iterator[Any], batch: int = 10_000) -> None:
    """A JSON list, one item a line, written in batches so that no more than a batch is held."""
    first = next(items, None)
    if first is None:
        handle.write("[]")
        return
    handle.write("[\n  " + _dumps(first))
    while chunk := list(islice(items, batch)):
        handle.write(",\n  " + ",\n  ".join(_dumps(item) for item in chunk))
    handle.write("\n ]")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
