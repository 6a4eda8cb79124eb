"""A Dask cluster of two worker processes on 127.0.0.1, started once per test file that asks for it
(a local cluster takes seconds to start; the audits on it take less)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.engines import EngineSettings

distributed = pytest.importorskip("distributed", reason='the Dask engine\'s tests need "crm-audit[dask]"')


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[distributed.LocalCluster]:
    import dask

    # No task is retried on a worker that died: the test that kills one waits for no restart.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="2GiB",
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            host="127.0.0.1",
        ) as cluster,
    ):
        yield cluster


@pytest.fixture(scope="module")
def on_cluster(dask_cluster: distributed.LocalCluster) -> EngineSettings:
    """The Dask engine on the test cluster (through --scheduler's path: an existing cluster)."""
    return EngineSettings(name="dask", scheduler=dask_cluster.scheduler_address)


def cli_findings(files: Sequence[str], config: str, out: Path, *options: str) -> dict[str, Any]:
    """The findings JSON `crm-audit audit FILES --config CONFIG OPTIONS` writes to `out`."""
    outcome = CliRunner().invoke(
        main, ["audit", *files, "--config", config, "--json", str(out), "-q", *options]
    )
    assert outcome.exit_code in (0, 1), outcome.output
    return json.loads(out.read_text(encoding="utf-8"))
