"""The findings JSON of the contract."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.api import AuditResult


def write_json(result: AuditResult, path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as handle:
        json.dump(result.to_dict(), handle, ensure_ascii=False, indent=1, default=str)
        handle.write("\n")
