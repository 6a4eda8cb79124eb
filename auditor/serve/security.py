"""Sessions, CSRF tokens, Host and Origin checks, and the headers every response carries.

- The session is a signed random value in an HttpOnly, SameSite=Strict cookie; only sessions this
  server run signed are accepted. Jobs belong to the session that uploaded them.
- The CSRF token is an HMAC of the session: the page carries it, a POST or DELETE must send it back
  (form field or X-CSRF-Token header) along with the cookie; a cross-site page can send the cookie
  (not even that, with SameSite=Strict) but cannot read the token. The Origin header, when a
  browser sends one, must be this server's own.
- The Host header must name this server (a page on a rebinding domain that resolves to 127.0.0.1
  would otherwise be same-origin with it).
- Content-Security-Policy: the page allows only its own script and stylesheet, by nonce; the report
  allows only its own inline blocks, by their SHA-256 hashes, computed when it is served, and runs
  sandboxed (no cookies, no requests to this server). Nothing allows 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditor.serve.settings import ServeSettings

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "SAMEORIGIN",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    # Results are personal data: no browser or proxy cache keeps a copy.
    "cache-control": "no-store",
}
# For every response that does not set its own (JSON, downloads, errors): nothing may run or load.
DEFAULT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
# The report runs in an iframe sandbox (and this directive keeps it sandboxed when opened directly).
REPORT_SANDBOX = (
    "sandbox allow-scripts allow-downloads allow-modals allow-popups allow-popups-to-escape-sandbox"
)


def page_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
            # The page's script builds every element with DOM calls; no HTML string ever becomes markup.
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        ]
    )


_INLINE_BLOCK = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_SRC_ATTRIBUTE = re.compile(r"\bsrc\s*=", re.IGNORECASE)


def report_policy(html: str) -> str:
    """The report's CSP: each inline <script> and <style> of this very report, by hash. The report is
    rebuilt independently of the server, so its blocks are read from it rather than known here."""
    scripts: list[str] = []
    styles: list[str] = []
    for tag, attributes, body in _INLINE_BLOCK.findall(html):
        if tag.lower() == "script":
            if not _SRC_ATTRIBUTE.search(attributes):  # external scripts are not allowed at all
                scripts.append(source_hash(body))
        else:
            styles.append(source_hash(body))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sources(scripts)}",
            f"style-src {_sources(styles)}",
            "img-src data:",
            "font-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
            REPORT_SANDBOX,
        ]
    )


def source_hash(body: str) -> str:
    """A CSP hash source for an inline block, as the browser computes it: over the text after HTML
    parsing, which turns CR LF and lone CR into LF."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _sources(hashes: Iterable[str]) -> str:
    unique = list(dict.fromkeys(hashes))
    return " ".join(unique) if unique else "'none'"


class Guard:
    """The secrets of one server run: sessions and CSRF tokens die with it."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self._key = secrets.token_bytes(32)

    def new_session(self) -> str:
        """A cookie value: random id and its signature."""
        session = secrets.token_urlsafe(24)
        return f"{session}.{self._sign('session', session)}"

    def session_of(self, request: Request) -> str | None:
        """The session id of a request, if it carries a cookie this server run signed."""
        value = request.cookies.get(self.settings.cookie_name, "")
        session, _, signature = value.partition(".")
        if session and hmac.compare_digest(signature, self._sign("session", session)):
            return session
        return None

    def cookie(self, value: str) -> str:
        # No Max-Age: a session cookie, gone when the browser closes. Not Secure: plain http on loopback.
        return f"{self.settings.cookie_name}={value}; Path=/; HttpOnly; SameSite=Strict"

    def csrf_token(self, session: str) -> str:
        return self._sign("csrf", session)

    def csrf_valid(self, session: str, token: str) -> bool:
        return hmac.compare_digest(token.encode("utf-8", "replace"), self.csrf_token(session).encode("ascii"))

    def host_allowed(self, host_header: str) -> bool:
        allowed = self.settings.allowed_hosts
        return allowed is None or host_name(host_header) in allowed

    def same_origin(self, request: Request) -> bool:
        """A state-changing request must come from this server's own page. Browsers send Origin on
        every POST and DELETE; scripts and curl send none and are held to the CSRF token alone."""
        origin = request.headers.get("origin")
        if origin is not None and origin.lower() != f"http://{request.headers.get('host', '')}".lower():
            return False
        fetch_site = request.headers.get("sec-fetch-site")
        return fetch_site in (None, "same-origin")

    def _sign(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def host_name(host_header: str) -> str:
    """ "127.0.0.1:8765" -> "127.0.0.1"; "[::1]:8765" -> "::1"; lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host


class SecurityMiddleware:
    """Refuses requests for other hosts and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in BASE_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = DEFAULT_POLICY
            await send(message)

        host = Headers(scope=scope).get("host", "")
        if not self.guard.host_allowed(host):
            response = PlainTextResponse(
                "This server answers only at its own address (the Host header names another host).", 421
            )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
