"""The Dask engine on a cluster started apart, as people run one: a `dask scheduler` and a `dask
worker` process of two workers on 127.0.0.1 (random ports), audited through `--scheduler`; and what
the engine says, in one line, when the cluster cannot be reached, a worker dies, or dask is not
installed."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor
from auditor.cli import main
from auditor.config import Config
from auditor.demo import sample_paths
from auditor.engines import EngineSettings, dask_engine
from auditor.errors import AuditorError
from tests.conftest import AS_OF
from tests.engines.conftest import cli_findings

distributed = pytest.importorskip("distributed", reason='the Dask engine\'s tests need "crm-audit[dask]"')

DEMO_CONFIG = str(Path(__file__).resolve().parents[2] / "auditor" / "samples" / "demo.toml")


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler and two workers started with dask's own command line, in a
    folder of their own (the engine must hand them absolute paths)."""
    folder = tmp_path_factory.mktemp("cluster")
    file = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    # No task is retried on a worker that died: the test that kills one waits for no restart.
    environment = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    started = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
            cwd=folder, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        started.append(
            subprocess.Popen(
                [*dask, "worker", "--scheduler-file", str(file), "--nworkers", "2", "--nthreads", "1",
                 "--memory-limit", "1.5GiB", "--no-dashboard", "--host", "127.0.0.1"],
                cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
        )  # fmt: skip
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_an_audit_through_scheduler_equals_the_local_one(scheduler: str, tmp_path: Path) -> None:
    with sample_paths() as paths:
        files = [str(path) for path in paths]
        local = cli_findings(files, DEMO_CONFIG, tmp_path / "local.json")
        dask = cli_findings(
            files, DEMO_CONFIG, tmp_path / "dask.json", "--engine", "dask", "--scheduler", scheduler
        )
    assert local["summary"]["findings"] > 50
    assert dask == local


def test_a_legacy_workbook_on_workers_that_may_not_fork(scheduler: str) -> None:
    """`dask worker` starts its workers as daemons, which may not start the child a legacy .xls is
    read in elsewhere: they read it themselves, and find what the local engine finds."""
    workbook = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "legacy.xls"
    config = Config(as_of=AS_OF)
    local = auditor.audit([workbook], config).to_dict()
    dask = auditor.audit(
        [workbook], config, engine=EngineSettings(name="dask", scheduler=scheduler)
    ).to_dict()
    assert local["summary"]["records"] > 0 and not local["inputs"][0]["error"]
    assert dask == local


def test_a_scheduler_nobody_runs_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_engine, "CONNECT_SECONDS", 1)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with sample_paths() as paths:
        outcome = CliRunner().invoke(
            main, ["audit", str(paths[0]), "-q", "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}"]
        )
    assert outcome.exit_code == 2
    line = f"crm-audit: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
    assert outcome.output.startswith(line), outcome.output
    assert outcome.output.count("\n") == 1 and "Traceback" not in outcome.output


def test_a_worker_that_dies_is_said_in_one_line_naming_the_file(scheduler: str) -> None:
    """A worker killed under a task (as the nanny kills one over its memory limit) fails the audit
    with the file it was reading, not a traceback. (This cluster retries no task.)"""
    with dask_engine.DaskEngine(EngineSettings(name="dask", scheduler=scheduler)) as engine:
        dying = engine.client.submit(os._exit, 1, pure=False)
        with pytest.raises(AuditorError) as raised:
            list(engine.gathered({0: dying}, lambda _: "reading exports/Lead.csv", "loading", "files read"))
    said = str(raised.value)
    assert said.startswith("a Dask worker died while reading exports/Lead.csv, most likely out of memory")
    assert "--memory-per-worker" in said and "\n" not in said


# Run in a process of its own: distributed's gather, retried each time the worker dies, recurses
# deep enough to leave CPython 3.11's parser broken in that process (SystemError: AST constructor
# recursion depth mismatch), which would fail every later import that pytest rewrites.
_KILLS_ITS_WORKER = """
import logging, os, sys
import distributed
from auditor.engines import EngineSettings, dask_engine
from auditor.errors import AuditorError

class DiesWhenSent:
    # A result whose worker dies sending it, as one dies serialising a result past its limit.
    def __reduce__(self):
        os._exit(1)

def dies_when_sent():
    return DiesWhenSent()

if __name__ == "__main__":
    dask_engine.WATCH_SECONDS, dask_engine.WORKERS_LOST = 0.5, 2
    dask_engine.STALLED_CHECKS = 20
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, memory_limit="1GiB",
                                 dashboard_address=":0", silence_logs=logging.CRITICAL, host="127.0.0.1") as cluster,
        dask_engine.DaskEngine(EngineSettings(name="dask", scheduler=cluster.scheduler_address)) as engine,
    ):
        sent = engine.client.submit(dies_when_sent, pure=False)
        try:
            list(engine.gathered({0: sent}, lambda _: "reading exports/Lead.csv", "loading", "files read"))
        except AuditorError as error:
            print("said:", error)
"""


def test_a_result_that_kills_its_worker_each_time_it_is_sent_is_said_in_one_line(tmp_path: Path) -> None:
    """Dask runs such a task again each time its worker is restarted, without end. The engine
    stops after `WORKERS_LOST` workers lost while it waits for one result, or, where the workers
    die faster than it looks (here in a second each) and the cluster gives up restarting them,
    once no worker is left."""
    script = tmp_path / "kills_its_worker.py"
    script.write_text(_KILLS_ITS_WORKER, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=240, check=False
    )
    said = [line for line in ran.stdout.splitlines() if line.startswith("said: ")]
    assert said, ran.stdout + ran.stderr
    stop = "(Dask workers died [0-9]+ times|no Dask worker is left)"
    assert re.match(
        f"said: {stop} while reading exports/Lead.csv[:,] .*most likely out of memory", said[0]
    ), said
    assert "--memory-per-worker" in said[0]


def test_workers_paused_at_their_memory_limit_are_said_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paused worker starts no task; where every worker stays paused the audit would wait
    forever. Here the workers pause at 1% of their memory, so at once."""
    import logging

    import dask

    monkeypatch.setattr(dask_engine, "WATCH_SECONDS", 0.3)
    monkeypatch.setattr(dask_engine, "STALLED_CHECKS", 3)
    with (
        dask.config.set({"distributed.worker.memory.pause": 0.01}),
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            memory_limit="1GiB",
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            host="127.0.0.1",
        ) as cluster,
        dask_engine.DaskEngine(EngineSettings(name="dask", scheduler=cluster.scheduler_address)) as engine,
    ):
        for _ in range(100):  # the worker's memory monitor pauses it within its first ticks
            workers = engine.client.scheduler_info()["workers"].values()
            if all(worker["status"] == "paused" for worker in workers):
                break
            time.sleep(0.1)
        stuck = engine.client.submit(sum, [1, 2], pure=False)
        with pytest.raises(AuditorError) as raised:
            list(engine.gathered({0: stuck}, lambda _: "reading exports/Lead.csv", "loading", "files read"))
    said = str(raised.value)
    assert said.startswith("every Dask worker is paused at its memory limit while reading exports/Lead.csv")
    assert "--memory-per-worker" in said and "smaller parts" in said and "\n" not in said


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_engine, "distributed", None)
    with sample_paths() as paths:
        outcome = CliRunner().invoke(main, ["audit", str(paths[0]), "-q", "--engine", "dask"])
    assert outcome.exit_code == 2
    assert (
        outcome.output
        == 'crm-audit: the Dask engine is not installed. Install it with: pip install "crm-audit[dask]"\n'
    )


def test_dask_counts_the_tables_a_worker_holds_as_their_records_weigh() -> None:
    """Else it spills nothing in time, and workers holding tables it counts as a few hundred bytes
    pause for good (benchmarks/README.md, "Out of core on the workers")."""
    from dask.sizeof import sizeof

    from auditor.api import read_file
    from auditor.terms import builtin_vocabulary

    with sample_paths() as paths:
        lead = next(path for path in paths if path.name == "salesforce_Lead.csv")
        tables = read_file(lead, lead.name, Config(as_of=AS_OF), builtin_vocabulary())
    assert dask_engine.distributed is not None
    weighed = int(tables[0].records.memory_usage(deep=True).sum())
    assert weighed > 10_000
    assert sizeof(tables) >= weighed


def test_results_come_from_the_workers_when_the_scheduler_runs_in_this_process(scheduler: str) -> None:
    """A LocalCluster started by the caller (a notebook, bench_dask.py) has its scheduler in the
    auditing process: relaying a big table through it timed out and ran the table again without
    end (a million records, 2026-12-05). A scheduler of its own process relays as usual."""
    import logging

    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            host="127.0.0.1",
        ) as cluster,
        dask_engine.DaskEngine(EngineSettings(name="dask", scheduler=cluster.scheduler_address)) as engine,
    ):
        assert engine.client.direct_to_workers is True
        assert engine.client.submit(sum, [1, 2], pure=False).result() == 3
    with dask_engine.DaskEngine(EngineSettings(name="dask", scheduler=scheduler)) as engine:
        assert not engine.client.direct_to_workers
