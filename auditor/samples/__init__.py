"""Sample exports (fictional people) that `crm-audit demo` audits."""
