"""The Dask engine against the local one: records per second and peak memory, one process and one
cluster of 1 and 2 workers, on a neglected org from `synth.py`.

    python benchmarks/bench_dask.py                                  # 200k leads + 50k contacts
    python benchmarks/bench_dask.py --leads 1000000 --contacts 250000 --memory-per-worker 3GiB
    # out of core: 5M records as a warehouse unload (Parquet parts of 250k rows), workers of 1.5 GB
    python benchmarks/bench_dask.py --leads 4000000 --contacts 1000000 --parts 250000 \
        --memory-per-worker 1.5GB --runs 1,2

`--parts N` audits Lead and Contact as a warehouse unloads them (BigQuery EXPORT DATA, Snowflake
COPY INTO, Redshift UNLOAD): Parquet part files of N rows each (Lead-00000.parquet ...), written
once from synth.py's CSVs into unload-N/ beside them. `--runs` picks the runs: 0 is the local
engine, 1 and 2 the Dask engine with that many workers.

Each run is a child process of this script, one after the other in the same run (the machine is
shared and noisy: compare within one run). A run audits Lead.csv, Contact.csv, Account.csv and
User.csv with no report (reports are the same code on either engine) and prints:

- wall seconds of `auditor.audit` and records per second;
- the peak RSS of the client process (`ru_maxrss`): the whole audit for the local engine; for the
  Dask engine the gathered records, matching and the set rules, which still run there;
- for the Dask engine, the peak RSS of each worker process, read from each worker at the end
  (a worker process is spawned for the run, so its peak is the run's);
- whether the findings equal the local engine's (the summary's counts by kind and severity, and a
  digest of every finding's rule and records), when the local engine ran;
- precision and recall per kind against what synth.py planted (planted.csv), scored as
  bench_scale.py scores them (tests/rules/scoring.py), with the lowest of each printed on the line
  and the whole table after it.

The cluster is a LocalCluster started by the child, not by the engine, so that the workers can be
asked for their peaks before it stops; its start-up is timed apart (it is a fixed cost of a few
seconds, not per record).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-01"
FILES = ("Lead", "Contact", "Account", "User")


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _digest(result) -> str:  # type: ignore[no-untyped-def]
    """The findings in one hash: every finding's rule, kind, severity and records."""
    digest = hashlib.sha256()
    for finding in result.findings:
        refs = ",".join(f"{ref.file}:{ref.row}" for ref in finding.records)
        digest.update(f"{finding.rule}|{finding.kind}|{finding.severity}|{refs}\n".encode())
    return digest.hexdigest()[:16]


def child(data: Path, workers: int, memory: str, parts: int | None) -> None:
    """One run, in its own process; prints one JSON line."""
    import datetime as dt

    import auditor
    from auditor.config import Config
    from auditor.engines import EngineSettings

    config = Config(as_of=dt.date.fromisoformat(AS_OF))
    paths = (
        sorted((data / f"unload-{parts}").iterdir()) if parts else [data / f"{name}.csv" for name in FILES]
    )
    row: dict[str, object] = {"workers": workers}
    if workers == 0:
        started = time.perf_counter()
        result = auditor.audit(paths, config)
        row["seconds"] = time.perf_counter() - started
        row["worker_peaks"] = []
    else:
        import logging

        import distributed

        started = time.perf_counter()
        with (
            distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                memory_limit=memory,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            row["cluster_start"] = time.perf_counter() - started
            settings = EngineSettings(name="dask", scheduler=cluster.scheduler_address)
            started = time.perf_counter()
            result = auditor.audit(paths, config, engine=settings)
            row["seconds"] = time.perf_counter() - started
            row["worker_peaks"] = sorted(client.run(_peak_rss).values())
    row["records"] = len(result.records)
    row["client_peak"] = _peak_rss()
    row["findings"] = len(result.findings)
    row["digest"] = _digest(result)
    row["kinds"] = _kind_scores(result, data / "planted.csv")
    print(json.dumps(row))


def _kind_scores(result, planted: Path) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Per kind, precision and recall of the records its findings count for, against planted.csv."""
    sys.path.insert(0, str(HERE))
    from bench_scale import planted_scores

    return planted_scores(
        ((finding.kind, [str(ref.id) for ref in finding.records]) for finding in result.findings), planted
    )


def write_unload(data: Path, rows: int) -> Path:
    """Lead and Contact as Parquet parts of `rows` rows, every column text, Account and User as
    they are: the folder a warehouse unload leaves. Streamed, so any size fits in memory."""
    import csv
    import shutil

    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder = data / f"unload-{rows}"
    if folder.exists():
        return folder
    staging = data / f".unload-{rows}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for name in ("Lead", "Contact"):
        with open(data / f"{name}.csv", encoding="utf-8", newline="") as handle:
            columns = next(csv.reader(handle))
        reader = pacsv.open_csv(
            data / f"{name}.csv",
            read_options=pacsv.ReadOptions(block_size=1 << 26),
            convert_options=pacsv.ConvertOptions(
                column_types={column: pa.string() for column in columns}, strings_can_be_null=False
            ),
        )
        part, written, writer = 0, 0, None
        for batch in reader:
            start = 0
            while start < batch.num_rows:
                if writer is None or written == rows:
                    if writer is not None:
                        writer.close()
                    writer = pq.ParquetWriter(staging / f"{name}-{part:05d}.parquet", batch.schema)
                    part, written = part + 1, 0
                take = min(rows - written, batch.num_rows - start)
                writer.write_batch(batch.slice(start, take))
                start, written = start + take, written + take
        if writer is not None:
            writer.close()
    for name in ("Account", "User"):
        shutil.copyfile(data / f"{name}.csv", staging / f"{name}.csv")
    staging.rename(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--data", type=Path, help="a folder synth.py wrote (default: benchmarks/data/<size>)")
    parser.add_argument("--memory-per-worker", default="3GiB")
    parser.add_argument("--parts", type=int, help="audit Lead and Contact as Parquet parts of this many rows")
    parser.add_argument("--runs", default="0,1,2", help="0: the local engine; N: Dask with N workers")
    parser.add_argument("--child", nargs=2, metavar=("DATA", "WORKERS"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(Path(arguments.child[0]), int(arguments.child[1]), arguments.memory_per_worker, arguments.parts)
        return
    data = arguments.data or HERE / "data" / f"dask-{arguments.leads}-{arguments.contacts}"
    if not (data / "Lead.csv").exists():
        sys.path.insert(0, str(HERE))
        import synth

        print(
            f"generating {arguments.leads:,} leads and {arguments.contacts:,} contacts into {data}",
            flush=True,
        )
        synth.generate(data, leads=arguments.leads, contacts=arguments.contacts)
    if arguments.parts:
        print(f"unloaded as Parquet parts into {write_unload(data, arguments.parts)}", flush=True)
    rows = []
    for workers in (int(run) for run in arguments.runs.split(",")):
        command = [
            sys.executable,
            __file__,
            "--child",
            str(data),
            str(workers),
            "--memory-per-worker",
            arguments.memory_per_worker,
            *(["--parts", str(arguments.parts)] if arguments.parts else []),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"the run with {workers} worker(s) failed:\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(_line(rows[-1], rows[0]), flush=True)
    sys.path.insert(0, str(HERE.parent))
    from tests.rules.scoring import table

    for row in rows:
        engine = "local" if row["workers"] == 0 else f"dask, {row['workers']} worker(s)"
        print(f"\nper kind, against what synth.py planted ({engine}):\n{table(row['kinds'])}")


def _line(row: dict, local: dict) -> str:
    gib = 1 << 30
    engine = "local" if row["workers"] == 0 else f"dask, {row['workers']} worker(s)"
    said = (
        f"{engine:<18} {row['records']:>9,} records  {row['seconds']:7.1f} s  "
        f"{row['records'] / row['seconds']:>9,.0f} records/s  client peak {row['client_peak'] / gib:5.2f} GiB"
    )
    if row["workers"]:
        peaks = ", ".join(f"{peak / gib:.2f}" for peak in row["worker_peaks"])
        said += f"  worker peaks {peaks} GiB  (cluster start {row['cluster_start']:.1f} s)"
        if local["workers"] == 0:
            said += "  same findings" if row["digest"] == local["digest"] else "  FINDINGS DIFFER"
    scored = [score for score in row["kinds"].values() if score.get("planted")]
    if scored:
        said += (
            f"  lowest precision {min(score['precision'] for score in scored):.4f},"
            f" recall {min(score['recall'] for score in scored):.4f}"
        )
    return said


if __name__ == "__main__":
    main()
