"""`crm-audit demo`: the sample exports shipped in the package and the settings they are audited with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.resources import as_file
from pathlib import Path

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
