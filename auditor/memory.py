"""Handing memory the audit has freed back to the system, between its big steps."""

from __future__ import annotations

import contextlib
import ctypes

import pyarrow as pa


def return_free_memory() -> None:
    """The C heap and Arrow's pool keep freed pages for reuse, so a step's temporaries (reading a
    million rows, who-is-who's joins, normalising names for matching) stay counted against the next
    step's peak: on the neglected-org million, 0.4 GiB before matching and 0.65 GiB after its
    features; before the report writers fork, which would carry them too, 0.56 GiB."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
