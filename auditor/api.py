"""The public API: `audit(paths, config) -> AuditResult`. The CLI and the web app are shells over it."""

from __future__ import annotations

import contextlib
import filecmp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from auditor import TOOL, __version__
from auditor.baseline import Baseline, comparable, compare, read_baseline
from auditor.checking import AuditContext, Coverage, load_ruleset, measure_coverage, run_rules
from auditor.config import Config
from auditor.decisions import Decisions, read_decisions
from auditor.detecting import Detection, detect
from auditor.engines import EngineSettings, engine_settings
from auditor.errors import AuditorError, InputError
from auditor.evidence import Evidence, evidence_table
from auditor.finding_groups import Findings
from auditor.findings import SEVERITY_ORDER, evidence_dict
from auditor.loading import RawTable, file_identity, load_file, written_by_crm_audit
from auditor.matching import MatchResult, match_people
from auditor.memory import return_free_memory
from auditor.model import ALL_FIELDS
from auditor.normalising import build_records, infer_phone_regions, validate_records
from auditor.terms import UnmappedLabel, Vocabulary, builtin_vocabulary
from auditor.whoiswho import WhoIsWho, adopt_matched_types, suggest_types
from auditor.wording import Several, Words

if TYPE_CHECKING:
    from auditor.engines.dask_engine import DaskEngine

# Set by the CLI's users to see where an error came from: a file that fails is then not set aside.
_DEBUG = bool(os.environ.get("CRM_AUDIT_DEBUG"))

# Progress callbacks receive a step name and a short detail ("loading", "Lead.csv").
Progress = Callable[[str, str], None]


@dataclass
class InputReport:
    """What was read from one input table (or why it was not): the JSON's `inputs[]` entry."""

    file: str
    platform: str | None = None
    object: str | None = None
    rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    error: str | None = None
    confidence: float | None = None
    language: str | None = None
    format: str | None = None
    duplicate_headers: list[str] = field(default_factory=list)
    ragged_rows: list[dict[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # For `inspect`: each label column's distinct values and what they map to.
    labels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # "audited" (people and their accounts), "evidence" (deals, users: read for what they prove,
    # never audited as people) or "not audited" (tables that hold no people), and why. A file that
    # could not be read says "not read" in the JSON whatever its role (`error` says why): a reader
    # counting the audited tables by their role must not count it.
    role: str = "audited"
    reason: str = ""
    # What detection weighed: the object's evidence in words.
    object_evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "platform": self.platform,
            "object": self.object,
            "rows": self.rows,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "columns": self.columns,
            "unmapped_columns": self.unmapped_columns,
            "error": self.error,
            "confidence": self.confidence,
            "language": self.language,
            "format": self.format,
            "duplicate_headers": self.duplicate_headers,
            "ragged_rows": self.ragged_rows,
            "notes": self.notes,
            "role": "not read" if self.error else self.role,
            "reason": self.reason or None,
        }


@dataclass
class AuditResult:
    """What an audit found. Findings kept as columns are written from `records` when read, so
    `records` is read-only: change a copy."""

    config: Config
    records: pd.DataFrame
    # A list of findings is accepted too (results made by hand) and turned into `Findings`.
    findings: Findings
    inputs: list[InputReport]
    who: WhoIsWho | None = None
    matches: MatchResult | None = None
    # Per rule and input table: records checked, and records not checkable with the reason.
    coverage: list[Coverage] = field(default_factory=list)
    # The comparison with a previous audit's findings JSON, when one was given.
    baseline: Baseline | None = None
    # A person's decisions about pairs (--decisions), with what applied, when a file was given.
    decisions: Decisions | None = None

    def __post_init__(self) -> None:
        self.findings = Findings.of(self.findings, self.records)

    @property
    def skipped(self) -> list[InputReport]:
        return [report for report in self.inputs if report.error]

    def summary(self) -> dict[str, Any]:
        by_kind = self.findings.tally("kind")
        by_severity = self.findings.tally("severity")
        return {
            "records": len(self.records),
            "findings": len(self.findings),
            "by_kind": dict(sorted(by_kind.items())),
            "by_severity": {level: by_severity[level] for level in SEVERITY_ORDER if by_severity[level]},
        }

    def exit_status(self, fail_on: str | None = None) -> int:
        """2 when an input could not be read; 1 when a finding reaches `fail_on`; else 0."""
        if self.skipped:
            return 2
        threshold = fail_on or self.config.fail_on
        if threshold == "never":
            return 0
        bar = SEVERITY_ORDER[threshold]
        return (
            1 if any(SEVERITY_ORDER[severity] >= bar for severity in self.findings.tally("severity")) else 0
        )

    @property
    def blind_spots(self) -> list[Coverage]:
        """Coverage entries with records a rule could not check, largest share first."""
        return sorted(
            (entry for entry in self.coverage if entry.not_checked),
            key=lambda entry: (-entry.share_not_checked, -entry.not_checked, entry.rule, entry.file),
        )

    def head(self) -> dict[str, Any]:
        """The findings JSON without its findings: what every writer puts first."""
        return (
            {
                "schema_version": 1,
                "tool": {"name": TOOL, "version": __version__},
                "as_of": self.config.as_of.isoformat(),
                "inputs": [report.to_dict() for report in self.inputs],
                "summary": self.summary(),
                "coverage": [entry.to_dict() for entry in self.coverage],
            }
            | ({"baseline": self.baseline.to_dict()} if self.baseline else {})
            | ({"decisions": self.decisions.to_dict()} if self.decisions else {})
        )

    def to_dict(self) -> dict[str, Any]:
        """The findings JSON of docs/CONTRACT.md (schema_version 1, reports/findings.schema.json).
        Each record a finding names also carries what its labels say it is, what the evidence says,
        and its temperature (fields added to the contract's file/row/id); `coverage` says, per rule
        and input table, what the rule checked and what it could not, and why."""
        return self.head() | {"findings": list(self.finding_dicts())}

    def finding_dicts(self) -> Iterator[dict[str, Any]]:
        """Each finding as the JSON object of docs/CONTRACT.md, one at a time (a million-record
        audit has hundreds of thousands: writers stream them rather than hold them all)."""
        # Codes into the few distinct values, not a Python string per record and column (a million
        # records would make three million of them, in a process forked to write this).
        columns = [
            pd.factorize(self.records[column], sort=False, use_na_sentinel=False)
            for column in ("record_type", "suggested_type", "temperature")
        ]
        (type_codes, types), (suggested_codes, suggested), (temperature_codes, temperatures) = columns
        types, suggested, temperatures = (
            list(map(str, values)) for values in (types, suggested, temperatures)
        )
        flat, sizes = self.findings.located()
        ends = np.cumsum(sizes)
        # Read from the arrays, not as lists of 800k Python ints made up front in a forked writer.
        for number, finding in enumerate(self.findings):
            end = int(ends[number])
            records = []
            for ref, position in zip(
                finding.records, flat[end - int(sizes[number]) : end].tolist(), strict=True
            ):
                record = ref.to_dict()
                if position >= 0:
                    record["record_type"] = types[type_codes[position]]
                    record["suggested_type"] = suggested[suggested_codes[position]]
                    record["temperature"] = temperatures[temperature_codes[position]]
                records.append(record)
            item = {
                "rule": finding.rule,
                "kind": finding.kind,
                "severity": finding.severity,
                "message": finding.message,
                "records": records,
                "evidence": evidence_dict(finding.evidence),
            }
            if self.baseline:
                item["baseline_status"] = self.baseline.status(number)
            yield item


def audit(
    paths: Iterable[str | Path],
    config: Config | None = None,
    *,
    progress: Progress | None = None,
    display_names: Sequence[str] | None = None,
    baseline: str | Path | None = None,
    engine: EngineSettings | str | None = None,
) -> AuditResult:
    """Audit CRM exports: load, detect, map terms, normalise, find who is who, match people, check rules.

    Unreadable files do not stop the audit: they are listed in `inputs` with the reason.
    `display_names` replaces the file names used in findings (the web app passes the uploaded names).
    `baseline`, a findings JSON of an earlier audit, marks each finding new or still open and lists
    the earlier findings that are gone (auditor/baseline.py).
    `engine` says where the audit runs ("local", "dask", or `EngineSettings`; default: the config's
    `engine`, else local): the findings are the same (auditor/engines).
    """
    config = config or Config()
    if engine is not None:
        config = config.with_overrides(engine=engine_settings(engine, config.engine))
    # Read first: a wrong baseline should cost a second, not the audit.
    previous = read_baseline(baseline) if baseline is not None else None
    decisions = read_decisions(config.decisions) if config.decisions else None
    say = progress or (lambda step, detail: None)
    # The rule set and its field checks are settled before any file is read: a mistake in the
    # config should cost a second, not the reading of every export.
    ruleset = load_ruleset(config)
    ruleset.schema()
    row_masks = None
    with _cluster_of(config, say) as cluster:
        if cluster is None:
            frames, inputs, unmapped, evidence = read_inputs(
                paths, config, progress=say, display_names=display_names
            )
        else:
            read = cluster.read(paths, config, ruleset, display_names=display_names)
            (frames, inputs, unmapped, evidence), row_masks = read.inputs, read.row_masks
        records = combine_records(frames)
        # Reading's temporaries (a table parsed, or gathered from the workers) are held by the
        # allocators: at a million records they were 1.25 GB that who-is-who and matching stacked on.
        return_free_memory()
        say("who is who", f"{len(records)} records")
        who = suggest_types(records, config, evidence)
        say("matching people", f"{len(records)} records")
        return_free_memory()  # matching's peak is the audit's: it should not carry reading's leftovers
        matches = match_people(
            records,
            config,
            decisions=decisions,
            compare=cluster.compare if cluster is not None else None,
            block=cluster.block if cluster is not None else None,
            featurise=read.features if cluster is not None else None,
        )
    adopt_matched_types(records, matches, who)
    # Validated before the rules: findings the rules keep as columns point into this very table.
    records = validate_records(records)
    context = AuditContext(records=records, config=config, unmapped_labels=unmapped, matches=matches, who=who)
    say("rules", f"{len(records)} records")
    findings = run_rules(context, ruleset, row_masks=row_masks)
    coverage = measure_coverage(context, ruleset)
    result = AuditResult(
        config=config,
        records=records,
        findings=findings,
        inputs=inputs,
        who=who,
        matches=matches,
        coverage=coverage,
        decisions=decisions,
    )
    if previous is not None:
        say("comparing", f"with {baseline}")
        audited = [report.file for report in inputs if report.role == "audited" and not report.error]
        result.baseline = compare(map(comparable, result.findings), previous, str(baseline), audited)
    return result


def _cluster_of(config: Config, say: Progress) -> contextlib.AbstractContextManager[DaskEngine | None]:
    """The Dask cluster the audit runs on while reading and matching, or None for the local engine
    (which never imports dask)."""
    if config.engine.name == "local":
        return contextlib.nullcontext()
    from auditor.engines.dask_engine import DaskEngine

    return DaskEngine(config.engine, progress=say)


def inspect(
    paths: Iterable[str | Path], config: Config | None = None, *, display_names: Sequence[str] | None = None
) -> list[InputReport]:
    """What the auditor makes of each file, without running any rule: what `crm-audit inspect` prints."""
    return read_inputs(paths, config or Config(), display_names=display_names).inputs


def match(paths: Iterable[str | Path], config: Config | None = None) -> MatchResult:
    """Who is the same person in these files, without the rules: the matching `audit` does, with
    the model it learnt (`MatchResult.model`, what `crm-audit inspect --weights` prints)."""
    config = config or Config()
    frames, _, _, evidence = read_inputs(paths, config)
    records = combine_records(frames)
    suggest_types(records, config, evidence)
    decisions = read_decisions(config.decisions) if config.decisions else None
    return match_people(records, config, decisions=decisions)


class ReadInputs(NamedTuple):
    """What `read_inputs` read: the records of each table of people (positions numbered across all
    tables), what was read from every input, the labels nobody knows, and the tables that hold no
    people but prove something (won deals, users)."""

    frames: list[pd.DataFrame]
    inputs: list[InputReport]
    unmapped: list[UnmappedLabel]
    evidence: Evidence


def read_inputs(
    paths: Iterable[str | Path],
    config: Config,
    *,
    progress: Progress | None = None,
    display_names: Sequence[str] | None = None,
) -> ReadInputs:
    """Load, detect, map terms and normalise every input (see `ReadInputs`). Tables that hold no
    people never become records: deals and users are read as evidence, the rest only listed."""
    say = progress or (lambda step, detail: None)
    if display_names is None:
        paths = expand_folders(paths)
        names = [str(path) for path in paths]
    else:
        paths, names = [Path(path) for path in paths], list(display_names)
    vocabulary = builtin_vocabulary().with_overrides(config.vocabulary)
    inputs: list[InputReport] = []
    frames: list[pd.DataFrame] = []
    unmapped: list[UnmappedLabel] = []
    evidence = Evidence()
    offset = 0
    seen = SeenFiles()
    for path, name in zip(paths, names, strict=True):
        say("loading", name)
        ours = written_by_crm_audit(path) or seen.again(path, name)
        if ours is not None:
            inputs.append(InputReport(file=name, role="not audited", reason=ours))
            continue
        for table in read_file(path, name, config, vocabulary, progress=say):
            inputs.append(table.report)
            if table.evidence is not None:
                evidence.add(*table.evidence)
            if table.records is not None:
                offset = table.number_from(offset)
                frames.append(table.records)
                unmapped.extend(table.unmapped)
    note_evidence(inputs, evidence, config)
    infer_phone_regions(frames, inputs, config)
    return ReadInputs(frames, inputs, unmapped, evidence)


@dataclass
class TableRead:
    """One table of one input as `read_file` read it: what the inputs list says of it, and either
    its records (an audited table, positions from 0 until `number_from` numbers them across the
    audit) with the labels nobody knows, or what it proves (an evidence table: its kind and rows)."""

    report: InputReport
    records: pd.DataFrame | None = None
    unmapped: list[UnmappedLabel] = field(default_factory=list)
    evidence: tuple[str, pd.DataFrame] | None = None

    def number_from(self, offset: int) -> int:
        """Number the records from `offset` (their positions in the audit's combined records), and
        their unmapped labels' positions with them; the next table's offset."""
        assert self.records is not None
        self.records.index = pd.RangeIndex(offset, offset + len(self.records))
        for label in self.unmapped:
            label.positions = label.positions + offset
        return offset + len(self.records)


def read_file(
    path: str | Path,
    name: str,
    config: Config,
    vocabulary: Vocabulary,
    *,
    progress: Progress | None = None,
) -> list[TableRead]:
    """Load, detect, map terms and normalise one input file (its records not yet numbered across
    the audit): a table each, or one report saying why the file could not be read. A file that
    fails costs only itself; wrong settings (an `AuditorError` other than `InputError`) would fail
    every file alike, and stop the audit."""
    say = progress or (lambda step, detail: None)
    read: list[TableRead] = []
    try:
        for table in load_file(path, sheet=config.sheet, display_name=name):
            table.file = name
            say("mapping", name if table.sheet is None else f"{name} [{table.sheet}]")
            detection = detect_table(table, config)
            if detection.role != "audited":
                evidence = (
                    (detection.object, evidence_table(table, detection, vocabulary))
                    if detection.role == "evidence"
                    else None
                )
                read.append(TableRead(_input_report(table, detection, {}), evidence=evidence))
                continue
            records, terms = build_records(
                table, detection, vocabulary=vocabulary, default_country=config.default_country
            )
            read.append(
                TableRead(_input_report(table, detection, terms.label_maps), records, list(terms.unmapped))
            )
    except InputError as error:
        return [TableRead(InputReport(file=name, error=error.describe()))]
    except AuditorError:  # the settings are wrong, not the file: every file would fail alike
        raise
    except Exception as error:
        if _DEBUG:
            raise
        return [
            TableRead(
                InputReport(
                    file=name,
                    error=f"could not be read ({type(error).__name__}: {error}); the other files were "
                    "audited. Please report it; set CRM_AUDIT_DEBUG=1 to see the details",
                )
            )
        ]
    return read


class SeenFiles:
    """The files read so far in one audit. One export given twice (twice on the command line, a
    folder and a file in it, a hard link, the same download saved as "Lead (1).csv") would make
    every record its own duplicate: it is read once."""

    def __init__(self) -> None:
        self._by_identity: dict[tuple[int, int], str] = {}
        self._by_size: dict[int, list[tuple[Path, str]]] = {}

    def again(self, path: str | Path, name: str) -> str | None:
        """Why `path` is not read (the same file or the same bytes as one read before), or None
        after noting it as read."""
        identity = file_identity(path)
        if identity is None:
            return None  # the loader says what is wrong with it
        if identity in self._by_identity:
            return Words("input_reason.same_file", {"file": self._by_identity[identity]})
        size = os.path.getsize(path)
        # Only files of one size are compared, and only then read whole.
        for other, other_name in self._by_size.get(size, []):
            if filecmp.cmp(path, other, shallow=False):
                return Words("input_reason.same_content", {"file": other_name})
        self._by_identity[identity] = name
        self._by_size.setdefault(size, []).append((Path(path), name))
        return None


def note_evidence(inputs: list[InputReport], evidence: Evidence, config: Config) -> None:
    """Say on each user table what it taught: the staff domains taken as internal."""
    learnt = [
        (domain, count) for domain, count in evidence.staff_domains() if domain not in config.internal_domains
    ]
    if not learnt:
        return
    said = Several(
        [Words("note.staff_domain", {"domain": domain, "count": count}) for domain, count in learnt]
    )
    for report in inputs:
        if report.object == "user" and not report.error:
            report.notes.append(Words("note.staff_domains", {"domains": said}))


EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".parq")


def expand_folders(paths: Iterable[str | Path]) -> list[Path]:
    """A folder stands for the exports directly inside it (CSV, TSV, text, workbooks and Parquet, by name);
    files are kept as given, even with another suffix, so that their content can be judged."""
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in EXPORT_SUFFIXES and not _not_an_export(child)
            )
            expanded.extend(inside or [path])  # an empty folder is reported as one unreadable input
        else:
            expanded.append(path)
    return expanded


def _not_an_export(path: Path) -> bool:
    """Files a folder of exports holds beside them that are none: the owner file Excel and Word
    keep while a workbook is open ("~$Lead.xlsx", a few bytes naming who has it open) and hidden
    files ("._Lead.csv", which macOS writes on shared drives)."""
    return path.name.startswith(("~$", "."))


def detect_table(table: RawTable, config: Config) -> Detection:
    overrides = {**config.columns.get("*", {}), **_overrides_for(table.file, config)}
    return detect(
        table.headers,
        table.frame,
        file=table.file,
        platform=config.platform,
        object_name=config.object,
        column_overrides=overrides,
    )


def _overrides_for(file: str, config: Config) -> dict[str, str]:
    """Column overrides are keyed by file name; the full path as given and the bare name both work."""
    name = Path(file).name
    for key in (file, name):
        if key in config.columns:
            return dict(config.columns[key])
    return {}


def _input_report(
    table: RawTable, detection: Detection, label_maps: dict[str, list[tuple[str, int, dict[str, str]]]]
) -> InputReport:
    return InputReport(
        file=table.file,
        platform=detection.platform,
        object=detection.object,
        rows=table.rows,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        columns=detection.columns,
        unmapped_columns=detection.unmapped_columns,
        confidence=detection.confidence,
        language=detection.language,
        format=table.format,
        duplicate_headers=table.duplicate_headers,
        ragged_rows=[
            {"row": row.row, "expected": row.expected, "found": row.found} for row in table.ragged_rows
        ],
        notes=[*table.notes, *detection.notes],
        role=detection.role,
        reason=detection.reason,
        object_evidence=detection.object_evidence,
        labels={
            header: [{"label": label, "records": count, "maps_to": mapped} for label, count, mapped in values]
            for header, values in label_maps.items()
        },
    )


def combine_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The inputs' records (`read_inputs`' frames) in one table, positions 0..n-1, each column in one
    Arrow chunk. Empties `frames`: their columns become the table's, and a reference left to them
    would keep a second copy of every column alive for the whole audit.

    Joined a column at a time, each column taken out of the frames as it is joined, and the parts'
    memory handed back before the next: the frames of fifty parts gathered from the workers,
    joined whole, held every column twice at once (4.5 GiB of records peaked at 9.0 GiB)."""
    if not frames:
        return _empty_records()
    columns = {}
    for name in ALL_FIELDS:
        parts = [frame.pop(name) for frame in frames]
        column = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        del parts
        columns[name] = _in_one_chunk(column)
        return_free_memory()
    frames.clear()
    return pd.DataFrame(columns, copy=False)


def _in_one_chunk(column: pd.Series) -> pd.Series:
    """Concatenated Arrow columns keep a chunk per input, and every `take` of some rows (a finding's
    record, a matched pair) joins the chunks again first, which made writing the findings of a big
    audit several times slower. Joined once here."""
    array = column.array
    if not isinstance(array, pd.arrays.ArrowExtensionArray):
        return column
    chunked = array.__arrow_array__()
    if chunked.num_chunks <= 1:
        return column
    joined = type(array)._from_sequence(chunked.combine_chunks(), dtype=array.dtype)
    return pd.Series(joined, index=column.index, name=column.name)


def _empty_records() -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for name in ALL_FIELDS:
        if name == "source_row":
            columns[name] = pd.Series([], dtype=np.int64)
        elif name.endswith("_date"):
            columns[name] = pd.Series([], dtype="datetime64[ns]")
        else:
            columns[name] = pd.Series([], dtype="str")
    return pd.DataFrame(columns)
