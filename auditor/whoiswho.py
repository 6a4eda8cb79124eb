"""Who is who: what the evidence says each record is (`suggested_type`), next to what its labels say.

Evidence, strongest first:
1. employee: the email's domain is one of the organisation's internal domains;
2. partner: a partner domain, or the person's account is typed as a partner (reseller, consultant ...);
3. customer: won deals, a became-customer date on or before the audit date, or an account typed Customer;
4. the record a lead matches (a lead that is already a contact takes that contact's type), applied by
   the matching step through `adopt_matched_types`;
5. otherwise the record's own labels (`record_type`).

Accounts are found in the account exports audited alongside, by account id, then by company name
(legal forms ignored), then by the company's website domain against a work email's domain. Free-mail
domains never tie a person to a company.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.matching.keys import company_keys, email_domains, website_domains, without_free_mail

# Evidence codes, stored per record; rules turn them into findings with the evidence spelled out.
INTERNAL_DOMAIN = "internal_domain"
PARTNER_DOMAIN = "partner_domain"
PARTNER_ACCOUNT = "partner_account"
WON_DEALS = "won_deals"
BECAME_CUSTOMER = "became_customer_date"
CUSTOMER_ACCOUNT = "customer_account"
MATCHED_RECORD = "matched_record"


@dataclass
class WhoIsWho:
    """Per record: the evidence code behind `suggested_type` ("" when none) and the account it used."""

    evidence: np.ndarray  # object array of evidence codes
    account_position: np.ndarray  # position of the account record in `records`, -1 when none
    account_link: np.ndarray  # how the account was found: "account id", "company name", "email domain"


def suggest_types(records: pd.DataFrame, config: Config) -> WhoIsWho:
    """Fill `suggested_type` and `suggested_reason` in place; return the evidence behind them."""
    size = len(records)
    people = (records["object"] != "account").to_numpy()
    all_domains_series = email_domains(records["email"])
    domains = without_free_mail(all_domains_series)
    account_position, account_link = _find_accounts(records, domains, people)
    account_type = np.full(size, "", dtype=object)
    has_account = account_position >= 0
    account_type[has_account] = records["record_type"].to_numpy()[account_position[has_account]]

    suggested = records["record_type"].to_numpy(dtype=object).copy()
    reason = np.full(size, "", dtype=object)
    evidence = np.full(size, "", dtype=object)
    undecided = people.copy()

    def decide(mask: np.ndarray, value: str, code: str, *why: str | np.ndarray) -> None:
        """Records still undecided that `mask` picks take `value`; the reason is written for them only."""
        nonlocal undecided
        chosen = mask & undecided
        if not chosen.any():
            return
        suggested[chosen] = value
        evidence[chosen] = code
        reason[chosen] = _text(chosen, *why)
        undecided &= ~chosen

    all_domains = all_domains_series.to_numpy(dtype=object)
    internal = np.isin(all_domains, list(config.internal_domains)) | _subdomain_of(
        all_domains, config.internal_domains
    )
    decide(internal, "employee", INTERNAL_DOMAIN, "email domain ", all_domains, " is an internal domain")
    partner = np.isin(all_domains, list(config.partner_domains)) | _subdomain_of(
        all_domains, config.partner_domains
    )
    decide(partner, "partner", PARTNER_DOMAIN, "email domain ", all_domains, " is a partner domain")
    account_names = np.where(
        has_account, records["company"].to_numpy(dtype=object)[np.maximum(account_position, 0)], ""
    )
    decide(
        account_type == "partner",
        "partner",
        PARTNER_ACCOUNT,
        "account ",
        account_names,
        " is typed as a partner (found by ",
        account_link,
        ")",
    )

    won = pd.to_numeric(records["won_deals"].str.replace(r"[\s,]", "", regex=True), errors="coerce").fillna(0)
    decide(
        won.to_numpy() > 0,
        "customer",
        WON_DEALS,
        won.astype(int).astype(str).to_numpy(dtype=object),
        " won deal(s)",
    )
    became = records["became_customer_date"]
    became_known = (became.notna() & (became <= pd.Timestamp(config.as_of))).to_numpy()
    decide(
        became_known,
        "customer",
        BECAME_CUSTOMER,
        "became a customer on ",
        became.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object),
    )
    decide(
        account_type == "customer",
        "customer",
        CUSTOMER_ACCOUNT,
        "account ",
        account_names,
        " is typed Customer (found by ",
        account_link,
        ")",
    )

    # A customer label is not contradicted by the absence of evidence; only evidence moves a type.
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
    return WhoIsWho(evidence=evidence, account_position=account_position, account_link=account_link)


def _text(chosen: np.ndarray, *pieces: str | np.ndarray) -> np.ndarray:
    """The reason of each chosen record: strings and per-record arrays, joined."""
    joined = np.full(int(chosen.sum()), "", dtype=object)
    for piece in pieces:
        joined = joined + (
            piece[chosen].astype(str).astype(object) if isinstance(piece, np.ndarray) else piece
        )
    return joined


def _subdomain_of(domains: np.ndarray, parents: tuple[str, ...]) -> np.ndarray:
    if not parents or not len(domains):
        return np.zeros(len(domains), dtype=bool)
    suffixes = tuple("." + parent for parent in parents)
    return np.fromiter((str(domain).endswith(suffixes) for domain in domains), dtype=bool, count=len(domains))


def _find_accounts(
    records: pd.DataFrame, person_domains: pd.Series, people: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    size = len(records)
    position = np.full(size, -1, dtype=np.int64)
    link = np.full(size, "", dtype=object)
    accounts = records.index[records["object"] == "account"]
    if not len(accounts):
        return position, link
    account_rows = records.loc[accounts]
    account_positions = pd.Series(np.asarray(accounts, dtype=np.int64))
    for how, account_keys, person_keys in (
        ("account id", account_rows["source_id"], records["account_id"]),
        ("company name", company_keys(account_rows["company"]), company_keys(records["company"])),
        ("email domain", website_domains(account_rows["website"]), person_domains),
    ):
        lookup = pd.Series(account_positions.to_numpy(), index=account_keys.to_numpy())
        lookup = lookup[lookup.index != ""]
        lookup = lookup[~lookup.index.duplicated(keep="first")]
        if lookup.empty:
            continue
        found = person_keys.map(lookup).to_numpy()
        take = people & (position < 0) & ~pd.isna(found)
        position[take] = found[take].astype(np.int64)
        link[take] = how
    return position, link
