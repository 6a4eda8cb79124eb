"""Repairs a fix plan proposes only when exactly one reading of a broken value exists: an email
address wrapped or punctuated by copy and paste, whose mail provider lost its top-level domain, or
whose very common domain took a typing slip (gmial.com).
Anything that could be read two ways ("jan@acme", "anna@yahoo") gets no repair: a wrong address
written into a CRM is worse than an invalid one a person can see."""

from __future__ import annotations

import re
from functools import cache

from auditor.keys import free_mail_domains, mistyped_domain
from auditor.normalising import email_is_valid

# What copy and paste leaves around an address: a mailto: link, a pair of angle brackets or quotes
# from a "Name <address>" line, trailing punctuation from a sentence. A lone quote stays: O'Brien.
_PAIRS = {"<": ">", '"': '"', "'": "'", "(": ")", "[": "]"}


def repair_email(value: str) -> str | None:
    """The one address `value` can only have meant, or None: wrapping and trailing punctuation
    removed, a doubled @ made single and spaces around it dropped, commas in the domain read as
    dots and doubled dots as one, and a bare provider name ("gmail") given its domain when exactly
    one known free-mail domain starts with it. The result is a valid address different from the
    value, or None; a valid value is never changed."""
    address = value.strip()
    if email_is_valid(address):
        return None
    unwrapped = None
    while unwrapped != address:  # "<mailto:jan@acme.pl>." takes three turns
        unwrapped = address
        address = re.sub(r"^mailto:", "", address, flags=re.IGNORECASE).rstrip(".,;: ")
        if len(address) > 2 and _PAIRS.get(address[0]) == address[-1]:
            address = address[1:-1].strip()
    address = re.sub(r"\s*@+\s*", "@", address)
    if address.count("@") != 1:
        return None
    local, domain = address.split("@")
    domain = re.sub(r"\.{2,}", ".", domain.replace(",", ".")).strip(".")
    if domain and "." not in domain:
        completions = _completions().get(domain.casefold(), ())
        if len(completions) != 1:
            return None
        domain = completions[0]
    repaired = f"{local}@{domain}"
    if repaired == value or not email_is_valid(repaired):
        return None
    return repaired


def repair_domain(value: str) -> str | None:
    """A valid address on a domain one typing slip from exactly one very common mail domain
    (`auditor.keys.mistyped_domain`: jan@gmial.com), on that domain; else None."""
    local, at, domain = value.strip().rpartition("@")
    meant = mistyped_domain(domain) if at and email_is_valid(value.strip()) else None
    return f"{local}@{meant}" if meant else None


@cache
def _completions() -> dict[str, tuple[str, ...]]:
    """Each free-mail provider's name (the domain's first label) -> its known domains."""
    names: dict[str, list[str]] = {}
    for domain in sorted(free_mail_domains()):
        names.setdefault(domain.split(".", 1)[0], []).append(domain)
    return {name: tuple(domains) for name, domains in names.items()}
