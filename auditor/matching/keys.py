"""Keys that say two values are the same thing: email addresses, email domains, company names.

Used by who-is-who (a lead at a customer's domain) and by matching (the same person twice).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from auditor.folding import fold
from auditor.resources import load_word_list


@cache
def free_mail_domains() -> frozenset[str]:
    return load_word_list("freemail.txt")


@cache
def _legal_forms() -> tuple[tuple[str, ...], ...]:
    """Folded legal forms as word tuples, longest first, so "sp z o o" goes before "sp"."""
    forms = {tuple(fold(form).split()) for form in load_word_list("legal_forms.txt") if fold(form)}
    return tuple(sorted(forms, key=len, reverse=True))


def email_domains(emails: pd.Series) -> pd.Series:
    """The domain of each address, lower-cased ("" when there is none)."""
    domains = emails.str.strip().str.lower().str.rpartition("@")[2]
    has_at = emails.str.contains("@", regex=False)
    return domains.where(has_at, "").str.removeprefix("www.").astype("str")


def company_domains(emails: pd.Series) -> pd.Series:
    """Email domains that can stand for a company: free-mail domains give ""."""
    domains = email_domains(emails)
    return domains.where(~domains.isin(free_mail_domains()), "").astype("str")


def website_domains(websites: pd.Series) -> pd.Series:
    """"https://www.acme.com/about" -> "acme.com"."""
    lowered = websites.str.strip().str.lower()
    bare = lowered.str.replace(r"^[a-z][a-z0-9+.-]*://", "", regex=True).str.split("/").str[0]
    return bare.str.split(":").str[0].str.removeprefix("www.").fillna("").astype("str")


_AMPERSAND = re.compile(r"\s*&\s*")


@cache
def company_key(name: str) -> str:
    """A company name without case, accents, punctuation, "&"/"and" or legal forms.

    >>> company_key("ACME Sp. z o.o.") == company_key("Acme") == company_key("acme, inc.")
    True
    """
    words = fold(_AMPERSAND.sub(" and ", name)).split()
    words = [word for word in words if word not in ("and", "et", "y", "und", "i", "e", "dan", "و")]
    changed = True
    while changed and words:
        changed = False
        for form in _legal_forms():
            size = len(form)
            if len(words) > size and tuple(words[-size:]) == form:
                words = words[:-size]
                changed = True
                break
            if len(words) > size and tuple(words[:size]) == form and form in (("pt",), ("cv",), ("شركة",)):
                words = words[size:]
                changed = True
                break
    return " ".join(words)


def company_keys(names: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(names, sort=False)
    keys = pd.Series([company_key(str(name)) for name in uniques], dtype="str")
    result = keys.take(codes) if len(codes) else pd.Series([], dtype="str")
    result.index = names.index
    return result
