"""A rule of a kind nobody listed is added with its module, its cases and its report texts alone
(issue 15): no list of kinds to edit. The module is written here as a user would write it."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import auditor
from auditor import resources
from auditor.checking.registry import REGISTRY
from auditor.config import Config
from auditor.reporting import i18n
from auditor.reporting.html_report import render_html
from tests.conftest import AS_OF
from tests.rules import conftest as rules_conftest
from tests.rules.conftest import RuleCase, load_cases
from tests.rules.test_catalogue import test_the_documented_example_is_a_case

RULE_MODULE = '''
"""XX901 shouting-name: a family name written in capitals."""

import pandas as pd

from auditor.checking.registry import row_rule
from auditor.findings import FieldEvidence


def _report(rule, failing, context):
    return [
        rule.finding(
            says="capitals",
            values={"name": name},
            records=[ref],
            evidence=FieldEvidence.of("last_name", name),
        )
        for ref, name in zip(context.refs(failing.index), failing["last_name"], strict=True)
    ]


@row_rule(
    code="XX901",
    name="shouting-name",
    kind="shouting_name",
    severity="info",
    summary="A family name written in capitals",
    bad={"LastName": "NOWAK"},
    good={"LastName": "Nowak"},
    report=_report,
)
def shouting_name(records: pd.DataFrame) -> pd.Series:
    """
    ## What it does
    Flags family names of three letters or more written in capitals.
    """
    name = records["last_name"]
    return ~((name.str.len() >= 3) & (name == name.str.upper()) & (name != name.str.lower()))
'''

CASES = """
rule = "XX901"

[[cases]]
name = "capitals"
example = true
file = "Lead.csv"
header = ["Id", "FirstName", "LastName", "Email", "Status"]
must_flag = [["00Q5g00000Lead01AAA", "Anna", "NOWAK", "anna@acme.pl", "Open - Not Contacted"]]
must_pass = [
  ["00Q5g00000Lead02AAA", "Jan", "Nowak", "jan@acme.pl", "Open - Not Contacted"],
  # two letters are an initialism as often as a name
  ["00Q5g00000Lead03AAA", "Li", "WU", "li@acme.pl", "Open - Not Contacted"],
]
"""

TEXTS = {
    "en": ("Names in capitals", "{name} is written in capitals."),
    "fr": ("Noms en capitales", "{name} est écrit en capitales."),
}
_REGISTERED: dict[str, object] = {}


@pytest.fixture
def new_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The rule module importable, the report texts in a copy of reports/; both gone afterwards."""
    (tmp_path / "xx901_shouting_name.py").write_text(RULE_MODULE, encoding="utf-8")
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "xx901.toml").write_text(CASES, encoding="utf-8")
    monkeypatch.setattr(rules_conftest, "CASES", cases)
    monkeypatch.syspath_prepend(str(tmp_path))
    reports = tmp_path / "reports"
    shutil.copytree(Path(str(resources.reports_dir())), reports)
    for lang, (title, message) in TEXTS.items():
        with (reports / "i18n" / f"{lang}.toml").open("a", encoding="utf-8") as texts:
            texts.write(
                f'\n[kind.shouting_name]\ntitle = "{title}"\n[finding.XX901]\ncapitals = "{message}"\n'
            )
    shipped = resources._shipped
    monkeypatch.setattr(
        resources,
        "_shipped",
        lambda package, folder: reports if package == "auditor.reports" else shipped(package, folder),
    )
    i18n.catalogue.cache_clear()
    if "xx901_shouting_name" in sys.modules:
        # pandera keeps a registered check for the process: the module registers once, the rule is
        # put back in the registry for each test and taken out after.
        REGISTRY["XX901"] = _REGISTERED["XX901"]
    else:
        importlib.import_module("xx901_shouting_name")
        _REGISTERED["XX901"] = REGISTRY["XX901"]
    yield tmp_path
    REGISTRY.pop("XX901", None)
    monkeypatch.undo()
    i18n.catalogue.cache_clear()


def test_the_new_rule_passes_its_cases_and_its_example_is_one(
    new_kind: Path, check_rule_case: Callable[[RuleCase], auditor.AuditResult]
) -> None:
    (case,) = load_cases("XX901")
    check_rule_case(case)
    test_the_documented_example_is_a_case(REGISTRY["XX901"])


def test_a_rule_of_a_new_kind_is_audited_and_reported(new_kind: Path, tmp_path: Path) -> None:
    export = tmp_path / "Lead.csv"
    export.write_text(
        "Id,FirstName,LastName,Email,Status\n"
        "00Q5g00000Lead01AAA,Anna,NOWAK,anna@acme.pl,Open - Not Contacted\n"
        "00Q5g00000Lead02AAA,Jan,Kowalski,jan@acme.pl,Open - Not Contacted\n"
        "00Q5g00000Lead03AAA,Li,WU,li@acme.pl,Open - Not Contacted\n",
        encoding="utf-8",
    )
    result = auditor.audit([export], Config(as_of=AS_OF))
    found = [finding for finding in result.findings if finding.rule == "XX901"]
    assert [(finding.kind, finding.records[0].row) for finding in found] == [("shouting_name", 2)]
    assert result.summary()["by_kind"]["shouting_name"] == 1
    for lang, (title, message) in TEXTS.items():
        html = render_html(result, lang=lang)
        assert title in html
        assert f'<p class="message"><bdi>{message.format(name="NOWAK")}</bdi></p>' in html
    assert str(found[0].message) == "NOWAK is written in capitals."
    json_path = tmp_path / "findings.json"
    from auditor.reporting.json_report import write_json

    write_json(result, json_path)  # valid against the schema: kinds are open (tests/conftest.py)


def test_a_kind_that_is_no_name_is_refused() -> None:
    from auditor.checking.registry import row_rule

    with pytest.raises(ValueError, match="not a name"):
        row_rule(
            code="XX902",
            name="bad",
            kind="Bad Kind",
            severity="info",
            summary="",
            bad={},
            good={},
            report=list,
        )(lambda records: records)
    assert "XX902" not in REGISTRY
