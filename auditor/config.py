"""The audit's settings: one frozen object built from defaults, a TOML file and command-line options.

Settings are data (a TOML file can be saved, diffed and reviewed); precedence is
defaults < config file < command line, and `Config.with_overrides` is how the CLI applies the last step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from auditor.catalogue import objects, platforms, report_languages
from auditor.engines import EngineSettings, parse_size
from auditor.errors import ConfigError
from auditor.findings import SEVERITIES

FAIL_ON = (*SEVERITIES, "never")


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


# The years wholly inside the range of the timestamps the records' dates are read into (pandas'
# nanoseconds: 1677-09-22 to 2262-04-11).
FIRST_AS_OF = dt.date(1678, 1, 1)
LAST_AS_OF = dt.date(2261, 12, 31)
PHONE_FORMATS = ("as_exported", "e164")


@dataclass(frozen=True)
class Config:
    """Everything an audit can be told. Every field has a safe default, so `Config()` audits as-is."""

    as_of: dt.date = field(default_factory=dt.date.today)
    internal_domains: tuple[str, ...] = ()
    partner_domains: tuple[str, ...] = ()
    stale_after_days: int = 365
    # Region for phone numbers written in national format when a record has no country.
    default_country: str | None = None
    ruleset: str = "default"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=_frozen)
    fail_on: str = "error"
    lang: str = "en"
    platform: str | None = None
    object: str | None = None
    sheet: str | None = None
    # File name (or "*") -> {header as exported: canonical field}; wins over detection.
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=_frozen)
    # Concept ("type", "temperature", "status", ...) -> {label: canonical value}; wins over built-ins.
    vocabulary: Mapping[str, Mapping[str, str]] = field(default_factory=_frozen)
    # Extra pandera field checks, in the rule-set file's [[fields]] shape.
    fields: tuple[Mapping[str, Any], ...] = ()
    # A fix plan's survivorship over rules/survivorship.toml: `order` and per field `fields`.
    survivorship: Mapping[str, Any] = field(default_factory=_frozen)
    # A decisions file (auditor/decisions.py): pairs a person ruled the same person or not.
    decisions: str | None = None
    # How a fix plan writes valid phones: "as_exported" leaves them, "e164" plans their E.164 form.
    phone_format: str = "as_exported"
    # Where the audit runs (auditor/engines): this process, or a Dask cluster.
    engine: EngineSettings = field(default_factory=EngineSettings)

    def __post_init__(self) -> None:
        if not FIRST_AS_OF <= self.as_of <= LAST_AS_OF:
            raise ConfigError(
                f"as_of {self.as_of.isoformat()} is outside the dates an audit can count days to",
                hint=f"Give a date from {FIRST_AS_OF.isoformat()} to {LAST_AS_OF.isoformat()}",
            )
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.lang not in report_languages():
            raise ConfigError(f"--lang must be one of {', '.join(report_languages())}, not {self.lang!r}")
        if self.platform is not None and self.platform not in platforms():
            raise ConfigError(
                f"unknown platform {self.platform!r}", hint=f"Use one of: {', '.join(platforms())}"
            )
        if self.object is not None and self.object not in objects():
            raise ConfigError(f"unknown object {self.object!r}", hint=f"Use one of: {', '.join(objects())}")
        if self.phone_format not in PHONE_FORMATS:
            raise ConfigError(
                f"phone_format must be one of {', '.join(PHONE_FORMATS)}, not {self.phone_format!r}"
            )
        if self.stale_after_days < 1:
            raise ConfigError("stale_after_days must be a positive number of days")
        for code, level in self.severity.items():
            if level not in SEVERITIES:
                raise ConfigError(f"severity of {code} must be one of {', '.join(SEVERITIES)}, not {level!r}")
        object.__setattr__(self, "internal_domains", _domains(self.internal_domains))
        object.__setattr__(self, "partner_domains", _domains(self.partner_domains))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as plain dicts (read-only mapping proxies cannot be pickled); rebuilt frozen."""
        state = {field_.name: _thawed(getattr(self, field_.name)) for field_ in dataclasses.fields(self)}
        return (_config_from_state, (state,))

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the given settings replaced; None and empty tuples mean "not given"."""
        given = {key: value for key, value in overrides.items() if value not in (None, ())}
        return dataclasses.replace(self, **given)


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thawed(item) for key, item in value.items()}
    return value


def _config_from_state(state: dict[str, Any]) -> Config:
    for key in ("severity", "columns", "vocabulary", "survivorship"):
        value = state[key]
        state[key] = _frozen(
            {name: _frozen(item) if isinstance(item, Mapping) else item for name, item in value.items()}
        )
    return Config(**state)


def load_config(path: str | Path | None) -> Config:
    """Read a TOML configuration file; `None` gives the defaults."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"not valid TOML ({error})", file=str(path), hint="Check the syntax") from None
    return config_from_mapping(data, source=str(path), folder=path.parent)


def config_from_mapping(
    data: Mapping[str, Any], *, source: str = "configuration", folder: Path | None = None
) -> Config:
    """Build a Config from the TOML layout documented in the README (also used by `crm-audit serve`)."""
    known_sections = {
        "audit", "rules", "columns", "vocabulary", "report", "fields", "survivorship", "fixes", "engine",
    }  # fmt: skip
    unknown = sorted(set(data) - known_sections)
    if unknown:
        raise ConfigError(
            f"unknown section [{unknown[0]}]",
            file=source,
            hint=f"Known sections: {', '.join(sorted(known_sections))}",
        )
    audit = dict(data.get("audit", {}))
    rules = dict(data.get("rules", {}))
    report = dict(data.get("report", {}))
    fixes = dict(data.get("fixes", {}))
    values: dict[str, Any] = {}
    try:
        if "as_of" in audit:
            values["as_of"] = parse_as_of(audit.pop("as_of"))
        for key in ("internal_domains", "partner_domains"):
            if key in audit:
                values[key] = tuple(_string_list(audit.pop(key), key))
        for key in ("stale_after_days",):
            if key in audit:
                values[key] = int(audit.pop(key))
        for key in ("default_country", "platform", "object", "sheet", "fail_on"):
            if key in audit:
                values[key] = str(audit.pop(key))
        if "decisions" in audit and folder is None:
            # A form (crm-audit serve) must not name files on the machine that runs the audit.
            raise ConfigError("decisions can be set only in a configuration file", file=source)
        if "decisions" in audit:
            # Relative to the configuration file's folder, which travels with it, not to wherever
            # the audit is started from.
            decisions = Path(str(audit.pop("decisions")))
            values["decisions"] = str(decisions if decisions.is_absolute() else folder / decisions)
        if audit:
            raise ConfigError(f"unknown setting {sorted(audit)[0]!r} in [audit]", file=source)
        if "ruleset" in rules:
            values["ruleset"] = str(rules.pop("ruleset"))
        for key in ("select", "ignore"):
            if key in rules:
                values[key] = tuple(code.upper() for code in _string_list(rules.pop(key), key))
        if "severity" in rules:
            values["severity"] = _frozen({str(k).upper(): str(v) for k, v in rules.pop("severity").items()})
        if "fail_on" in rules:
            values["fail_on"] = str(rules.pop("fail_on"))
        if "stale_after_days" in rules:
            values["stale_after_days"] = int(rules.pop("stale_after_days"))
        if rules:
            raise ConfigError(f"unknown setting {sorted(rules)[0]!r} in [rules]", file=source)
        if "lang" in report:
            values["lang"] = str(report.pop("lang"))
        if report:
            raise ConfigError(f"unknown setting {sorted(report)[0]!r} in [report]", file=source)
        if "phone_format" in fixes:
            values["phone_format"] = str(fixes.pop("phone_format"))
        if fixes:
            raise ConfigError(f"unknown setting {sorted(fixes)[0]!r} in [fixes]", file=source)
        if "columns" in data:
            values["columns"] = _frozen(
                {
                    str(name): _frozen({str(k): str(v) for k, v in table.items()})
                    for name, table in data["columns"].items()
                }
            )
        if "vocabulary" in data:
            values["vocabulary"] = _vocabulary(data["vocabulary"])
        if "fields" in data:
            values["fields"] = tuple(dict(item) for item in data["fields"])
        if "survivorship" in data:
            values["survivorship"] = _survivorship(data["survivorship"])
        if "engine" in data:
            values["engine"] = _engine(data["engine"])
        return Config(**values)
    except ConfigError as error:
        error.file = error.file or source
        raise
    except (TypeError, ValueError, AttributeError) as error:
        raise ConfigError(
            f"invalid value ({error})", file=source, hint="See the README's configuration section"
        ) from None


def _survivorship(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """[survivorship]: checked now (an unknown criterion, field or rule is refused before any file
    is read), kept as given."""
    from auditor.survivorship import Survivorship  # the record model loads pandera: only when asked

    settings = {
        str(key): tuple(value)
        if isinstance(value, list)
        else _frozen(value)
        if isinstance(value, Mapping)
        else value
        for key, value in data.items()
    }
    Survivorship.of(settings)
    return _frozen(settings)


def _engine(data: Mapping[str, Any]) -> EngineSettings:
    """[engine]: name = "local" | "dask", and for Dask scheduler, workers, memory_per_worker."""
    settings = dict(data)
    values: dict[str, Any] = {}
    for key in ("name", "scheduler"):
        if key in settings:
            values[key] = str(settings.pop(key))
    if "workers" in settings:
        workers = settings.pop("workers")
        if isinstance(workers, bool) or not isinstance(workers, int):
            raise ConfigError(f"workers must be a whole number, not {workers!r}")
        values["workers"] = workers
    if "memory_per_worker" in settings:
        values["memory_per_worker"] = parse_size(settings.pop("memory_per_worker"))
    if settings:
        raise ConfigError(
            f"unknown setting {sorted(settings)[0]!r} in [engine]",
            hint="Known settings: name, scheduler, workers, memory_per_worker",
        )
    return EngineSettings(**values)


def parse_as_of(value: object) -> dt.date:
    """The audit date, from a TOML date or a YYYY-MM-DD string."""
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"as_of must be a date written YYYY-MM-DD, not {value!r}") from None
    return date


def _vocabulary(data: Mapping[str, Any]) -> Mapping[str, Mapping[str, str]]:
    """[vocabulary] holds type labels directly; [vocabulary.<concept>] tables hold other concepts."""
    by_concept: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            by_concept.setdefault(str(key), {}).update({str(k): str(v) for k, v in value.items()})
        else:
            by_concept.setdefault("type", {})[str(key)] = str(value)
    return _frozen({concept: _frozen(table) for concept, table in by_concept.items()})


def _string_list(value: object, name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ConfigError(f"{name} must be a list of strings")


def _domains(domains: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (domain.strip().lower().lstrip("@").removeprefix("www.") for domain in domains)
    return tuple(dict.fromkeys(domain for domain in cleaned if domain))
