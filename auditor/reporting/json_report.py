"""The findings JSON of the contract.

Written one finding per line: a million-record audit has hundreds of thousands of findings, which
`json.dump(indent=...)` takes minutes to lay out, while a line each keeps the file fast to write,
easy to diff and still easy to read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.api import AuditResult


def write_json(result: AuditResult, path: str | Path) -> None:
    data = result.to_dict()
    with Path(path).open("w", encoding="utf-8") as handle:
        handle.write("{\n")
        for number, (key, value) in enumerate(data.items()):
            handle.write(f" {json.dumps(key)}: ")
            if isinstance(value, list):
                _write_list(handle, value)
            else:
                handle.write(_dumps(value))
            handle.write(",\n" if number < len(data) - 1 else "\n")
        handle.write("}\n")


def _write_list(handle: Any, items: list[Any]) -> None:
    if not items:
        handle.write("[]")
        return
    handle.write("[\n  ")
    handle.write(",\n  ".join(_dumps(item) for item in items))
    handle.write("\n ]")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
