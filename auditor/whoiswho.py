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

Each reason is worded from the templates of reports/i18n ([whoiswho_reason], the links by which an
account or a deal was found in [whoiswho_link]): `suggested_reason` holds its English, and
`worded_reasons` words the reasons of the records a rule reports, from the plain columns
`reason_facts` takes (a finding's reason is made when the finding is written, not per record).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.config import Config
from auditor.keys import company_keys, email_domains, website_domains, without_free_mail
from auditor.terms import TYPE_STRENGTH
from auditor.wording import FALLBACK, Words, catalogue, field_words, file_names, term

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
    # How the account was found ("account id", "company name", "email domain"), in words (`Words`).
    account_link: np.ndarray
    grade: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    deal_position: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # How the won deal was found, in words ("company name, through the account found by email domain").
    deal_link: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    won_deal_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    evidence_tables: Evidence | None = None
    # Per record, a note when a company key matched several accounts of different types.
    ambiguous_account: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    staff_domains: tuple[str, ...] = ()
    # Per record, the record a lead is the same person as (MATCHED_RECORD evidence), -1 when none.
    matched_position: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

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


def suggest_types(records: pd.DataFrame, config: Config, evidence: Evidence | None = None) -> WhoIsWho:
    """Fill `suggested_type` and `suggested_reason` in place; return the evidence behind them."""
    from auditor.evidence import Evidence  # evidence reads the matching keys, which import this module

    evidence = evidence or Evidence()
    size = len(records)
    people = (records["object"] != "account").to_numpy()
    all_domains_series = email_domains(records["email"])
    domains = without_free_mail(all_domains_series)
    all_domains = all_domains_series.to_numpy(dtype=object)
    # Once for accounts, people and the won deals' routes: at five million records a pass of the
    # names' patterns takes seconds.
    companies = company_keys(records["company"])
    account_position, account_link, ambiguous = _find_accounts(records, domains, companies, people)
    has_account = account_position >= 0
    account_type = np.full(size, "", dtype=object)
    account_type[has_account] = records["record_type"].to_numpy()[account_position[has_account]]
    account_grade = _grades(account_link)
    deal_position, deal_link, deal_grade, deal_count = _find_won_deals(
        records, evidence.deals, companies, account_position, account_link, people
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

    internal = _in_domains(all_domains, internal_domains)
    partner = _in_domains(all_domains, config.partner_domains)
    won = _won_deals(records["won_deals"])
    became = records["became_customer_date"]
    became_known = (became.notna() & (became <= pd.Timestamp(config.as_of))).to_numpy()

    candidates = [
        _Candidate(internal, "employee", INTERNAL_DOMAIN, "own"),
        _Candidate(staff_user, "employee", STAFF_USER, "id"),
        _Candidate(partner, "partner", PARTNER_DOMAIN, "own"),
        _Candidate(account_type == "partner", "partner", PARTNER_ACCOUNT, account_grade),
        _Candidate(won.to_numpy() > 0, "customer", WON_DEALS, "own"),
        _Candidate(became_known, "customer", BECAME_CUSTOMER, "own"),
        _Candidate(deal_position >= 0, "customer", WON_DEAL, deal_grade),
        _Candidate(account_type == "customer", "customer", CUSTOMER_ACCOUNT, account_grade),
    ]
    suggested = records["record_type"].to_numpy(dtype=object).copy()
    reason = np.full(size, "", dtype=object)
    codes = np.full(size, "", dtype=object)
    grades = np.full(size, "", dtype=object)
    who = WhoIsWho(
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
            undecided &= ~chosen
    # Each reason in English, worded from the same templates as the findings' reasons.
    decided = np.flatnonzero(codes != "")
    reason[decided] = _said_reasons(reason_facts(records, who, decided, domains=all_domains), _english)

    # A customer label is not contradicted by the absence of evidence; only evidence moves a type.
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
    return who


def _won_deals(won_deals: pd.Series) -> pd.Series:
    """A won-deals count as a number ("1,204" -> 1204), 0 where there is none."""
    return pd.to_numeric(won_deals.str.replace(r"[\s,]", "", regex=True), errors="coerce").fillna(0)


# --- reasons -------------------------------------------------------------------------------------

# A filler of one template per record: (key, values, size) -> an object array of texts, its values
# arrays with one entry per record or one value for all. `_english` fills the English template (the
# `suggested_reason` column of every record with evidence, a million of them in a large audit);
# `_worded` makes `Words`, one per record (the reasons of the findings being written).
Filler = Callable[[str, Mapping[str, Any], int], np.ndarray]


def _english(key: str, values: Mapping[str, Any], size: int) -> np.ndarray:
    """Template `key` of the English catalogue filled column-wise, its values `str` (or `Words`,
    whose English they add): the text `Words(key, values)` says, without a Python call a record."""
    said = np.full(size, "", dtype=object)
    for literal, name, _, _ in Formatter().parse(catalogue(FALLBACK)[key]):
        if literal:
            said = said + literal
        if name is not None:
            said = said + values[name]
    return said


def _worded(key: str, values: Mapping[str, Any], size: int) -> np.ndarray:
    said = np.empty(size, dtype=object)
    if not values:
        said[:] = [Words(key)] * size
        return said
    names = list(values)
    columns = [
        values[name].tolist() if isinstance(values[name], np.ndarray) else [values[name]] * size
        for name in names
    ]
    said[:] = [Words(key, dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
    return said


def link_words(how: str, through: str = "") -> Words | str:
    """How an account or a deal was found ("company name"), or found through the account found by
    `through`, in words: [whoiswho_link] of reports/i18n."""
    said = term("whoiswho_link", how)
    if not through:
        return said
    return Words("whoiswho_reason.through", {"how": said, "step": term("whoiswho_link", through)})


def reason_facts(
    records: pd.DataFrame, who: WhoIsWho, positions: np.ndarray, *, domains: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """What the reason of each record at `positions` names, as plain columns of text: the evidence
    code, and what the codes among them name (the email domain, the account and how it was found,
    the won deal ...; blank for records of other codes). Worded by `worded_reasons`; cheap to keep
    beside findings until they are written. `domains`: every record's email domain, if known."""
    positions = np.asarray(positions, dtype=np.int64)
    code = np.asarray(who.evidence, dtype=object)[positions]
    facts = {"code": code}
    numbers, distinct = pd.factorize(code, sort=False)
    distinct = np.asarray(distinct, dtype=object)

    def chosen(*codes: str) -> np.ndarray:
        return np.flatnonzero(np.isin(distinct, list(codes))[numbers])

    def put(name: str, at: np.ndarray, values: Any) -> None:
        if name not in facts:
            facts[name] = np.full(len(positions), "", dtype=object)
        facts[name][at] = values

    def column(name: str, at: np.ndarray) -> pd.Series:
        return records[name].take(positions[at])

    if len(at := chosen(INTERNAL_DOMAIN, PARTNER_DOMAIN)):
        put(
            "domain",
            at,
            domains[positions[at]]
            if domains is not None
            else email_domains(column("email", at)).to_numpy(dtype=object),
        )
    if len(at := chosen(STAFF_USER)):
        put("email", at, column("email", at).str.strip().str.lower().to_numpy(dtype=object))
    if len(at := chosen(PARTNER_ACCOUNT, CUSTOMER_ACCOUNT)):
        put(
            "account", at, records["company"].take(who.account_position[positions[at]]).to_numpy(dtype=object)
        )
        put("link", at, who.account_link[positions[at]])
    if len(at := chosen(WON_DEALS)):
        put(
            "won_deals",
            at,
            _won_deals(column("won_deals", at)).astype(int).astype(str).to_numpy(dtype=object),
        )
    if len(at := chosen(BECAME_CUSTOMER)):
        put(
            "became",
            at,
            column("became_customer_date", at).dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object),
        )
    if len(at := chosen(WON_DEAL)) and who.evidence_tables is not None:
        deals = who.evidence_tables.deals.iloc[who.deal_position[positions[at]]]
        put("deals", at, who.won_deal_count[positions[at]].astype(str).astype(object))
        label = deals["deal_name"].where(deals["deal_name"] != "", deals["source_id"])
        put("deal_name", at, label.to_numpy(dtype=object))
        put("deal_file", at, deals["source_file"].to_numpy(dtype=object))
        put("deal_row", at, deals["source_row"].astype(str).to_numpy(dtype=object))
        put("deal_link", at, who.deal_link[positions[at]])
    if len(at := chosen(MATCHED_RECORD)):
        other = who.matched_position[positions[at]]
        types = records["record_type"].take(other).to_numpy(dtype=object).tolist()
        said = {kind: field_words(kind) for kind in set(types)}
        put("matched_type", at, [said[kind] for kind in types])
        put("matched_file", at, records["source_file"].take(other).to_numpy(dtype=object))
        put("matched_row", at, records["source_row"].take(other).astype(str).to_numpy(dtype=object))
    return facts


def worded_reasons(facts: Mapping[str, np.ndarray]) -> np.ndarray:
    """The reasons of `reason_facts` (or a slice of its columns) as `Words`: the English of
    `suggested_reason`, and every report language's wording. "" where a record has no evidence."""
    return _said_reasons(facts, _worded)


def _said_reasons(facts: Mapping[str, np.ndarray], fill: Filler) -> np.ndarray:
    code = facts["code"]
    distinct = pd.unique(code).tolist()
    if len(distinct) == 1 and distinct[0]:  # one code for all: no need to take its records apart
        return _REASONS[distinct[0]](facts, fill, len(code))
    said = np.full(len(code), "", dtype=object)
    for which in distinct:
        if which:
            at = np.flatnonzero(code == which)
            said[at] = _REASONS[which]({name: values[at] for name, values in facts.items()}, fill, len(at))
    return said


def _either(
    fill: Filler,
    first: np.ndarray,
    key: str,
    values: Mapping[str, Any],
    other: str,
    others: Mapping[str, Any],
) -> np.ndarray:
    """Template `key` where `first`, else template `other` (each with its values, given for all)."""
    said = np.empty(len(first), dtype=object)
    for mask, which, given in ((first, key, values), (~first, other, others)):
        if mask.any():
            said[mask] = fill(which, {name: value[mask] for name, value in given.items()}, int(mask.sum()))
    return said


def _place(fill: Filler, files: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return fill("place.row", {"file": file_names(files), "row": rows}, len(files))


def _deal_reason(facts: Mapping[str, np.ndarray], fill: Filler, size: int) -> np.ndarray:
    place = _place(fill, facts["deal_file"], facts["deal_row"])
    deal = _either(
        fill,
        facts["deal_name"] != "",
        "whoiswho_reason.deal_named",
        {"name": facts["deal_name"], "place": place},
        "whoiswho_reason.deal_unnamed",
        {"place": place},
    )
    return fill(
        "whoiswho_reason.won_deal", {"count": facts["deals"], "deal": deal, "link": facts["deal_link"]}, size
    )


# Per evidence code, its reason: (facts of the records, filler, how many) -> texts.
_REASONS: dict[str, Callable[[Mapping[str, np.ndarray], Filler, int], np.ndarray]] = {
    INTERNAL_DOMAIN: lambda facts, fill, size: fill(
        "whoiswho_reason.internal_domain", {"domain": facts["domain"]}, size
    ),
    STAFF_USER: lambda facts, fill, size: _either(
        fill,
        facts["email"] != "",
        "whoiswho_reason.staff_user_email",
        {"email": facts["email"]},
        "whoiswho_reason.staff_user_record",
        {},
    ),
    PARTNER_DOMAIN: lambda facts, fill, size: fill(
        "whoiswho_reason.partner_domain", {"domain": facts["domain"]}, size
    ),
    PARTNER_ACCOUNT: lambda facts, fill, size: fill(
        "whoiswho_reason.partner_account", {"account": facts["account"], "link": facts["link"]}, size
    ),
    WON_DEALS: lambda facts, fill, size: fill(
        "whoiswho_reason.won_deals", {"count": facts["won_deals"]}, size
    ),
    BECAME_CUSTOMER: lambda facts, fill, size: fill(
        "whoiswho_reason.became_customer", {"date": facts["became"]}, size
    ),
    WON_DEAL: _deal_reason,
    CUSTOMER_ACCOUNT: lambda facts, fill, size: fill(
        "whoiswho_reason.customer_account", {"account": facts["account"], "link": facts["link"]}, size
    ),
    MATCHED_RECORD: lambda facts, fill, size: fill(
        "whoiswho_reason.matched_record",
        {"type": facts["matched_type"], "place": _place(fill, facts["matched_file"], facts["matched_row"])},
        size,
    ),
}


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
    records: pd.DataFrame, person_domains: pd.Series, companies: pd.Series, people: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record, the account it belongs to (position, -1 when none), how it was found, and a note
    where its key named several accounts of different types (then no account is used).
    `companies`: every record's company key."""
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
        ("company name", companies[is_account], companies),
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
        link[take] = link_words(how)
        # By hashing: numpy's isin compares object arrays key by key, which at five million
        # records and thousands of mixed keys took most of who-is-who's time.
        unclear = (
            people & (position < 0) & pd.Series(keys, dtype=object).isin(mixed).to_numpy() & (ambiguous == "")
        )
        ambiguous[unclear] = f"its {how} matches accounts of different types"
    return position, link, ambiguous


def _find_won_deals(
    records: pd.DataFrame,
    deals: pd.DataFrame,
    record_companies: pd.Series,
    account_position: np.ndarray,
    account_link: np.ndarray,
    people: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per record, a won deal that names it (position in `deals`, -1 when none), how it was found,
    its grade, and how many won deals the same key names. A deal names a person by contact id or
    email, a person's account by account id (directly, or through the account who-is-who found),
    and a company by its name (`record_companies`: every record's company key). Routes are tried
    strongest first."""
    size = len(records)
    position = np.full(size, -1, dtype=np.int64)
    link = np.full(size, "", dtype=object)
    grade = np.full(size, "", dtype=object)
    count = np.zeros(size, dtype=np.int64)
    won = deals[deals["won"].to_numpy(dtype=bool)] if len(deals) else deals
    if won.empty:
        return position, link, grade, count
    own_ids = record_ids(records["source_id"]).to_numpy(dtype=object)
    companies = record_companies.to_numpy(dtype=object)
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
            steps = account_link[take].tolist()
            through = {step: link_words(how, str(step)) for step in set(steps)}
            link[take] = [through[step] for step in steps]
        else:
            grade[take] = link_grade
            link[take] = link_words(how)
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
    who.evidence[leads] = MATCHED_RECORD
    if len(who.matched_position) != len(records):
        who.matched_position = np.full(len(records), -1, dtype=np.int64)
    who.matched_position[leads] = others
    reason[leads] = _said_reasons(reason_facts(records, who, leads), _english)
    records["suggested_type"] = pd.Series(suggested, index=records.index, dtype="str")
    records["suggested_reason"] = pd.Series(reason, index=records.index, dtype="str")
