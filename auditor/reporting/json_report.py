"""The findings JSON of the contract (docs/CONTRACT.md), valid against the JSON Schema shipped as
reports/findings.schema.json (`findings_schema()`).

Written one finding per line: a million-record audit has hundreds of thousands of findings, which
`json.dump(indent=...)` takes minutes to lay out, while a line each keeps the file fast to write,
easy to diff and still easy to read. orjson encodes a finding in well under half the time of the
standard library's encoder (with the same `default=str` for the odd value); the separators are
compact, the JSON the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from auditor.api import AuditResult
from auditor.resources import reports_dir


def findings_schema() -> dict[str, Any]:
    """The JSON Schema every findings JSON this version writes validates against."""
    return orjson.loads(reports_dir("findings.schema.json").read_bytes())


def write_json(result: AuditResult, path: str | Path) -> None:
    head = result.head()
    with Path(path).open("wb") as handle:
        handle.write(b"{\n")
        for key, value in head.items():
            handle.write(b" " + _dumps(key) + b": ")
            if isinstance(value, list):
                _write_items(handle, iter(value))
            else:
                handle.write(_dumps(value))
            handle.write(b",\n")
        handle.write(b' "findings": ')
        _write_items(handle, result.finding_dicts())
        handle.write(b"\n}\n")


def _write_items(handle: Any, items: Iterator[Any], batch: int = 10_000) -> None:
    """A JSON list, one item a line, written in batches so that no more than a batch is held."""
    first = next(items, None)
    if first is None:
        handle.write(b"[]")
        return
    handle.write(b"[\n  " + _dumps(first))
    while chunk := list(islice(items, batch)):
        handle.write(b",\n  " + b",\n  ".join(_dumps(item) for item in chunk))
    handle.write(b"\n ]")


def _dumps(value: Any) -> bytes:
    # Dates go through `default` too, as str() writes them, like every other value JSON has no type for.
    return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME)
