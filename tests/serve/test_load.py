"""The load test of benchmarks/bench_serve.py, small: concurrent uploads to a real server on loopback,
more than it holds at once, so that some are told it is busy and retry. Every result must equal the
library's, and nothing may be left on disk, while it runs nor after it stops."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.serve.conftest import CONTACT, LEAD

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench_serve.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_serve", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_concurrent_uploads_are_all_correct_and_leave_nothing_behind(tmp_path) -> None:
    bench = _bench()
    with bench.serve(tmp_path, "--workers", "2", "--max-queued", "1") as server:
        result = bench.run_load(
            server.url, [LEAD, CONTACT], jobs=8, concurrency=8, timeout=60, retry_wait=0.2
        )
        assert result.failures == []
        assert len(result.timings) == 8 and all(timing.correct for timing in result.timings)
        assert sum(timing.busy_replies for timing in result.timings) > 0, (
            "more clients than places: some waited"
        )
        assert bench.leftovers(server.folder) == []
        bench.stop(server.process)
        assert server.process.returncode == 0
    assert list(tmp_path.iterdir()) == []
