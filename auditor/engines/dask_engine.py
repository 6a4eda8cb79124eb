"""The Dask engine: the audit's per-table steps and the comparison of candidate pairs on the workers
of a Dask cluster.

What runs where, today:

- On the workers, one task per input file, with the functions the local engine calls: loading as
  text (`auditor.loading`), detection, mapping terms and normalising (`auditor.api.read_file`),
  reading the national phone numbers by the country the audit settles on
  (`auditor.normalising.read_waiting_phones`), the row rules' checks on each whole input
  table (`auditor.checking.row_rule_masks`), and matching's per-record work: each table's text
  features normalised and factorised (`auditor.matching.features.FeaturePart`). A finished table
  comes back in slices of `ROWS_HANDED_BACK` records, so sending it never costs its worker the
  table a second time. Inputs are local paths the workers can read (the same path on every
  machine: a shared disk) or fsspec URLs, which each worker fetches itself.
- In this process, over what the workers send back: the choice of the phone regions (from each
  table's country counts), who-is-who's evidence, and the features joined from the tables' parts
  (`features_from_parts`: vocabularies joined, and what needs every person: the names' groups and
  skeletons, the values several people share).
- On the workers: blocking (`DaskEngine.block`), in the steps of `auditor.matching.blocking`: key
  rows per slice of the people, sent by key to buckets, blocks per bucket, pairs sent by range and
  merged per range; this process decides the too-common guard from each bucket's block counts and
  receives the candidates.
- On the workers again: the comparison of the candidate pairs (`evaluate_pairs`, the costliest
  kernels of matching), a part of the pairs to each task, each part sent with the features of its
  own people only (`Features.of_pairs`): a worker's memory grows with the part, not the org.
  Each part's levels stay on its worker (`PairsOnWorkers`), which also weighs them once the model
  is trained; what comes back is what matching keeps (`auditor.matching.compared`): for EM, how
  often each pattern of levels occurs among each training rule's pairs (a few thousand patterns,
  counted on the workers over every pair), a number per candidate for the prior, and the pairs
  that may join a cluster or go to review.
- In this process: EM over those counts, the prior, clustering, the set rules, the coverage and
  the reports.

The normalised records and the matching features are held here for that, so this process's memory
still bounds the size of the org an audit can take (issue 18).

The findings are exactly the local engine's (tests/engines/test_parity.py): the same functions run
on the same tables, numbered in the same order, and each pair's levels are its own.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import operator
import os
import re
import shutil
import socket
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from auditor.api import (
    EXPORT_SUFFIXES,
    InputReport,
    Progress,
    ReadInputs,
    SeenFiles,
    TableRead,
    expand_folders,
    note_evidence,
    read_file,
)
from auditor.checking import RuleSet, row_rule_masks
from auditor.config import Config
from auditor.engines import INSTALL_HINT, EngineSettings
from auditor.errors import AuditorError, ConfigError, first_line
from auditor.evidence import Evidence
from auditor.loading import written_by_crm_audit
from auditor.matching.blocking import (
    BlockingRule,
    Blocks,
    Candidates,
    Cut,
    KeyRows,
    Skipped,
    block_counts,
    blocks_of,
    buckets_of,
    budget_cut,
    candidate_pairs,
    candidates_of,
    key_fits,
    key_rows,
    merged,
    ranges_of,
    rule_budget,
    rule_pairs,
)
from auditor.matching.compared import (
    Kept,
    capped_evidence,
    evidence_of,
    joined_per_rule,
    kept_pairs,
    lifted_by_floors,
    patterns_found,
)
from auditor.matching.comparisons import PAIRS_AT_A_TIME, Comparison, evaluate_cut_pairs
from auditor.matching.estimating import Model
from auditor.matching.features import FeaturePart, Features, PairFeatures, features_from_parts
from auditor.memory import return_free_memory
from auditor.model import people
from auditor.normalising import (
    countries_held,
    note_phones_read,
    phone_regions,
    read_by_default,
    read_waiting_phones,
    waiting_phones,
)
from auditor.phones import known_region
from auditor.terms import UnmappedLabel, builtin_vocabulary
from auditor.wording import Words

try:
    import distributed
    from dask.sizeof import sizeof
except ImportError:  # the `dask` extra is optional; `DaskEngine` says how to install it
    distributed = None  # type: ignore[assignment]
else:
    # What a worker holds of a table it read, as Dask counts memory: without this Dask sees a few
    # hundred bytes per table, spills nothing in time, and a worker of 1.5 GB holding tables of
    # 250k records pauses for good.
    @sizeof.register(TableRead)
    def _table_size(table: TableRead) -> int:
        evidence = table.evidence[1] if table.evidence is not None else None
        return 1_000 + sum(sizeof(frame) for frame in (table.records, evidence) if frame is not None)


_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# How long to wait for a scheduler named by --scheduler to answer before saying it cannot be reached.
CONNECT_SECONDS = 10
# Parts of the candidate pairs sent out per worker at a time: one running, one waiting to start.
PARTS_IN_FLIGHT = 2
# Blocking cuts the people into slices (and the keys into as many buckets, the pairs into as many
# ranges) of about this many people, two per worker at least: a slice's key rows for one rule
# are some tens of megabytes.
PEOPLE_PER_SLICE = 500_000
# How often a step with nothing finished looks at the workers, and how many looks that find them all
# paused at their memory limit say that nothing will run again (a paused worker that frees memory
# resumes within seconds).
WATCH_SECONDS = 20.0
STALLED_CHECKS = 6
# Workers lost (restarted by their nannies) while one result is awaited before the audit says so.
WORKERS_LOST = 3
# A finished table comes back to this process in slices of this many records (some 90 MB): a worker
# serialises what it sends, so a slice costs it a slice, where a whole table cost it the table again.
ROWS_HANDED_BACK = 100_000


class DaskEngine:
    """A Dask cluster for one audit (`EngineSettings` say which), open while used as a context
    manager: `read` does `auditor.api.read_inputs`' work on its workers (and what it brings back
    makes matching's features: a `Featuriser`), `block` finds the candidate pairs there (a
    `Blocker` for `match_people`) and `compare` compares them (a `PairComparer`)."""

    def __init__(self, settings: EngineSettings, *, progress: Progress | None = None) -> None:
        if distributed is None:
            raise ConfigError("the Dask engine is not installed", hint=INSTALL_HINT)
        self.settings = settings
        self.say = progress or (lambda step, detail: None)
        self._open = contextlib.ExitStack()
        self.client: Any = None

    def __enter__(self) -> DaskEngine:
        self.client = self._open.enter_context(_cluster(self.settings, self.say))
        return self

    def __exit__(self, *exception: object) -> None:
        self.client = None
        self._open.close()

    @property
    def workers(self) -> int:
        return len(_worker_addresses(self.client))

    def read(
        self,
        paths: Iterable[str | Path],
        config: Config,
        ruleset: RuleSet,
        *,
        display_names: Sequence[str] | None = None,
    ) -> ReadOnWorkers:
        """What `auditor.api.read_inputs` reads, read by the workers, with where each row rule of
        `ruleset` passes and the text features of the people read (`ReadOnWorkers`)."""
        return _Reading(self, config, ruleset).read(_sources(paths, display_names))

    def compare(
        self, comparisons: list[Comparison], features: Features, left: np.ndarray, right: np.ndarray
    ) -> PairsOnWorkers:
        """`evaluate_pairs` over the candidate pairs, a part of them to each task, each part's
        levels kept on the worker that compared it (`PairsOnWorkers`). A part travels with the
        features of its own people only (`Features.of_pairs`), so a worker's memory grows with the
        part, not with the org; at most `PARTS_IN_FLIGHT` parts per worker are out at a time, so
        this process never holds every part's features at once."""
        if not len(left):
            return PairsOnWorkers(self, len(comparisons), [])
        workers = max(self.workers, 1)
        # Parts as large as evaluate_pairs' own (a smaller part costs more per pair: 8 parts of
        # 120k pairs took 1.3x the time of the whole), but one for each worker at least.
        size = max(1, min(PAIRS_AT_A_TIME, -(-len(left) // workers)))
        waiting = iter(range(0, len(left), size))
        parts = -(-len(left) // size)

        def send(start: int) -> Any:
            cut = features.of_pairs(left[start : start + size], right[start : start + size])
            # Scattered, not put in the task: tens of megabytes inside a task graph travel through
            # the scheduler, and Dask warns the user of each one.
            held = self.client.scatter(cut, hash=False)
            future = self.client.submit(_compare_part, comparisons, held, pure=False)
            started[future.key] = start
            scattered[future.key] = held
            return future

        def doing(future: Any) -> str:
            start = started[future.key]
            return f"comparing candidate pairs {start:,} to {min(start + size, len(left)):,}"

        def refill() -> Any:
            following = next(waiting, None)
            return None if following is None else send(following)

        started: dict[str, int] = {}
        scattered: dict[str, Any] = {}
        compared: list[_Part] = []
        first = [send(start) for start in itertools.islice(waiting, PARTS_IN_FLIGHT * workers)]
        self.say("comparing", f"0 of {parts} parts of the candidate pairs compared")
        for done, future in enumerate(self._finished(first, doing, refill), 1):
            start = started[future.key]
            self._failed(future, doing(future))
            scattered.pop(future.key).release()
            compared.append(_Part(start, min(size, len(left) - start), future))
            self.say("comparing", f"{done} of {parts} parts of the candidate pairs compared")
        return PairsOnWorkers(self, len(comparisons), sorted(compared, key=lambda part: part.start))

    def block(
        self,
        features: Features,
        rules: Sequence[BlockingRule],
        *,
        max_block_size: int,
        max_pairs_per_record: float,
    ) -> Candidates:
        """`candidate_pairs` on the workers (a `Blocker` for `match_people`): per rule, each slice
        of the people's key rows sent by key to buckets, so that every block lands whole in one;
        the too-common guard decided here over every bucket's counts of blocks per size; each
        bucket's pairs sent by range, and each range's pairs merged where they are. What comes
        back is the candidates: this process never holds a rule's key rows or raw pairs. Every
        rule's tasks go out at once (in rule order, which Dask keeps as their priority), so this
        process waits three times in all, not three times per rule. Rules whose combined key
        passes 62 bits (none of the built-in ones) are blocked here."""
        people = len(features)
        if not people or not all(key_fits(features, rule) for rule in rules):
            return candidate_pairs(
                features, rules, max_block_size=max_block_size, max_pairs_per_record=max_pairs_per_record
            )
        parts = max(2 * max(self.workers, 1), -(-people // PEOPLE_PER_SLICE))
        slicing = _Slicing(features, np.linspace(0, people, parts + 1).astype(np.int64), {})
        blocks = {
            (index, bucket): held
            for index, rule in enumerate(rules)
            for bucket, held in enumerate(self._rule_blocks(slicing, rule))
        }

        def each(
            held: dict[tuple[int, int], Any], step: Callable[..., Any], *arguments: Any
        ) -> dict[Any, Any]:
            """`step` run on each (rule, bucket)'s task where it is."""
            asked = {
                key: self.client.submit(step, task, *arguments, pure=False) for key, task in held.items()
            }
            return dict(
                self.gathered(
                    asked, lambda key: f"blocking by {rules[key[0]].name}", "blocking", "buckets done"
                )
            )

        counted = each(blocks, block_counts, max_block_size)
        cuts = []
        for index, rule in enumerate(rules):
            budget = rule_budget(rule, people, max_pairs_per_record)
            mine = {(index, bucket): blocks[index, bucket] for bucket in range(parts)}
            cuts.append(
                budget_cut(
                    np.sum([counted[index, bucket] for bucket in range(parts)], axis=0),
                    budget,
                    lambda size, mine=mine: np.concatenate(list(each(mine, _ranks_of, size).values())),
                )
            )
        paired = {
            (index, bucket): self.client.submit(
                _bucket_pairs,
                held,
                cuts[index],
                max_block_size,
                people,
                index,
                slicing.code_bounds,
                pure=False,
            )
            for (index, bucket), held in blocks.items()
        }
        del blocks
        said = each(paired, operator.itemgetter(0))
        reports = []
        for index, rule in enumerate(rules):
            skipped = Skipped()
            for bucket in range(parts):
                skipped = skipped.add(said[index, bucket])
            reports.append(skipped.report(rule, features))
        merging = {
            number: self.client.submit(
                _merged_range,
                *(self.client.submit(_range_of, held, number, pure=False) for held in paired.values()),
                pure=False,
            )
            for number in range(parts)
        }
        del paired
        for held in slicing.codes_held.values():
            held.release()
        bounds = slicing.bounds
        found = dict(
            self.gathered(
                merging,
                lambda number: (
                    f"merging the candidate pairs of people {bounds[number]:,} to {bounds[number + 1]:,}"
                ),
                "blocking",
                "ranges merged",
            )
        )
        codes = np.concatenate([found[number][0] for number in range(parts)])
        bits = np.concatenate([found[number][1] for number in range(parts)])
        del found
        return candidates_of(codes, bits, people, reports)

    def _rule_blocks(self, slicing: _Slicing, rule: BlockingRule) -> list[Any]:
        """The tasks holding one rule's blocks, one per bucket: each slice's key rows sent by key."""
        parts, people = len(slicing.bounds) - 1, len(slicing.features)
        sizes = [slicing.features[name].size for name in rule.keys]
        sent = [
            self.client.submit(
                _slice_key_rows,
                slicing.codes(self.client, rule, number),
                sizes,
                int(slicing.bounds[number]),
                people,
                parts,
                pure=False,
            )
            for number in range(parts)
        ]
        return [
            self.client.submit(
                _bucket_blocks,
                *(self.client.submit(operator.getitem, rows, bucket, pure=False) for rows in sent),
                pure=False,
            )
            for bucket in range(parts)
        ]

    def gathered(
        self, futures: dict[Any, Any], doing: Callable[[Any], str], step: str, done_words: str
    ) -> Iterator[tuple[Any, Any]]:
        """Each future's key and result as it finishes, with the step's progress in parts done."""
        key_of = {future.key: key for key, future in futures.items()}
        self.say(step, f"0 of {len(futures)} {done_words}")
        finished = self._finished(list(futures.values()), lambda future: doing(key_of[future.key]))
        for done, future in enumerate(finished, 1):
            key = key_of[future.key]
            result = self._result(future, doing(key))
            self.say(step, f"{done} of {len(futures)} {done_words}")
            yield key, result

    def _finished(
        self, futures: list[Any], doing: Callable[[Any], str], refill: Callable[[], Any] | None = None
    ) -> Iterator[Any]:
        """The futures as they finish (after each, `refill` may send one more). Where nothing
        finishes for `STALLED_CHECKS` waits of `WATCH_SECONDS` while every worker is paused at its
        memory limit, nothing ever will (a paused worker starts no task, and one whose memory is
        not Dask's to spill stays paused): that is said in one line, not waited for."""
        pending = set(futures)
        stalled = 0
        while pending:
            try:
                with self.client.as_current():  # the engine's client is nobody's default
                    done, pending = distributed.wait(
                        list(pending), timeout=WATCH_SECONDS, return_when="FIRST_COMPLETED"
                    )
            except TimeoutError:
                stalled = stalled + 1 if self._all_paused() else 0
                if stalled >= STALLED_CHECKS:
                    raise AuditorError(
                        f"every Dask worker is paused at its memory limit while "
                        f"{doing(next(iter(pending)))}, and nothing can run",
                        hint="Give each worker more memory (--memory-per-worker), "
                        "or give a big export in smaller parts",
                    ) from None
                continue
            stalled = 0
            pending = set(pending)
            for future in done:
                yield future
                more = refill() if refill is not None else None
                if more is not None:
                    pending.add(more)

    def _all_paused(self) -> bool:
        workers = self.client.scheduler_info().get("workers", {}).values()
        return bool(workers) and all(worker.get("status") == "paused" for worker in workers)

    def _failed(self, future: Any, doing: str) -> None:
        """Say in one line why a finished task that is kept on its worker failed, if it did."""
        if future.status != "finished":
            self._result(future, doing)

    def _result(self, future: Any, doing: str) -> Any:
        """A finished task's result, the task then let go; a worker that died or a cluster lost
        is said in one line, naming what it was `doing`. Dask runs again a task whose worker died
        holding its result, and gives up on a task only when its workers die running it: a result
        that takes its worker past its memory limit each time it is sent would be run again
        without end, so the workers are watched while it is awaited (`_Watch`)."""
        watch = _Watch(self.client, future, doing)
        try:
            return future.result()
        except distributed.KilledWorker:
            raise AuditorError(
                f"a Dask worker died while {doing}, most likely out of memory",
                hint="Give each worker more memory (--memory-per-worker; reading a file takes about "
                "2.1 GB per million records of it), or give a big export in parts",
            ) from None
        except (ModuleNotFoundError, ImportError) as error:
            raise AuditorError(
                f"the Dask workers cannot run crm-audit ({first_line(error, 200)})",
                hint='Install "crm-audit[dask]" on every worker, the same version as here',
            ) from None
        except (OSError, CancelledError) as error:  # the scheduler went away, or the watch gave up
            if watch.gave_up is not None:
                raise AuditorError(
                    watch.gave_up,
                    hint="Give each worker more memory (--memory-per-worker), or check that the workers still run",
                ) from None
            raise AuditorError(
                f"lost the Dask cluster while {doing} ({first_line(error, 200)})",
                hint="Check that the scheduler and its workers still run, then audit again",
            ) from None
        finally:
            watch.stop()
            future.release()


class _Watch:
    """The workers, looked at every `WATCH_SECONDS` from a thread of its own while one result is
    awaited: once `WORKERS_LOST` workers are gone (restarted by their nannies), or no worker has
    been left for `STALLED_CHECKS` looks, the wait is cancelled and `gave_up` says why. (A timeout
    on the wait itself would also cut short a slow transfer from a distant worker.)"""

    def __init__(self, client: Any, future: Any, doing: str) -> None:
        self.gave_up: str | None = None
        self._stopped = threading.Event()
        threading.Thread(target=self._watch, args=(client, future, doing), daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _watch(self, client: Any, future: Any, doing: str) -> None:
        # The first look after `WATCH_SECONDS`: most results come in milliseconds, and ask nothing.
        seen: set[str] | None = None
        lost = alone = 0
        while not self._stopped.wait(WATCH_SECONDS):
            try:
                now = _worker_addresses(client)
            except Exception:  # no answer this time (a busy or departing scheduler): look again
                now = seen
            if now is not None:
                lost += len(seen - now) if seen is not None else 0
                seen, alone = now, 0 if now else alone + 1
            if lost >= WORKERS_LOST:
                self.gave_up = f"Dask workers died {lost} times while {doing}, most likely out of memory"
            elif alone >= STALLED_CHECKS:
                self.gave_up = (
                    f"no Dask worker is left while {doing}: they died, most likely out of memory, "
                    "or lost the scheduler"
                )
            if self.gave_up is not None:
                if not self._stopped.is_set():
                    with contextlib.suppress(Exception):  # a cluster going away: the wait says so
                        future.cancel()
                return


def _worker_addresses(client: Any) -> set[str]:
    return set(client.nthreads())  # every worker's, where scheduler_info() may list only some


@dataclass
class _Slicing:
    """The people cut into slices for blocking (`bounds`: each slice's first person, and the end),
    and each feature's codes for a slice, scattered once for every rule that reads them."""

    features: Features
    bounds: np.ndarray
    codes_held: dict[tuple[str, int], Any]

    @property
    def code_bounds(self) -> np.ndarray:
        """The first pair code (left * people + right) of each range of pairs after the first:
        the pairs of a range are those whose first person is in one slice."""
        return self.bounds[1:-1] * len(self.features)

    def codes(self, client: Any, rule: BlockingRule, number: int) -> list[Any]:
        for name in rule.keys:
            if (name, number) not in self.codes_held:
                start, stop = self.bounds[number], self.bounds[number + 1]
                self.codes_held[name, number] = client.scatter(
                    self.features[name].codes[start:stop], hash=False
                )
        return [self.codes_held[name, number] for name in rule.keys]


@dataclass
class _Part:
    """A part of the compared candidates: its first row, its size and the task that holds it."""

    start: int
    size: int
    held: Any


class PairsOnWorkers:
    """`ComparedPairs` kept on the Dask workers that compared them, a part per task: each step
    runs `auditor.matching.compared`'s kernels on each part where it is, and only what matching
    keeps comes back (EM's pattern counts, a number per candidate for the prior, the pairs that may
    join a cluster). The levels and codes of every candidate never gather in this process."""

    def __init__(self, engine: DaskEngine, width: int, parts: list[_Part]) -> None:
        self.engine = engine
        self.width = width
        self.parts = parts
        self._model: tuple[float, Any] | None = None

    def __len__(self) -> int:
        return sum(part.size for part in self.parts)

    def patterns(self, found: np.ndarray, rules: int) -> list[tuple[np.ndarray, np.ndarray]]:
        if not self.parts:
            # No candidates (people too unlike to pair): nothing to scatter, which Dask refuses.
            return joined_per_rule([], rules, self.width)
        # Each part's bits scattered with it, not put in its task (they grow with the part).
        held = self.engine.client.scatter(
            [found[part.start : part.start + part.size] for part in self.parts], hash=False
        )
        futures = {
            number: self.engine.client.submit(_patterns_found, part.held, bits, rules, pure=False)
            for number, (part, bits) in enumerate(zip(self.parts, held, strict=True))
        }
        counted = [part for _, part in self._each(futures, "training", "counting level patterns for EM")]
        for bits in held:
            bits.release()
        return joined_per_rule(counted, rules, self.width)

    def weigh(self, model: Model) -> np.ndarray:
        model_held = self._on_workers(model)
        weighed = [
            self.engine.client.submit(_weighed, part.held, model_held, pure=False) for part in self.parts
        ]
        for part, held in zip(self.parts, weighed, strict=True):
            part.held.release()  # the codes go; the levels and the evidence stay, in `held`
            part.held = held
        futures = {
            number: self.engine.client.submit(_capped, part.held, model_held, pure=False)
            for number, part in enumerate(self.parts)
        }
        capped = np.zeros(len(self))
        for number, part_capped in self._each(futures, "weighing", "weighing the candidate pairs"):
            start = self.parts[number].start
            capped[start : start + len(part_capped)] = part_capped
        return capped

    def lifted(self, model: Model, threshold: float) -> dict[str, int]:
        counts = dict.fromkeys((rule.name for rule in model.floors), 0)
        model_held = self._on_workers(model)
        futures = {
            number: self.engine.client.submit(_lifted, part.held, model_held, threshold, pure=False)
            for number, part in enumerate(self.parts)
        }
        for _, part_counts in self._each(futures, "weighing", "counting what the floors lift"):
            for name, count in part_counts.items():
                counts[name] += count
        return counts

    def kept(self, model: Model, threshold: float, wanted: np.ndarray) -> Kept:
        model_held = self._on_workers(model)
        futures = {}
        for number, part in enumerate(self.parts):
            low, high = np.searchsorted(wanted, [part.start, part.start + part.size])
            futures[number] = self.engine.client.submit(
                _kept, part.held, model_held, threshold, wanted[low:high] - part.start, pure=False
            )
        kept = [
            (self.parts[number].start, part_kept)
            for number, part_kept in self._each(futures, "weighing", "keeping the pairs that match")
        ]
        for part in self.parts:
            part.held.release()
        self.parts, self._model = [], None
        return Kept.joined(kept)

    def _on_workers(self, model: Model) -> Any:
        """The model on every worker, sent again only once its prior is fitted (its term-frequency
        tables grow with the org's vocabularies)."""
        if self._model is None or self._model[0] != model.prior:
            self._model = (model.prior, self.engine.client.scatter(model, broadcast=True, hash=False))
        return self._model[1]

    def _each(self, futures: dict[int, Any], step: str, doing: str) -> Iterator[tuple[int, Any]]:
        parts = self.parts
        return self.engine.gathered(
            futures,
            lambda number: (
                f"{doing}, candidate pairs {parts[number].start:,} to {parts[number].start + parts[number].size:,}"
            ),
            step,
            "parts done",
        )


@dataclass
class _Source:
    """One input as the workers find it: a local path (absolute, since a worker's folder is not
    ours) or a URL, and the name the findings give it."""

    where: str
    name: str
    url: bool


def _sources(paths: Iterable[str | Path], display_names: Sequence[str] | None) -> list[_Source]:
    if display_names is not None:
        return [
            _Source(str(path) if _is_url(path) else os.path.abspath(path), name, _is_url(path))
            for path, name in zip(paths, display_names, strict=True)
        ]
    sources: list[_Source] = []
    for path in paths:
        if _is_url(path):
            sources.extend(_Source(url, url, True) for url in _expand_url(str(path)))
        else:
            sources.extend(
                _Source(os.path.abspath(found), str(found), False) for found in expand_folders([path])
            )
    return sources


def _is_url(path: str | Path) -> bool:
    return isinstance(path, str) and bool(_URL.match(path))


def _expand_url(url: str) -> list[str]:
    """A URL naming a folder stands for the exports directly inside it, as a local folder does."""
    import fsspec

    try:
        filesystem, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        # fsspec names the package a protocol needs (s3fs, gcsfs, adlfs) in its message.
        raise ConfigError(
            f"{url}: cannot be read ({error})", hint="Install the filesystem package it names"
        ) from None
    try:
        if not filesystem.isdir(path):
            return [url]
        inside = sorted(
            entry
            for entry in filesystem.ls(path, detail=False)
            if Path(entry).suffix.lower() in EXPORT_SUFFIXES and not Path(entry).name.startswith(("~$", "."))
        )
    except OSError:
        return [url]  # the worker that reads it says what is wrong, as for a local path
    return [filesystem.unstrip_protocol(entry) for entry in inside] or [url]


@contextlib.contextmanager
def _cluster(settings: EngineSettings, say: Progress) -> Iterator[Any]:
    """A client of the scheduler `settings` names, or of a local cluster started for this audit
    (and stopped after it)."""
    # The cluster's own logs (a worker restarting, a port taken, a task given up after its workers
    # died) are not the user's to read: what matters reaches them as one line from this module.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    if settings.scheduler is not None:
        say("connecting", f"to the Dask scheduler at {settings.scheduler}")
        try:
            client = distributed.Client(settings.scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise AuditorError(
                f"cannot reach the Dask scheduler at {settings.scheduler} ({first_line(error, 200)})",
                hint="Check the address (tcp://HOST:8786) and that `dask scheduler` runs there, "
                "or leave out --scheduler to start a local cluster",
            ) from None
        if _scheduler_in_this_process(client):
            # A LocalCluster the caller started in this process: its scheduler shares this
            # process's interpreter, and relaying a table of a million records through it times
            # out and runs the table again, without end. Its workers are on this machine: ask them.
            client.close()
            client = distributed.Client(
                settings.scheduler, timeout=CONNECT_SECONDS, set_as_default=False, direct_to_workers=True
            )
        with client:
            yield client
        return
    workers = settings.workers or os.cpu_count() or 1
    memory: int | str = settings.memory_per_worker or "auto"
    say("starting", f"a local Dask cluster of {workers} worker(s)")
    import dask

    # Worker processes that are not daemons may start children: a legacy .xls is read in a child
    # of capped memory (auditor/loading/excel_reader.py), which a daemon could not start.
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory,
            dashboard_address=":0",  # its HTTP server starts anyway: on a free port, not 8787
            silence_logs=logging.CRITICAL,
            host="127.0.0.1",
        )
    # Results come straight from the workers, not relayed by the scheduler: the scheduler of a
    # local cluster runs in this process, and relaying fifty parts of records through it made its
    # gathers time out, log errors and run the parts again (five million records, 2 workers).
    with cluster, distributed.Client(cluster, set_as_default=False, direct_to_workers=True) as client:
        yield client


def _scheduler_in_this_process(client: Any) -> bool:
    """Whether the scheduler runs in this very process. Asked with builtins only, which any
    scheduler can run without crm-audit installed; a scheduler that runs nothing it is sent is
    taken to be elsewhere."""
    try:
        where = (client.run_on_scheduler(socket.gethostname), client.run_on_scheduler(os.getpid))
    except Exception:  # any refusal means: not this process
        return False
    return where == (socket.gethostname(), os.getpid())


@dataclass
class _TableFacts:
    """What the client needs of a table a worker read and keeps: what the inputs list says of it,
    its unmapped labels and evidence, its size, and the facts the phone regions are chosen by."""

    read: TableRead  # without its records, which stay on the worker
    audited: bool
    rows: int
    waiting: int
    countries: Counter[str]
    by_default: int


@dataclass
class ReadOnWorkers:
    """What `DaskEngine.read` brings back: what `auditor.api.read_inputs` reads (`inputs`), where
    each row rule passes over the combined records (what `run_rules(row_masks=)` takes), and the
    text features of each audited table's people, as its worker normalised and factorised them
    (matching's per-record work), until `features` joins them."""

    inputs: ReadInputs
    row_masks: list[np.ndarray]
    feature_parts: list[FeaturePart]

    def features(self, records: pd.DataFrame) -> Features:
        """Matching's features of `records`, the records read (a `Featuriser` for
        `match_people`): joined from the tables' parts, so this process only joins vocabularies
        and works out what needs every person (the names' groups and skeletons, the values
        several people share). The parts are let go once joined."""
        parts, self.feature_parts = self.feature_parts, []
        features = features_from_parts(parts)
        del parts
        if not np.array_equal(features.positions, np.flatnonzero(people(records))):
            raise RuntimeError("ReadOnWorkers.features was given other records than those read")
        return features


class _Reading:
    """One `DaskEngine.read`: the files' tasks, the phone regions settled between them, the
    records and row-rule masks gathered in the order of the files."""

    def __init__(self, engine: DaskEngine, config: Config, ruleset: RuleSet) -> None:
        self.engine = engine
        self.client = engine.client
        self.config = config
        self.ruleset = ruleset

    def read(self, sources: list[_Source]) -> ReadOnWorkers:
        workers = self.engine.workers or "no"
        seen = SeenFiles()
        urls: dict[str, str] = {}
        inputs_of: dict[int, list[InputReport]] = {}
        read: dict[int, Any] = {}
        for number, source in enumerate(sources):
            # A URL is read once however often it is given; copies under other URLs are not
            # compared (that would mean fetching every file of one size here).
            if source.url:
                ours = (
                    Words("input_reason.same_file", {"file": urls[source.where]})
                    if source.where in urls
                    else None
                )
                urls.setdefault(source.where, source.name)
            else:
                ours = written_by_crm_audit(source.where) or seen.again(source.where, source.name)
            if ours is not None:
                inputs_of[number] = [InputReport(file=source.name, role="not audited", reason=ours)]
                continue
            here = not source.url and os.path.exists(source.where)
            read[number] = self.client.submit(
                _read_tables, source.where, source.name, source.url, here, self.config, pure=False
            )
        default = known_region(self.config.default_country or "")
        facts = {
            number: self.client.submit(_facts_of, future, default, pure=False)
            for number, future in read.items()
        }
        facts_of = self._gathered(facts, sources, "loading", f"files read on {workers} worker(s)")

        # The inputs, evidence and positions in the order of the files, as the local engine has them.
        inputs: list[InputReport] = []
        unmapped: list[UnmappedLabel] = []
        evidence = Evidence()
        audited: list[_TableFacts] = []
        offsets: dict[int, list[int]] = {}
        offset = 0
        for number in range(len(sources)):
            if number in inputs_of:
                inputs.extend(inputs_of[number])
                continue
            offsets[number] = []
            for table in facts_of[number]:
                inputs.append(table.read.report)
                if table.read.evidence is not None:
                    evidence.add(*table.read.evidence)
                if table.audited:
                    for label in table.read.unmapped:
                        label.positions = label.positions + offset
                    unmapped.extend(table.read.unmapped)
                    offsets[number].append(offset)
                    audited.append(table)
                    offset += table.rows
        note_evidence(inputs, evidence, self.config)
        reports = [table.read.report for table in audited]
        regions = phone_regions(
            reports,
            [table.waiting for table in audited],
            [table.countries for table in audited] if not default else [],
            default,
        )
        chosen = iter(regions)
        finished = {
            number: self.client.submit(
                _finish_tables,
                future,
                offsets[number],
                [next(chosen) for _ in offsets[number]],
                default,
                self.ruleset,
                pure=False,
            )
            for number, future in read.items()
        }
        del read, facts
        done = self._handed_back(finished, sources)
        frames: list[pd.DataFrame] = []
        masks: list[list[np.ndarray]] = []
        feature_parts: list[FeaturePart] = []
        for table, region, (slices, table_masks, valid, features) in zip(
            audited, regions, (part for number in sorted(done) for part in done[number]), strict=True
        ):
            note_phones_read(
                table.read.report,
                default,
                region,
                waiting=table.waiting,
                valid=valid,
                by_default=table.by_default,
            )
            frames.extend(slices)
            masks.append(table_masks)
            feature_parts.append(features)
        rules = len(self.ruleset.schema().checks)
        row_masks = [
            np.concatenate([table_masks[rule] for table_masks in masks]) if masks else np.ones(0, dtype=bool)
            for rule in range(rules)
        ]
        return ReadOnWorkers(ReadInputs(frames, inputs, unmapped, evidence), row_masks, feature_parts)

    def _handed_back(
        self, finished: dict[int, Any], sources: list[_Source]
    ) -> dict[int, list[tuple[list[pd.DataFrame], list[np.ndarray], int, FeaturePart]]]:
        """Each file's finished tables, brought here a piece at a time as each file is done: its
        records in slices of `ROWS_HANDED_BACK`, then its masks and features. A worker hands back
        a copy of what it sends: a table of a million records sent whole (0.9 GB) took a worker
        of 3 GiB past its limit, and the table, lost with it, was read again without end."""
        self.engine.say("phones and row rules", f"0 of {len(finished)} files done")
        doing = {number: f"reading {sources[number].name}" for number in finished}
        by_key = {future.key: number for number, future in finished.items()}
        done = {}
        for count, future in enumerate(
            self.engine._finished(list(finished.values()), lambda f: doing[by_key[f.key]]), 1
        ):
            number = by_key[future.key]
            self.engine._failed(future, doing[number])
            done[number] = [
                self._pieces_of(future, table, rows, doing[number])
                for table, rows in enumerate(self._result_of(_rows_of, future, doing[number]))
            ]
            future.release()
            self.engine.say("phones and row rules", f"{count} of {len(finished)} files done")
        return done

    def _pieces_of(
        self, future: Any, table: int, rows: int, doing: str
    ) -> tuple[list[pd.DataFrame], list[np.ndarray], int, FeaturePart]:
        slices = [
            self._result_of(
                _rows_handed_back, future, doing, table, start, min(start + ROWS_HANDED_BACK, rows)
            )
            for start in range(0, rows, ROWS_HANDED_BACK)
        ] or [self._result_of(_rows_handed_back, future, doing, table, 0, 0)]
        masks, valid, people = self._result_of(_rest_handed_back, future, doing, table)
        return slices, masks, valid, people

    def _result_of(self, task: Callable[..., Any], future: Any, doing: str, *arguments: Any) -> Any:
        return self.engine._result(self.client.submit(task, future, *arguments, pure=False), doing)

    def _gathered(
        self, futures: dict[int, Any], sources: list[_Source], step: str, done_words: str
    ) -> dict[int, Any]:
        return dict(
            self.engine.gathered(futures, lambda number: f"reading {sources[number].name}", step, done_words)
        )


Task = TypeVar("Task", bound=Callable[..., Any])


def _hands_memory_back(task: Task) -> Task:
    """A worker's task that hands its temporaries back to the system when it ends: Dask pauses a
    worker by its process's memory, which would still count them."""

    @functools.wraps(task)
    def run(*arguments: Any) -> Any:
        try:
            return task(*arguments)
        finally:
            return_free_memory()

    return run  # type: ignore[return-value]


@_hands_memory_back
def _read_tables(where: str, name: str, url: bool, here: bool, config: Config) -> list[TableRead]:
    """On a worker: one input file read as the local engine reads it (`read_file`). `here`: the
    client sees the local path, so a worker that does not is on another machine."""
    vocabulary = builtin_vocabulary().with_overrides(config.vocabulary)
    if here and not os.path.exists(where):
        error = (
            f"is not on the disk of the Dask worker at {socket.gethostname()}: workers read a local "
            "path as it is, so put the inputs on a disk they share, or give them as URLs"
        )
        return [TableRead(InputReport(file=name, error=error))]
    if not url:
        return read_file(where, name, config, vocabulary)
    with _fetched(where, name) as local:
        if isinstance(local, TableRead):
            return [local]
        ours = written_by_crm_audit(local)
        if ours is not None:
            return [TableRead(InputReport(file=name, role="not audited", reason=ours))]
        return read_file(local, name, config, vocabulary)


@contextlib.contextmanager
def _fetched(url: str, name: str) -> Iterator[Path | TableRead]:
    """A copy of the file at `url` in the worker's own folder (the loaders judge a file by its
    bytes and read some formats by seeking), or the report of why it cannot be fetched."""
    import fsspec

    folder = Path(tempfile.mkdtemp(dir=_scratch_folder(), prefix="crm-audit-"))
    try:
        target = folder / (Path(url.split("?")[0]).name or "input")
        try:
            with fsspec.open(url, "rb") as remote, target.open("wb") as local:
                shutil.copyfileobj(remote, local, 1 << 22)
        except (OSError, ValueError, ImportError) as error:
            yield TableRead(
                InputReport(
                    file=name,
                    error=f"cannot be fetched ({first_line(error, 200)}). Check the URL and the worker's access to it",
                )
            )
            return
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scratch_folder() -> str | None:
    with contextlib.suppress(ValueError, AttributeError):
        return distributed.get_worker().local_directory
    return None


def _facts_of(tables: list[TableRead], default: str | None) -> list[_TableFacts]:
    """On a worker: the facts the client needs of each table read (`_TableFacts`)."""
    facts = []
    for table in tables:
        records = table.records
        if records is None:
            facts.append(_TableFacts(table, False, 0, 0, Counter(), 0))
            continue
        waiting = sum(int(mask.sum()) for mask in waiting_phones(records).values())
        facts.append(
            _TableFacts(
                TableRead(table.report, None, table.unmapped, table.evidence),
                True,
                len(records),
                waiting,
                countries_held(records) if not default else Counter(),
                read_by_default(records) if default else 0,
            )
        )
    return facts


@_hands_memory_back
def _finish_tables(
    tables: list[TableRead],
    offsets: list[int],
    regions: list[tuple[str, str] | None],
    default: str | None,
    ruleset: RuleSet,
) -> list[tuple[pd.DataFrame, list[np.ndarray], int, FeaturePart]]:
    """On a worker: each audited table numbered across the audit, its waiting phones read by the
    region chosen for it, and its row rules' checks run; its records, masks, phones read and the
    text features of its people (matching's per-record work)."""
    finished = []
    audited = [table for table in tables if table.records is not None]
    for table, offset, region in zip(audited, offsets, regions, strict=True):
        records = table.records
        assert records is not None
        records.index = pd.RangeIndex(offset, offset + len(records))
        valid = (
            read_waiting_phones(records, waiting_phones(records), region[0], guessed=not default)
            if region
            else 0
        )
        finished.append((records, row_rule_masks(records, ruleset), valid, FeaturePart.of(records)))
    return finished


def _rows_of(finished: list[tuple[pd.DataFrame, list[np.ndarray], int, FeaturePart]]) -> list[int]:
    return [len(records) for records, *_ in finished]


def _rows_handed_back(
    finished: list[tuple[pd.DataFrame, list[np.ndarray], int, FeaturePart]], table: int, start: int, stop: int
) -> pd.DataFrame:
    return finished[table][0].iloc[start:stop]


def _rest_handed_back(
    finished: list[tuple[pd.DataFrame, list[np.ndarray], int, FeaturePart]], table: int
) -> tuple[list[np.ndarray], int, FeaturePart]:
    _, masks, valid, people = finished[table]
    return masks, valid, people


@_hands_memory_back
def _slice_key_rows(
    codes: list[np.ndarray], sizes: list[int], first: int, people: int, buckets: int
) -> list[KeyRows]:
    return buckets_of(key_rows(list(zip(codes, sizes, strict=True)), first=first, people=people), buckets)


@_hands_memory_back
def _bucket_blocks(*parts: KeyRows) -> Blocks:
    return blocks_of(parts)


def _ranks_of(blocks: Blocks, size: int) -> np.ndarray:
    return blocks.ranks_of(size)


@_hands_memory_back
def _bucket_pairs(
    blocks: Blocks, cut: Cut, max_block_size: int, people: int, rule: int, code_bounds: np.ndarray
) -> tuple[Skipped, list[tuple[np.ndarray, np.ndarray]]]:
    codes, skipped = rule_pairs(blocks, cut, max_block_size, people)
    bits = np.full(len(codes), np.uint64(1) << np.uint64(rule), dtype=np.uint64)
    return skipped, ranges_of(codes, bits, code_bounds)


def _range_of(
    paired: tuple[Skipped, list[tuple[np.ndarray, np.ndarray]]], number: int
) -> tuple[np.ndarray, np.ndarray]:
    return paired[1][number]


@_hands_memory_back
def _merged_range(*pieces: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return merged(pieces)


def _compare_part(comparisons: list[Comparison], cut: PairFeatures) -> tuple[np.ndarray, np.ndarray]:
    """On a worker: one part of the candidate pairs compared (a function of this module, so that
    it is sent by name)."""
    return evaluate_cut_pairs(comparisons, cut)


def _patterns_found(
    part: tuple[np.ndarray, ...], found: np.ndarray, rules: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """On a worker: per training rule, the level patterns of a part's candidates it found, counted."""
    return patterns_found(part[0], found, rules)


@_hands_memory_back
def _weighed(part: tuple[np.ndarray, np.ndarray], model: Model) -> tuple[np.ndarray, np.ndarray]:
    """On a worker: a part's levels and evidence (`PairsInMemory.weigh`'s first half)."""
    levels, tf_codes = part
    return levels, evidence_of(model, levels, tf_codes)


def _capped(part: tuple[np.ndarray, np.ndarray], model: Model) -> np.ndarray:
    return capped_evidence(model, *part)


def _lifted(part: tuple[np.ndarray, np.ndarray], model: Model, threshold: float) -> dict[str, int]:
    return lifted_by_floors(model, *part, threshold)


@_hands_memory_back
def _kept(part: tuple[np.ndarray, np.ndarray], model: Model, threshold: float, wanted: np.ndarray) -> Kept:
    return kept_pairs(model, *part, threshold, wanted)
