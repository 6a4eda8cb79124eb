"""`crm-audit`: a thin shell over the library. Every command calls public functions of `auditor`."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from auditor import __version__
from auditor.catalogue import objects, platforms, report_languages
from auditor.config import FAIL_ON, Config, load_config, parse_as_of
from auditor.engines import EngineSettings, parse_size
from auditor.errors import AuditorError, ConfigError, OutputTooLarge

if TYPE_CHECKING:
    from auditor.api import AuditResult

# The pipeline is imported inside the commands that run it: `--help` and `--version` stay instant.

_DEBUG = bool(os.environ.get("CRM_AUDIT_DEBUG"))


def _say(text: str, *, err: bool = False) -> None:
    """Print text that may carry what the files hold (headers, sheet and file names): their
    control characters are written out, never sent to the terminal as escape sequences."""
    from auditor.reporting.cells import printable

    click.echo(printable(text), err=err)


class _Group(click.Group):
    """Turns every error into one line on stderr and exit status 2; tracebacks only with CRM_AUDIT_DEBUG=1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditorError as error:
            _say(f"crm-audit: {error}", err=True)
            sys.exit(error.exit_status)
        except click.UsageError as error:
            # A wrong option value or a missing argument: one line like every other error, with
            # where the help is instead of click's usage block.
            command = " ".join(["crm-audit", *(error.ctx.command_path.split()[1:] if error.ctx else [])])
            _say(f"crm-audit: {error.format_message()} See '{command} --help'.", err=True)
            sys.exit(error.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("crm-audit: interrupted", err=True)
            sys.exit(130)
        except Exception as error:
            if _DEBUG:
                raise
            _say(
                f"crm-audit: unexpected error ({type(error).__name__}: {error}). "
                "Please report it; set CRM_AUDIT_DEBUG=1 to see the details.",
                err=True,
            )
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="crm-audit", message="%(prog)s %(version)s")
def main() -> None:
    """Audit CRM exports (leads, contacts, accounts) before you trust, clean or migrate them.

    Reads CSV and Excel exports from Salesforce, HubSpot, Dynamics 365, Pipedrive, Zoho, Odoo or
    hand-kept sheets, in any UI language; says who is a lead, a contact, a customer, a partner or
    staff; finds duplicates, misclassified records and bad data.

    \b
    Start with:  crm-audit demo
    Then:        crm-audit audit Lead.csv Contact.csv --html report.html
    """


def _audit_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--config", "config_path", type=click.Path(dir_okay=False), help="TOML configuration file."
        ),
        click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Audit date (default: today)."),
        click.option(
            "--internal-domain", multiple=True, metavar="D", help="Your own email domain (repeatable)."
        ),
        click.option(
            "--partner-domain", multiple=True, metavar="D", help="A partner's email domain (repeatable)."
        ),
        click.option(
            "--lang",
            type=click.Choice(list(report_languages())),
            help="Language of the HTML report (default: en).",
        ),
        click.option("--platform", type=click.Choice(platforms()), help="Skip platform detection."),
        click.option("--object", "object_name", type=click.Choice(objects()), help="Skip object detection."),
        click.option("--sheet", metavar="NAME", help="Read only this sheet of each workbook."),
        click.option(
            "--default-country",
            metavar="CC",
            callback=_known_region,
            help="Country (ISO code, e.g. FR) for national phone numbers of records that have none.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _report_options(function: Callable[..., Any]) -> Callable[..., Any]:
    from auditor.reporting.formats import FORMATS

    function = click.option(
        "--findings-parquet",
        type=click.Path(),
        metavar="DIR",
        help="Write the findings as a Parquet dataset into DIR (a row per record a finding names): for audits whose JSON or XLSX would be too large.",
    )(function)
    for report in reversed(FORMATS):
        # The records export alone may name a folder: a Parquet dataset, for audits of any size.
        folder = report.name == "normalised"
        help = report.help + (" A folder (DIR/) gets a Parquet dataset." if folder else "")
        function = click.option(report.option, type=click.Path(dir_okay=folder), help=help)(function)
    return function


_ENGINE_OPTIONS = ("engine", "scheduler", "workers", "memory_per_worker")


def _engine_options(function: Callable[..., Any]) -> Callable[..., Any]:
    cores = os.cpu_count() or 1
    options = [
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            help="Where the audit runs: local (this process; the default) or dask (a Dask cluster; "
            'pip install "crm-audit[dask]"). Same findings either way. Today the Dask engine '
            "distributes loading, normalising, row rules and the comparison of candidate pairs; "
            "the rest of matching and the set rules run in this process, so its memory still "
            "bounds the org size.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="With --engine dask: the scheduler of an existing cluster (tcp://HOST:8786), whose "
            "workers read the inputs by the same paths (a shared disk) or as URLs. Default: a local "
            "cluster started for the audit.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 1024),
            metavar="N",
            help=f"With --engine dask: worker processes of the local cluster (default: one per core, {cores} here).",
        ),
        click.option(
            "--memory-per-worker",
            metavar="SIZE",
            help="With --engine dask: each local worker's memory limit, e.g. 1.5GB or 2GiB (default: "
            "the machine's memory shared among the workers).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _engine(
    base: EngineSettings,
    engine: str | None,
    scheduler: str | None,
    workers: int | None,
    memory_per_worker: str | None,
) -> EngineSettings:
    """The config's [engine] with the command line over it; --engine local drops the Dask settings
    the config may hold."""
    if engine == "local":
        return EngineSettings(
            name="local",
            scheduler=scheduler,
            workers=workers,
            memory_per_worker=parse_size(memory_per_worker) if memory_per_worker else None,
        )
    return EngineSettings(
        name=engine or base.name,
        scheduler=scheduler if scheduler is not None else base.scheduler,
        workers=workers if workers is not None else base.workers,
        memory_per_worker=parse_size(memory_per_worker) if memory_per_worker else base.memory_per_worker,
    )


def _known_region(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from auditor.phones import known_region

    region = known_region(value)
    if region is None:
        raise ConfigError(
            f"--default-country {value!r} is not a country code",
            hint="Use an ISO 3166 code such as FR, PL or US",
        )
    return region


def _config(
    config_path: str | None,
    as_of: str | None,
    internal_domain: tuple[str, ...],
    partner_domain: tuple[str, ...],
    lang: str | None,
    platform: str | None,
    object_name: str | None,
    sheet: str | None,
    **more: Any,
) -> Config:
    base = load_config(config_path)
    return base.with_overrides(
        as_of=parse_as_of(as_of) if as_of else None,
        internal_domains=(*base.internal_domains, *internal_domain) if internal_domain else None,
        partner_domains=(*base.partner_domains, *partner_domain) if partner_domain else None,
        lang=lang,
        platform=platform,
        object=object_name,
        sheet=sheet,
        **more,
    )


@main.command("audit")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@_audit_options
@_report_options
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    help="Exit 1 when a finding reaches this severity (default: error).",
)
@click.option("--ruleset", help="Rule set to run (default, pre-migration, strict, ...).")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="A findings JSON of an earlier audit: mark each finding new or still open, and count the fixed.",
)
@click.option(
    "--decisions",
    type=click.Path(dir_okay=False),
    help="A CSV of pairs a person decided (file_a,id_a,file_b,id_b,decision: not_same_person or same_person).",
)
@click.option(
    "--fixes",
    type=click.Path(),
    metavar="DIR",
    help="Write a fix plan into DIR: plan.json (merges, conversions, closes), before/ (the rows it changes), clean/ (one row per person after it) and import/ with README.md (files each CRM imports, and how).",
)
@_engine_options
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary; only errors.")
def audit_command(
    files: tuple[str, ...],
    html: str | None,
    json: str | None,
    xlsx: str | None,
    normalised: str | None,
    findings_parquet: str | None,
    fail_on: str | None,
    ruleset: str | None,
    baseline: str | None,
    decisions: str | None,
    fixes: str | None,
    quiet: bool,
    **options: Any,
) -> None:
    """Audit CRM export FILES (CSV, XLSX, Parquet; a folder stands for the exports in it) and write the
    reports you ask for.

    \b
    Exit status: 0 no finding reaches --fail-on; 1 one does; 2 a usage error or an unreadable input.

    \b
    Example:
      crm-audit audit Lead.csv Contact.csv Account.csv --internal-domain example.com \\
          --as-of 2026-11-01 --html report.html --json findings.json --fixes fixes/
    """
    engine_options = {name: options.pop(name) for name in _ENGINE_OPTIONS}
    config = _config(**options, fail_on=fail_on, ruleset=ruleset, decisions=decisions)
    config = config.with_overrides(engine=_engine(config.engine, **engine_options))
    from auditor.api import expand_folders
    from auditor.reporting.writing import check_outputs, write_reports

    outputs = {
        "html": html,
        "json": json,
        "xlsx": xlsx,
        "normalised": normalised,
        "findings_parquet": findings_parquet,
    }
    # Before the audit: a wrong output path found after minutes of work costs those minutes.
    inputs = expand_folders(files)
    check_outputs({**outputs, "fixes": fixes}, inputs, config=options.get("config_path"))
    result = _run_audit(list(files), config, quiet=quiet, baseline=baseline)
    too_large = None
    try:
        written = write_reports(result, **outputs)
    except OutputTooLarge as error:  # the rest is written: say what, then what was not
        written, too_large = error.written, error
    if fixes:
        from auditor.fixes import write_fixes

        planned = write_fixes(result, fixes).count()
        said = ", ".join(f"{count} {name}" for name, count in planned.items() if name != "without_fix")
        written.append(
            f"{Path(fixes) / 'plan.json'} ({said or 'no action'}; {planned['without_fix']} findings without a fix)"
        )
    _finish(result, written, quiet=quiet, too_large=too_large)


def _run_audit(files: list[str], config: Config, *, quiet: bool, baseline: str | None = None) -> AuditResult:
    from auditor.api import audit
    from auditor.reporting.terminal import Progress

    with Progress(enabled=not quiet) as progress:
        result = audit(files, config, progress=progress.update, baseline=baseline)
    for report in result.skipped:
        _say(f"crm-audit: {report.file}: {report.error}", err=True)
    return result


def _finish(
    result: AuditResult, written: list[str], *, quiet: bool, too_large: OutputTooLarge | None = None
) -> None:
    """The summary, then the exit status; or, when a report was too large to write, its error."""
    from auditor.reporting.terminal import summary_text

    if not quiet:
        _say(summary_text(result, written))
    if too_large is not None:
        raise too_large
    sys.exit(result.exit_status())


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@_audit_options
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--weights",
    is_flag=True,
    help="Also learn the matching model from the files and print its weights (slower: matches everyone).",
)
def inspect(files: tuple[str, ...], output_format: str, weights: bool, **options: Any) -> None:
    """Show what was detected in each file: platform, object, encoding, delimiter, sheet, rows,
    each header's canonical field, the headers left unmapped, and each label column's values.
    With --weights, also the matching model learnt from the files."""
    from auditor.api import inspect as inspect_files
    from auditor.api import match
    from auditor.reporting.terminal import inspection_text, weights_text

    config = _config(**options)
    reports = inspect_files(list(files), config)
    matches = match(list(files), config) if weights else None
    if output_format == "json":
        inspected: Any = [report.to_dict() | {"labels": report.labels} for report in reports]
        if matches is not None:
            inspected = {
                "inputs": inspected,
                "matching": matches.model.to_dict() if matches.model else None,
                "matching_diagnostics": matches.diagnostics,
            }
        _say(json.dumps(inspected, ensure_ascii=False, indent=1))
    else:
        _say(inspection_text(reports))
        if matches is not None:
            _say("\n" + weights_text(matches))
    sys.exit(2 if any(report.error for report in reports) else 0)


@main.command()
@click.argument("code", required=False)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--ruleset", help="Show the rules of this rule set, with its severities.")
@click.option("--schema", is_flag=True, help="Print the rule set as the pandera schema it compiles to.")
def rules(code: str | None, output_format: str, ruleset: str | None, schema: bool) -> None:
    """The rule catalogue (code, kind, severity, summary), or one rule's full explanation.

    \b
    Examples:
      crm-audit rules
      crm-audit rules CL001
      crm-audit rules --format json
    """
    from auditor.reporting.rule_docs import catalogue_text, rule_text, ruleset_rules

    chosen = ruleset_rules(ruleset or "default")
    if schema:
        from auditor.checking import load_ruleset

        click.echo(repr(load_ruleset(Config(ruleset=ruleset or "default")).schema()))
        return
    if code:
        matches = [rule for rule in chosen if rule.code == code.upper() or rule.name == code.lower()]
        if not matches:
            raise AuditorError(f"no rule {code!r}", hint="Run `crm-audit rules` for the catalogue")
        rule = matches[0]
        click.echo(
            json.dumps(rule.to_dict(full=True), ensure_ascii=False, indent=1)
            if output_format == "json"
            else rule_text(rule)
        )
        return
    if output_format == "json":
        click.echo(json.dumps([rule.to_dict() for rule in chosen], ensure_ascii=False, indent=1))
    else:
        click.echo(catalogue_text(chosen))


@main.command()
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    default="crm-audit-demo.html",
    show_default=True,
    help="Where to write the report.",
)
@click.option(
    "--lang",
    type=click.Choice(list(report_languages())),
    default="en",
    show_default=True,
    help="Report language.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary.")
def demo(html_path: str, lang: str, quiet: bool) -> None:
    """Audit the sample exports shipped with the package and write the HTML report.

    The samples are fictional: a Salesforce org, a French HubSpot portal, a Spanish Dynamics 365,
    a Pipedrive account and a multilingual hand-kept sheet, with the usual mess planted in them.
    """
    from auditor.demo import audit_samples, demo_config
    from auditor.reporting.terminal import Progress, summary_text

    with Progress(enabled=not quiet) as progress:
        result = audit_samples(demo_config().with_overrides(lang=lang), progress=progress.update)
    from auditor.reporting.writing import write_reports

    written = write_reports(result, html=html_path)
    if not quiet:
        _say(summary_text(result, written))
        _say(f"Open {Path(html_path).resolve().as_uri()} in a browser.")


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only this machine can reach the default; 0.0.0.0 opens it to the network.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free one)."
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="Largest upload accepted, all files of one audit together.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Audits run at once (default: 2, or 1 on one core).",
)
@click.option(
    "--max-queued",
    type=click.IntRange(0, 1000),
    default=4,
    show_default=True,
    help="Audits that may wait for a worker; beyond that the page says the server is busy.",
)
@click.option(
    "--keep-minutes",
    type=click.FloatRange(min=0.1),
    default=30,
    show_default=True,
    help="Delete results nobody downloaded this long after the audit finished.",
)
@click.option(
    "--max-disk-mb",
    type=click.IntRange(1, 10_000_000),
    default=None,
    help="Disk the uploads and results of all audits may take together (default: ten times --max-upload-mb).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
def serve(
    host: str,
    port: int,
    max_upload_mb: int,
    workers: int | None,
    max_queued: int,
    keep_minutes: float,
    max_disk_mb: int | None,
    open_browser: bool,
) -> None:
    """Start a local web page to upload exports, follow the audit and read the report.

    \b
    Files are checked by content, kept in a private temporary folder, and deleted once every result
    is downloaded, after --keep-minutes, or when the server stops (Ctrl+C).

    \b
    Example:
      crm-audit serve --port 8765 --max-upload-mb 500
    """
    from auditor.serve import INSTALL_HINT, missing_dependencies

    if missing_dependencies():
        click.echo(f"crm-audit: {INSTALL_HINT}", err=True)
        sys.exit(2)
    from auditor.serve.server import run
    from auditor.serve.settings import MEGABYTE, ServeSettings

    limits: dict[str, Any] = {"workers": workers} if workers else {}
    run(
        ServeSettings(
            host=host,
            port=port,
            max_upload_bytes=max_upload_mb * MEGABYTE,
            max_queued=max_queued,
            keep_seconds=keep_minutes * 60,
            max_disk_bytes=max_disk_mb * MEGABYTE if max_disk_mb else None,
            **limits,
        ),
        open_browser=open_browser,
        echo=click.echo,
    )
