"""Where an audit runs is settled before any file is read: `[engine]`, the command line over it, and
one line for what cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor
from auditor.cli import main
from auditor.config import Config, load_config
from auditor.demo import sample_paths
from auditor.engines import EngineSettings, engine_settings, parse_size
from auditor.errors import ConfigError


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("1.5GB", 1_500_000_000),
        ("2GiB", 2 << 30),
        ("512MB", 512_000_000),
        ("64 MiB", 64 << 20),
        ("2g", 2_000_000_000),
    ],
)
def test_sizes_are_read_as_dask_reads_them(written: str, size: int) -> None:
    assert parse_size(written) == size


def test_the_engine_section_of_the_config(tmp_path: Path) -> None:
    path = tmp_path / "audit.toml"
    path.write_text('[engine]\nname = "dask"\nworkers = 3\nmemory_per_worker = "1.5GiB"\n')
    assert load_config(path).engine == EngineSettings(name="dask", workers=3, memory_per_worker=3 << 29)
    assert Config().engine == EngineSettings()  # local, the default


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ('name = "spark"', "unknown engine 'spark'. Use one of: local, dask"),
        ("workers = 2", 'workers applies to the Dask engine. Add --engine dask (name = "dask" in [engine])'),
        ('name = "dask"\nworkers = "two"', "workers must be a whole number, not 'two'"),
        ('name = "dask"\nmemory_per_worker = "lots"', "memory size 'lots' is not a size"),
        ('name = "dask"\nmemory_per_worker = "1MB"', "--memory-per-worker must be 64MiB or more"),
        ('name = "dask"\nthreads = 4', "unknown setting 'threads' in [engine]"),
        ('name = "dask"\nscheduler = "tcp://h:8786"\nworkers = 2', "--workers sizes the local cluster"),
    ],
)
def test_a_wrong_engine_section_is_refused_naming_it(tmp_path: Path, section: str, said: str) -> None:
    path = tmp_path / "audit.toml"
    path.write_text(f"[engine]\n{section}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert said in str(raised.value) and str(raised.value).startswith(str(path))


def test_the_api_takes_an_engine_by_name_or_by_settings() -> None:
    dask = EngineSettings(name="dask", workers=2)
    assert engine_settings("dask", dask) is dask  # the config's own settings for that engine
    assert engine_settings("dask") == EngineSettings(name="dask")
    assert engine_settings("local", dask) == EngineSettings()
    assert engine_settings(None, dask) is dask
    with pytest.raises(ConfigError):
        auditor.audit([], Config(), engine="spark")


def test_the_command_line_over_the_config(tmp_path: Path) -> None:
    """--engine local runs here even when the config names a Dask cluster; the Dask options alone
    are refused in one line before any file is read."""
    config = tmp_path / "audit.toml"
    config.write_text('[engine]\nname = "dask"\nscheduler = "tcp://127.0.0.1:1"\n')
    runner = CliRunner()
    with sample_paths() as paths:
        sample = str(paths[0])
        local = runner.invoke(main, ["audit", sample, "-q", "--config", str(config), "--engine", "local"])
        assert local.exit_code in (0, 1), local.output
        for options, said in (
            (["--workers", "2"], "crm-audit: --workers applies to the Dask engine. Add --engine dask"),
            (["--memory-per-worker", "2GiB"], "crm-audit: --memory-per-worker applies to the Dask engine"),
            (
                ["--engine", "dask", "--memory-per-worker", "much"],
                "crm-audit: memory size 'much' is not a size",
            ),
            (
                ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
                "crm-audit: --workers sizes the local cluster, and --scheduler names an existing one",
            ),
        ):
            refused = runner.invoke(main, ["audit", sample, "-q", *options])
            assert refused.exit_code == 2 and refused.output.startswith(said), refused.output
            assert refused.output.count("\n") == 1
