"""Writing the reports a caller asks for, side by side when there is work enough, cores to spare and
memory enough.

The renderers are independent readers of one finished result, so on a machine with several cores the
slowest ones run in forked child processes: a fork shares the result copy-on-write, so nothing is
pickled or copied. Four reports then take about as long as the slowest of them instead of their
sum. Small audits, single-core machines and platforms without fork write in turn, and so do audits
of three quarters of a million records or more, where each writer's own memory counts.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

from auditor.api import AuditResult
from auditor.errors import AuditorError
from auditor.finding_groups import collector_paused
from auditor.memory import return_free_memory

Writer = Callable[[AuditResult, str], None]

# Work below this many records is done in turn: a fork costs more than it saves.
PARALLEL_FROM_RECORDS = 50_000
# And from this many on, in turn again: each writer holds about 0.5 GiB of its own at a million
# records, so two side by side took the process tree of the neglected-org million to 2.8-2.9 GiB,
# past the 3 GB a million-record audit is held to, where in turn it stays at 2.7 GiB (the matching
# step's peak) for 16 s more (44 s of writing instead of 28).
PARALLEL_UNTIL_RECORDS = 750_000
# Seconds each took alone on a 1.25M-record audit (450k findings), to balance the work between processes.
_COST = {"xlsx": 8.8, "json": 3.5, "normalised": 3.9, "html": 0.5}


def write_reports(
    result: AuditResult,
    *,
    html: str | Path | None = None,
    json: str | Path | None = None,
    xlsx: str | Path | None = None,
    normalised: str | Path | None = None,
) -> list[str]:
    """Write each report asked for and return their paths. Refuses any path that names an input."""
    from auditor.reporting.html_report import write_html
    from auditor.reporting.json_report import write_json
    from auditor.reporting.records_csv import write_normalised
    from auditor.reporting.xlsx_report import write_xlsx

    writers: dict[str, Writer] = {
        "json": write_json,
        "normalised": write_normalised,
        "xlsx": write_xlsx,
        "html": write_html,
    }
    wanted = {"json": json, "normalised": normalised, "xlsx": xlsx, "html": html}
    jobs = [(name, str(path), writers[name]) for name, path in wanted.items() if path]
    inputs = {Path(report.file).resolve() for report in result.inputs}
    for _, path, _ in jobs:
        if Path(path).resolve() in inputs:
            raise AuditorError(
                "an output would overwrite an input file", file=path, hint="Choose another path"
            )
    # Reports write findings, rows and cells by the hundred thousand, none of them in a cycle: the
    # cycle collector only slows them (the JSON of 380k findings: 4.0 s with it, 3.0 s without).
    with collector_paused():
        if (
            len(jobs) > 1
            and PARALLEL_FROM_RECORDS <= len(result.records) < PARALLEL_UNTIL_RECORDS
            and _can_fork()
        ):
            _write_side_by_side(result, jobs)
        else:
            for _, path, writer in jobs:
                writer(result, path)
    return [path for _, path, _ in jobs]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _write_side_by_side(result: AuditResult, jobs: list[tuple[str, str, Writer]]) -> None:
    """The costliest report in each child, up to one child per spare core; the rest here."""
    result.findings.located()  # worked out once, before the fork, for every renderer to share
    return_free_memory()
    ordered = sorted(jobs, key=lambda job: -_COST[job[0]])
    groups: list[list[tuple[str, str, Writer]]] = [[] for _ in range(min(len(jobs), os.cpu_count() or 1))]
    loads = [0.0] * len(groups)
    for job in ordered:
        lightest = loads.index(min(loads))
        groups[lightest].append(job)
        loads[lightest] += _COST[job[0]]
    context = multiprocessing.get_context("fork")
    children = []
    for group in groups[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(result, group, sender), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver, group))
    for _, path, writer in groups[0]:
        writer(result, path)
    for process, receiver, group in children:
        try:
            message = receiver.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            message = None
        process.join()
        if message or process.exitcode != 0:
            names = ", ".join(path for _, path, _ in group)
            raise AuditorError(f"writing {names} failed ({message or f'exit status {process.exitcode}'})")


def _child(result: AuditResult, group: list[tuple[str, str, Writer]], sender: object) -> None:
    """Runs in the forked process: write, then send "" on success or the error's last line."""
    try:
        for _, path, writer in group:
            writer(result, path)
        sender.send("")  # type: ignore[attr-defined]
    except BaseException as error:  # report every failure to the parent, which decides
        sender.send(f"{type(error).__name__}: {error}")  # type: ignore[attr-defined]
    finally:
        sender.close()  # type: ignore[attr-defined]
