"""Handing memory the audit has freed back to the system, between its big steps."""

from __future__ import annotations

import contextlib
import ctypes

import pyarrow as pa


def return_free_memory() -> None:
    """The C heap and Arrow's pool keep freed pages for reuse, so a step's temporaries (reading a
    million rows, who-is-who's joins, normalising names for matching) stay counted against the next
    step's peak, and report writers forked later would carry them too. What this hands back is in
    benchmarks/README.md."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
