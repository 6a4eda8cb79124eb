"""The demo's reports in French, Spanish, Polish, Indonesian and Arabic, rendered in a real headless
Chromium, hold no English sentence outside data values (issue 15).

Every text node the page shows is read (script and style left out, and everything inside an element
marked `translate="no"`: record values, file and sheet names, rule codes, platform names). A text
node of a translated report that is also a text node of the English report and reads as a sentence
(two words or more of three Latin letters or more) was not translated. An element still marked
`lang="en"` in a translated report is a text the view knows has no translation yet. The failure
lists both, grouped by where they are in the page, so that what is left to translate shows.

The demo's inputs carry no note; the notes and reasons of the inputs section are checked apart, on
files made to have each of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.api import inspect
from auditor.config import Config
from auditor.demo import audit_samples, demo_config
from auditor.reporting.html_report import render_html
from auditor.reporting.view import _input_view
from tests.conftest import AS_OF, csv_bytes

LANGUAGES = ("fr", "es", "pl", "id", "ar")

# Every text node shown, with where it is: the innermost section with an id, and the nearest element
# with a class (or the parent element). Also every element inside the body marked lang="en".
_COLLECT = """
() => {
  const skipped = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const where = (element) => {
    const section = element.closest("section[id]");
    let described = element;
    while (described !== document.body && !described.className && described.parentElement) {
      described = described.parentElement;
    }
    const name = described.tagName.toLowerCase()
      + (typeof described.className === "string" && described.className
        ? "." + described.className.trim().split(/\\s+/).join(".") : "");
    const tag = element === described ? "" : " " + element.tagName.toLowerCase();
    return (section ? "#" + section.id : "(page)") + " " + name + tag;
  };
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || skipped.has(parent.tagName) || parent.closest('[translate="no"]')) {
        return NodeFilter.FILTER_REJECT;
      }
      return node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
    },
  });
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    texts.push([node.data.replace(/\\s+/g, " ").trim(), where(node.parentElement)]);
  }
  const english = [...document.body.querySelectorAll("[lang]")]
    .filter((element) => element.getAttribute("lang").toLowerCase().split("-")[0] === "en")
    .map((element) => [element.textContent.replace(/\\s+/g, " ").trim(), where(element)]);
  return {lang: document.documentElement.lang, texts, english};
}
"""

_WORD = re.compile(r"[^\W\d_]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def reads_as_english(text: str) -> bool:
    """Two words or more of three Latin letters or more: a sentence, not a code or a number."""
    return sum(1 for word in _WORD.findall(text) if _LATIN_WORD.fullmatch(word)) >= 2


@pytest.fixture(scope="module")
def pages(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """What each language's demo report shows, read in one browser context."""
    result = audit_samples(demo_config())
    folder = tmp_path_factory.mktemp("no-english")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        read = {}
        for lang in ("en", *LANGUAGES):
            path = Path(folder, f"demo-{lang}.html")
            path.write_text(render_html(result, lang=lang), encoding="utf-8", newline="\n")
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            read[lang] = page.evaluate(_COLLECT)
        yield read
    finally:
        context.close()


def _grouped(found: list[tuple[str, str]]) -> str:
    """Texts grouped by where they are, each once with how often it shows."""
    by_place: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for text, place in found:
        by_place[place][text] += 1
    lines = []
    for place in sorted(by_place, key=lambda key: (-sum(by_place[key].values()), key)):
        texts = by_place[place]
        lines.append(f"  {place} ({sum(texts.values())}):")
        for text, count in sorted(texts.items(), key=lambda item: (-item[1], item[0]))[:8]:
            shown = text if len(text) <= 160 else text[:159] + "…"
            lines.append(f"      {count:>3} × {shown}")
        if len(texts) > 8:
            lines.append(f"      … and {len(texts) - 8} more texts")
    return "\n".join(lines)


@pytest.mark.browser
def test_the_english_report_is_read(pages: dict[str, dict[str, Any]]) -> None:
    english = pages["en"]
    assert english["lang"] == "en"
    # The comparison below means something only if the English report has sentences to compare.
    assert sum(1 for text, _ in english["texts"] if reads_as_english(text)) > 50


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_sentence_outside_data_values(pages: dict[str, dict[str, Any]], lang: str) -> None:
    shown = pages[lang]
    assert shown["lang"] == lang
    english_texts = {text for text, _ in pages["en"]["texts"]}
    untranslated = [
        (text, place) for text, place in shown["texts"] if text in english_texts and reads_as_english(text)
    ]
    marked_english = shown["english"]
    problems = []
    if untranslated:
        problems.append(
            f"{len(untranslated)} text node(s) of the {lang} report are the English report's own:\n"
            + _grouped(untranslated)
        )
    if marked_english:
        problems.append(
            f'{len(marked_english)} element(s) of the {lang} report are marked lang="en":\n'
            + _grouped(marked_english)
        )
    assert not problems, "\n\n".join(problems)


_LEADS = [
    ["Leads by owner"],
    ["Filtered By: Lead Status equals Open"],
    [],
    ["Lead ID", "First Name", "Last Name", "Email", "Phone", "Lead Status"],
    ["00Q5g0000Lead01AAA", "Anna", "Nowak", "anna@acme.pl", "601 234 567", "Open"],
    ["00Q5g0000Lead02AAA", "Jan", "Lis", "jan@ourcompany.pl", "602 345 678", "Working"],
    [],
    ["Grand Totals (2 records)"],
    ["Confidential Information - Do Not Distribute"],
]
_FILES = {
    # A report with a title block and a footer, national phones, and the same file again.
    "Lead report.csv": _LEADS,
    "Lead report (1).csv": _LEADS,
    # Users teach the staff's domains; tasks hold no people.
    "User.csv": [
        ["Id", "Username", "FirstName", "LastName", "Email", "IsActive", "UserType"],
        ["0055g00000User0AAA", "marta@ourcompany.pl", "Marta", "Kaczmarek", "marta@ourcompany.pl", "true", "Standard"],
        ["0055g00000User1AAA", "piotr@ourcompany.pl", "Piotr", "Zięba", "piotr@ourcompany.pl", "true", "Standard"],
    ],
    "Task.csv": [
        ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "Priority", "OwnerId"],
        ["00T5g00000Task0AAA", "0035g00000Cont0AAA", "", "Call", "2026-01-01", "Completed", "Normal", "0055g00000User0AAA"],
    ],
    # Leads or contacts, detection cannot tell.
    "export.csv": [
        ["(Do Not Modify) Row Checksum", "Full Name", "Topic", "Email"],
        ["aGVsbG8=", "Hana Khalil", "Solar panels", "hana@niletrading.eg"],
    ],
}  # fmt: skip


def test_the_inputs_notes_and_reasons_are_said_in_each_language(tmp_path: Path) -> None:
    paths = []
    for name, rows in _FILES.items():
        paths.append(Path(tmp_path, name))
        paths[-1].write_bytes(csv_bytes(rows))
    reports = inspect(paths, Config(as_of=AS_OF, default_country="PL"))
    said = [text for report in reports for text in (*report.notes, report.reason) if text]
    for expected in (
        "title row(s) above the header",
        "blank or report-footer row(s)",
        "phones without a country read as PL: the default country",
        "internal domain(s) taken from the CRM's users: ourcompany.pl (2 users)",
        "read once",
        "the CRM's own users are staff",
        "activities (tasks, calls, events, meetings, notes, emails) hold no people",
        "could not tell whether the table holds leads or contacts",
    ):
        assert any(expected in text for text in said), (expected, said)
    for lang in LANGUAGES:
        for report in reports:
            shown = _input_view(report, 1, lang)
            pairs = [*zip(report.notes, shown.notes, strict=True), (report.reason, shown.reason)]
            for english, phrase in pairs:
                if not english:
                    assert phrase is None
                    continue
                assert phrase is not None
                assert (phrase.lang, phrase.text == english) == ("", False), (lang, english, phrase)
    # In English the view shows the texts of the JSON.
    for report in reports:
        shown = _input_view(report, 1, "en")
        assert [phrase.text for phrase in shown.notes] == report.notes
        assert (shown.reason.text if shown.reason else "") == report.reason
