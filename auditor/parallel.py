"""The one way the pipeline runs independent steps at the same time.

Most column steps are Arrow, pandas and numpy kernels that let go of the GIL, so on a machine with
two or more cores, threads run them truly side by side. Each use is defended by a benchmark in
benchmarks/ (see benchmarks/README.md for what it saves).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def side_by_side(steps: Mapping[str, Callable[[], T]], *, threads: int | None = None) -> dict[str, T]:
    """Each step's result, by name: the steps run in threads (`threads`, by default one per step),
    and the first error raised is raised here once every step has ended."""
    if len(steps) < 2:
        return {name: step() for name, step in steps.items()}
    with ThreadPoolExecutor(max_workers=threads or len(steps)) as pool:
        running = {name: pool.submit(step) for name, step in steps.items()}
        return {name: future.result() for name, future in running.items()}
