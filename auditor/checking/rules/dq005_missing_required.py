"""DQ005 missing-required (DQ: data quality)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Reach
from auditor.checking.registry import Rule, row_rule
from auditor.checking.rules._naming import field_words, record_names
from auditor.checking.rules._reach import checked_all
from auditor.errors import ConfigError
from auditor.findings import FieldEvidence, Finding
from auditor.model import ALL_FIELDS
from auditor.wording import Several

# Object -> the fields its records must fill. Rule sets override it ([parameters.DQ005] required).
DEFAULT_REQUIRED = {
    "lead": ["last_name"],
    "contact": ["last_name"],
    "person": ["last_name"],
    "account": ["company"],
}


def _missing(records: pd.DataFrame, required: Mapping[str, Sequence[str]]) -> dict[str, np.ndarray]:
    """Per required field, the records of an object requiring it that leave it empty."""
    missing: dict[str, np.ndarray] = {}
    for object_name, fields in required.items():
        of_object = (records["object"] == object_name).to_numpy()
        if not of_object.any():
            continue
        for field in fields:
            if field not in ALL_FIELDS:
                raise ConfigError(
                    f"DQ005 requires {field!r} for {object_name} records, but the record model has no such field",
                    hint="Use the record model's field names (crm-audit inspect lists them)",
                )
            empty = of_object & (records[field] == "").to_numpy()
            missing[field] = missing.get(field, np.zeros(len(records), dtype=bool)) | empty
    return missing


def _report(
    rule: Rule, failing: pd.DataFrame, context: AuditContext, required: Mapping[str, Sequence[str]]
) -> list[Finding]:
    missing = _missing(failing, required)
    names = record_names(failing)
    objects = failing["object"].to_numpy(dtype=object)
    findings = []
    for index, ref in enumerate(context.refs(failing.index)):
        fields = [field for field, empty in missing.items() if empty[index]]
        # One template per object (the record model's people objects: lead, contact, account ...),
        # so that each language words "Lead Anna Nowak has no ..." its own way.
        object_name = objects[index]
        findings.append(
            rule.finding(
                says=object_name,
                values={"name": names[index], "fields": Several([field_words(field) for field in fields])},
                records=[ref],
                evidence=FieldEvidence(
                    fields,
                    [""] * len(fields),
                    {
                        "check": rule.says(
                            f"check.{object_name}", {"fields": Several(list(required[object_name]))}
                        )
                    },
                    listed=True,
                ),
            )
        )
    return findings


def _reach(context: AuditContext, required: Mapping[str, Sequence[str]]) -> Reach:
    """Records of the objects the rule set requires fields of."""
    return checked_all(context.records["object"].isin(list(required)).to_numpy())


@row_rule(
    code="DQ005",
    name="missing-required",
    kind="missing_required",
    severity="warning",
    summary="A field the rule set requires for this kind of record is empty",
    bad={"object": "lead", "LastName": "", "Email": "anna.nowak@acme.pl"},
    good={"object": "lead", "LastName": "Nowak", "Email": "anna.nowak@acme.pl"},
    parameters={"required": DEFAULT_REQUIRED},
    report=_report,
    reach=_reach,
)
def missing_required(records: pd.DataFrame, required: Mapping[str, Sequence[str]]) -> pd.Series:
    """
    ## What it does
    Checks that the fields a rule set requires are filled, per object (lead, contact, person,
    account, mixed). The default asks for a last name on every person and a name on every account;
    `pre-migration` and `strict` ask for more (a lead's company, a contact's email ...). A whole
    name is split into first and last name before this check, so "Anna Nowak" in a Name column
    fills both.

    A rule set says which fields (`rules/rulesets/<name>.toml`):

        [parameters.DQ005]
        required = { lead = ["last_name", "company"], contact = ["last_name", "email"] }

    ## Why it matters
    A lead without a last name or a company cannot be matched against existing contacts, routed to
    an owner or converted (Salesforce refuses to convert a lead without a company); most target
    systems reject such records on import, so a migration fails on them one by one.

    ## Example
    A Salesforce lead with only an email address (no last name).

    ## Use instead
    Fill the field from the source (a form, an enrichment), or drop the record.
    """
    missing = _missing(records, required)
    failing = np.logical_or.reduce(list(missing.values())) if missing else np.zeros(len(records), dtype=bool)
    return pd.Series(~failing, index=records.index)
