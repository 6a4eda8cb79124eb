"""Loading benchmark (issue 2): our loader against `pandas.read_csv(dtype=str, keep_default_na=False)`.

    python benchmarks/bench_loading.py                      # generates benchmarks/data/1m if missing
    python benchmarks/bench_loading.py --file path/Lead.csv --repeat 3

Each measurement runs in a fresh Python process, so peak memory is that process's own high-water
mark (ru_maxrss) minus what it held after imports. Prints the time ratio (target <= 1.5) and the
peak-memory ratio to the file size (target <= 3), for the loader alone and for the whole of
step 1-4 (load, detect, map terms, normalise values) for reference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import json, resource, sys, time, gc
import pandas as pd
import auditor.loading, auditor.api, auditor.config
mode, path = sys.argv[1], sys.argv[2]
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if mode == "pandas":
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = len(frame)
elif mode == "loader":
    tables = auditor.loading.load_file(path)
    rows = sum(table.rows for table in tables)
elif mode == "loader+map":
    tables = auditor.loading.load_file(path)
    detection = auditor.api.detect_table(tables[0], auditor.config.Config())
    rows = tables[0].rows
elif mode == "steps1-4":
    frames, inputs, _, _ = auditor.api.read_inputs([path], auditor.config.Config())
    rows = sum(len(frame) for frame in frames)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": (peak - base) / 1024, "rows": rows}))
"""


def measure(mode: str, path: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=HERE / "data" / "1m" / "Lead.csv")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also time steps 1-4 (slow: phones and emails)")
    args = parser.parse_args()
    if not args.file.exists():
        from synth import generate

        generate(args.file.parent, leads=1_000_000, contacts=250_000)
    size_mb = args.file.stat().st_size / 2**20
    modes = ["pandas", "loader", "loader+map"] + (["steps1-4"] if args.full else [])
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for _ in range(args.repeat):
        for mode in modes:  # interleaved, so machine noise hits every mode alike
            results[mode].append(measure(mode, args.file))
    print(
        f"file: {args.file} ({size_mb:.0f} MiB, {int(results['pandas'][0]['rows'])} rows), {args.repeat} runs each"
    )
    baseline = statistics.median(run["seconds"] for run in results["pandas"])
    for mode in modes:
        seconds = statistics.median(run["seconds"] for run in results[mode])
        peak = max(run["peak_mb"] for run in results[mode])
        print(
            f"{mode:11} median {seconds:6.2f} s  time ratio to pandas {seconds / baseline:5.2f}  "
            f"peak {peak:7.0f} MiB  memory ratio to file {peak / size_mb:4.2f}"
        )


if __name__ == "__main__":
    main()
