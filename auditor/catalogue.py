"""What the data files say exists: the platforms (one profile each under rules/platforms/) and the
report languages (one translation each under reports/i18n/). Read from the files when first asked,
so that adding a platform or a report language is adding a file; the CLI's choices, the settings'
checks, the record model and the web page all ask here.
"""

from __future__ import annotations

import tomllib
from functools import cache

from auditor.resources import iter_rules_files, load_rules_toml, reports_dir

# Records of an export no profile recognises are read as a hand-kept list: "generic" has no file.
GENERIC = "generic"
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
    report_languages.cache_clear()
    load_rules_toml.cache_clear()
