"""DQ006 suspicious-value (DQ: data quality)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import field_evidence
from auditor.checking.rules._reach import checked_all, filled
from auditor.findings import Finding
from auditor.resources import load_rules_toml
from auditor.text import as_arrow, per_distinct
from auditor.wording import Several, Words, term

_DATA = "rules/suspicious_values.toml"
FIELDS = ("first_name", "last_name", "full_name", "company", "title", "city")


@dataclass(frozen=True)
class _Check:
    kind: str  # the pattern class: formula, markup, injection, control, url, email
    says: str
    fields: tuple[str, ...]
    patterns: tuple[str, ...]  # RE2, matched ignoring case

    @property
    def pattern(self) -> str:
        return _alternation(self.patterns)


@cache
def _checks() -> tuple[_Check, ...]:
    return tuple(
        _Check(
            kind=entry["class"],
            says=entry["says"],
            fields=tuple(entry["fields"]),
            patterns=tuple(entry["patterns"]),
        )
        for entry in load_rules_toml("suspicious_values.toml")["checks"]
    )


@cache
def _field_pattern(field: str) -> str:
    """Every pattern that applies to `field`, as one alternation: one pass of RE2 over a column."""
    return _alternation(
        [pattern for check in _checks() if field in check.fields for pattern in check.patterns]
    )


def _alternation(patterns: Sequence[str]) -> str:
    """One case-insensitive RE2 pattern matching where any of `patterns` does ("" for none)."""
    return "(?i)" + "|".join(f"(?:{pattern})" for pattern in patterns) if patterns else ""


def suspicious(values: pd.Series, field: str) -> np.ndarray:
    """True where a value of `field` (a record-model field) matches a pattern of any class."""
    pattern = _field_pattern(field)
    if not pattern:
        return np.zeros(len(values), dtype=bool)
    # One RE2 pass costs about as much as hashing the values, so only a column of few distinct
    # values (first names, titles, cities) is matched once per distinct value (benchmarks/README.md).
    match = partial(pc.match_substring_regex, pattern=pattern)
    return per_distinct(as_arrow(values), match, distinct_share=0.25).to_numpy()


def suspicious_classes(values: pd.Series, field: str) -> np.ndarray:
    """The pattern class of each value of `field` ("formula", "markup" ...), "" where none matches."""
    kinds = np.array([check.kind for check in _checks()] + [""], dtype=object)
    return kinds[_which(values, field)]


def _which(values: pd.Series, field: str) -> np.ndarray:
    """Per value, the position in the data file of the first check it matches; -1 for none."""
    which = np.full(len(values), -1, dtype=np.int64)
    hits = np.flatnonzero(suspicious(values, field))
    if not len(hits):
        return which
    candidates = as_arrow(values.iloc[hits])
    for number, check in enumerate(_checks()):
        if field in check.fields and check.patterns:
            matched = pc.match_substring_regex(candidates, check.pattern).to_numpy()
            undecided = hits[matched & (which[hits] == -1)]
            which[undecided] = number
    return which


def _found(records: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per field, the check each value matches (-1 for none). A whole name that is flagged speaks
    for the first and last name taken from it."""
    found = {field: _which(records[field], field) for field in FIELDS}
    whole = records["full_name"].to_numpy(dtype=object)
    for part in ("first_name", "last_name"):
        values = records[part].to_numpy(dtype=object)
        inside = np.fromiter(
            (bool(value) and value in name for value, name in zip(values, whole, strict=True)),
            dtype=bool,
            count=len(values),
        )
        found[part][(found["full_name"] >= 0) & inside] = -1
    return found


def _report(rule: Rule, failing: pd.DataFrame, context: AuditContext) -> list[Finding]:
    found = _found(failing)
    checks = _checks()
    findings = []
    for index, ref in enumerate(context.refs(failing.index)):
        fields = [field for field, which in found.items() if which[index] >= 0]
        values = [failing[field].iat[index] for field in fields]
        matched = [checks[found[field][index]] for field in fields]
        classes = [check.kind for check in matched]
        kinds = list(dict.fromkeys(classes))
        findings.append(
            rule.finding(
                says="suspicious",
                values={"clauses": _clauses(rule, fields, values, matched)},
                records=[ref],
                evidence=field_evidence(
                    fields,
                    values,
                    **({"class": classes[0]} if len(fields) == 1 else {"classes": classes}),
                    check=rule.says("check", {"classes": Several(kinds, by="and"), "file": _DATA}),
                ),
            )
        )
    return findings


def _clauses(rule: Rule, fields: list[str], values: list[object], matched: list[_Check]) -> Words:
    """What each value holds, one clause per field ("First name '=1+1' starts like a spreadsheet
    formula; company name ..."): the first opens the sentence (`first`, one template per field),
    each further one follows it (`next`, joined by `then`). What a class of the data file says is
    worded from `[finding.DQ006.says]`, keyed by its English; a class added there without one
    stays in English."""
    clauses = [
        rule.says(
            f"{'first' if number == 0 else 'next'}.{field}",
            {"value": repr(value), "says": term("finding.DQ006.says", check.says)},
        )
        for number, (field, value, check) in enumerate(zip(fields, values, matched, strict=True))
    ]
    said = clauses[-1]
    for clause in reversed(clauses[:-1]):
        said = rule.says("then", {"it": clause, "rest": said})
    return said


def _reach(context: AuditContext) -> Reach:
    """Records with a name, a company, a job title or a city."""
    return checked_all(filled(context.records, *FIELDS))


@row_rule(
    code="DQ006",
    name="suspicious-value",
    kind="suspicious_value",
    severity="warning",
    summary='Formulas, markup, addresses, control characters or injection code in names, company, title or city ("=HYPERLINK(", "<script>", "{{7*7}}")',
    bad={
        "FirstName": '=HYPERLINK("http://evil.example","click")',
        "LastName": "Nowak",
        "Company": "<script>alert(1)</script>",
    },
    good={"FirstName": "Anna", "LastName": "O'Brien-Nowak", "Company": "AT&T"},
    report=_report,
    reach=_reach,
)
def suspicious_value(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Looks at first name, last name, whole name, company, job title and city for what no name holds:
    - a spreadsheet formula or DDE link: `=HYPERLINK(...)`, `=1+1`, `+1+1`, `@SUM(A1)`, `=cmd|...`;
    - web markup or script: `<script>`, `<img src=x onerror=...>`, `<a href=...>`, `javascript:`;
    - a web address (`http://`, `www.acme.pl`, `bit.ly/x`) in a person's name, title or city, or
      one with its scheme in a company name; an email address (`@acme.pl`) in any of them;
    - control characters (NUL, tabs, line breaks) or text-reversing overrides;
    - template or SQL injection: `{{7*7}}`, `${jndi:...}`, `' OR 1=1--`, `; DROP TABLE`.

    The patterns are data (`rules/suspicious_values.toml`); the evidence names the class of each
    value: formula, markup, injection, control, url or email. Every record is checked, accounts
    included (an account's name is its company), as DQ004 does.

    Real names are not flagged: "O'Brien", "Jean-Luc", "Müller-Lüdenscheidt", "José María", "Dr. No",
    "X Æ A-12", Arabic and Polish names; nor companies like "AT&T", "Smith & Sons", "Yahoo!",
    "E*TRADE", "C++ Consulting", "4 Life Ltd", or a phone number or handle in the wrong field. A field
    holding only "=" or "-" is filler for DQ004.

    ## Why it matters
    Nobody is called `=HYPERLINK(...)`. Web forms get such values from bots and from people probing
    for holes: the formula runs when someone opens an export in a spreadsheet, the script when a
    tool shows the name in a page, the template or SQL when another system imports it. The auditor's
    own reports keep them inert, but the CRM and its other exports may not. At best the record is
    filler that inflates the pipeline; at worst it is an attack waiting for its next reader.

    ## Example
    First name `=HYPERLINK("http://evil.example","click")`; company `<script>alert(1)</script>`;
    last name `{{7*7}}`; a city that ends in a NUL character; first name `jan@acme.pl`.

    ## Use instead
    The person's real name, company, title and city, as plain text; delete records a bot made.
    """
    found = [suspicious(records[field], field) for field in FIELDS]
    return pd.Series(~np.logical_or.reduce(found), index=records.index)
