"""One exception family. Every error a person can cause says which file, what is wrong, and what to do."""

from __future__ import annotations


def first_line(error: BaseException, limit: int = 160, *, opened: object = None, name: str = "") -> str:
    """A library's error as part of our one line: its first line, cut at a word and marked when
    longer than `limit` (a cut mid-word reads as a typo), or its type when it says nothing.

    A library quotes the path it `opened` (pyarrow's "Could not open Parquet input source
    '/abs/part.parquet'"); it is said as `name`, the file as the user gave it, before the cut: a
    Dask worker opens an absolute path or a fetched copy, and its line must read as this process's."""
    text = str(error).strip()
    if opened is not None and name:
        text = text.replace(str(opened), name)
    if not text:
        return type(error).__name__
    line = text.splitlines()[0]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


class AuditorError(Exception):
    """Base of every error the auditor raises on purpose; the CLI prints it as one line."""

    exit_status = 2

    def __init__(self, reason: str, *, file: str | None = None, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.file = file
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.file}: {self.describe()}" if self.file else self.describe()

    def describe(self) -> str:
        """The reason and the hint, without the file name (for places that show the file apart)."""
        return f"{self.reason}. {self.hint}" if self.hint else self.reason


class InputError(AuditorError):
    """An input file could not be read; the audit goes on with the other files."""


class ConfigError(AuditorError):
    """The configuration or the command line asks for something that cannot be done."""


class OutputTooLarge(AuditorError):
    """A report the audit's size does not fit in its format was not written; `written` lists the
    outputs that were."""

    def __init__(self, reason: str, *, written: list[str], hint: str | None = None) -> None:
        super().__init__(reason, hint=hint)
        self.written = written
