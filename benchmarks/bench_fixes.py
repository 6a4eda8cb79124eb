"""Fix-plan benchmark (issue 17): `--fixes` on the neglected org of `synth.py`, against the audit
it plans from.

    python benchmarks/bench_fixes.py                 # 1M leads, 250k contacts (benchmarks/data/1m)
    python benchmarks/bench_fixes.py --leads 100000  # benchmarks/data/fixes-100000, made on first use

Prints the audit's time, then the plan's and each part's (before/, plan.json, import files, clean
set) as write_fixes spends it, the sizes written, the actions per type, and the process's peak
memory after the audit and after the plan. The bar: writing the plan takes no longer than the audit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth", HERE / "synth.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _size_mib(path: Path) -> float:
    files = [path] if path.is_file() else [part for part in path.rglob("*") if part.is_file()]
    return sum(part.stat().st_size for part in files) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument(
        "--out", type=Path, default=None, help="where the plan goes (default: beside the data)"
    )
    options = parser.parse_args()
    contacts = options.leads // 4
    data = HERE / "data" / ("1m" if options.leads == 1_000_000 else f"fixes-{options.leads}")
    if not (data / "Lead.csv").exists():
        print(f"generating {options.leads:,} leads and {contacts:,} contacts in {data}", flush=True)
        _synth().generate(data, leads=options.leads, contacts=contacts)

    from auditor.api import audit
    from auditor.config import Config
    from auditor.fixes import writing

    exports = sorted(
        path for path in data.glob("*.csv") if path.name not in ("planted.csv", "truth.csv", "people.csv")
    )
    config = Config(as_of=dt.date(2026, 11, 1), internal_domains=("vantagelabs.io",))
    started = time.perf_counter()
    result = audit(exports, config)
    audited = time.perf_counter() - started
    print(
        f"audit: {len(result.records):,} records, {len(result.findings):,} findings in {audited:.1f} s; "
        f"peak {_peak_gib():.2f} GiB"
    )

    # Each part timed where write_fixes calls it, so the figures add up to the whole.
    spent: dict[str, float] = {}

    def timed(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - began

        return run

    for name in ("plan_from", "_write_before", "_write_plan", "write_imports", "write_clean", "_move_in"):
        setattr(writing, name, timed(name, getattr(writing, name)))
    folder = options.out or data.parent / f"{data.name}-fixes"
    started = time.perf_counter()
    fixes = writing.write_fixes(result, folder)
    whole = time.perf_counter() - started
    print(f"write_fixes: {whole:.1f} s ({whole / audited:.2f} of the audit); peak {_peak_gib():.2f} GiB")
    for name, seconds in spent.items():
        print(f"  {name:14} {seconds:6.1f} s")
    print("  actions:", ", ".join(f"{kind} {count:,}" for kind, count in sorted(fixes.count().items())))
    for part in ("plan.json", "before", "import", "clean"):
        if (folder / part).exists():
            print(f"  {part:10} {_size_mib(folder / part):8.1f} MiB")


if __name__ == "__main__":
    main()
