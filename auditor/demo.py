"""`crm-audit demo`: the sample exports shipped in the package and the settings they are audited with.

The samples imitate a fictional organisation's real exports (Salesforce Data Loader CSVs, a French
HubSpot export, a Spanish Dynamics 365 Excel export, Pipedrive persons, a multilingual hand-kept
sheet) with the usual mess planted in them; tests/fixtures/make_samples.py regenerates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.resources import as_file
from pathlib import Path

from auditor.api import AuditResult, Progress, audit
from auditor.config import Config, load_config
from auditor.resources import samples_dir

_SAMPLE_SUFFIXES = (".csv", ".xlsx")


@contextmanager
def sample_paths() -> Iterator[list[Path]]:
    """Real file paths of the samples, also when the package is installed as a zip."""
    entries = sorted(
        (entry for entry in samples_dir().iterdir() if entry.name.endswith(_SAMPLE_SUFFIXES)),
        key=lambda entry: entry.name,
    )
    with ExitStack() as stack:
        yield [stack.enter_context(as_file(entry)) for entry in entries]


def demo_config() -> Config:
    """The samples' organisation: its own domain, its partners, and a fixed audit date so the
    report is the same on every machine."""
    with as_file(samples_dir("demo.toml")) as path:
        return load_config(path)


def audit_samples(config: Config | None = None, *, progress: Progress | None = None) -> AuditResult:
    """Audit the samples with the demo's settings (or `config`). Records are named by the samples'
    file names, not by where the package happens to be installed, so reports read the same
    everywhere."""
    with sample_paths() as paths:
        return audit(
            paths, config or demo_config(), progress=progress, display_names=[path.name for path in paths]
        )
