"""crm-audit: audit CRM exports (leads, contacts, accounts) before you trust, clean or migrate them.

>>> import auditor
>>> result = auditor.audit(["Lead.csv", "Contact.csv"], auditor.Config(internal_domains=("example.com",)))
>>> result.summary()["findings"]
"""

__version__ = "0.1.0"

from auditor.api import AuditResult, InputReport, audit
from auditor.config import Config, load_config
from auditor.errors import AuditorError, ConfigError, InputError
from auditor.findings import Finding, RecordRef

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
