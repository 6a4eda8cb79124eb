"""Platforms and report languages are files: adding one is adding its file (issue 15). The CLI's
choices, the settings, detection and the record model all read auditor.catalogue."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import auditor
from auditor import catalogue, detecting, resources
from auditor.config import Config
from tests.conftest import AS_OF

# A CRM the tool has never heard of: Capsule, whose person export says "Organisation" and "Tags".
CAPSULE = """
name = "capsule"
label = "Capsule CRM"

[signature]
"Organisation" = 2
"Tags" = 1
"Email Address" = 2
"Phone Number" = 2
"Capsule ID" = 3

[objects.contact]
headers = ["Capsule ID", "Organisation", "Email Address"]

[columns.en]
"Capsule ID" = "source_id"
"First Name" = "first_name"
"Last Name" = "last_name"
"Email Address" = "email"
"Phone Number" = "phone"
"Organisation" = "company"
"Tags" = "person_label"
"""


@pytest.fixture
def own_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of rules/ that the test may add to, read instead of the shipped one."""
    copy = tmp_path / "rules"
    shutil.copytree(Path(str(resources.rules_dir())), copy)
    shipped = resources._shipped
    monkeypatch.setattr(
        resources,
        "_shipped",
        lambda package, folder: copy if package == "auditor.rules" else shipped(package, folder),
    )
    catalogue.forget()
    detecting.platform_profiles.cache_clear()
    yield copy
    monkeypatch.undo()
    catalogue.forget()
    detecting.platform_profiles.cache_clear()


def test_the_platforms_are_the_profiles_and_generic() -> None:
    profiles = sorted(path.stem for path in Path(str(resources.rules_dir("platforms"))).glob("*.toml"))
    assert sorted(catalogue.platforms()) == sorted([*profiles, "generic"])


def test_a_platform_added_as_one_toml_file_is_detected_and_audited(own_rules: Path, tmp_path: Path) -> None:
    (own_rules / "platforms" / "capsule.toml").write_text(CAPSULE, encoding="utf-8")
    export = tmp_path / "capsule-people.csv"
    export.write_text(
        "Capsule ID,First Name,Last Name,Email Address,Phone Number,Organisation,Tags\n"
        "101,Anna,Nowak,anna.nowak@acme.pl,+48 22 123 45 67,ACME,\n"
        "102,Anna,Nowak,ANNA.NOWAK@ACME.PL,+48 22 123 45 67,ACME,\n"
        "103,Jan,Kowalski,jan@acme,,Initech,\n",
        encoding="utf-8",
    )
    assert "capsule" in catalogue.platforms()
    result = auditor.audit([export], Config(as_of=AS_OF))
    (table,) = result.inputs
    assert (table.platform, table.error) == ("capsule", None)
    assert {finding.kind for finding in result.findings} >= {"duplicate", "invalid_email"}
    given = auditor.audit([export], Config(as_of=AS_OF, platform="capsule"))
    assert given.inputs[0].platform == "capsule"


def test_an_unknown_platform_is_still_refused(own_rules: Path) -> None:
    with pytest.raises(auditor.ConfigError, match="unknown platform 'capsule'"):
        Config(platform="capsule")


def test_the_report_languages_are_the_translation_files() -> None:
    languages = catalogue.report_languages()
    files = sorted(path.stem for path in Path(str(resources.reports_dir("i18n"))).glob("*.toml"))
    assert sorted(languages) == files and next(iter(languages)) == "en"
    assert languages["fr"] == "Français" and languages["ar"] == "العربية"
