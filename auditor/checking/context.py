"""What rules see: the combined records of every input, the settings, and what earlier steps found."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.finding_groups import record_refs
from auditor.findings import RecordRef
from auditor.terms import Vocabulary, builtin_vocabulary

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
    _meanings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False
    )
    _distinct: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, init=False, repr=False)
    # What several rules derive from the records alike (open leads ...), worked out once.
    derived: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    def refs(self, positions: Iterable[int]) -> list[RecordRef]:
        """Record references for positions in `records`, in the order given."""
        return record_refs(self.records, positions)

    def label_meaning(self, column: str, concept: str) -> np.ndarray:
        """What each record's label in `column` means for `concept` ("state", "type" ...), "" when
        nothing. `lead_state` and `record_type` keep only the most telling label of a record; rules
        that weigh one label against another (a Dynamics status against its status reason) need
        each label's own meaning. Looked up once per distinct label, with the config's vocabulary."""
        codes, meanings = self._label_meanings(column, concept)
        return meanings[codes]

    def label_means(self, column: str, concept: str, values: Collection[str]) -> np.ndarray:
        """True where the record's label in `column` means one of `values` (cheaper than testing
        `label_meaning`: the test runs once per distinct label)."""
        codes, meanings = self._label_meanings(column, concept)
        wanted = np.isin(meanings, list(values))
        if not wanted.any():  # most label columns of an export mean none of the values asked
            return np.zeros(len(codes), dtype=bool)
        return wanted[codes]

    def distinct(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """The column's distinct values, and per record a code into them: `pandas.factorize`, worked
        out once per audit (several rules read the same label and flag columns)."""
        if column not in self._distinct:
            self._distinct[column] = pd.factorize(self.records[column], sort=False)
        return self._distinct[column]

    def _label_meanings(self, column: str, concept: str) -> tuple[np.ndarray, np.ndarray]:
        """Per record, a code into the meanings of the column's distinct labels (code 0: no label)."""
        key = (column, concept)
        if key not in self._meanings:
            codes, labels = self.distinct(column)
            vocabulary = self._vocabulary()
            meanings = np.array(
                ["", *(_value(vocabulary, concept, str(label)) for label in labels)], dtype=object
            )
            self._meanings[key] = (codes + 1, meanings)
        return self._meanings[key]

    def _vocabulary(self) -> Vocabulary:
        return builtin_vocabulary().with_overrides(self.config.vocabulary)


def _value(vocabulary: Vocabulary, concept: str, label: str) -> str:
    term = vocabulary.lookup(concept, label)
    return term.value if term else ""
