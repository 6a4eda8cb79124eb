"""Keys that say two values are the same thing: email addresses, email domains, company names.

Used by who-is-who (a lead at a customer's domain) and by matching (the same person twice). Every
function here works on whole columns in Arrow kernels: a million addresses or company names take
well under a second. The word lists live in rules/: freemail.txt, role_addresses.txt,
email_providers.csv, lookalikes.csv, legal_forms.txt, mistyped_domains.txt.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import OSA

from auditor.folding import fold
from auditor.resources import load_word_list, rules_dir
from auditor.text import STR, as_arrow, fold_array, to_series

# Characters that render as nothing: copied addresses carry them along.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# A usable address after normalising: one @, no spaces, a dot in the domain.
_ADDRESS_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"


@cache
def free_mail_domains() -> frozenset[str]:
    return load_word_list("freemail.txt")


@cache  # DQ007, its findings' words and a fix plan each ask about the same few domains
def mistyped_domain(domain: str) -> str | None:
    """The very common mail domain (rules/mistyped_domains.txt) that `domain` is one typing slip
    from, when it is exactly one and `domain` is no known mail domain itself; else None."""
    domain = domain.strip().casefold()
    if len(domain) < 6 or domain in free_mail_domains():
        return None
    # Cut short rather than mistyped: yahoo.co may have been yahoo.co.uk as well as yahoo.com.
    if any(known.startswith(f"{domain}.") for known in free_mail_domains()):
        return None
    near = [target for target in _typo_targets() if OSA.distance(domain, target, score_cutoff=1) <= 1]
    return near[0] if len(near) == 1 else None


@cache
def _typo_targets() -> tuple[str, ...]:
    return tuple(sorted(load_word_list("mistyped_domains.txt")))


@cache
def role_mailboxes() -> frozenset[str]:
    """Mailbox names of functions, not people, without dots, dashes or underscores ("noreply")."""
    return frozenset(
        re.sub(r"[._-]", "", fold(name).replace(" ", "")) for name in load_word_list("role_addresses.txt")
    )


@dataclass(frozen=True)
class MailProvider:
    canonical_domain: str
    ignores_dots: bool
    tag_separator: str


@cache
def mail_providers() -> dict[str, MailProvider]:
    """rules/email_providers.csv: domains whose mailbox rules are known (Gmail ignores dots ...)."""
    text = rules_dir("email_providers.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {
        row["domain"].strip().lower(): MailProvider(
            canonical_domain=row["canonical_domain"].strip().lower(),
            ignores_dots=row["ignores_dots"].strip().lower() == "yes",
            tag_separator=row["tag_separator"].strip(),
        )
        for row in rows
    }


@cache
def _provider_table() -> pd.DataFrame:
    rows = {
        domain: {
            "canonical_domain": rule.canonical_domain,
            "ignores_dots": rule.ignores_dots,
            "plus_tags": rule.tag_separator == "+",
        }
        for domain, rule in mail_providers().items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@cache
def _lookalikes() -> dict[int, str]:
    text = rules_dir("lookalikes.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    table = {ord(row["char"]): row["latin"] for row in rows}
    table.update({ord(char): "" for char in _INVISIBLE})
    return table


@dataclass(frozen=True)
class EmailKeys:
    """Each address read the way its mail server reads it.

    `address`: the personal address after normalising ("" when empty, malformed or a role mailbox);
    `user` and `domain` its two parts (the domain is filled for role mailboxes too);
    `role`: True for function mailboxes (info@, sales@ ...), which never identify a person.
    """

    address: pd.Series
    user: pd.Series
    domain: pd.Series
    role: np.ndarray


def normalise_emails(emails: pd.Series) -> EmailKeys:
    """Case, spaces, look-alike letters, display names ("Ana <ana@x.com>"), and the provider's
    own rules: Gmail ignores dots, and "+tags" are dropped where the provider delivers them to the
    same mailbox. Elsewhere the address is kept as written: jan.kowalski@ and jankowalski@ at a
    company domain may be two people.

    Arrow kernels over the whole column; the rare cases (display names, foreign letters, known
    providers) are handled on their own rows only."""
    array = pc.fill_null(as_arrow(emails), "")
    if not pc.any(pc.not_equal(array, "")).as_py():
        empty = pd.Series("", index=emails.index, dtype=STR)
        return EmailKeys(
            address=empty, user=empty.copy(), domain=empty.copy(), role=np.zeros(len(emails), bool)
        )
    if pc.all(pc.string_is_ascii(array)).as_py():
        array = pc.ascii_lower(array)
    else:
        array = _fix_foreign(pc.utf8_normalize(array, "NFKC"))
    array = pc.utf8_trim_whitespace(array)
    array = _rewrite_where(array, "<", r"^.*<([^<>]*)>.*$", r"\1")
    array = _rewrite_where(array, "mailto:", r"^mailto:", "")
    array = _rewrite_where(array, " ", r"\s+", "")
    usable = pc.fill_null(pc.match_substring_regex(array, _ADDRESS_SHAPE), False)
    # An unusable value splits like "@": two empty parts.
    parts = pc.split_pattern(pc.if_else(usable, array, "@"), "@", max_splits=1, reverse=True)
    user = pc.list_element(parts, 0)
    domain = pc.list_element(parts, 1)

    codes, domains = pd.factorize(to_series(domain), sort=False)
    providers = _provider_table().reindex(np.asarray(domains, dtype=object))
    known = providers["canonical_domain"].notna().to_numpy()
    if known.any():
        indices = pa.array(codes)
        plus = pc.take(pa.array(providers["plus_tags"].fillna(False).to_numpy(dtype=bool)), indices)
        dots = pc.take(pa.array(providers["ignores_dots"].fillna(False).to_numpy(dtype=bool)), indices)
        user = pc.if_else(plus, pc.replace_substring_regex(user, r"\+.*$", ""), user)
        user = pc.if_else(dots, pc.replace_substring(user, ".", ""), user)
        canonical = providers["canonical_domain"].where(
            providers["canonical_domain"].notna(), np.asarray(domains)
        )
        domain = pc.take(pa.array(canonical.to_numpy(dtype=object), type=pa.large_string()), indices)
    mailbox = pc.replace_substring_regex(user, r"\+.*$|[._-]", "")
    role = pc.and_(
        pc.is_in(mailbox, value_set=pa.array(sorted(role_mailboxes()), type=pa.large_string())),
        pc.not_equal(user, ""),
    )
    personal = pc.and_(pc.not_equal(user, ""), pc.invert(role))
    address = pc.if_else(
        personal, pc.binary_join_element_wise(user, domain, pa.scalar("@", pa.large_string())), ""
    )
    return EmailKeys(
        address=to_series(address, emails.index),
        user=to_series(pc.if_else(personal, user, ""), emails.index),
        domain=to_series(domain, emails.index),
        role=role.to_numpy(zero_copy_only=False),
    )


def _fix_foreign(array: pa.ChunkedArray) -> pa.ChunkedArray:
    """Look-alike letters and invisible characters, on the few rows that are not plain ASCII."""
    series = to_series(array)
    foreign = ~series.str.isascii()
    series[foreign] = series[foreign].str.translate(_lookalikes()).str.lower()
    series[~foreign] = series[~foreign].str.lower()
    return as_arrow(series)


def _rewrite_where(array: pa.ChunkedArray, marker: str, pattern: str, replacement: str) -> pa.ChunkedArray:
    """A regex rewrite on the rows that contain `marker` (regexes over every row cost seconds)."""
    has = pc.match_substring(array, marker)
    if not pc.any(has).as_py():
        return array
    return pc.if_else(has, pc.replace_substring_regex(array, pattern, replacement), array)


def email_key(address: str) -> str:
    """The personal key of one address ("" for role mailboxes and malformed addresses).

    >>> email_key(" J.Smith+crm@GoogleMail.com ") == email_key("jsmith@gmail.com")
    True
    """
    return str(normalise_emails(pd.Series([address], dtype="str")).address.iat[0])


def email_domains(emails: pd.Series) -> pd.Series:
    """The domain of each address, lower-cased ("" when there is none)."""
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(emails.astype("str"), pa.string())))
    domains = pc.replace_substring_regex(pc.replace_substring_regex(lowered, r"^.*@", ""), r"^www\.", "")
    has_at = pc.match_substring(lowered, "@")
    return pd.Series(pc.if_else(has_at, domains, ""), index=emails.index, dtype="str")


def company_domains(emails: pd.Series) -> pd.Series:
    """Email domains that can stand for a company: free-mail domains give ""."""
    return without_free_mail(email_domains(emails))


def without_free_mail(domains: pd.Series) -> pd.Series:
    return domains.where(~domains.isin(free_mail_domains()), "").astype("str")


def website_domains(websites: pd.Series) -> pd.Series:
    """ "https://www.acme.com/about" -> "acme.com"."""
    array = pc.fill_null(as_arrow(websites), "")
    if not pc.any(pc.not_equal(array, "")).as_py():
        return pd.Series("", index=websites.index, dtype=STR)
    array = pc.utf8_lower(pc.utf8_trim_whitespace(array))
    array = pc.replace_substring_regex(array, r"^[a-z][a-z0-9+.-]*://", "")
    array = pc.replace_substring_regex(array, r"[/:?#].*$", "")
    return to_series(pc.replace_substring_regex(array, r"^www\.", ""), websites.index)


# Words that join parts of a company name ("Smith & Sons", "Dupont et Fils", "Silva e Filhos").
_CONNECTORS = ("and", "et", "y", "und", "i", "e", "dan", "و")
# Words a company name may start with that say nothing about which company it is.
_LEADING = ("the", "pt", "cv", "شركة")


@cache
def _company_patterns() -> tuple[str, str, str]:
    """RE2 patterns, capture-free so that RE2 runs them as a DFA: connector words, a leading word,
    and any run of legal forms at the end."""
    forms = {fold(form) for form in load_word_list("legal_forms.txt")} - {""}
    alternation = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    connectors = r" (?:" + "|".join(_CONNECTORS) + r")(?: (?:" + "|".join(_CONNECTORS) + r"))* "
    leading = r"^(?: (?:" + "|".join(_LEADING) + r"))+ "
    trailing = r"(?: (?:" + alternation + r"))+ $"
    return connectors, leading, trailing


def company_keys(names: pd.Series) -> pd.Series:
    """Company names without case, accents, punctuation, "&"/"and", a leading "The"/PT/CV, or legal
    forms at the end (Inc, GmbH, S.A., Sp. z o.o., Tbk ... from rules/legal_forms.txt).

    A name that is nothing but such words keeps them: a company called "Company" stays "company"."""
    connectors, leading, trailing = _company_patterns()
    array = pc.fill_null(fold_array(names), "")
    # Padded with spaces, every word is " word ": the patterns need no word boundaries.
    space = pa.scalar(" ", array.type)
    padded = pc.binary_join_element_wise(space, array, space, pa.scalar("", array.type))
    padded = pc.replace_substring_regex(padded, connectors, " ")
    for pattern in (leading, trailing):
        stripped = pc.replace_substring_regex(padded, pattern, " ")
        padded = pc.if_else(pc.equal(pc.utf8_trim_whitespace(stripped), ""), padded, stripped)
    return to_series(pc.utf8_trim_whitespace(padded), names.index)


def company_key(name: str) -> str:
    """One company name's key.

    >>> company_key("ACME Sp. z o.o.") == company_key("Acme") == company_key("acme, inc.")
    True
    """
    return str(company_keys(pd.Series([name], dtype="str")).iat[0])


def acronyms(keys: pd.Series) -> pd.Series:
    """Initials of company keys of two words or more ("international business machines" -> "ibm")."""
    array = as_arrow(keys)
    initials = pc.replace_substring_regex(array, r"(\S)\S*\s*", r"\1")
    several = pc.match_substring(array, " ")
    return to_series(pc.if_else(several, initials, ""), keys.index)
