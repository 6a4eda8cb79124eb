"""Hostile values from the data never become markup, a link or a script in the HTML report."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from auditor.reporting.html_report import render_html
from auditor.resources import reports_dir
from tests.reports.sample_result import HOSTILE, sample_result


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module", params=["en", "ar"])
def parsed(request: pytest.FixtureRequest) -> tuple[str, _Collector]:
    html = render_html(sample_result(hostile=True, lang=request.param))
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return html, collector


def test_the_only_script_is_the_reports_own(parsed: tuple[str, _Collector]) -> None:
    _, collector = parsed
    assert collector.scripts == [reports_dir("assets", "report.js").read_text(encoding="utf-8")]


def test_no_element_the_data_could_have_injected(parsed: tuple[str, _Collector]) -> None:
    _, collector = parsed
    tags = {tag for tag, _ in collector.tags}
    assert tags.isdisjoint({"img", "iframe", "object", "embed", "link", "form", "base", "frame"})
    # Our own SVGs are charts: none carries an event handler (checked below) or a link.
    for tag, attrs in collector.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert "xlink:href" not in attrs and (tag != "a" or (attrs.get("href") or "").startswith("#")), attrs
        assert not any("javascript:" in (value or "").lower() for value in attrs.values()), attrs


def test_hostile_values_are_shown_as_text(parsed: tuple[str, _Collector]) -> None:
    html, _ = parsed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;svg onload=alert(1)&gt;" in html
    # Already-escaped text is escaped again, so it shows as written rather than as markup.
    assert "&amp;lt;b&amp;gt;already escaped&amp;lt;/b&amp;gt; &amp; co" in html
    for value in (HOSTILE["script"], HOSTILE["img"], HOSTILE["svg"]):
        assert value not in html


def test_the_page_forbids_network_and_foreign_scripts(parsed: tuple[str, _Collector]) -> None:
    _, collector = parsed
    policies = [
        attrs["content"] or ""
        for tag, attrs in collector.tags
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(policies) == 1
    policy = policies[0]
    assert "default-src 'none'" in policy
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy


def test_no_data_leaves_the_page_through_resources(parsed: tuple[str, _Collector]) -> None:
    html, collector = parsed
    for tag, attrs in collector.tags:
        assert "src" not in attrs or tag not in ("script", "img", "iframe"), (tag, attrs)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace("http://evil.example", "")
    assert "https://" not in html
