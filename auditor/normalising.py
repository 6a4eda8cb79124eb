"""Step 4: turn one mapped table into canonical records: trimmed text, parsed dates, E.164 phones,
checked emails, country codes, canonical types. Nothing here flags anything; the rules do that.

Everything heavy runs once per distinct value (phones and emails repeat less than labels, but dates,
countries and labels repeat a lot) or as Arrow string kernels over whole columns.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd
import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from auditor.detecting import Detection
from auditor.folding import fold
from auditor.loading import RawTable
from auditor.model import DATE_FIELDS, INPUT_FIELDS, Records
from auditor.phones import normalise_phones
from auditor.resources import load_rules_toml
from auditor.terms import TermsResult, Vocabulary, map_terms

# UI languages whose date order is day first; English exports are read month first when ambiguous.
_DAY_FIRST_LANGUAGES = frozenset({"fr", "es", "pl", "id", "ar", "de", "pt"})


def build_records(
    table: RawTable,
    detection: Detection,
    *,
    vocabulary: Vocabulary,
    default_country: str | None = None,
) -> tuple[pd.DataFrame, TermsResult]:
    """The canonical records of one table, conforming to `auditor.model.Records`."""
    size = table.rows
    by_field = {field_name: header for header, field_name in detection.columns.items()}
    empty = pd.Series(np.full(size, "", dtype=object), dtype="str")
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's trim lets go of the GIL
        stripped = {
            field_name: pool.submit(table.frame[by_field[field_name]].str.strip)
            for field_name in INPUT_FIELDS
            if field_name in by_field
        }
        columns = {
            field_name: stripped[field_name].result() if field_name in stripped else empty
            for field_name in INPUT_FIELDS
        }
    frame = pd.DataFrame(columns)
    frame.insert(0, "source_file", pd.Series(np.full(size, table.file, dtype=object), dtype="str"))
    frame.insert(1, "source_sheet", pd.Series(np.full(size, table.sheet or "", dtype=object), dtype="str"))
    frame.insert(2, "source_row", table.row_numbers.astype(np.int64))
    frame.insert(3, "platform", pd.Series(np.full(size, detection.platform, dtype=object), dtype="str"))
    frame.insert(4, "object", pd.Series(np.full(size, detection.object, dtype=object), dtype="str"))

    _split_full_names(frame)
    day_first_default = detection.language in _DAY_FIRST_LANGUAGES
    frame["country_code"] = country_codes(frame["country"])
    regions = frame["country_code"].where(frame["country_code"] != "", (default_country or "").upper())
    # Phones, mobiles, dates and emails are read independently, mostly by Arrow and pandas kernels
    # that let go of the GIL: side by side on two cores, a million leads are normalised 2 s sooner.
    with ThreadPoolExecutor(max_workers=3) as pool:
        phones = {name: pool.submit(normalise_phones, frame[name], regions) for name in ("phone", "mobile")}
        dates = {
            date_field: pool.submit(parse_dates, frame[text_field], day_first_default=day_first_default)
            for text_field, date_field in DATE_FIELDS.items()
        }
        email_status = pool.submit(email_statuses, frame["email"])
        for date_field, parsed in dates.items():
            frame[date_field] = parsed.result()
        for name, normalised in phones.items():
            frame[f"{name}_raw"] = frame[name]
            frame[name], frame[f"{name}_status"] = normalised.result()
        frame["email_status"] = email_status.result()

    terms = map_terms(
        frame, object_name=detection.object, headers=by_field, vocabulary=vocabulary, language=detection.language
    )
    frame["record_type"] = terms.record_type
    frame["record_type_reason"] = terms.record_type_reason
    frame["lead_state"] = terms.lead_state
    frame["temperature"] = terms.temperature
    frame["suggested_type"] = terms.record_type
    frame["suggested_reason"] = empty
    frame["duplicate_cluster"] = empty
    return frame, terms


def validate_records(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's own check, run once on the combined records (cheap next to everything else)."""
    return Records.validate(frame)


def _split_full_names(frame: pd.DataFrame) -> None:
    """Fill first/last name from a whole name where the export has only that ("Jan Kowalski",
    "Kowalski, Jan"). The whole name stays as written."""
    needs = (frame["first_name"] == "") & (frame["last_name"] == "") & (frame["full_name"] != "")
    if not needs.any():
        return
    names = frame.loc[needs, "full_name"].str.replace(r"\s+", " ", regex=True)
    comma = names.str.contains(",", regex=False)
    last_first = names[comma].str.split(",", n=1, expand=True)
    if not last_first.empty:
        frame.loc[last_first.index, "last_name"] = last_first[0].str.strip()
        frame.loc[last_first.index, "first_name"] = last_first[1].str.strip()
    plain = names[~comma]
    parts = plain.str.rsplit(" ", n=1, expand=True)
    if not parts.empty:
        if parts.shape[1] == 1:
            frame.loc[parts.index, "last_name"] = parts[0]
        else:
            single = parts[1].isna()
            frame.loc[parts.index[single], "last_name"] = parts.loc[single, 0]
            frame.loc[parts.index[~single], "first_name"] = parts.loc[~single, 0]
            frame.loc[parts.index[~single], "last_name"] = parts.loc[~single, 1]


# Date layouts found in CRM exports, tried on distinct values; the one that reads most of a column wins.
_ISO_FORMATS = ("ISO8601",)
_DAY_FIRST_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%d.%m.%y",
)
_MONTH_FIRST_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%m/%d/%y %I:%M %p",
    "%m-%d-%Y",
)
_OTHER_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")
_EXCEL_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")


def parse_dates(values: pd.Series, *, day_first_default: bool) -> pd.Series:
    """Dates of one column, as naive timestamps (time zones dropped: the rules count days).

    The layout is chosen per column, not per cell: "03/04/2026" means the same in every row of
    one export. Day-first versus month-first is settled by any value whose first or second part
    exceeds 12, else by the export's UI language. Excel serial day numbers are read too.
    """
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    filled = values != ""
    if not filled.any():
        return result
    codes, uniques = pd.factorize(values[filled], sort=False)
    distinct = pd.Series(uniques, dtype="str")
    parsed = _parse_distinct(distinct, day_first_default)
    result.loc[filled] = parsed.to_numpy()[codes]
    return result


def _parse_distinct(distinct: pd.Series, day_first_default: bool) -> pd.Series:
    sample = distinct.head(500)
    best: pd.Series | None = None
    best_count = -1
    for date_format in _candidate_formats(sample, day_first_default):
        parsed = _to_datetime(sample, date_format)
        count = int(parsed.notna().sum())
        if count > best_count:
            best, best_count, chosen = parsed, count, date_format
        if count == len(sample):
            break
    if best is None or best_count == 0:
        if sample.str.match(_EXCEL_SERIAL).all():
            return _excel_serials(distinct)
        return pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    return _to_datetime(distinct, chosen)


def _candidate_formats(sample: pd.Series, day_first_default: bool) -> tuple[str, ...]:
    slashed = sample.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}")
    if slashed.notna().all(axis=1).any():
        first = pd.to_numeric(slashed[0], errors="coerce")
        second = pd.to_numeric(slashed[1], errors="coerce")
        if (first > 12).any():
            day_first = True
        elif (second > 12).any():
            day_first = False
        else:
            day_first = day_first_default
        ordered = (
            (_DAY_FIRST_FORMATS, _MONTH_FIRST_FORMATS)
            if day_first
            else (_MONTH_FIRST_FORMATS, _DAY_FIRST_FORMATS)
        )
        return (*ordered[0], *ordered[1], *_ISO_FORMATS, *_OTHER_FORMATS)
    return (*_ISO_FORMATS, *_OTHER_FORMATS)


def _to_datetime(values: pd.Series, date_format: str) -> pd.Series:
    parsed = pd.to_datetime(values, format=date_format, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[ns]")


def _excel_serials(values: pd.Series) -> pd.Series:
    days = pd.to_numeric(values, errors="coerce")
    plausible = days.between(1, 2958465)
    stamps = pd.to_datetime("1899-12-30") + pd.to_timedelta(days.where(plausible), unit="D")
    return stamps.astype("datetime64[ns]")


@cache
def _country_index() -> dict[str, str]:
    """Folded country name or code -> ISO alpha-2, from phonenumbers' names in many languages and
    rules/countries.toml."""
    index: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        index[fold(region)] = region
    try:
        from phonenumbers.geodata.locale import LOCALE_DATA
    except ImportError:  # the name lists are an internal module of phonenumbers; codes still work
        LOCALE_DATA = {}
    for region, names in LOCALE_DATA.items():
        if region not in phonenumbers.SUPPORTED_REGIONS:
            continue
        for name in names.values():
            resolved = names.get(name[1:], "") if name.startswith("*") else name
            if resolved and not resolved.startswith("*"):
                index.setdefault(fold(resolved), region)
    for region, aliases in load_rules_toml("countries.toml").items():
        for alias in aliases:
            index[fold(alias)] = region
    return index


def country_codes(countries: pd.Series) -> pd.Series:
    index = _country_index()
    codes, uniques = pd.factorize(countries, sort=False)
    mapped = np.array([index.get(fold(str(name)), "") for name in uniques] or [""], dtype=object)
    return pd.Series(mapped[codes] if len(codes) else [], index=countries.index, dtype="str")


# A strict subset of what email-validator accepts: plain ASCII local part and a normal domain with an
# alphabetic top-level domain. What it passes is valid; what it does not goes to email-validator.
_PLAIN_EMAIL = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)
# Domains email-validator refuses as special-use even when well formed: its own list.
_SPECIAL_USE_TLDS = r"\.(?:" + "|".join(SPECIAL_USE_DOMAIN_NAMES) + r")$"


def email_statuses(emails: pd.Series) -> pd.Series:
    filled = emails != ""
    status = pd.Series(np.where(filled, "valid", ""), index=emails.index, dtype="str")
    if not filled.any():
        return status
    plain = emails.str.match(_PLAIN_EMAIL) & ~emails.str.lower().str.contains(_SPECIAL_USE_TLDS, regex=True)
    plain &= emails.str.len() <= 254
    plain &= emails.str.contains(r"^[^@]{1,64}@", regex=True)  # a local part of 64 characters at most
    doubtful = filled & ~plain
    if doubtful.any():
        codes, uniques = pd.factorize(emails[doubtful], sort=False)
        verdicts = np.array([_email_is_valid(value) for value in uniques], dtype=bool)
        status.loc[doubtful] = np.where(verdicts[codes], "valid", "invalid")
    return status


@cache
def _email_is_valid(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
