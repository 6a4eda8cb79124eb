"""Interface text of the reports in the user's language, read from reports/i18n/<lang>.toml.

Translations are data: one TOML file per language, nested tables flattened to dotted keys
("kind.duplicate.why"). A key missing from a language falls back to English, so a half-finished
translation still renders a complete report; a key missing from English is a bug and raises.
"""

from __future__ import annotations

from auditor.catalogue import report_languages
from auditor.findings import Finding
from auditor.wording import FALLBACK, Words, catalogue, said


class Translator:
    """`t("summary.records")` or `t("cap.more", shown=500, total=1200)` in the report's language."""

    def __init__(self, lang: str) -> None:
        if lang not in report_languages():
            raise ValueError(f"no translation for {lang!r}; known: {', '.join(report_languages())}")
        self.lang = lang
        self._own = catalogue(lang)
        self._fallback = catalogue(FALLBACK)

    def __call__(self, key: str, **params: object) -> str:
        text = self._own.get(key)
        if text is None:
            text = self._fallback[key]
        # Numbers go in formatted the language's way; everything else as given.
        shown = {name: self.number(value) if _is_number(value) else value for name, value in params.items()}
        return text.format(**shown) if shown else text

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback

    def optional(self, key: str, default: str) -> str:
        """The translation when the key exists, else `default` (for codes that may be new, such as
        a kind added by a rule after this catalogue was written)."""
        return self(key) if self.has(key) else default

    @property
    def direction(self) -> str:
        return self("meta.dir")

    def number(self, value: float, decimals: int = 0) -> str:
        """Digit grouping and decimal mark of the language ("12 345,6" in French)."""
        text = f"{value:,.{decimals}f}"
        group, decimal = self("meta.group_separator"), self("meta.decimal_separator")
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    def percent(self, share: float, decimals: int = 1) -> str:
        """A share (0.051) as the reports write it ("5.1 %"; "5,1 %" in French)."""
        return f"{self.number(share * 100, decimals)} %"

    def field(self, name: str) -> str:
        """A canonical field's name for people; the code itself when no translation exists."""
        return self.optional(f"field.{name}", name)

    def kind_title(self, kind: str) -> str:
        return self.optional(f"kind.{kind}.title", kind.replace("_", " ").capitalize())

    def action(self, kind: str) -> str:
        """What to do about a kind of finding, for the summary's list of what to fix first."""
        return self.optional(f"action.{kind}", self("action.other", title=self.kind_title(kind)))

    def kind_why(self, kind: str) -> str:
        return self.optional(f"kind.{kind}.why", self("kind.other.why"))


def message_in(lang: str, finding: Finding) -> tuple[str, bool]:
    """The finding's message in `lang` where its rule has a template there, and True; else the
    English it was written in, and False (True in an English report)."""
    if isinstance(finding.message, Words):
        return said(finding.message, lang)
    return finding.message, lang == FALLBACK


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
