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
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from auditor.api import AuditResult
from auditor.errors import AuditorError, ConfigError, OutputTooLarge
from auditor.finding_groups import collector_paused
from auditor.loading import file_identity
from auditor.memory import return_free_memory
from auditor.reporting.folders import check_dataset_dir, check_output_folder, is_folder_output
from auditor.reporting.formats import BY_NAME, FORMATS

Writer = Callable[[AuditResult, str], None]

# Work below this many records is done in turn: a fork costs more than it saves.
PARALLEL_FROM_RECORDS = 50_000
# And from this many on, in turn again: each writer holds memory of its own in proportion to the
# findings, and side by side they would take a million-record audit past its memory bar (figures
# in benchmarks/README.md).
PARALLEL_UNTIL_RECORDS = 750_000


def write_reports(
    result: AuditResult,
    *,
    html: str | Path | None = None,
    json: str | Path | None = None,
    xlsx: str | Path | None = None,
    normalised: str | Path | None = None,
    findings_parquet: str | Path | None = None,
) -> list[str]:
    """Write each report asked for (auditor/reporting/formats.py) and return their paths.
    `normalised` naming a folder (one that exists, or ending in a slash) and `findings_parquet` are
    Parquet datasets (auditor/reporting/datasets.py). Refuses, before writing anything, the paths
    `check_outputs` refuses. A JSON or XLSX too large for its format (`too_large`) is not written:
    the rest is, and then an error names what was not and says to use the Parquet datasets."""
    wanted = {"html": html, "json": json, "xlsx": xlsx, "normalised": normalised}
    check_outputs(wanted | {"findings_parquet": findings_parquet}, [report.file for report in result.inputs])
    normalised_dataset = normalised if normalised and is_folder_output(normalised) else None
    if normalised_dataset:
        wanted["normalised"] = None
    refused = too_large(result, [name for name, path in wanted.items() if path])
    jobs = [
        (report.name, str(wanted[report.name]), _in_place(report.write))
        for report in FORMATS
        if wanted[report.name] and report.name not in refused
    ]
    # Reports write findings, rows and cells by the hundred thousand, none of them in a cycle: the
    # cycle collector only slows them (benchmarks/README.md).
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
        if normalised_dataset or findings_parquet:
            # Imported here: pyarrow.parquet costs a quarter second, for the audits that ask.
            from auditor.reporting import datasets as parquet

            if normalised_dataset:
                parquet.write_normalised_parquet(result, str(normalised_dataset))
            if findings_parquet:
                parquet.write_findings_parquet(result, str(findings_parquet))
    written = [path for _, path, _ in jobs] + [
        str(path) for path in (normalised_dataset, findings_parquet) if path
    ]
    if refused:
        raise OutputTooLarge(
            "; ".join(f"--{name} {wanted[name]} was not written: {why}" for name, why in refused.items()),
            written=written,
            hint="Write the findings with --findings-parquet DIR and the records with --normalised DIR/",
        )
    return written


# The most rows an Excel sheet holds, below its header row.
XLSX_SHEET_ROWS = 1_048_575
# The most records the findings JSON names: about 580 bytes each (measured on benchmarks/synth.py),
# so some 1.2 GB of JSON, past what a browser, jq or a JSON reader holding the whole document in
# memory takes (a V8 string stops at 0.5-1 GB). synth.py's neglected org names 0.83 records per
# record audited, so the JSON holds such an org up to about 2.4M records.
JSON_RECORDS = 2_000_000


def too_large(result: AuditResult, names: Iterable[str]) -> dict[str, str]:
    """Among the reports `names`, those that cannot hold this audit's findings, and why."""
    refused = {}
    if "json" in names:
        named = int(result.findings.located()[1].sum())
        if named > JSON_RECORDS:
            refused["json"] = (
                f"its findings name {named:,} records, more than a findings JSON is kept to ({JSON_RECORDS:,})"
            )
    if "xlsx" in names:
        rows: dict[str, int] = {}
        for group in result.findings.groups:
            rows[group.kind] = rows.get(group.kind, 0) + int(np.maximum(group.sizes(), 1).sum())
        over = {kind: count for kind, count in rows.items() if count > XLSX_SHEET_ROWS}
        if over:
            kind, count = max(over.items(), key=lambda item: item[1])
            refused["xlsx"] = (
                f"its {kind} sheet would need {count:,} rows, and an Excel sheet holds {XLSX_SHEET_ROWS:,}"
            )
    return refused


def check_outputs(
    outputs: Mapping[str, str | Path | None],
    inputs: Iterable[str | Path],
    *,
    config: str | Path | None = None,
) -> None:
    """Refuse, before any work, outputs that cannot be written or would destroy something: a path
    that is an input or the config file (by file identity, so a hard link or a symlink to an input
    counts), two outputs on one path, a folder, a parent folder that is missing or not writable.
    `outputs` maps each report's name (html, json ..., and fixes for the fix plan's folder) to its
    path."""
    inputs = list(inputs)
    protected = {file_identity(path): f"an input file ({path})" for path in inputs}
    if config:
        protected[file_identity(config)] = f"the config file ({config})"
    protected.pop(None, None)
    claimed: dict[object, str] = {}
    for name, given in outputs.items():
        if not given:
            continue
        path = Path(given)
        option = "--" + name.replace("_", "-")
        dataset = name == "findings_parquet" or (name == "normalised" and is_folder_output(given))
        folder_output = dataset or name == "fixes"
        identity = file_identity(path) or path.resolve()
        if identity in protected:
            raise ConfigError(
                f"{option} {given} would overwrite {protected[identity]}", hint="Choose another path"
            )
        if identity in claimed:
            raise ConfigError(
                f"{option} and {claimed[identity]} name the same {'path' if folder_output else 'file'} {given}",
                hint="Give each report its own path",
            )
        claimed[identity] = option
        if name == "fixes":
            check_output_folder(option, given, inputs, holds="the plan")
            continue
        if dataset:
            check_dataset_dir(option, given, inputs)
            continue
        if path.is_dir():
            raise ConfigError(f"{option} {given} is a folder", hint="Give a file name inside it")
        folder = path.resolve().parent
        if not folder.is_dir():
            raise ConfigError(f"{option} {given}: the folder {folder} does not exist", hint="Create it first")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ConfigError(
                f"{option} {given}: the folder {folder} is not writable", hint="Choose another folder"
            )


def _in_place(writer: Writer) -> Writer:
    """`writer` made to write beside the target and then replace it: a report cut short (a full
    disk, an error, Ctrl+C) never leaves half a file where the last good one was, a symlink is
    followed to the file it names and stays a link, and every report gets the permissions a new
    file gets (or keeps those of the file it replaces). Failing I/O is one plain line."""

    def write(result: AuditResult, path: str) -> None:
        target = Path(path).resolve()
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        try:
            writer(result, temporary)
            os.chmod(temporary, _mode_for(target))
            os.replace(temporary, target)
        except OSError as error:
            raise AuditorError(f"could not write {path}: {error.strerror or error}") from None
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    return write


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _write_side_by_side(result: AuditResult, jobs: list[tuple[str, str, Writer]]) -> None:
    """The costliest report in each child, up to one child per spare core; the rest here."""
    result.findings.located()  # worked out once, before the fork, for every renderer to share
    return_free_memory()
    ordered = sorted(jobs, key=lambda job: -BY_NAME[job[0]].cost)
    groups: list[list[tuple[str, str, Writer]]] = [[] for _ in range(min(len(jobs), os.cpu_count() or 1))]
    loads = [0.0] * len(groups)
    for job in ordered:
        lightest = loads.index(min(loads))
        groups[lightest].append(job)
        loads[lightest] += BY_NAME[job[0]].cost
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
