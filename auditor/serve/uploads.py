"""Receiving an upload: multipart straight into the job's private folder, then each file checked by content.

Starlette's own form parser spools files into the system's shared temporary folder and reads the
whole body before the app can say anything. This reader writes each file part as it arrives into
the job's 0700 folder under a name of our own, stops at the size limit, and refuses a file part
that comes before a valid CSRF token, so an unauthenticated request never puts a byte on disk.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from auditor.errors import InputError
from auditor.loading.csv_reader import SAMPLE_BYTES
from auditor.loading.encoding import detect_encoding
from auditor.loading.excel_reader import EXCEL_SUFFIXES
from auditor.serve.page import server_words
from auditor.serve.settings import MEGABYTE
from auditor.wording import Words

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
ACCEPTED_SUFFIXES = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES)
FIELDS = ("csrf_token", "as_of", "internal_domains", "partner_domains", "lang")
FILE_FIELD = "files"
# A findings JSON of an earlier audit, to compare with (at most one; not an export, so it does not
# count against the number of files, only against the size limit).
BASELINE_FIELD = "baseline"
# A decisions file (auditor/decisions.py): pairs a person ruled not the same person, or the same.
DECISIONS_FIELD = "decisions"
# File inputs beside the exports: each takes one file at most, stored under the field's name.
SINGLE_FILE_FIELDS = (BASELINE_FIELD, DECISIONS_FIELD)
MAX_FIELD_BYTES = 4096
MAX_NAME_CHARS = 120

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Formats people pick by mistake, named in the message (by their key in the `[serve]` table);
# anything else binary is caught by the text check.
_KNOWN_FORMATS = (
    (b"\x89PNG\r\n\x1a\n", "format_png"),
    (b"\xff\xd8\xff", "format_jpeg"),
    (b"GIF87a", "format_gif"),
    (b"GIF89a", "format_gif"),
    (b"%PDF-", "format_pdf"),
    (b"\x1f\x8b\x08", "format_gzip"),
    (b"7z\xbc\xaf\x27\x1c", "format_7zip"),
    (b"Rar!\x1a\x07", "format_rar"),
    (b"\x7fELF", "format_program"),
    (b"SQLite format 3\x00", "format_sqlite"),
)


class UploadError(Exception):
    """A request the server refuses as a whole: `status` is the HTTP status, `sentences` say why
    (`server_words`, said in the language of the page that sent it); str() is their English."""

    def __init__(self, status: int, *sentences: Words) -> None:
        super().__init__(" ".join(sentences))
        self.status = status
        self.sentences = sentences


@dataclass
class StoredFile:
    path: Path
    name: str  # the sanitised name the person gave it: a label in the report, never a path
    size: int = 0


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)
    baseline: StoredFile | None = None
    decisions: StoredFile | None = None


def display_name(raw: str, position: int) -> str:
    """A label for an uploaded file: its last path segment, without control or bidi characters.

    Browsers send only the name, but a client can send anything ("../../etc/passwd", "C:\\x\\Lead.csv",
    a right-to-left override that turns "gpj.csv" into "vsc.jpg"). The name is only ever shown.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = name.strip(" .")
    if len(name) > MAX_NAME_CHARS:
        suffix = PurePath(name).suffix[:10]
        name = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name or f"file-{position}"


def unique_names(names: list[str]) -> list[str]:
    """Two uploads called Lead.csv become "Lead.csv" and "Lead (2).csv", so findings tell them apart."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, number = name, 1
        path = PurePath(name)
        while candidate.casefold() in seen:
            number += 1
            candidate = f"{path.stem} ({number}){path.suffix}"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result


async def receive_upload(
    chunks: AsyncIterator[bytes],
    content_type: str,
    folder: Path,
    *,
    max_bytes: int,
    max_files: int,
    token_is_valid: Callable[[str], bool],
    token_from_header: bool,
) -> Upload:
    """Parse a multipart/form-data body into `folder` (which must exist, private). Raises UploadError;
    the caller deletes the folder then."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError(400, server_words("not_multipart"))
    reader = _PartReader(folder, max_bytes, max_files, token_is_valid, token_from_header)
    parser = MultipartParser(boundary, reader.callbacks())
    try:
        async for chunk in chunks:
            parser.write(chunk)
            reader.process()
        parser.finalize()
        reader.process()
    except MultipartParseError:
        raise UploadError(400, server_words("malformed")) from None
    finally:
        reader.close()
    if not reader.finished:
        raise UploadError(400, server_words("malformed"))
    if not reader.token_seen:
        raise UploadError(403, server_words("token_missing"))
    upload = reader.upload
    for stored, name in zip(upload.files, unique_names([f.name for f in upload.files]), strict=True):
        stored.name = name
    return upload


class _PartReader:
    """Turns the parser's callbacks into decisions. Callbacks only record events; `process` acts on
    them, so that our exceptions never unwind through the parser's own state machine."""

    def __init__(
        self,
        folder: Path,
        max_bytes: int,
        max_files: int,
        token_is_valid: Callable[[str], bool],
        token_seen: bool,
    ) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.token_is_valid = token_is_valid
        self.token_seen = token_seen
        self.upload = Upload()
        self.finished = False
        self._events: list[tuple[str, bytes]] = []
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._field: str | None = None
        self._value = bytearray()
        self._file: StoredFile | None = None
        self._handle: int | None = None
        self._total = 0

    def callbacks(self) -> dict[str, Callable[..., None]]:
        def data(kind: str) -> Callable[[bytes, int, int], None]:
            return lambda buffer, start, end: self._events.append((kind, bytes(buffer[start:end])))

        def mark(kind: str) -> Callable[[], None]:
            return lambda: self._events.append((kind, b""))

        return {
            "on_part_begin": mark("begin"),
            "on_header_field": data("header_field"),
            "on_header_value": data("header_value"),
            "on_header_end": mark("header_end"),
            "on_headers_finished": mark("headers_done"),
            "on_part_data": data("data"),
            "on_part_end": mark("part_end"),
            "on_end": mark("end"),
        }

    def process(self) -> None:
        events, self._events = self._events, []
        for kind, payload in events:
            if kind == "begin":
                self._disposition, self._field, self._file = b"", None, None
                self._value = bytearray()
            elif kind == "header_field":
                self._header_name += payload
            elif kind == "header_value":
                self._header_value += payload
            elif kind == "header_end":
                if self._header_name.strip().lower() == b"content-disposition":
                    self._disposition = self._header_value
                self._header_name, self._header_value = b"", b""
            elif kind == "headers_done":
                self._start_part()
            elif kind == "data":
                self._take(payload)
            elif kind == "part_end":
                self._end_part()
            elif kind == "end":
                self.finished = True

    def _start_part(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if not options.get(b"filename"):
            if name in (FILE_FIELD, *SINGLE_FILE_FIELDS):
                return  # a file input left empty: browsers send a part without a file name
            if name not in FIELDS:
                raise UploadError(400, server_words("unexpected_field", name=repr(name[:40])))
            self._field = name
            return
        if name not in (FILE_FIELD, *SINGLE_FILE_FIELDS):
            raise UploadError(400, server_words("unexpected_file_field", name=repr(name[:40])))
        if not self.token_seen:
            raise UploadError(403, server_words("token_missing"))
        raw_name = options[b"filename"].decode("utf-8", "replace")
        if name in SINGLE_FILE_FIELDS:
            if getattr(self.upload, name) is not None:
                refusal = (
                    server_words("one_baseline") if name == BASELINE_FIELD else server_words("one_decisions")
                )
                raise UploadError(400, refusal)
            self._file = self._open(self.folder / name, display_name(raw_name, 1))
            setattr(self.upload, name, self._file)
            return
        if len(self.upload.files) >= self.max_files:
            raise UploadError(400, server_words("too_many_files", count=self.max_files))
        position = len(self.upload.files) + 1
        self._file = self._open(self.folder / f"upload-{position:02d}", display_name(raw_name, position))
        self.upload.files.append(self._file)

    def _open(self, path: Path, name: str) -> StoredFile:
        # Our own name, never the client's: the label is kept apart from the path.
        self._handle = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        return StoredFile(path=path, name=name)

    def _take(self, payload: bytes) -> None:
        if self._file is not None and self._handle is not None:
            self._total += len(payload)
            if self._total > self.max_bytes:
                raise UploadError(413, too_large_message(self.max_bytes, self._file.name))
            os.write(self._handle, payload)
            self._file.size += len(payload)
        elif self._field is not None:
            if len(self._value) + len(payload) > MAX_FIELD_BYTES:
                raise UploadError(400, server_words("field_too_long", name=repr(self._field)))
            self._value.extend(payload)

    def _end_part(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
        if self._field is not None:
            value = self._value.decode("utf-8", "replace")
            if self._field == "csrf_token":
                if not self.token_is_valid(value):
                    raise UploadError(403, server_words("token_wrong"))
                self.token_seen = True
            else:
                self.upload.fields[self._field] = value
        self._field, self._file = None, None

    def close(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


def too_large_message(max_bytes: int, name: str | None = None) -> Words:
    """Why an upload over the limit is refused; `name`: the file that was arriving when it was reached."""
    if name:
        return server_words("too_large_at", mb=max_bytes / MEGABYTE, name=name)
    return server_words("too_large", mb=max_bytes / MEGABYTE)


def stored_suffix(path: Path, name: str) -> str:
    """The suffix to store an upload under, judged from its content: the loader picks its reader by
    content and suffix, so a CSV named .xlsx is still read as text. Raises UploadError (415) for a
    file that is neither a spreadsheet nor text; its one sentence names the file and what it is."""
    given = PurePath(name).suffix.lower()
    if given not in ACCEPTED_SUFFIXES:
        raise UploadError(415, server_words("wrong_name", name=name))
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        whole_file = not handle.read(1)
    for magic, what in _KNOWN_FORMATS:
        if sample.startswith(magic):
            raise UploadError(415, server_words("looks_like", name=name, what=server_words(what)))
    if sample.startswith(_OLE_MAGIC):
        return ".xls"
    if sample.startswith(_ZIP_MAGIC):
        return _zip_suffix(path, name, given)
    if not sample:
        return given if given in TEXT_SUFFIXES else ".csv"  # empty: the audit reports it as unreadable
    try:
        detect_encoding(sample, file=name, whole_file=whole_file)
    except InputError:
        raise UploadError(415, server_words("binary", name=name)) from None
    return given if given in TEXT_SUFFIXES else ".csv"


def _zip_suffix(path: Path, name: str, given: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        # A damaged workbook is still a workbook: the audit lists it as unreadable, with the reason.
        return given if given in (".xlsx", ".xlsm", ".ods") else ".xlsx"
    if "xl/workbook.xml" in members or "xl/workbook.bin" in members:
        return ".xlsm" if given == ".xlsm" else ".xlsx"
    if "content.xml" in members and "mimetype" in members:
        return ".ods"
    raise UploadError(415, server_words("zip_not_workbook", name=name))


def accepted_types() -> Words:
    return server_words("accepted")
