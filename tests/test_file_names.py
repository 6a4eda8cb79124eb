"""Sentences name input files by their name, not their folders (issue 16): the folders repeated in
every message were noise, and told whoever a report was shared with where the exports were kept.
The record references keep each file as given, and the report's inputs section says where each
file was read from, once."""

from __future__ import annotations

import json
import shutil
from importlib.resources import as_file
from pathlib import Path

import numpy as np
import pytest

import auditor
from auditor.config import Config
from auditor.reporting.html_report import render_html
from auditor.reporting.json_report import write_json
from auditor.resources import samples_dir
from auditor.wording import file_name, file_names
from tests.conftest import AS_OF

FOLDER = "Clients-AcmeConfidential"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> auditor.AuditResult:
    folder = tmp_path_factory.mktemp("exports") / FOLDER
    with as_file(samples_dir()) as samples:
        shutil.copytree(samples, folder)
    files = sorted(path for path in folder.iterdir() if path.suffix in (".csv", ".xlsx"))
    return auditor.audit(files, Config(as_of=AS_OF))


def test_messages_name_files_without_their_folders(result: auditor.AuditResult, tmp_path: Path) -> None:
    write_json(result, tmp_path / "findings.json")
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert any(".csv row " in finding["message"] for finding in findings)  # places are still said
    assert [f["message"] for f in findings if FOLDER in f["message"]] == []
    # The references keep the path as given: programs still know which file.
    assert all(FOLDER in ref["file"] for finding in findings for ref in finding["records"])


def test_the_page_says_where_files_were_read_only_in_its_inputs(result: auditor.AuditResult) -> None:
    html = render_html(result)
    inputs = html.index('<section id="inputs"')
    assert FOLDER not in html[:inputs]
    assert FOLDER in html[inputs:]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("Lead.csv", "Lead.csv"),
        ("/home/ana/Clients/Lead.csv", "Lead.csv"),
        ("C:\\Users\\ana\\Lead.csv", "Lead.csv"),
        ("exports/2026/Lead export.xlsx", "Lead export.xlsx"),
    ],
)
def test_file_name(path: str, name: str) -> None:
    assert file_name(path) == name
    assert file_names(np.array([path], dtype=object)).tolist() == [name]
