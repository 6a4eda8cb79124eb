"""Data files are reached the same way from a wheel, an editable install and a bare checkout."""

from __future__ import annotations

import importlib.resources

import pytest

from auditor import resources


def test_a_checkout_imported_as_it_is_reads_the_repository_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.resources.files

    def files(package: str) -> object:
        if package in ("auditor.rules", "auditor.reports"):  # what a bare checkout lacks
            raise ModuleNotFoundError(package)
        return real(package)

    monkeypatch.setattr(resources, "files", files)
    installed = {entry.name for entry in real("auditor.rules").joinpath("rulesets").iterdir()}
    assert {entry.name for entry in resources.rules_dir("rulesets").iterdir()} == installed
    assert resources.reports_dir().joinpath("templates").is_dir()
