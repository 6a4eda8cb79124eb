"""Translations: every language has every English key with the same placeholders, the fallback to
English works, and each language renders a complete report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from auditor.catalogue import report_languages
from auditor.findings import KINDS, Keep
from auditor.reporting import i18n
from auditor.reporting.html_report import render_html
from auditor.reporting.i18n import Translator
from auditor.wording import Several, Words, catalogue, said
from tests.reports.sample_result import sample_result

LANGUAGES = list(report_languages())
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)(?::[^{}]*)?}", text))


@pytest.mark.parametrize("lang", OTHERS)
def test_language_has_every_english_key(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"{lang}.toml lacks these keys"
    assert sorted(set(other) - set(english)) == [], f"{lang}.toml has keys English does not"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_match_english(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    wrong = {key: other[key] for key in english if _placeholders(english[key]) != _placeholders(other[key])}
    assert wrong == {}


@pytest.mark.parametrize("lang", OTHERS)
def test_language_is_translated_not_copied(lang: str) -> None:
    """A catalogue that is mostly English was copied, not translated (short codes may coincide)."""
    english, other = catalogue("en"), catalogue(lang)
    same = [key for key in english if len(english[key]) > 12 and other[key] == english[key]]
    assert same == []


def test_every_kind_has_a_title_a_reason_and_an_action() -> None:
    english = catalogue("en")
    for kind in KINDS:
        assert f"kind.{kind}.title" in english
        assert f"action.{kind}" in english
        # Two sentences: what is wrong, and what to do or why it costs.
        assert english[f"kind.{kind}.why"].count(". ") >= 1, kind


def test_missing_key_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    partial = {key: value for key, value in catalogue("fr").items() if key != "summary.records"}
    original = i18n.catalogue
    monkeypatch.setattr(i18n, "catalogue", lambda lang: partial if lang == "fr" else original(lang))
    t = Translator("fr")
    assert t("summary.records") == "Records"
    assert t("summary.findings") == "Constats"


def test_key_missing_everywhere_is_an_error() -> None:
    with pytest.raises(KeyError):
        Translator("fr")("no.such.key")


def test_unknown_codes_fall_back_to_the_code() -> None:
    t = Translator("pl")
    assert t.kind_title("brand_new_kind") == "Brand new kind"
    assert t.kind_why("brand_new_kind") == t("kind.other.why")
    assert t.action("brand_new_kind") == "Do przejrzenia: Brand new kind"
    assert t.field("no_such_field") == "no_such_field"


def test_numbers_follow_the_language() -> None:
    assert Translator("en").number(1234567.5, 1) == "1,234,567.5"
    assert Translator("fr").number(1234567.5, 1) == "1 234 567,5"
    assert Translator("es").number(1234567) == "1.234.567"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_renders_its_own_text(lang: str) -> None:
    html = render_html(sample_result(lang=lang))
    t = Translator(lang)
    assert f'<html lang="{lang}" dir="{t.direction}">' in html
    assert str(escape(t("report.title"))) in html
    assert str(escape(t.kind_title("duplicate"))) in html
    assert ("rtl" if lang == "ar" else "ltr") == t.direction


def test_text_a_language_lacks_is_shown_in_english_and_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding text whose template a language lacks falls back to English, marked lang="en" so
    that a screen reader says it as English; the rest of the card stays translated (issue 15)."""
    from auditor import wording

    original = wording.catalogue
    lacking = {key: text for key, text in original("fr").items() if key != "keep.most_complete"}
    monkeypatch.setattr(wording, "catalogue", lambda lang: lacking if lang == "fr" else original(lang))
    keep = Words(
        "keep.reasons", {"reasons": Several([Words("keep.most_complete", {"filled": 9, "fields": 13})])}
    )
    assert keep.in_language("fr") is None and said(keep, "fr") == (str(keep), False)
    risk = Words("risk.open_deals", {"count": 2})
    assert said(risk, "fr")[1] and said(risk, "fr")[0] != str(risk)
    result = sample_result(lang="fr")
    cluster = result.findings[0].evidence
    cluster.keep = Keep(cluster.keep.record, keep)
    cluster.risks = [risk]
    html = render_html(result)
    assert f'<bdi lang="en">{escape(str(keep))}</bdi>' in html
    assert f"<bdi>{escape(said(risk, 'fr')[0])}</bdi>" in html


@pytest.fixture(scope="module")
def demo_result():
    from auditor.demo import audit_samples, demo_config

    return audit_samples(demo_config())


@pytest.mark.parametrize("lang", OTHERS)
def test_every_finding_reads_in_the_report_language(lang: str, demo_result) -> None:
    """Every rule words its findings from templates (reports/i18n, [finding.<code>]): the report
    shows them in its language, unmarked; the JSON keeps the English."""
    html = render_html(demo_result, lang=lang)
    assert all(isinstance(finding.message, Words) for finding in demo_result.findings)
    expected = set()
    for finding in demo_result.findings:
        text = finding.message.in_language(lang)
        assert text is not None and text != str(finding.message), finding.message.key
        expected.add(str(escape(text)))
    shown = re.findall(r'<p class="message"( lang="en")?><bdi>(.*?)</bdi>', html)
    assert shown and not [text for marked, text in shown if marked]
    assert {text for _, text in shown} <= expected


def test_the_xlsx_words_findings_in_its_language_too(demo_result, tmp_path) -> None:
    import openpyxl

    from auditor.reporting.xlsx_report import write_xlsx

    path = tmp_path / "fr.xlsx"
    write_xlsx(demo_result, path, lang="fr")
    cells = {
        str(cell.value)
        for sheet in openpyxl.load_workbook(path, read_only=True).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    }
    assert {finding.message.in_language("fr") for finding in demo_result.findings} <= cells
    assert not {str(finding.message) for finding in demo_result.findings} & cells


class _TextNodes(HTMLParser):
    """Each text node of a page, and whether it sits inside an element marked lang="en"."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "wbr", "col", "hr", "area", "source"})

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[tuple[str, bool]] = []
        self._open: list[str | None] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if tag not in self.VOID:
            self._open.append(dict(attrs).get("lang"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.nodes.append((data.strip(), "en" in self._open))


def _text_nodes(html: str) -> list[tuple[str, bool]]:
    parser = _TextNodes()
    parser.feed(html)
    return parser.nodes


@pytest.mark.parametrize("lang", OTHERS)
def test_no_unmarked_english_outside_data_in_a_translated_report(lang: str, demo_result) -> None:
    """Every English sentence of the demo report in another language is translated, or a data value
    from the exports (names, companies, headers, sheet names); nothing is left marked lang="en".
    (tests/reports/test_no_english.py checks the same in a real browser.)"""
    english = {text for text, _ in _text_nodes(render_html(demo_result, lang="en"))}
    data = {
        str(value).strip()
        for column in demo_result.records.columns
        for value in demo_result.records[column].unique()
    }
    for report in demo_result.inputs:
        data |= {report.file, report.sheet or "", *report.columns, *report.unmapped_columns}
    unmarked = [
        text
        for text, _marked in _text_nodes(render_html(demo_result, lang=lang))
        if text in english
        and re.search(r"[A-Za-z]{3,} [a-z]{3,}", text)
        and not any(text in value or value in text for value in data if len(value) > 3)
    ]
    assert unmarked == []


def test_the_matcher_words_every_comparison_level_and_veto() -> None:
    """How two values were compared, each level's label and each veto's name read in every report
    language: a level test or a default setting without words would show English (or fail)."""
    from auditor.matching.comparisons import LEVEL_TESTS
    from auditor.matching.settings import default_settings

    english = catalogue("en")
    assert sorted(name for name in LEVEL_TESTS if f"comparison.{name}" not in english) == []
    settings = default_settings()
    labels = {level.label for comparison in settings.comparisons for level in comparison.levels}
    assert sorted(label for label in labels if f"level.{label}" not in english) == []
    assert sorted(veto.name for veto in settings.vetoes if f"veto.{veto.name}" not in english) == []


def test_every_compared_field_and_evidence_label_has_a_name(demo_result) -> None:
    """The field a match compares and the label of every piece of evidence the demo shows have a
    name in the reports (else the raw code shows, in every language)."""
    from auditor.findings import ClusterEvidence, FieldEvidence
    from auditor.matching.settings import default_settings

    english = catalogue("en")
    compared = {comparison.name for comparison in default_settings().comparisons}
    assert sorted(name for name in compared if f"field.{name}" not in english) == []
    labels = {"confidence", "pairs_note"}
    for finding in demo_result.findings:
        if isinstance(finding.evidence, FieldEvidence | ClusterEvidence):
            labels |= set(finding.evidence.details)
    assert sorted(label for label in labels if f"evidence.{label}" not in english) == []
