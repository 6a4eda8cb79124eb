"""Where an audit runs: in this process (`local`, the default) or on a Dask cluster (`dask`).

The settings are data, like the rest of the config (`[engine]`, the CLI's `--engine`,
`--scheduler`, `--workers`, `--memory-per-worker`); the Dask engine itself lives in
`auditor.engines.dask_engine` and is imported only when it is asked for, so the local engine never
loads dask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.errors import ConfigError

ENGINES = ("local", "dask")
INSTALL_HINT = 'Install it with: pip install "crm-audit[dask]"'

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)
_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


@dataclass(frozen=True)
class EngineSettings:
    """`name`: "local" or "dask". For "dask": `scheduler`, the address of an existing cluster's
    scheduler (tcp://host:8786), or None to start a local cluster of `workers` processes (default:
    one per core) of `memory_per_worker` bytes each (default: the machine's memory shared among
    them)."""

    name: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    memory_per_worker: int | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ConfigError(f"unknown engine {self.name!r}", hint=f"Use one of: {', '.join(ENGINES)}")
        given = [
            option
            for option, value in (
                ("--scheduler", self.scheduler),
                ("--workers", self.workers),
                ("--memory-per-worker", self.memory_per_worker),
            )
            if value is not None
        ]
        if self.name == "local" and given:
            raise ConfigError(
                f"{given[0]} applies to the Dask engine", hint='Add --engine dask (name = "dask" in [engine])'
            )
        if self.scheduler is not None and len(given) > 1:
            raise ConfigError(
                f"{given[1]} sizes the local cluster, and --scheduler names an existing one",
                hint="Size that cluster's workers where it is started, or leave out --scheduler",
            )
        if self.workers is not None and not 1 <= self.workers <= 1024:
            raise ConfigError(f"--workers must be 1 to 1024, not {self.workers}")
        if self.memory_per_worker is not None and self.memory_per_worker < 64 << 20:
            raise ConfigError(
                "--memory-per-worker must be 64MiB or more", hint="Give a size such as 1.5GB or 2GiB"
            )


def parse_size(text: str | int) -> int:
    """Bytes from "1.5GB", "2GiB", "512MB", "2g" or a number of bytes, read as Dask reads memory
    limits: KB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024."""
    if isinstance(text, int):
        return text
    found = _SIZE.match(str(text))
    if not found:
        raise ConfigError(
            f"memory size {text!r} is not a size", hint="Give a size such as 1.5GB, 2GiB or 512MB"
        )
    number, unit, binary = found.groups()
    return int(float(number) * (1024 if binary else 1000) ** _POWERS[unit.lower()])


def engine_settings(
    engine: EngineSettings | str | None, default: EngineSettings | None = None
) -> EngineSettings:
    """The settings `audit(..., engine=)` runs with: given settings, an engine's name ("dask")
    with the config's other settings, or the config's own."""
    default = default or EngineSettings()
    if engine is None:
        return default
    if isinstance(engine, EngineSettings):
        return engine
    if engine == default.name:
        return default
    return EngineSettings(name=engine)
