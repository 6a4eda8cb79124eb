"""From findings to fixes: a platform-neutral plan of merges, conversions and closes, with the
survivorship rules of rules/survivorship.toml, the restore file of every record it touches, and the
migration-ready set of one row per person after it.

    from auditor import audit
    from auditor.fixes import plan, write_fixes

    result = audit(["Lead.csv", "Contact.csv"])
    fixes = plan(result)                  # Plan: .actions, .without_fix, .to_dict()
    write_fixes(result, "fixes/")         # fixes/plan.json, fixes/before/*.csv, fixes/clean/records.csv
"""

from auditor.fixes.planning import ACTION_OF_KIND, RECORD_ACTIONS, Plan, plan
from auditor.fixes.writing import before_name, check_fixes_dir, fixes_schema, write_fixes

__all__ = [
    "ACTION_OF_KIND",
    "RECORD_ACTIONS",
    "Plan",
    "before_name",
    "check_fixes_dir",
    "fixes_schema",
    "plan",
    "write_fixes",
]
