"""The upload page's language: which one a request gets, and the words the page, its script and the
server's answers to it say.

The page speaks the report languages, from the same catalogue (the `[page]` table of
reports/i18n/<lang>.toml), so that a language added for the reports is a language of the page too.
What the server sends back to the page (why an upload was refused, why an audit failed, why a
result is gone) is worded from the `[serve]` table, in the language of the page that asked.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from auditor.catalogue import report_languages
from auditor.reporting.i18n import Translator
from auditor.serve.security import source_hash
from auditor.wording import FALLBACK, Words, catalogue, said

PAGE_PREFIX = "page."
SERVE_PREFIX = "serve."
# The page's script names the page's language in this header on every request it makes: the form's
# own `lang` field is the language of the report, which may be another.
PAGE_LANG_HEADER = "x-page-lang"
# Small enough to need no stylesheet of its own: one inline block, allowed by its hash.
_GONE_STYLE = "body{font:15px/1.5 system-ui,sans-serif;color:#1d2430;margin:24px;max-width:60ch}"


def page_language(request: Request) -> str:
    """?lang=xx when it names a report language; else the first of the browser's languages (by its
    q-values, then its order) that the page speaks; else English."""
    known = report_languages()
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in known:
        return asked
    ranked = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, parameters = part.partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        # "fr-CA" is French: the page has no regional variants.
        code = tag.strip().lower().partition("-")[0]
        if weight > 0 and code in known:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else FALLBACK


def request_language(request: Request) -> str:
    """The language to answer a request in: the page's, as its script names it (X-Page-Lang); else
    chosen as the page itself is (?lang, the browser's languages, English). Read from the headers
    only, so that an upload refused before its form is read is answered in the page's language too."""
    sent = request.headers.get(PAGE_LANG_HEADER, "").strip().lower()
    return sent if sent in report_languages() else page_language(request)


def server_words(key: str, **values: object) -> Words:
    """A message of the server: template `key` of the `[serve]` table filled with `values`. As a `str`
    it is the English (for logs and tests); `say` words it in the language of a request."""
    return Words(SERVE_PREFIX + key, values)


def say(request: Request, message: str) -> str:
    """A server message in the language of the page that sent `request`: `Words` in that language
    (English where it lacks the template), any other text (a test's worker) as it is."""
    return said(message, request_language(request))[0]


def script_text(t: Translator) -> dict[str, Any]:
    """What app.js says, in the page's language: every `page.js_*` text, and how to write numbers."""
    return {
        "group": t("meta.group_separator"),
        "decimal": t("meta.decimal_separator"),
        **{
            key.removeprefix(f"{PAGE_PREFIX}js_"): t(key)
            for key in catalogue(FALLBACK)
            if key.startswith(f"{PAGE_PREFIX}js_")
        },
    }


def wants_html(request: Request) -> bool:
    """A browser showing the answer (the page's frame, a tab), not the page's script reading it."""
    return request.headers.get("sec-fetch-dest") in (
        "iframe",
        "document",
    ) or "text/html" in request.headers.get("accept", "")


def gone_page(request: Request) -> HTMLResponse:
    """The 410 for a report whose audit was deleted, as a page in the person's language: it is shown
    in the page's frame or a tab, where JSON would be read as raw text."""
    t = Translator(page_language(request))
    html = (
        f'<!doctype html><html lang="{t.lang}" dir="{t.direction}"><head><meta charset="utf-8">'
        f"<title>{escape(t('page.gone_title'))}</title><style>{_GONE_STYLE}</style></head>"
        f"<body><h1>{escape(t('page.gone_title'))}</h1><p>{escape(t('page.gone'))}</p></body></html>"
    )
    policy = (
        f"default-src 'none'; style-src {source_hash(_GONE_STYLE)}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'; sandbox"
    )
    return HTMLResponse(html, status_code=410, headers={"content-security-policy": policy})
