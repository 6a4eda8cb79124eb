"""Who is who: what the evidence says each record is (`suggested_type`), next to what its labels say.

Evidence, by type:
- employee: the email's domain is one of the organisation's internal domains (given, or shared by
  the CRM's own users in a users table), or the address is a CRM user's;
- partner: a partner domain, or the person's account is typed as a partner (reseller, consultant ...);
- customer: won deals or a became-customer date on the record, a won deal in a deals table that
  names the person, their account or their company, or an account typed Customer;
- the record a lead matches (a lead that is already a contact takes that contact's type), applied
  after the matching step by `adopt_matched_types`;
- otherwise the record's own labels (`record_type`).

Evidence is graded by how firmly it is tied to the record (`GRADES`): the record's own field, a
record id, the exact email address, the company's email domain, the company name alone. The
strongest grade decides, whatever the type; a rule states a name-only link as such and reports it
a level lower. Accounts are found in the account exports audited alongside, by account id, by
company name (legal forms ignored) and by the company's website domain against a work email's
domain. Free-mail domains never tie a person to a company. A key that several accounts share with
different types ties nobody to any of them: the answer must not depend on which row comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.keys import company_keys, email_domains, website_domains, without_free_mail
from auditor.terms import TYPE_STRENGTH

if TYPE_CHECKING:
    from auditor.evidence import Evidence
    from auditor.matching import MatchResult

# Evidence codes, stored per record; rules turn them into findings with the evidence spelled out.
INTERNAL_DOMAIN = "internal_domain"
STAFF_USER = "staff_user"
PARTNER_DOMAIN = "partner_domain"
PARTNER_ACCOUNT = "partner_account"
WON_DEALS = "won_deals"
WON_DEAL = "won_deal"
BECAME_CUSTOMER = "became_customer_date"
CUSTOMER_ACCOUNT = "customer_account"
MATCHED_RECORD = "matched_record"

# How firmly evidence is tied to a record, strongest first.
GRADES = ("own", "id", "email", "domain", "name")
# Below this grade, evidence is stated as a lead to check, not a fact (and reported a level lower).
WEAK_GRADES = frozenset({"name"})
# How who-is-who found an account or a deal -> the grade of that link.
LINK_GRADES = {
    "account id": "id",
    "account id in the company field": "id",
    "contact id": "id",
    "email": "email",
    "email domain": "domain",
    "company name": "name",
}
_TYPE_ORDER = {"employee": 0, "partner": 1, "customer": 2}


@dataclass
class WhoIsWho:
    """Per record: the evidence code behind `suggested_type` ("" when none), its grade, the account
    and the won deal it used, and how each was found."""

    evidence: np.ndarray  # object array of evidence codes
    account_position: np.ndarray  # position of the account record in `records`, -1 when none
    account_link: np.ndarray  # how the account was found: "account id", "company name", "email domain"
    grade: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    deal_position: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    deal_link: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    won_deal_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    evidence_tables: Evidence | None = None
    # Per record, a note when a company key matched several accounts of different types.
    ambiguous_account: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    staff_domains: tuple[str, ...] = ()

    def deal(self, position: int) -> pd.Series | None:
        """The won deal a record's evidence names, or None."""
        deal = int(self.deal_position[position]) if len(self.deal_position) else -1
        if deal < 0 or self.evidence_tables is None:
            return None
        return self.evidence_tables.deals.iloc[deal]


@dataclass
class _Candidate:
    mask: np.ndarray
    value: str
    code: str
    grade: np.ndarray | str
    why: Callable[[np.ndarray], np.ndarray]


def suggest_types(records: pd.DataFrame, config: Config, evidence: Evidence | None = None) -> WhoIsWho:
    """Fill `suggested_type` and `suggested_reason` in place; return the evidence behind them."""
    from auditor.evidence import Evidence  # evidence reads the matching keys, which import this module

    evidence = evidence or Evidence()
    size = len(records)
    people = (records["object"] != "account").to_numpy()
    all_domains_series = email_domains(records["email"])
    domains = without_free_mail(all_domains_series)
    all_domains = all_domains_series.to_numpy(dtype=object)
    account_position, account_link, ambiguous = _find_accounts(records, domains, people)
    has_account = account_position >= 0
    account_type = np.full(size, "", dtype=object)
    account_type[has_account] = records["record_type"].to_numpy()[account_position[has_account]]
    account_names = np.where(
        has_account, records["company"].to_numpy(dtype=object)[np.maximum(account_position, 0)], ""
    )
    account_grade = _grades(account_link)
    deal_position, deal_link, deal_grade, deal_count = _find_won_deals(
        records, evidence.deals, account_position, account_link, people
    )

    staff_domains = tuple(domain for domain, _ in evidence.staff_domains())
    internal_domains = (
        *config.internal_domains,
        *(d for d in staff_domains if d not in config.internal_domains),
    )
    emails = records["email"].str.strip().str.lower()
    staff_emails, staff_ids = evidence.staff_emails(), evidence.staff_record_ids()
    staff_user = np.zeros(size, dtype=bool)
    # Only an audit with a users table has staff to look for (a million addresses as Python
    # strings cost a second).
    if len(staff_emails):
        staff_user |= emails.isin(list(staff_emails)).to_numpy() & (emails != "").to_numpy()
    if len(staff_ids):
        staff_user |= records["source_id"].str.strip().isin(list(staff_ids)).to_numpy()

    def staff_said(chosen: np.ndarray) -> np.ndarray:
        said = emails.to_numpy(dtype=object)[chosen]
        return np.where(said != "", "email " + said.astype(str).astype(object), "its own record")

    internal = _in_domains(all_domains, internal_domains)
    partner = _in_domains(all_domains, config.partner_domains)
    won = pd.to_numeric(records["won_deals"].str.replace(r"[\s,]", "", regex=True), errors="coerce").fillna(0)
    became = records["became_customer_date"]
    became_known = (became.notna() & (became <= pd.Timestamp(config.as_of))).to_numpy()
    became_text = became.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    won_text = won.astype(int).astype(str).to_numpy(dtype=object)
    deal_names = _deal_names(evidence.deals, deal_position)

    candidates = [
        _Candidate(
            internal,
            "employee",
            INTERNAL_DOMAIN,
            "own",
            lambda c: "email domain " + all_domains[c] + " is an internal domain",
        ),
        _Candidate(
            staff_user, "employee", STAFF_USER, "id", lambda c: "a user of the CRM (" + staff_said(c) + ")"
        ),
        _Candidate(
            partner,
            "partner",
            PARTNER_DOMAIN,
            "own",
            lambda c: "email domain " + all_domains[c] + " is a partner domain",
        ),
        _Candidate(
            account_type == "partner",
            "partner",
            PARTNER_ACCOUNT,
            account_grade,
            lambda c: (
                "account " + account_names[c] + " is typed as a partner (found by " + account_link[c] + ")"
            ),
        ),
        _Candidate(won.to_numpy() > 0, "customer", WON_DEALS, "own", lambda c: won_text[c] + " won deal(s)"),
        _Candidate(
            became_known,
            "customer",
            BECAME_CUSTOMER,
            "own",
            lambda c: "became a customer on " + became_text[c],
        ),
        _Candidate(
            deal_position >= 0,
            "customer",
            WON_DEAL,
            deal_grade,
            lambda c: (
                deal_count[c].astype(str).astype(object)
                + " won deal(s), e.g. "
                + deal_names[c]
                + " (found by "
                + deal_link[c]
                + ")"
            ),
        ),
        _Candidate(
            account_type == "customer",
            "customer",
            CUSTOMER_ACCOUNT,
            account_grade,
            lambda c: "account " + account_names[c] + " is typed Customer (found by " + account_link[c] + ")",
        ),
    ]
    suggested = records["record_type"].to_numpy(dtype=object).copy()
    reason = np.full(size, "", dtype=object)
    codes = np.full(size, "", dtype=object)
    grades = np.full(size, "", dtype=object)
    undecided = people.copy()
    # The strongest grade decides; within a grade, staff before partners before customers.
    # Most evidence is absent from most audits: only candidates that pick someone are weighed.
    present = sorted((c for c in candidates if c.mask.any()), key=lambda item: _TYPE_ORDER[item.value])
    for grade in GRADES:
        for candidate in present:
            if isinstance(candidate.grade, np.ndarray):
                chosen = candidate.mask & undecided
                chosen[chosen] = candidate.grade[chosen] == grade
            elif candidate.grade == grade:
                chosen = candidate.mask & undecided
            else:
                continue
            if not chosen.any():
                continue
            suggested[chosen] = candidate.value
            codes[chosen] = candidate.code
            grades[chosen] = grade
            reason[chosen] = candidate.why(chosen)
            undecided &= ~chosen

    # A customer label is not contradicted by the absence of evidence; only evidence moves a type.
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
    return WhoIsWho(
        evidence=codes,
        account_position=account_position,
        account_link=account_link,
        grade=grades,
        deal_position=deal_position,
        deal_link=deal_link,
        won_deal_count=deal_count,
        evidence_tables=evidence,
        ambiguous_account=ambiguous,
        staff_domains=staff_domains,
    )


def _grades(links: np.ndarray) -> np.ndarray:
    """The grade of each link ("account id" -> "id"), "" where there is none; worked out per distinct
    link, not per record."""
    codes, uniques = pd.factorize(links, sort=False)
    grades = np.array([LINK_GRADES.get(str(link), "") for link in uniques] + [""], dtype=object)
    return grades[codes]


def _in_domains(domains: np.ndarray, listed: tuple[str, ...]) -> np.ndarray:
    """The email domain is one of `listed` or a subdomain of one."""
    exact = np.isin(domains, list(listed))
    if not listed or not len(domains):
        return exact
    suffixes = tuple("." + parent for parent in listed)
    return exact | np.fromiter(
        (str(domain).endswith(suffixes) for domain in domains), dtype=bool, count=len(domains)
    )


def _deal_names(deals: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    names = np.full(len(positions), "", dtype=object)
    found = positions >= 0
    if found.any():
        chosen = deals.iloc[positions[found]]
        label = chosen["deal_name"].where(chosen["deal_name"] != "", chosen["source_id"])
        said = ("'" + label + "' ").where(label != "", "a deal ")
        names[found] = (
            said + "(" + chosen["source_file"] + " row " + chosen["source_row"].astype(str) + ")"
        ).to_numpy(dtype=object)
    return names


def record_ids(ids: pd.Series) -> pd.Series:
    """Ids compared across tables: Salesforce writes an id in 15 case-sensitive characters or 18
    with a checksum, and one export may hold the short form where another holds the long one."""
    ids = ids.str.strip()
    salesforce_long = ids.str.fullmatch(r"[a-zA-Z0-9]{18}")
    return ids.where(~salesforce_long, ids.str[:15]).astype("str")


def _canonical(frame: pd.DataFrame, keys: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Per key, the rows sharing it ordered by what they hold (not by where they sit), so that the
    row a key stands for does not depend on the order of the rows or the files."""
    table = frame[columns].copy()
    table["_key"] = keys.to_numpy()
    table["_position"] = frame.index.to_numpy()
    table = table[table["_key"] != ""]
    return table.sort_values(["_key", *columns, "_position"], kind="stable")


def _find_accounts(
    records: pd.DataFrame, person_domains: pd.Series, people: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record, the account it belongs to (position, -1 when none), how it was found, and a note
    where its key named several accounts of different types (then no account is used)."""
    size = len(records)
    position = np.full(size, -1, dtype=np.int64)
    link = np.full(size, "", dtype=object)
    ambiguous = np.full(size, "", dtype=object)
    is_account = (records["object"] == "account").to_numpy()
    if not is_account.any():
        return position, link, ambiguous
    accounts = records[is_account]
    # Strongest link first: an id, then the work email's domain, then the company name alone.
    for how, account_keys, person_keys in (
        ("account id", record_ids(accounts["source_id"]), record_ids(records["account_id"])),
        # Some exports and imports write the account's id where its name belongs (Lead.Company).
        (
            "account id in the company field",
            record_ids(accounts["source_id"]),
            record_ids(records["company"]),
        ),
        ("email domain", website_domains(accounts["website"]), person_domains),
        ("company name", company_keys(accounts["company"]), company_keys(records["company"])),
    ):
        table = _canonical(accounts, account_keys, ["record_type", "source_id", "company", "source_file"])
        if table.empty:
            continue
        types = table.groupby("_key", sort=False)["record_type"].nunique()
        first = table.drop_duplicates("_key", keep="first").set_index("_key")["_position"]
        clear = first[types.reindex(first.index) == 1]
        mixed = first.index[types.reindex(first.index).to_numpy() > 1]
        keys = person_keys.to_numpy(dtype=object)
        found = pd.Series(keys).map(clear).to_numpy()
        take = people & (position < 0) & ~pd.isna(found)
        position[take] = found[take].astype(np.int64)
        link[take] = how
        unclear = people & (position < 0) & np.isin(keys, list(mixed)) & (ambiguous == "")
        ambiguous[unclear] = f"its {how} matches accounts of different types"
    return position, link, ambiguous


def _find_won_deals(
    records: pd.DataFrame,
    deals: pd.DataFrame,
    account_position: np.ndarray,
    account_link: np.ndarray,
    people: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per record, a won deal that names it (position in `deals`, -1 when none), how it was found,
    its grade, and how many won deals the same key names. A deal names a person by contact id or
    email, a person's account by account id (directly, or through the account who-is-who found),
    and a company by its name. Routes are tried strongest first."""
    size = len(records)
    position = np.full(size, -1, dtype=np.int64)
    link = np.full(size, "", dtype=object)
    grade = np.full(size, "", dtype=object)
    count = np.zeros(size, dtype=np.int64)
    won = deals[deals["won"].to_numpy(dtype=bool)] if len(deals) else deals
    if won.empty:
        return position, link, grade, count
    own_ids = record_ids(records["source_id"]).to_numpy(dtype=object)
    companies = company_keys(records["company"]).to_numpy(dtype=object)
    found_account = account_position >= 0
    via_account_id = np.where(found_account, own_ids[np.maximum(account_position, 0)], "")
    via_account_name = np.where(found_account, companies[np.maximum(account_position, 0)], "")
    account_grade = _grades(account_link)
    deal_accounts, deal_companies = record_ids(won["account_id"]), company_keys(won["company"])
    # (how, the deals' keys, each record's key, the grade of each record's link)
    routes = [
        ("contact id", record_ids(won["contact_id"]), own_ids, "id"),
        (
            "email",
            won["email"].str.strip().str.lower(),
            records["email"].str.strip().str.lower().to_numpy(dtype=object),
            "email",
        ),
        ("account id", deal_accounts, record_ids(records["account_id"]).to_numpy(dtype=object), "id"),
        ("account id", deal_accounts, via_account_id, account_grade),
        ("company name", deal_companies, companies, "name"),
        ("company name", deal_companies, via_account_name, account_grade),
    ]
    for how, deal_keys, keys, link_grade in routes:
        table = _canonical(won, deal_keys, ["source_id", "deal_name", "source_file"])
        if table.empty:
            continue
        first = table.drop_duplicates("_key", keep="first").set_index("_key")["_position"]
        counts = table.groupby("_key", sort=False).size()
        found = pd.Series(keys, dtype=object).map(first).to_numpy()
        take = people & (position < 0) & ~pd.isna(found)
        if not take.any():
            continue
        position[take] = found[take].astype(np.int64)
        count[take] = pd.Series(keys[take], dtype=object).map(counts).to_numpy(dtype=np.int64)
        if isinstance(link_grade, np.ndarray):
            # Through an account: as firm as the weaker of the two steps.
            grade[take] = [_weaker(LINK_GRADES[how], step) for step in link_grade[take]]
            link[take] = [f"{how}, through the account found by {step}" for step in account_link[take]]
        else:
            grade[take] = link_grade
            link[take] = how
    return position, link, grade, count


def _weaker(first: str, second: str) -> str:
    if not second:
        return first
    return max(first, second, key=GRADES.index)


def adopt_matched_types(records: pd.DataFrame, matches: MatchResult, who: WhoIsWho) -> None:
    """A lead that is the same person as a contact, customer, partner or employee takes that record's
    type, unless stronger evidence (domains, won deals, accounts) already decided it. Matched to
    several, it takes the strongest type (employee, partner, customer, contact), then the best match."""
    if matches.pairs.empty:
        return
    record_type = records["record_type"].to_numpy(dtype=object)
    # Each pair read both ways: (lead, other).
    lead = np.concatenate([matches.pair_left, matches.pair_right])
    other = np.concatenate([matches.pair_right, matches.pair_left])
    score = np.concatenate([matches.pair_score, matches.pair_score])
    strength = pd.Series(record_type[other]).map(TYPE_STRENGTH).fillna(0).to_numpy()
    takes = (record_type[lead] == "lead") & (strength > TYPE_STRENGTH["lead"]) & (who.evidence[lead] == "")
    if not takes.any():
        return
    candidates = pd.DataFrame(
        {"lead": lead[takes], "other": other[takes], "strength": strength[takes], "score": score[takes]}
    )
    best = candidates.sort_values(["strength", "score"], ascending=False, kind="stable").drop_duplicates(
        "lead"
    )
    leads = best["lead"].to_numpy()
    others = best["other"].to_numpy()
    suggested = records["suggested_type"].to_numpy(dtype=object).copy()
    reason = records["suggested_reason"].to_numpy(dtype=object).copy()
    suggested[leads] = record_type[others]
    files = records["source_file"].to_numpy(dtype=object)[others]
    rows = records["source_row"].to_numpy()[others].astype(str).astype(object)
    reason[leads] = "same person as " + record_type[others] + " " + files + " row " + rows
    who.evidence[leads] = MATCHED_RECORD
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
