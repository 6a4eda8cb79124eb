"""The report's layout in a real headless Chromium at a phone, a laptop and a desktop width (issue 16):
nothing is cut off, every wide table or card is a region a keyboard can scroll, and every contents link
lands on its heading, with motion allowed and when opened directly.

What "cut off" means here: an element with a box that ends outside an ancestor that hides its overflow,
or outside the screen without a scrollable ancestor to reach it by. Content inside a scrollable region
is reachable, so the region itself must then take keyboard focus and have a name (what axe asks too).
The screen-reader-only texts are clipped on purpose and left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.catalogue import report_languages
from auditor.demo import audit_samples, demo_config
from auditor.reporting.html_report import render_html
from tests.axe import axe_violations
from tests.reports.sample_result import sample_result

pytestmark = pytest.mark.browser

WIDTHS = (390, 1024, 1440)
LANGUAGES = tuple(report_languages())

_CUT_OFF = """
() => {
  const screen = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > screen + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide on a ${screen}px screen`);
  }
  const name = (element) => {
    const section = element.closest("section[id]");
    const text = (element.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 40);
    return `${section ? "#" + section.id : "(page)"} ${element.tagName.toLowerCase()}`
      + `${element.className && typeof element.className === "string" ? "." + element.className.split(" ")[0] : ""}`
      + ` "${text}"`;
  };
  const regions = new Set();
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest(".sr-only, .skip, script, style")) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(element);
    if (style.overflowX === "visible" && element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1
        && !element.closest(".scroll")) {
      // Text (not an element) wider than its box: a word that cannot break.
      problems.push(`${name(element)} holds text ${element.scrollWidth - element.clientWidth}px wider than itself`);
    }
    let reachable = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      const overflow = style.overflowX;
      // content-visibility: auto clips like overflow: hidden, drawn or not.
      if (overflow === "visible" && style.contentVisibility !== "auto") continue;
      // Any overflow at all: scrollWidth is rounded, so a box 1.3px too wide scrolls by 1px.
      if ((overflow === "auto" || overflow === "scroll") && up.scrollWidth > up.clientWidth) {
        regions.add(up);
        reachable = true;
        break;
      }
      const frame = up.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1) {
        problems.push(`${name(element)} is cut off by ${name(up)}`);
        reachable = true;
        break;
      }
    }
    if (!reachable && (box.left < -1 || box.right > screen + 1)) {
      problems.push(`${name(element)} runs off the screen (${Math.round(box.left)}..${Math.round(box.right)}px)`);
    }
  }
  for (const region of regions) {
    const named = region.getAttribute("aria-label") || region.getAttribute("aria-labelledby");
    if (region.tabIndex < 0 || !named) {
      problems.push(`${name(region)} scrolls but a keyboard cannot reach it or it has no name`);
    }
  }
  return {problems: [...new Set(problems)], regions: regions.size};
}
"""

# Scrolls to the top, follows one contents link, waits for the smooth scroll to settle and says where
# the target's heading ended up (and whether the page was at its end). "Settled" is the scroll position
# unchanged over a few frames: a scrollend never comes for a link that needs no scrolling.
_FOLLOW = """
async (href) => {
  window.scrollTo({top: 0, behavior: "instant"});
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  await frame();
  document.querySelector(`nav.toc a[href="${href}"]`).click();
  let last = -1, still = 0;
  for (let waited = 0; still < 6 && waited < 600; waited++) {
    await frame();
    still = window.scrollY === last ? still + 1 : 0;
    last = window.scrollY;
  }
  const target = document.getElementById(href.slice(1));
  const heading = target.matches("h1,h2,h3,h4") ? target : target.querySelector("h2, h3, h4");
  const bottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
  return {top: heading.getBoundingClientRect().top, bottom, height: window.innerHeight};
}
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's report in every language (Arabic right to left), and a report whose values are long."""
    folder = tmp_path_factory.mktemp("layout")
    demo = audit_samples(demo_config())
    written = {}
    for name, result, lang in (
        *((f"demo-{lang}", demo, lang) for lang in LANGUAGES),
        ("sample", sample_result(), "en"),
    ):
        path = folder / f"{name}.html"
        path.write_text(render_html(result, lang=lang), encoding="utf-8", newline="\n")
        written[name] = path
    return written


@pytest.fixture
def open_at(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, width: int, fragment: str = "") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, reduced_motion="no-preference"
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(path.as_uri() + fragment)
        page.wait_for_load_state("load")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", [*(f"demo-{lang}" for lang in LANGUAGES), "sample"])
def test_nothing_is_cut_off(reports: dict[str, Path], open_at: Any, report: str, width: int) -> None:
    page = open_at(reports[report], width)
    found = page.evaluate(_CUT_OFF)
    assert found["problems"] == [], "\n".join(found["problems"][:30])
    if report.startswith("demo") and width == 390:
        # The duplicate cards and wide tables do not fit a phone: they must have become regions.
        assert found["regions"] > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_contents_links_land_on_their_heading(reports: dict[str, Path], open_at: Any, width: int) -> None:
    page = open_at(reports["demo-en"], width)
    links = page.eval_on_selector_all("nav.toc a", "links => links.map(link => link.getAttribute('href'))")
    assert len(links) > 8
    if width != 1024:
        # Chromium's smooth scroll takes up to 1.6 s a link: every link at one width, and at the others
        # every fourth and the last (the farthest from the top, where estimated heights would add up).
        links = links[4::4] + links[-1:]
    missed = []
    for href in links:
        landed = page.evaluate(_FOLLOW, href)
        # At the top of the screen; or, near the end of the page where it cannot scroll that far, on it.
        on_top = -2 <= landed["top"] <= 48
        on_screen_at_end = landed["bottom"] and 0 <= landed["top"] < landed["height"]
        if not (on_top or on_screen_at_end):
            missed.append(f"{href}: heading at {landed['top']:.0f}px")
    assert missed == [], f"at {width}px: " + "; ".join(missed)


@pytest.mark.parametrize("width", (390, 1440))
def test_a_link_to_a_section_opens_on_it(reports: dict[str, Path], open_at: Any, width: int) -> None:
    page = open_at(reports["demo-ar"], width)
    last_kind = page.eval_on_selector_all("section.kind[id]", "kinds => kinds.at(-1).id")
    opened = open_at(reports["demo-ar"], width, f"#{last_kind}")
    top = opened.evaluate(
        f"document.getElementById('{last_kind}').querySelector('h3').getBoundingClientRect().top"
    )
    assert -2 <= top <= 48


# Contrast, names and roles do not change with the language; what a width changes (regions to scroll,
# wrapped controls) is checked at every width left to right and right to left, and each other
# language at the narrowest, where its longer words are most likely to overflow.
AXE_RUNS = [
    *((f"demo-{lang}", width) for lang in ("en", "ar") for width in WIDTHS),
    *((f"demo-{lang}", WIDTHS[0]) for lang in LANGUAGES if lang not in ("en", "ar")),
    ("sample", 1024),
]


@pytest.mark.parametrize(("report", "width"), AXE_RUNS)
def test_axe_finds_no_wcag_aa_violation(
    reports: dict[str, Path], open_at: Any, report: str, width: int
) -> None:
    page = open_at(reports[report], width)
    if (report, width) == ("demo-en", 1024):
        # Every fold opened, so that what a click shows is checked too (once: it doubles axe's work).
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert axe_violations(page) == []
