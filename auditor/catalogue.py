"""What the data files say exists: the platforms (one profile each under rules/platforms/), the
objects they hold (their `[objects.<name>]`, and the tables of rules/tables.toml that hold no
people) and the report languages (one translation each under reports/i18n/). Read from the files
when first asked, so that adding a platform, an object or a report language is editing data; the
CLI's choices, the settings' checks, detection, the record model and the web page all ask here.
"""

from __future__ import annotations

import tomllib
from functools import cache

from auditor.resources import iter_rules_files, load_rules_toml, reports_dir

# Records of an export no profile recognises are read as a hand-kept list: "generic" has no file.
GENERIC = "generic"
# What detection makes of a table of people no profile names one object for: people of several
# objects (a hand-kept sheet), or nothing it can tell.
MIXED, UNKNOWN = "mixed", "unknown"
# The report language every other one falls back to for a missing text, listed first.
BASE_LANGUAGE = "en"


@cache
def platforms() -> tuple[str, ...]:
    """The platform names of rules/platforms/*.toml (in file-name order), then "generic"."""
    names = [
        load_rules_toml("platforms", entry.name)["name"] for entry in iter_rules_files("platforms", ".toml")
    ]
    return (*names, GENERIC)


@cache
def people_objects() -> tuple[str, ...]:
    """The objects that hold people and their companies, as the profiles name them (in the order
    the profiles first name each), then "mixed" and "unknown": the tables the rules audit."""
    named: dict[str, None] = {}
    for entry in iter_rules_files("platforms", ".toml"):
        named |= dict.fromkeys(load_rules_toml("platforms", entry.name).get("objects", {}))
    return (*named, MIXED, UNKNOWN)


@cache
def table_objects() -> tuple[str, ...]:
    """The tables that hold no people (rules/tables.toml), in its order: the order that decides
    between two of them whose headers vote alike."""
    return tuple(load_rules_toml("tables.toml"))


def objects() -> tuple[str, ...]:
    return (*people_objects(), *table_objects())


@cache
def report_languages() -> dict[str, str]:
    """Each report language's code (its file name under reports/i18n/) and its name in itself."""
    found = {}
    for entry in sorted(reports_dir("i18n").iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".toml"):
            meta = tomllib.loads(entry.read_text(encoding="utf-8")).get("meta", {})
            found[entry.name.removesuffix(".toml")] = str(meta.get("name", entry.name))
    return {BASE_LANGUAGE: found.pop(BASE_LANGUAGE), **found}


def forget() -> None:
    """Read the files again at the next question (for tests that add a file)."""
    platforms.cache_clear()
    people_objects.cache_clear()
    table_objects.cache_clear()
    report_languages.cache_clear()
    load_rules_toml.cache_clear()
