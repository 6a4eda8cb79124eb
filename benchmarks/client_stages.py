"""Where an audit's process peaks and spends its time: its RSS sampled five times a second, the
highest per step, and the seconds spent in each step.

    python benchmarks/client_stages.py DATA                 # synth.py's four CSVs, local engine
    python benchmarks/client_stages.py DATA --engine dask --parts 100000 --memory-per-worker 1.5GB

DATA is a folder `synth.py` wrote; `--parts N` audits the Parquet parts `bench_dask.py --parts N`
unloaded there (with Account.csv and User.csv). With `--engine dask` this is the client process:
a local cluster of `--workers` processes is started for the run. A step is a function of the
audit's (api.py's and matching's steps, wrapped by name for this run) or, between them, the
engine's progress step; "x+" is the time after step x until the next begins.
"""

from __future__ import annotations

import argparse
import datetime
import resource
import threading
import time
from pathlib import Path
from typing import Any

import psutil

import auditor
import auditor.api as api
import auditor.matching as matching
from auditor.config import Config
from auditor.engines import EngineSettings

API_STEPS = (
    "combine_records",
    "suggest_types",
    "match_people",
    "adopt_matched_types",
    "validate_records",
    "run_rules",
    "measure_coverage",
)
MATCHING_STEPS = ("build_features", "candidate_pairs", "train", "fit_prior", "cluster_people")


class Peaks:
    def __init__(self) -> None:
        self._step = "start"
        self.highest: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()
        self.process = psutil.Process()

    @property
    def step(self) -> str:
        return self._step

    @step.setter
    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[self._step] = self.seconds.get(self._step, 0.0) + now - self._since
        self._step, self._since = name, now

    def sample(self) -> None:
        while True:
            rss = self.process.memory_info().rss
            self.highest[self.step] = max(self.highest.get(self.step, 0), rss)
            time.sleep(0.2)

    def wrap(self, module: Any, name: str) -> None:
        function = getattr(module, name)

        def timed(*arguments: Any, **options: Any) -> Any:
            outer, self.step = self.step, name
            try:
                return function(*arguments, **options)
            finally:
                self.step = f"{name}+" if outer == "start" or outer.startswith("engine:") else outer

        setattr(module, name, timed)

    def progress(self, step: str, detail: str) -> None:
        if self.step in ("start", *(f"{name}+" for name in API_STEPS)) or self.step.startswith("engine:"):
            self.step = f"engine:{step}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-per-worker", default="1.5GB")
    parser.add_argument("--parts", type=int, default=0)
    options = parser.parse_args()
    if options.parts:
        files = sorted((options.data / f"unload-{options.parts}").glob("*.parquet"))
        files += [options.data / "Account.csv", options.data / "User.csv"]
    else:
        files = [options.data / f"{name}.csv" for name in ("Lead", "Contact", "Account", "User")]
    from dask.utils import parse_bytes

    engine = (
        EngineSettings(
            name="dask", workers=options.workers, memory_per_worker=parse_bytes(options.memory_per_worker)
        )
        if options.engine == "dask"
        else "local"
    )
    peaks = Peaks()
    for name in API_STEPS:
        peaks.wrap(api, name)
    for name in MATCHING_STEPS:
        peaks.wrap(matching, name)
    if options.engine == "dask":
        from auditor.engines import dask_engine

        # The features the workers worked out, joined here.
        peaks.wrap(dask_engine, "features_from_parts")
    threading.Thread(target=peaks.sample, daemon=True).start()
    started = time.perf_counter()
    result = auditor.audit(
        files, Config(as_of=datetime.date(2026, 11, 1)), progress=peaks.progress, engine=engine
    )
    seconds = time.perf_counter() - started
    peaks.step = "end"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    records = result.records.memory_usage(deep=True).sum() / 2**30
    print(
        f"{len(result.records):,} records ({records:.2f} GiB as a table), {seconds:.1f} s, peak {peak:.2f} GiB"
    )
    for step, rss in peaks.highest.items():
        print(f"  {rss / 2**30:6.2f} GiB  {peaks.seconds.get(step, 0.0):6.1f} s  {step}")


if __name__ == "__main__":
    main()
