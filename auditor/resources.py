"""Access to the data that ships with the package (rules/ and reports/ in the repository).

Knowledge lives in readable files, not in code; this module is the one way code reaches them, so
that an installed wheel and a source checkout behave the same.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


def rules_dir(*parts: str) -> Traversable:
    """A file or folder under rules/ (vocabularies, platform profiles, rule sets, word lists)."""
    return _join(_shipped("auditor.rules", "rules"), parts)


def reports_dir(*parts: str) -> Traversable:
    """A file or folder under reports/ (templates, translations, assets)."""
    return _join(_shipped("auditor.reports", "reports"), parts)


def _shipped(package: str, folder: str) -> Traversable:
    """The data package, as installed (or installed editable); in a checkout imported as it is
    (Python started at the repository's root), the repository's folder next to `auditor/`."""
    try:
        return files(package)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / folder


def samples_dir(*parts: str) -> Traversable:
    """The sample exports that `crm-audit demo` audits."""
    return _join(files("auditor.samples"), parts)


@cache
def load_rules_toml(*parts: str) -> dict[str, Any]:
    """Parse a TOML file under rules/; cached because every audit reads the same vocabularies."""
    return tomllib.loads(rules_dir(*parts).read_text(encoding="utf-8"))


def iter_rules_files(folder: str, suffix: str) -> Iterator[Traversable]:
    """Files under rules/<folder> with the suffix, in name order so that results are deterministic."""
    entries = [entry for entry in rules_dir(folder).iterdir() if entry.name.endswith(suffix)]
    yield from sorted(entries, key=lambda entry: entry.name)


@cache
def load_word_list(*parts: str) -> frozenset[str]:
    """A text file with one entry a line; blank lines and lines starting with # are ignored."""
    text = rules_dir(*parts).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


def _join(root: Traversable, parts: tuple[str, ...]) -> Traversable:
    for part in parts:
        root = root / part
    return root
