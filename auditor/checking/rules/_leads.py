"""What several rules need to know about a lead: has it been converted, is it still open.

A lead is *open* while nothing says it ended: its state is not converted, disqualified, closed or
inactive, its converted flag does not say yes, and it names no contact it was converted into. A
lead with no state label at all is open: the CRM still holds it as a lead. What conversion looks
like differs per platform (a profile's [conversion], auditor.detecting.ConversionModel): a
qualified Dynamics 365 lead is converted, a qualified Salesforce lead is still being worked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.detecting import ConversionModel, conversion_model
from auditor.folding import fold
from auditor.resources import load_rules_toml

if TYPE_CHECKING:
    from auditor.checking.context import AuditContext

ENDED_STATES = ("converted", "disqualified", "closed", "inactive")
OPEN_STATES = ("open", "working", "nurturing")


@cache
def _flag_words(answer: str) -> frozenset[str]:
    return frozenset(fold(word) for word in load_rules_toml("booleans.toml")[answer])


def flag_says(context: AuditContext, column: str, answer: str) -> np.ndarray:
    """True where a yes/no column says `answer` ("yes" or "no"), in any of rules/booleans.toml's words."""
    words = _flag_words(answer)
    codes, labels = context.distinct(column)
    said = np.array([False, *(fold(str(label)) in words for label in labels)], dtype=bool)
    return said[codes + 1]


def leads(records: pd.DataFrame) -> np.ndarray:
    """People whose labels say lead. An account typed "Prospect" is a company, not a lead."""
    return ((records["record_type"] == "lead") & (records["object"] != "account")).to_numpy()


def platform_says(context: AuditContext, question: Callable[[ConversionModel], bool]) -> np.ndarray:
    """Per record, its platform's conversion model's answer to `question` (asked once a platform)."""
    codes, platforms = context.distinct("platform")
    answers = np.array([question(conversion_model(str(platform))) for platform in platforms], dtype=bool)
    return answers[codes] if len(answers) else np.zeros(len(codes), dtype=bool)


def converted_leads(context: AuditContext) -> np.ndarray:
    """Leads that say they were converted: by their state (a platform may count more states as
    converted), their converted flag or a converted contact."""
    if "converted_leads" not in context.derived:
        records = context.records
        by_state = (records["lead_state"] == "converted").to_numpy().copy()  # Arrow-backed: read-only
        codes, platforms = context.distinct("platform")
        for code, platform in enumerate(platforms):
            more = conversion_model(str(platform)).converted_states
            if more:
                by_state |= (codes == code) & records["lead_state"].isin(more).to_numpy()
        context.derived["converted_leads"] = leads(records) & (
            by_state
            | flag_says(context, "is_converted", "yes")
            | (records["converted_contact_id"] != "").to_numpy()
        )
    return context.derived["converted_leads"]


def open_leads_of(context: AuditContext) -> np.ndarray:
    """Leads that have not been converted, disqualified or closed; worked out once for the five
    rules that ask."""
    if "open_leads" not in context.derived:
        records = context.records
        context.derived["open_leads"] = (
            leads(records) & ~records["lead_state"].isin(ENDED_STATES).to_numpy() & ~converted_leads(context)
        )
    return context.derived["open_leads"]


def evidence_in(context: AuditContext, codes: Collection[str]) -> np.ndarray:
    """True where who-is-who's evidence code (auditor.whoiswho) for the record is one of `codes`.
    Four rules ask: the codes are told apart once per audit, not per rule over a million records."""
    if context.who is None:
        return np.zeros(len(context.records), dtype=bool)
    if "evidence_codes" not in context.derived:
        numbers, distinct = pd.factorize(context.who.evidence, sort=False)
        context.derived["evidence_codes"] = numbers
        context.derived["evidence_distinct"] = np.asarray(distinct, dtype=object)
    return np.isin(context.derived["evidence_distinct"], list(codes))[context.derived["evidence_codes"]]
