"""crm-audit: audit CRM exports (leads, contacts, accounts) before you trust, clean or migrate them.

>>> import auditor
>>> result = auditor.audit(["Lead.csv", "Contact.csv"], auditor.Config(internal_domains=("example.com",)))
>>> result.summary()["findings"]
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from auditor.config import Config, load_config
from auditor.errors import AuditorError, ConfigError, InputError
from auditor.findings import Finding, RecordRef

# The name the reports carry (the JSON's tool, the XLSX author): how crm-audit knows its own files.
TOOL = "crm-audit"

if TYPE_CHECKING:
    from auditor.api import AuditResult, InputReport, audit

# The pipeline (pandas, pandera, pyarrow) loads on first use, so that `crm-audit --help` and
# `--version` answer at once and a caller importing only Config pays nothing more.
_LAZY = {"audit", "AuditResult", "InputReport"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from auditor import api

        return getattr(api, name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


__all__ = [
    "AuditResult",
    "AuditorError",
    "Config",
    "ConfigError",
    "Finding",
    "InputError",
    "InputReport",
    "RecordRef",
    "__version__",
    "audit",
    "load_config",
]
