"""The routes of `crm-audit serve`. No listing route exists: a job is reached only by its unguessable id,
and only from the browser session that uploaded it.

    GET    /                              the page (?lang=xx, else the browser's language)
    GET    /static/{app.js,app.css}       its script and stylesheet
    POST   /jobs                          upload files and options; 202 {"id", "status"}
    GET    /jobs/{id}                     progress and outcome (JSON)
    DELETE /jobs/{id}                     delete the job's files now
    GET    /jobs/{id}/report              the HTML report, for the page's sandboxed iframe (once deleted,
                                          a page saying so, to a browser showing it)
    GET    /jobs/{id}/download/{kind}     html, xlsx, json, csv or fixes (the fix plan as a ZIP), as a download

Errors are JSON {"error": "what is wrong and what to do", "code": "<its key>"} with the fitting status,
worded from the `[serve]` table of reports/i18n in the language of the page that asked (`say`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO

import anyio
from anyio.lowlevel import checkpoint
from jinja2 import Environment, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from auditor import __version__
from auditor.baseline import read_baseline
from auditor.catalogue import report_languages
from auditor.config import config_from_mapping
from auditor.decisions import read_decisions
from auditor.errors import ConfigError
from auditor.reporting.formats import FORMATS
from auditor.reporting.i18n import Translator
from auditor.serve.jobs import (
    Busy,
    DiskFull,
    Job,
    JobGone,
    JobManager,
    JobMissing,
    Target,
    TooManyJobs,
    TooManyUploads,
)
from auditor.serve.page import (
    SERVE_PREFIX,
    gone_page,
    page_language,
    say,
    script_text,
    server_words,
    wants_html,
)
from auditor.serve.security import Guard, SecurityMiddleware, page_policy, report_policy
from auditor.serve.settings import MEGABYTE, ServeSettings
from auditor.serve.uploads import (
    ACCEPTED_SUFFIXES,
    StoredFile,
    UploadError,
    accepted_types,
    receive_upload,
    stored_suffix,
    too_large_message,
)
from auditor.serve.worker import BASELINE_SETTING, DECISIONS_SETTING, FIXES, run_job
from auditor.wording import Words

STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
DOWNLOADS = {report.download: (report.media_type, report.file_name) for report in FORMATS} | {
    FIXES: ("application/zip", "crm-audit-fixes.zip")
}
# Multipart headers and form fields on top of the files themselves.
UPLOAD_OVERHEAD = MEGABYTE
_DOMAIN = re.compile(r"^[^\s@/\\:]+\.[^\s@/\\:]+$")


def create_app(settings: ServeSettings | None = None, *, target: Target = run_job) -> Starlette:
    """The web app; `app.state.manager` holds its jobs. `target` is what each worker process runs
    (tests swap in misbehaving ones)."""
    settings = settings or ServeSettings()
    manager = JobManager(settings, target=target)
    guard = Guard(settings)
    routes = _Routes(settings, manager, guard)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        manager.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(manager.close)

    app = Starlette(
        routes=[
            Route("/", routes.page, methods=["GET"]),
            Route("/static/{name}", routes.static, methods=["GET"]),
            Route("/jobs", routes.create_job, methods=["POST"]),
            Route("/jobs/{job_id}", routes.job, methods=["GET", "DELETE"]),
            Route("/jobs/{job_id}/report", routes.report, methods=["GET"]),
            Route("/jobs/{job_id}/download/{kind}", routes.download, methods=["GET"]),
        ],
        middleware=[Middleware(SecurityMiddleware, guard=guard)],
        lifespan=lifespan,
    )
    app.state.manager = manager
    return app


def error(
    request: Request, status: int, *sentences: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON refusal: `sentences` (`server_words`) in the language of the page that sent `request`,
    and `code`, the key of the first, for a script to tell refusals apart whatever the language."""
    body = {"error": " ".join(say(request, sentence) for sentence in sentences)}
    if sentences and isinstance(sentences[0], Words):
        body["code"] = sentences[0].key.removeprefix(SERVE_PREFIX)
    return JSONResponse(body, status_code=status, headers=headers)


class _Routes:
    def __init__(self, settings: ServeSettings, manager: JobManager, guard: Guard) -> None:
        self.settings = settings
        self.manager = manager
        self.guard = guard

    async def page(self, request: Request) -> Response:
        cookie = None
        session = self.guard.session_of(request)
        if session is None:
            cookie = self.guard.new_session()
            session = cookie.partition(".")[0]
        nonce = secrets.token_urlsafe(18)
        t = Translator(page_language(request))
        html = _page_template().render(
            t=t,
            script_text=script_text(t),
            nonce=nonce,
            csrf_token=self.guard.csrf_token(session),
            version=__version__,
            max_upload_bytes=self.settings.max_upload_bytes,
            max_upload_mb=f"{self.settings.max_upload_bytes / MEGABYTE:g}",
            max_files=self.settings.max_files,
            accept=",".join(ACCEPTED_SUFFIXES),
            languages=list(report_languages().items()),
            keep_minutes=f"{self.settings.keep_seconds / 60:g}",
            today=dt.date.today().isoformat(),
        )
        response = HTMLResponse(html, headers={"content-security-policy": page_policy(nonce)})
        if cookie is not None:
            response.headers.append("set-cookie", self.guard.cookie(cookie))
        return response

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return error(request, 404, server_words("no_such_file"))
        return Response(_static_text(name), media_type=STATIC[name])

    async def create_job(self, request: Request) -> Response:
        session = self.guard.session_of(request)
        if session is None:
            return error(request, 403, server_words("session_expired"))
        if not self.guard.same_origin(request):
            return error(request, 403, server_words("other_origin"))
        header_token = request.headers.get("x-csrf-token")
        if header_token is not None and not self.guard.csrf_valid(session, header_token):
            return error(request, 403, server_words("token_wrong"))
        declared = request.headers.get("content-length", "")
        most = self.settings.max_upload_bytes + UPLOAD_OVERHEAD
        if declared.isdigit() and int(declared) > most:
            return error(request, 413, too_large_message(self.settings.max_upload_bytes))
        try:
            # A body without a declared length counts as the largest allowed until it has arrived.
            job = self.manager.open_job(session, int(declared) if declared.isdigit() else most)
        except (Busy, TooManyUploads, TooManyJobs, DiskFull) as refused:
            return self._refusal(request, refused)
        try:
            with anyio.fail_after(self.settings.upload_timeout):
                upload = await receive_upload(
                    request.stream(),
                    request.headers.get("content-type", ""),
                    job.folder / "in",
                    max_bytes=self.settings.max_upload_bytes,
                    max_files=self.settings.max_files,
                    token_is_valid=lambda token: self.guard.csrf_valid(session, token),
                    token_from_header=header_token is not None,
                )
            if not upload.files:
                raise UploadError(400, server_words("no_files"))
            audit_settings = form_settings(upload.fields)
            inputs = await anyio.to_thread.run_sync(_check_files, upload.files)
            if upload.baseline is not None:
                await anyio.to_thread.run_sync(_check_baseline, upload.baseline)
                audit_settings[BASELINE_SETTING] = {
                    "path": str(upload.baseline.path),
                    "name": upload.baseline.name,
                }
            if upload.decisions is not None:
                await anyio.to_thread.run_sync(_check_decisions, upload.decisions)
                audit_settings[DECISIONS_SETTING] = {
                    "path": str(upload.decisions.path),
                    "name": upload.decisions.name,
                }
        except UploadError as refused:
            await anyio.to_thread.run_sync(self.manager.discard, job)
            return error(request, refused.status, *refused.sentences)
        except ClientDisconnect:
            await anyio.to_thread.run_sync(self.manager.discard, job)
            return error(request, 400, server_words("interrupted"))
        except TimeoutError:
            await anyio.to_thread.run_sync(self.manager.discard, job)
            return error(request, 408, server_words("timed_out"))
        except BaseException:
            await anyio.to_thread.run_sync(self.manager.discard, job)
            raise
        try:
            self.manager.submit(job, inputs, [stored.name for stored in upload.files], audit_settings)
        except Busy as busy:
            await anyio.to_thread.run_sync(self.manager.discard, job)
            return self._refusal(request, busy)
        return JSONResponse({"id": job.id, "status": f"/jobs/{job.id}"}, status_code=202)

    def _refusal(self, request: Request, refused: Exception) -> Response:
        """Why a new audit cannot start now, and what to do about it."""
        limits = self.settings
        if isinstance(refused, TooManyUploads):
            return error(request, 429, server_words("uploads_at_once", count=limits.max_uploads_per_session))
        if isinstance(refused, TooManyJobs):
            return error(request, 429, server_words("jobs_kept", count=limits.max_jobs_per_session))
        if isinstance(refused, DiskFull):
            return error(
                request,
                507,
                server_words("disk_full", mb=limits.disk_limit / MEGABYTE),
                headers={"retry-after": "60"},
            )
        return error(
            request,
            429,
            server_words("busy", workers=limits.workers, queued=limits.max_queued),
            headers={"retry-after": "30"},
        )

    async def job(self, request: Request) -> Response:
        found = self._find(request)
        if isinstance(found, Response):
            return found
        if request.method == "DELETE":
            if not self._may_change(request):
                return error(request, 403, server_words("token_missing_or_wrong"))
            await anyio.to_thread.run_sync(self.manager.delete, found, server_words("deleted_on_request"))
            return JSONResponse({"deleted": True})
        status = self.manager.status(found)
        if status["error"] is not None:
            status["error"] = say(request, status["error"])
        return JSONResponse(status)

    async def report(self, request: Request) -> Response:
        found = self._find(request, finished=True, shown=True)
        if isinstance(found, Response):
            return found
        try:
            html = await anyio.to_thread.run_sync(found.output("html").read_text, "utf-8")
        except FileNotFoundError:
            if wants_html(request):
                return gone_page(request)
            return error(request, 410, server_words("report_deleted"))
        if found.report_policy is None:
            found.report_policy = report_policy(html)
        return HTMLResponse(html, headers={"content-security-policy": found.report_policy})

    async def download(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in DOWNLOADS:
            return error(request, 404, server_words("no_such_download", kinds=", ".join(DOWNLOADS)))
        found = self._find(request, finished=True)
        if isinstance(found, Response):
            return found
        try:
            # Opened now: an open file survives the job's deletion while it streams.
            handle = await anyio.to_thread.run_sync(found.output(kind).open, "rb")
        except FileNotFoundError:
            return error(request, 410, server_words("result_deleted"))
        media_type, filename = DOWNLOADS[kind]
        return _Download(
            handle,
            media_type=media_type,
            filename=filename,
            on_sent=lambda: self.manager.mark_fetched(found, kind),
        )

    def _find(self, request: Request, *, finished: bool = False, shown: bool = False) -> Job | Response:
        """The session's job, or the answer to give instead. `shown`: a browser may show the answer
        itself (the report in the page's frame or a tab), so a deleted job is a page, not JSON."""
        session = self.guard.session_of(request)
        try:
            if session is None:
                raise JobMissing
            job = self.manager.get(request.path_params["job_id"], session)
        except JobMissing:
            return error(request, 404, server_words("no_such_audit"))
        except JobGone as gone:
            if shown and wants_html(request):
                return gone_page(request)
            return error(request, 410, gone.reason, server_words("run_again"))
        if job.state == "failed" and finished:
            return error(request, 409, job.error or server_words("failed"))
        if finished and job.state != "done":
            return error(request, 409, server_words("not_finished"))
        return job

    def _may_change(self, request: Request) -> bool:
        session = self.guard.session_of(request)
        token = request.headers.get("x-csrf-token", "")
        return (
            session is not None and self.guard.same_origin(request) and self.guard.csrf_valid(session, token)
        )


def form_settings(fields: dict[str, str]) -> dict[str, Any]:
    """The form's options as the configuration file's layout; validated here so that a wrong date is
    refused before any audit starts. Raises UploadError (400)."""
    audit: dict[str, Any] = {}
    as_of = fields.get("as_of", "").strip()
    if as_of:
        audit["as_of"] = as_of
    for key in ("internal_domains", "partner_domains"):
        domains = [domain.lstrip("@") for domain in re.split(r"[\s,;]+", fields.get(key, "")) if domain]
        for domain in domains:
            if not _DOMAIN.match(domain):
                raise UploadError(400, server_words("not_a_domain", domain=repr(domain[:60])))
        if domains:
            audit[key] = domains
    mapping = {"audit": audit, "report": {"lang": fields.get("lang", "").strip() or "en"}}
    try:
        config_from_mapping(mapping, source="the form")
    except ConfigError as refused:
        # The library words its settings' errors in English only: the detail stays English inside
        # a sentence of the page's language.
        raise UploadError(400, server_words("bad_option", detail=refused.describe())) from None
    return mapping


def _check_files(stored: list[StoredFile]) -> list[Path]:
    """Judge every file by content; refuse the upload naming each wrong one. The files that pass are
    made read-only: the audit only reads them."""
    refused: list[Words] = []
    inputs: list[Path] = []
    for upload in stored:
        try:
            suffix = stored_suffix(upload.path, upload.name)
        except UploadError as wrong:
            refused.extend(wrong.sentences)
            continue
        path = upload.path.with_suffix(suffix)
        upload.path.rename(path)
        path.chmod(0o400)
        inputs.append(path)
    if refused:
        raise UploadError(415, *refused, accepted_types())
    return inputs


def _check_decisions(stored: StoredFile) -> None:
    """The decisions file, read now as the previous findings JSON is (see `_check_stored`)."""
    _check_stored(
        stored, read_decisions, lambda detail: server_words("bad_decisions", name=stored.name, detail=detail)
    )


def _check_baseline(stored: StoredFile) -> None:
    """The previous findings JSON, read now (see `_check_stored`)."""
    _check_stored(
        stored, read_baseline, lambda detail: server_words("bad_baseline", name=stored.name, detail=detail)
    )


def _check_stored(
    stored: StoredFile, read: Callable[[Path], object], refusal: Callable[[str], Words]
) -> None:
    """Read a file given beside the exports now: a wrong one is refused in a second, like a wrong
    export, rather than failing the audit after the upload. Raises UploadError (400) naming the file
    as given. The reader words its errors in English only (the CLI's too): the detail stays English
    inside a sentence of the page's language."""
    try:
        read(stored.path)
    except ConfigError as wrong:
        raise UploadError(400, refusal(wrong.describe())) from None
    stored.path.chmod(0o400)


class _Download(Response):
    """A result file as a download. `on_sent` runs (in a thread) only once the whole body has gone out:
    not for a HEAD request, nor when the client went away part way, since a download counted as taken
    brings its job's deletion nearer."""

    chunk_bytes = 256 * 1024

    def __init__(
        self, handle: BinaryIO, *, media_type: str, filename: str, on_sent: Callable[[], None]
    ) -> None:
        self.handle = handle
        self.on_sent = on_sent
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        self.init_headers(
            {
                "content-disposition": f'attachment; filename="{filename}"',
                "content-length": str(os.fstat(handle.fileno()).st_size),
            }
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.handle:
            await send(
                {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
            )
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            sent_in_full = await self._send_body(receive, send)
        if sent_in_full:
            await anyio.to_thread.run_sync(self.on_sent)

    async def _send_body(self, receive: Receive, send: Send) -> bool:
        # uvicorn drops what is sent to a client that has gone without a word (ASGI before 2.4), so a
        # departure is known only from the request's own disconnect message, watched for meanwhile.
        client_left = False
        sent_in_full = False
        async with anyio.create_task_group() as watching:

            async def notice_departure() -> None:
                nonlocal client_left
                while (await receive())["type"] != "http.disconnect":
                    pass
                client_left = True
                watching.cancel_scope.cancel()

            watching.start_soon(notice_departure)
            try:
                while chunk := await anyio.to_thread.run_sync(self.handle.read, self.chunk_bytes):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                # An empty chunk waits, as every send does, until the client has taken what is buffered
                # (or is gone); the checkpoint then lets a departure be noticed before the body is ended.
                await send({"type": "http.response.body", "body": b"", "more_body": True})
                await checkpoint()
                if not client_left:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    sent_in_full = True
            except OSError:
                pass  # how servers of ASGI 2.4 and later say that the client has gone
            watching.cancel_scope.cancel()
        return sent_in_full


@cache
def _page_template() -> Any:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return environment.from_string(_static_text("index.html.j2"))


@cache
def _static_text(name: str) -> str:
    return files("auditor.serve").joinpath("static", name).read_text(encoding="utf-8")
