"""axe-core, run inside a Playwright page: the WCAG 2.1 A and AA checks a machine can make.

The script comes from the axe-playwright-python wheel (a test dependency that ships axe.min.js and
nothing else we use); it is injected into the page, so nothing loads from the network and the page's
own Content-Security-Policy does not apply to it.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Any, *, exclude: list[str] | None = None) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the page, one line each (rule, impact, where)."""
    page.evaluate(axe_script())
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = page.evaluate(
        """async ([context, tags]) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            return await (context ? axe.run(context, options) : axe.run(document, options));
        }""",
        [context, WCAG_AA],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        + (f" and {len(violation['nodes']) - 5} more" if len(violation["nodes"]) > 5 else "")
        for violation in results["violations"]
    ]
