"""What rules see: the combined records of every input, the settings, and what earlier steps found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.findings import RecordRef

if TYPE_CHECKING:
    from auditor.matching import MatchResult
    from auditor.terms import UnmappedLabel
    from auditor.whoiswho import WhoIsWho


@dataclass
class AuditContext:
    records: pd.DataFrame  # every input's records, positions 0..n-1 (RangeIndex)
    config: Config
    # Labels nobody knows, with `positions` into `records`.
    unmapped_labels: list[UnmappedLabel] = field(default_factory=list)
    matches: MatchResult | None = None
    # Evidence behind each record's suggested_type (codes from auditor.whoiswho).
    who: WhoIsWho | None = None

    def refs(self, positions: Iterable[int]) -> list[RecordRef]:
        """Record references for positions in `records`, in the order given."""
        positions = np.asarray(list(positions), dtype=np.int64)
        files = self.records["source_file"].to_numpy()[positions]
        rows = self.records["source_row"].to_numpy()[positions]
        ids = self.records["source_id"].to_numpy()[positions]
        sheets = self.records["source_sheet"].to_numpy()[positions]
        return [
            RecordRef(file=str(file), row=int(row), id=str(identifier) or None, sheet=str(sheet) or None)
            for file, row, identifier, sheet in zip(files, rows, ids, sheets, strict=True)
        ]

    def ref(self, position: int) -> RecordRef:
        return self.refs([position])[0]
