"""Scale benchmark: the whole crm-audit run against splink 5 (DuckDB) deduplicating the same files.

    python benchmarks/bench_scale.py                      # uses benchmarks/data/1m, generates it if missing
    python benchmarks/bench_scale.py --data DIR --out benchmarks/results/scale.txt

Both contestants run as child processes of this script, one after the other in the same run (the
machine is shared and noisy, so only the ratio of one run means much). For each it prints the wall
time and the peak memory of the child's whole process tree (crm-audit's report writers are forked
processes: their proportional set sizes are summed, see run_child), and for both the pairwise
precision and recall of lead-contact links against the generator's truth.csv. For crm-audit it
also prints the same-person pairs against people.csv and, per kind of finding, precision and
recall against what synth.py planted (planted.csv).

crm-audit: `crm-audit audit Lead.csv Contact.csv Account.csv User.csv --as-of 2026-11-01 --html
--json --xlsx --normalised`: load, detect, map, normalise, who-is-who, matching, every rule, every
report.

splink: the same two CSVs read by DuckDB, names/email/phone lower-cased and stripped in SQL, the
blocking rules the issue names (email; phone; last name + company; first + last name), u by random
sampling, m by EM on two blocking rules, predict, connected components at probability 0.9. This is
splink's own tutorial recipe; it does not write reports.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the scoring the tests use
from tests.rules.scoring import flagged_by_kind, precision_recall, table  # noqa: E402

# The audit date the generator ages its records against (synth.AS_OF).
AS_OF = "2026-11-01"


def run_child(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak memory in GiB and exit status of one child process.

    The memory is the process tree's: crm-audit forks report writers, which share the parent's pages
    until either writes to them. The tree's proportional set size (each shared page split between the
    processes sharing it) is sampled every 0.1 s and the highest sum kept; the child's own peak RSS
    (`os.wait4`) is a floor, for a process that ends between two samples."""
    import psutil

    start = time.perf_counter()
    peak = 0
    with open(cwd / "stdout.txt", "wb") as out, open(cwd / "stderr.txt", "wb") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        root = psutil.Process(process.pid)
        while True:
            ended, status, usage = os.wait4(process.pid, os.WNOHANG)
            if ended:
                break
            peak = max(peak, _tree_pss(root))
            time.sleep(0.1)
    wall = time.perf_counter() - start
    # Linux reports ru_maxrss in kilobytes.
    return wall, max(peak / 2**30, usage.ru_maxrss / 1024**2), os.waitstatus_to_exitcode(status)


def _tree_pss(root: object) -> int:
    import psutil

    total = 0
    try:
        processes = [root, *root.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # it ended meanwhile
            total += process.memory_full_info().pss
    return total


def splink_dedupe(data: Path, out: Path) -> None:
    """Runs inside the child process: splink 5 with DuckDB over Lead.csv + Contact.csv."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    connection = duckdb.connect()
    lead, contact = data / "Lead.csv", data / "Contact.csv"
    connection.execute(
        f"""
        CREATE TABLE people AS
        SELECT Id AS unique_id, lower(trim(FirstName)) AS first_name, lower(trim(LastName)) AS last_name,
               nullif(lower(trim(Email)), '') AS email,
               nullif(regexp_replace(Phone, '[^0-9]', '', 'g'), '') AS phone,
               nullif(lower(trim(Company)), '') AS company, lower(Country) AS country
        FROM read_csv('{lead}', all_varchar=true)
        UNION ALL
        SELECT Id, lower(trim(FirstName)), lower(trim(LastName)), nullif(lower(trim(Email)), ''),
               nullif(regexp_replace(Phone, '[^0-9]', '', 'g'), ''), NULL, lower(MailingCountry)
        FROM read_csv('{contact}', all_varchar=true)
        """
    )
    api = DuckDBAPI(connection)
    table = api.register("people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("company", [0.9]),
            cl.ExactMatch("country"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "company"),
            block_on("first_name", "last_name"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(table, settings, log_level=30)
    linker.training.estimate_probability_two_random_records_match([block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    frame = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").df()
    frame.to_csv(out / "splink_clusters.csv", index=False)


def pairwise_scores(ids: pd.Series, clusters: pd.Series, truth: pd.DataFrame) -> tuple[float, float, int]:
    """Precision and recall of lead-contact pairs implied by clusters, against the planted truth."""
    frame = pd.DataFrame({"id": ids.astype(str), "cluster": clusters.astype(str)})
    frame = frame[frame["cluster"].notna() & (frame["cluster"] != "") & (frame["cluster"] != "nan")]
    sizes = frame.groupby("cluster")["id"].transform("size")
    frame = frame[sizes > 1]
    leads = frame[frame["id"].str.startswith("00Q")]
    contacts = frame[frame["id"].str.startswith("003")]
    predicted = leads.merge(contacts, on="cluster", suffixes=("_lead", "_contact"))
    found = set(zip(predicted["id_lead"], predicted["id_contact"], strict=True))
    planted = set(zip(truth["lead_id"], truth["contact_id"], strict=True))
    hits = len(found & planted)
    return hits / max(len(found), 1), hits / max(len(planted), 1), len(found)


# Kinds scored against planted.csv, as the planted-export test scores them (tests/rules/scoring.py).
SCORED_KINDS = (
    "duplicate", "lead_is_contact", "customer_as_lead", "partner_as_lead", "employee_as_lead",
    "converted_lead_open", "stale_lead", "invalid_email", "mistyped_email_domain", "invalid_phone", "unreachable", "placeholder",
    "suspicious_value", "missing_required", "type_mismatch", "lifecycle_conflict", "unmapped_label",
)  # fmt: skip


def kind_scores(report: Path, planted: Path) -> dict[str, dict[str, float]]:
    """`planted_scores` of the findings of a findings JSON."""
    with open(report, encoding="utf-8") as handle:
        findings = json.load(handle)["findings"]
    return planted_scores(
        ((finding["kind"], [str(record.get("id")) for record in finding["records"]]) for finding in findings),
        planted,
    )


def planted_scores(findings: Iterable[tuple[str, list[str]]], planted: Path) -> dict[str, dict[str, float]]:
    """Per kind: planted, flagged, precision and recall of the records the findings (kind, ids of
    the records named) count for, against the generator's planted.csv (kinds it plants none of
    score every finding as wrong)."""
    truth = pd.read_csv(planted, dtype=str)
    flagged = flagged_by_kind(findings, SCORED_KINDS)
    wanted = {kind: set(ids) for kind, ids in truth.groupby("kind")["id"]}
    return precision_recall(flagged, wanted)


def same_person_scores(records: Path, people: Path) -> str:
    """Pairwise precision and recall of the records put in one cluster (any roles), against people.csv."""
    clusters = pd.read_csv(records, usecols=["source_id", "duplicate_cluster"], dtype=str).dropna()
    truth = pd.read_csv(people, dtype=str)
    found = _pairs(clusters["source_id"], clusters["duplicate_cluster"])
    wanted = _pairs(truth["id"], truth["person"])
    hits = len(found & wanted)
    precision, recall = hits / max(len(found), 1), hits / max(len(wanted), 1)
    return f"same person (pairs of records): found {len(found)}, planted {len(wanted)}, precision {precision:.4f}, recall {recall:.4f}"


def _pairs(ids: pd.Series, groups: pd.Series) -> set[tuple[str, str]]:
    frame = pd.DataFrame({"id": ids.to_numpy(), "group": groups.to_numpy()})
    frame = frame[frame.groupby("group")["id"].transform("size") > 1]
    joined = frame.merge(frame, on="group")
    joined = joined[joined["id_x"] < joined["id_y"]]
    return set(zip(joined["id_x"], joined["id_y"], strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "1m")
    parser.add_argument("--work", type=Path, default=Path("/tmp/crm-audit-scale"))
    parser.add_argument("--out", type=Path, default=HERE / "results" / "scale.txt")
    parser.add_argument("--only", choices=["audit", "splink"], help="run one contestant")
    parser.add_argument("--splink-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data.resolve()
    work = args.work.resolve()
    if args.splink_child:
        splink_dedupe(data, work)
        return
    if not (data / "planted.csv").exists():
        from synth import generate

        generate(data, leads=1_000_000, contacts=250_000)
    work.mkdir(parents=True, exist_ok=True)
    truth = pd.read_csv(data / "truth.csv", dtype=str)
    lines = [
        f"data: {data} (Lead.csv + Contact.csv; crm-audit also reads Account.csv and User.csv, as a user "
        f"auditing the org's export folder would), {len(truth)} lead-contact pairs of one person"
    ]
    timings: dict[str, float] = {}
    if args.only in (None, "audit"):
        audit_dir = work / "audit"
        audit_dir.mkdir(exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "auditor",
            "audit",
            str(data / "Lead.csv"),
            str(data / "Contact.csv"),
            str(data / "Account.csv"),
            str(data / "User.csv"),
            "--as-of",
            AS_OF,
            "--html",
            "report.html",
            "--json",
            "report.json",
            "--xlsx",
            "report.xlsx",
            "--normalised",
            "records.csv",
            "--fail-on",
            "never",
            "--quiet",
        ]
        wall, peak, status = run_child(command, audit_dir)
        timings["audit"] = wall
        records = pd.read_csv(
            audit_dir / "records.csv", usecols=["source_id", "duplicate_cluster"], dtype=str
        )
        precision, recall, found = pairwise_scores(records["source_id"], records["duplicate_cluster"], truth)
        lines.append(
            f"crm-audit (whole audit, 4 reports): {wall:7.1f} s wall, peak memory {peak:.2f} GiB, exit {status}; "
            f"lead-contact pairs found {found}, precision {precision:.4f}, recall {recall:.4f}"
        )
        lines.append("  " + same_person_scores(audit_dir / "records.csv", data / "people.csv"))
        lines.append("  per kind, against what the generator planted (planted.csv):")
        lines.append(table(kind_scores(audit_dir / "report.json", data / "planted.csv")))
    if args.only in (None, "splink"):
        splink_dir = work / "splink"
        splink_dir.mkdir(exist_ok=True)
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--splink-child",
            "--data",
            str(data),
            "--work",
            str(splink_dir),
        ]
        wall, peak, status = run_child(command, splink_dir)
        timings["splink"] = wall
        if status == 0:
            clusters = pd.read_csv(splink_dir / "splink_clusters.csv", dtype=str)
            precision, recall, found = pairwise_scores(clusters["unique_id"], clusters["cluster_id"], truth)
            quality = f"lead-contact pairs found {found}, precision {precision:.4f}, recall {recall:.4f}"
        else:
            quality = (splink_dir / "stderr.txt").read_text()[-300:]
        lines.append(
            f"splink 5 + DuckDB (dedupe only):    {wall:7.1f} s wall, peak memory {peak:.2f} GiB, "
            f"exit {status}; {quality}"
        )
    if len(timings) == 2:
        lines.append(
            f"ratio crm-audit / splink: {timings['audit'] / timings['splink']:.2f} (bar, issue 13: <= 0.60; "
            "peak memory of crm-audit's process tree <= 3 GB = 2.79 GiB)"
        )
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
