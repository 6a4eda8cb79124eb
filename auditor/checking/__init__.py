"""Step 5: checking rules. The registry, rule sets and the engine that runs them."""

from auditor.checking.context import AuditContext
from auditor.checking.coverage import Coverage
from auditor.checking.engine import measure_coverage, row_rule_masks, run_rules
from auditor.checking.registry import REGISTRY, Rule, all_rules
from auditor.checking.rulesets import RuleSet, available_rulesets, load_ruleset

__all__ = [
    "REGISTRY",
    "AuditContext",
    "Coverage",
    "Rule",
    "RuleSet",
    "all_rules",
    "available_rulesets",
    "load_ruleset",
    "measure_coverage",
    "row_rule_masks",
    "run_rules",
]
