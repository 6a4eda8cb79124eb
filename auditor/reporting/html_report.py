"""The HTML report: one self-contained, localized page rendered from the view model.

Templates live in reports/templates/, styles and script in reports/assets/, interface text in
reports/i18n/. jinja2 autoescapes every value, so nothing from the data becomes markup, a link or a
script; the page's Content-Security-Policy pins the one inline style and the one inline script by
hash and forbids any network request, as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from auditor.api import AuditResult
from auditor.findings import SEVERITY_ORDER
from auditor.reporting.i18n import Translator
from auditor.reporting.view import Limits, ReportView, build_view
from auditor.resources import reports_dir


def render_html(result: AuditResult, *, lang: str | None = None, limits: Limits | None = None) -> str:
    """The report as a string, in `lang` (default: the config's language)."""
    view = build_view(result, limits=limits, lang=lang)
    return render_view(view)


def render_view(view: ReportView) -> str:
    css, script = _asset("report.css"), _asset("report.js")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            view=view,
            t=Translator(view.lang),
            severity_rank=SEVERITY_ORDER,
            # Markup: our own files, inlined as they are (the hash below must match them byte for byte).
            css=Markup(css),
            script=Markup(script),
            style_hash=_csp_hash(css),
            script_hash=_csp_hash(script),
        )
    )


def write_html(result: AuditResult, path: str | Path, *, lang: str | None = None) -> None:
    Path(path).write_text(render_html(result, lang=lang), encoding="utf-8", newline="\n")


@cache
def _environment() -> Environment:
    return Environment(
        loader=FunctionLoader(_template_source),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template_source(name: str) -> str:
    return reports_dir("templates", *name.split("/")).read_text(encoding="utf-8")


@cache
def _asset(name: str) -> str:
    return reports_dir("assets", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"
