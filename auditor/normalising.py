"""Step 4: turn one mapped table into canonical records: trimmed text, parsed dates, E.164 phones,
checked emails, country codes, canonical types. Nothing here flags anything; the rules do that.

Everything heavy runs once per distinct value (phones and emails repeat less than labels, but dates,
countries and labels repeat a lot) or as Arrow string kernels over whole columns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from auditor.detecting import Detection
from auditor.folding import fold
from auditor.loading import RawTable
from auditor.model import DATE_FIELDS, INPUT_FIELDS, MULTI_VALUE_SEPARATOR, Records
from auditor.parallel import side_by_side
from auditor.phones import INVALID, UNCHECKED, could_be_phones, known_region, normalise_phones
from auditor.resources import load_rules_toml
from auditor.terms import TermsResult, Vocabulary, map_terms
from auditor.wording import Words

if TYPE_CHECKING:
    from auditor.api import InputReport
    from auditor.config import Config


def build_records(
    table: RawTable,
    detection: Detection,
    *,
    vocabulary: Vocabulary,
    default_country: str | None = None,
) -> tuple[pd.DataFrame, TermsResult]:
    """The canonical records of one table, conforming to `auditor.model.Records`."""
    size = table.rows
    headers_of: dict[str, list[str]] = {}
    for header, field_name in detection.columns.items():
        headers_of.setdefault(field_name, []).append(header)
    by_field = {field_name: headers[0] for field_name, headers in headers_of.items()}
    empty = pd.Series(np.full(size, "", dtype=object), dtype="str")
    # Arrow's trim lets go of the GIL: two columns at a time.
    stripped = side_by_side(
        {header: table.frame[header].str.strip for headers in headers_of.values() for header in headers},
        threads=2,
    )
    columns = {
        field_name: _joined([stripped[header] for header in headers_of[field_name]])
        if field_name in headers_of
        else empty
        for field_name in INPUT_FIELDS
    }
    frame = pd.DataFrame(columns)
    frame.insert(0, "source_file", pd.Series(np.full(size, table.file, dtype=object), dtype="str"))
    frame.insert(1, "source_sheet", pd.Series(np.full(size, table.sheet or "", dtype=object), dtype="str"))
    frame.insert(2, "source_row", table.row_numbers.astype(np.int64))
    frame.insert(3, "platform", pd.Series(np.full(size, detection.platform, dtype=object), dtype="str"))
    frame.insert(4, "object", pd.Series(np.full(size, detection.object, dtype=object), dtype="str"))

    _split_full_names(frame)
    day_first_default = detection.language in load_rules_toml("months.toml")["day_first_languages"]
    frame["country_code"] = country_codes(frame["country"])
    default_region = known_region(default_country or "") or ""  # an unknown code reads nothing
    regions = frame["country_code"].where(frame["country_code"] != "", default_region)
    # Phones, mobiles, dates and emails are read independently, mostly by Arrow and pandas kernels
    # that let go of the GIL: side by side on two cores (benchmarks/README.md).
    read = side_by_side(
        {
            **{name: partial(normalise_phones, frame[name], regions) for name in ("phone", "mobile")},
            **{
                date_field: partial(parse_dates, frame[text_field], day_first_default=day_first_default)
                for text_field, date_field in DATE_FIELDS.items()
            },
            "email_status": partial(email_statuses, frame["email"]),
            "phone_other_status": partial(other_phone_statuses, frame["phone_other"], regions),
            "email_other_status": partial(other_email_statuses, frame["email_other"]),
        },
        threads=3,
    )
    for date_field in DATE_FIELDS.values():
        frame[date_field] = read[date_field]
    for name in ("phone", "mobile"):
        frame[f"{name}_raw"] = frame[name]
        frame[name], frame[f"{name}_status"] = read[name]
    for status in ("email_status", "phone_other_status", "email_other_status"):
        frame[status] = read[status]

    terms = map_terms(
        frame,
        object_name=detection.object,
        headers=by_field,
        vocabulary=vocabulary,
        language=detection.language,
    )
    frame["record_type"] = terms.record_type
    frame["record_type_reason"] = terms.record_type_reason
    frame["lead_state"] = terms.lead_state
    frame["temperature"] = terms.temperature
    frame["suggested_type"] = terms.record_type
    frame["suggested_reason"] = empty
    frame["duplicate_cluster"] = empty
    return frame, terms


def _joined(parts: list[pd.Series]) -> pd.Series:
    """The values of several columns for one field, the filled ones joined by "; " in column order."""
    if len(parts) == 1:
        return parts[0]
    joined = parts[0].to_numpy(dtype=object)
    for part in parts[1:]:
        values = part.to_numpy(dtype=object)
        joined = np.where(
            joined == "", values, np.where(values == "", joined, joined + MULTI_VALUE_SEPARATOR + values)
        )
    return pd.Series(joined, index=parts[0].index, dtype="str")


def _values(joined: pd.Series) -> pd.Series:
    """The single values of a joined field, one per row, indexed by the record's position."""
    filled = joined[joined != ""]
    parts = filled.str.split(MULTI_VALUE_SEPARATOR.strip()).explode().str.strip()
    return parts[parts != ""]


_STATUS_RANK = {"valid": 3, "unchecked": 2, "invalid": 1}


def other_phone_statuses(phones: pd.Series, regions: pd.Series) -> pd.Series:
    """The best status among each record's further phones (valid, then unchecked, then invalid):
    one reachable number is enough to reach a person."""
    status = pd.Series(np.full(len(phones), "", dtype=object), index=phones.index, dtype="str")
    parts = _values(phones)
    if parts.empty:
        return status
    _, checked = normalise_phones(
        pd.Series(parts.to_numpy(), dtype="str"), pd.Series(regions.loc[parts.index].to_numpy(), dtype="str")
    )
    rank = pd.Series(checked.map(_STATUS_RANK).fillna(0).to_numpy(), index=parts.index).groupby(level=0).max()
    names = {rank_: name for name, rank_ in _STATUS_RANK.items()}
    status.loc[rank.index] = rank.map(names).fillna("").to_numpy()
    return status


def other_email_statuses(emails: pd.Series) -> pd.Series:
    """valid when one of each record's further emails is a valid address, invalid when none is."""
    status = pd.Series(np.full(len(emails), "", dtype=object), index=emails.index, dtype="str")
    parts = _values(emails)
    if parts.empty:
        return status
    valid = pd.Series(
        (email_statuses(pd.Series(parts.to_numpy(), dtype="str")) == "valid").to_numpy(), index=parts.index
    )
    any_valid = valid.groupby(level=0).any()
    status.loc[any_valid.index] = np.where(any_valid.to_numpy(), "valid", "invalid")
    return status


def validate_records(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's own check, run once on the combined records (cheap next to everything else)."""
    return Records.validate(frame)


def infer_phone_regions(frames: list[pd.DataFrame], inputs: list[InputReport], config: Config) -> None:
    """Read the national phone numbers of records without a country, which `build_records` left
    unchecked, by the country the audit points to, and say so in the notes of each input.

    After the record's own country, in this order: `config.default_country`; the country most of
    the file's records with a country have; the same over every file audited; the one country the
    file's UI language is spoken in (rules/phones.toml says what "most" is, and which languages).
    `frames` are `read_inputs`' records, one per audited input, in the order of `inputs`. The steps
    are apart so that an engine holding each table elsewhere (auditor/engines) runs the same ones:
    per table `waiting_phones` and `countries_held`, over the audit `phone_regions`, per table
    `read_waiting_phones`, and `note_phones_read`.
    """
    audited = [report for report in inputs if report.role == "audited" and not report.error]
    default = known_region(config.default_country or "")
    unchecked = [waiting_phones(frame) for frame in frames]
    pending = [sum(int(mask.sum()) for mask in masks.values()) for masks in unchecked]
    # Countries are counted only when some phone waits for one.
    counts = [countries_held(frame) for frame in frames] if any(pending) and not default else []
    regions = phone_regions(audited, pending, counts, default)
    for frame, report, masks, waiting, chosen in zip(
        frames, audited, unchecked, pending, regions, strict=True
    ):
        valid = read_waiting_phones(frame, masks, chosen[0], guessed=not default) if chosen else 0
        by_default = read_by_default(frame) if default else 0
        note_phones_read(report, default, chosen, waiting=waiting, valid=valid, by_default=by_default)


def waiting_phones(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per phone field, the records whose number `build_records` could not read for want of a country."""
    return {field: (frame[f"{field}_status"] == UNCHECKED).to_numpy() for field in _PHONE_FIELDS}


def phone_regions(
    audited: list[InputReport], pending: list[int], counts: list[Counter[str]], default: str | None
) -> list[tuple[str, str] | None]:
    """Per audited table, the region its waiting numbers are read by and why (None: no number
    waits, or nothing points to a region), from each table's waiting count and, without a default
    country, its `countries_held` (empty when no table has a number waiting)."""
    settings = load_rules_toml("phones.toml")["inference"]
    overall = _dominant(sum(counts, Counter()), settings) if counts else None
    regions: list[tuple[str, str] | None] = []
    for index, report in enumerate(audited):
        own = _dominant(counts[index], settings) if counts else None
        regions.append(_region_for(report, default, own, overall) if pending[index] else None)
    return regions


def read_waiting_phones(
    frame: pd.DataFrame, masks: dict[str, np.ndarray], region: str, *, guessed: bool
) -> int:
    """Read the waiting numbers (`waiting_phones`) by `region`, in place; how many it took."""
    valid = 0
    for field, mask in masks.items():
        if not mask.any():
            continue
        rows = frame.index[mask]
        e164, status = normalise_phones(
            frame.loc[rows, f"{field}_raw"], pd.Series(region, index=rows, dtype="str")
        )
        # A guessed country may be the wrong one: a number that is valid there is taken, one
        # that is not stays unchecked (it may well be another country's), never invalid.
        # Only a country the user gave (or the record's own) makes a number invalid.
        took = (status == "valid").to_numpy() if guessed else np.ones(len(rows), dtype=bool)
        frame.loc[rows[took], field] = e164.to_numpy()[took]
        frame.loc[rows[took], f"{field}_status"] = status.to_numpy()[took]
        valid += int(took.sum())
    return valid


def note_phones_read(
    report: InputReport,
    default: str | None,
    chosen: tuple[str, str] | None,
    *,
    waiting: int,
    valid: int,
    by_default: int,
) -> None:
    """Say on the table's input how its national numbers were read: by the default country
    (`by_default` of them, `read_by_default`), or by the region chosen for the `waiting` ones."""
    if default:  # `build_records` read most of them by it already
        _say_read(report, by_default, default, Words("note.phone_why.default"))
    elif chosen:
        _say_read(report, waiting, *chosen, valid=valid)


_PHONE_FIELDS = ("phone", "mobile")


def _region_for(
    report: InputReport, default: str | None, own: tuple[str, int] | None, overall: tuple[str, int] | None
) -> tuple[str, str] | None:
    """The region to read a file's national numbers by, and why; None when nothing points to one."""
    if default:
        return default, Words("note.phone_why.default")
    if own:
        return own[0], Words("note.phone_why.file_country", {"share": own[1]})
    if overall:
        return overall[0], Words("note.phone_why.all_files", {"share": overall[1]})
    region = load_rules_toml("phones.toml")["language_regions"].get(report.language or "")
    return (region, Words("note.phone_why.language", {"language": report.language})) if region else None


def countries_held(frame: pd.DataFrame) -> Counter[str]:
    """How many of the table's records are in each country (records without one left out)."""
    counts = frame["country_code"].value_counts()
    return Counter({str(code): int(count) for code, count in counts.items() if code})


def _dominant(counts: Counter[str], settings: dict[str, Any]) -> tuple[str, int] | None:
    """The country most records with a country have, with its share in whole percent, when it holds
    at least `dominant_share` of at least `min_records` records."""
    total = sum(counts.values())
    if total < settings["min_records"]:
        return None
    region, top = counts.most_common(1)[0]
    return (region, int(100 * top / total)) if top / total >= settings["dominant_share"] else None


def read_by_default(frame: pd.DataFrame) -> int:
    """How many phones `build_records` read by the default country: those written nationally, on
    records without a country, that could be a phone number at all."""
    no_country = (frame["country_code"] == "").to_numpy()
    read = 0
    for field in _PHONE_FIELDS:
        written = frame[f"{field}_raw"]
        status = frame[f"{field}_status"]
        national = no_country & (status != "").to_numpy()
        national &= ~(written.str.startswith("+") | written.str.startswith("00")).to_numpy(dtype=bool)
        # What cannot be a phone is invalid whatever the country: look among the invalid ones.
        codes, uniques = pd.factorize(written[national & (status == INVALID).to_numpy()], sort=False)
        impossible = ~could_be_phones(pd.Series(uniques, dtype="str"))
        read += int(national.sum()) - int(impossible[codes].sum())
    return read


def _say_read(report: InputReport, phones: int, region: str, why: str, *, valid: int | None = None) -> None:
    if phones:
        values = {"count": phones, "region": region, "why": why}
        note = Words("note.phones_read" if phones != 1 else "note.phone_read", values)
        if valid is not None and valid < phones:
            note = Words("note.phones_left_unchecked", {"read": note, "count": phones - valid})
        report.notes.append(note)


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


# Dates. Each distinct value is read by the one layout its shape fits; only the order of day and
# month is settled per column (see `parse_dates`). ISO text, what Salesforce, HubSpot and the XLSX
# loader write, goes to pandas' own parser (in C: a million values in a fifth of a second). The other
# layouts are taken apart by Arrow's RE2 kernels and put together with integer arithmetic in numpy,
# which also tells a real date outside pandas' nanosecond range (9999-12-31, Salesforce's 4000-12-31,
# 0001-01-01) from text that is no date at all.

# ISO text pandas reads exactly as written, in the years that lie wholly inside its nanosecond range
# (1677-09-22 to 2262-04-11: 1678 to 2261); other years take the general path, which knows the range
# to the second.
_ISO = (
    r"^(?:1(?:6(?:7[89]|[89]\d)|[7-9]\d\d)|2(?:[01]\d\d|2(?:[0-5]\d|6[01])))-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_NAT = np.iinfo(np.int64).min
_FIRST_SECOND = -(-pd.Timestamp.min.value // 10**9)
_LAST_SECOND = pd.Timestamp.max.value // 10**9 - 1
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
# Excel's serial day numbers (days since 1899-12-30); five digits are 1927 to 2173.
_EXCEL_SERIAL = r"^\d{5}(?:\.\d+)?$"
_EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial
# A month written in letters: a word or a few ("abr.", "kwietnia", "كانون الثاني", "de abril de").
_WORD = r"[\p{L}\p{M}][\p{L}\p{M}.]*"
_MONTH = rf"(?P<month>{_WORD}(?:\s+{_WORD}){{0,3}})"
_GAP = r"[\s\-/.,،]*"
_ORDINAL = r"(?:st|nd|rd|th|er)?"
_DIRECTION_MARKS = r"[\x{200E}\x{200F}\x{061C}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_EASTERN_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")


def parse_dates(values: pd.Series, *, day_first_default: bool) -> pd.Series:
    """Dates of one column, as naive timestamps (time zones dropped: the rules count days).

    Reads ISO dates and datetimes (Salesforce `2026-07-14T10:22:31.000Z`, `...000+0000`, HubSpot
    `2026-07-14 10:22`), numbers with day, month and year in either order (`14/07/2026 10:22`,
    `7/14/2026 10:22 AM`, `14.07.2026 10:22:31`, `2026/07/14`, `20260714`), months in letters in
    the languages of rules/months.toml (`14-Jul-2026`, `Apr 15, 2021 12:03 AM`, `15 avr. 2021`,
    `15 de abril de 2021`, `15 kwietnia 2021`, `15 نيسان 2021`) and Excel serial day numbers.

    The order of day and month is chosen per column, not per cell: "03/04/2026" means the same in
    every row of one export. Any value whose first part exceeds 12 makes the column day-first, else
    any whose second part does makes it month-first, else the export's UI language decides.
    A date pandas cannot hold (before 1677-09-22 or after 2262-04-11) is NaT, like unreadable text:
    `unread_date_reasons` tells the two apart.
    """
    stamps = np.full(len(values), _NAT, dtype=np.int64)
    filled = (values != "").to_numpy(dtype=bool)
    if filled.any():
        codes, uniques = pd.factorize(values[filled], sort=False)
        read, _ = _read_distinct(pd.Series(uniques, dtype="str"), day_first_default=day_first_default)
        stamps[filled] = np.where(codes >= 0, read[codes], _NAT)
    return pd.Series(stamps.view("datetime64[ns]"), index=values.index)


def unread_date_reasons(values: pd.Series, parsed: pd.Series) -> pd.Series:
    """Why each value of a date column has no date, for the rule-coverage report: "" (empty, or
    read), "out_of_range" (a real date outside pandas' range: 4000-12-31, 9999-12-31, 0001-01-01)
    or "unreadable". `parsed` is what `parse_dates` made of `values`; only the distinct values it
    could not read are looked at again."""
    reasons = np.full(len(values), "", dtype=object)
    failed = (parsed.isna() & (values != "")).to_numpy(dtype=bool)
    if failed.any():
        codes, uniques = pd.factorize(values[failed].fillna(""), sort=False)
        distinct = pd.Series(uniques, dtype="str")
        # Either order of day and month may be the one that makes a real date.
        outside = (
            _read_distinct(distinct, day_first_default=True, settle_order=False)[1]
            | _read_distinct(distinct, day_first_default=False, settle_order=False)[1]
        )
        verdicts = np.where(outside, "out_of_range", "unreadable")
        verdicts[(distinct.str.strip() == "").to_numpy(dtype=bool)] = ""
        reasons[failed] = verdicts[codes]
    return pd.Series(reasons, index=values.index, dtype="str")


def _read_distinct(
    values: pd.Series, *, day_first_default: bool, settle_order: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds since 1970 (`_NAT` where unread) of distinct values, and which of them are real
    dates outside pandas' range. With `settle_order`, the values may overrule `day_first_default`."""
    text = _arrow(values)
    trimmed = pc.utf8_trim_whitespace(text)
    if not pc.all(pc.equal(trimmed, text)).as_py():
        text, values = trimmed, values.str.strip()
    stamps = np.full(len(text), _NAT, dtype=np.int64)
    outside = np.zeros(len(text), dtype=bool)
    left = ~_read_iso(values, text, stamps)
    if not left.any():
        return stamps, outside
    positions = np.flatnonzero(left)
    text = _cleaned(text.filter(pa.array(left)))
    for layout, pattern in _layouts():
        if not len(positions):
            break
        # Matching alone runs RE2's DFA, several times faster than taking the groups apart.
        matched = pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)
        if matched.any():
            taken = pc.extract_regex(text.filter(pa.array(matched)), pattern)
            if layout == "numeric":
                first, second = _ints(taken, "part1"), _ints(taken, "part2")
                day_first = (
                    _day_first(first, second, day_first_default) if settle_order else day_first_default
                )
                day, month = (first, second) if day_first else (second, first)
            elif layout == "year_first":
                month, day = _ints(taken, "part1"), _ints(taken, "part2")
            else:
                day, month = _ints(taken, "day"), _month_numbers(pc.struct_field(taken, "month"))
            read, beyond = _assemble(_years(pc.struct_field(taken, "year")), month, day, _times(taken))
            stamps[positions[matched]] = read
            outside[positions[matched]] = beyond
        positions, text = positions[~matched], text.filter(pa.array(~matched))
    serial = pc.match_substring_regex(text, _EXCEL_SERIAL).to_numpy(zero_copy_only=False)
    if serial.any():
        days = pc.cast(text.filter(pa.array(serial)), pa.float64()).to_numpy()
        stamps[positions[serial]] = np.round((days - _EXCEL_EPOCH_DAYS) * 86_400 * 10**9).astype(np.int64)
    return stamps, outside


def _read_iso(values: pd.Series, text: pa.Array, stamps: np.ndarray) -> np.ndarray:
    """Read the plain ISO values with pandas into `stamps`; which values were taken (read or not)."""
    shaped = pc.match_substring_regex(text, _ISO).to_numpy(zero_copy_only=False)
    if not shaped.any():
        return shaped
    iso = text.filter(pa.array(shaped))
    # A zone is a final "Z", a "+", or a third "-"; naive and zoned values are parsed apart, as
    # pandas 2.2 applies one value's offset to the naive values that follow it.
    zoned = pc.or_(
        pc.or_(pc.ends_with(iso, "Z"), pc.match_substring(iso, "+")),
        pc.greater(pc.count_substring(iso, "-"), 2),
    ).to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(shaped)
    for group in (zoned, ~zoned):
        if group.any():
            chosen = positions[group]
            subset = values if len(chosen) == len(values) else values.iloc[chosen]
            read = pd.to_datetime(subset, format="ISO8601", errors="coerce", utc=True)
            stamps[chosen] = read.dt.tz_convert(None).astype("datetime64[ns]").to_numpy().view(np.int64)
    return shaped


@cache
def _layouts() -> tuple[tuple[str, str], ...]:
    """(name, RE2 pattern) of each layout other than plain ISO; the names say which group is what."""
    time = _time_pattern()
    return (
        ("year_first", rf"^(?P<year>\d{{4}})[-/.](?P<part1>\d{{1,2}})[-/.](?P<part2>\d{{1,2}}){time}"),
        ("year_first", rf"^(?P<year>\d{{4}})(?P<part1>\d{{2}})(?P<part2>\d{{2}}){time}"),  # 20260714
        ("numeric", rf"^(?P<part1>\d{{1,2}})[-/.](?P<part2>\d{{1,2}})[-/.](?P<year>\d{{4}}|\d{{2}}){time}"),
        ("day_month", rf"^(?P<day>\d{{1,2}}){_ORDINAL}{_GAP}{_MONTH}{_GAP}(?P<year>\d{{4}}|\d{{2}}){time}"),
        ("month_day", rf"^{_MONTH}{_GAP}(?P<day>\d{{1,2}}){_ORDINAL}[\s,،]+(?P<year>\d{{4}}){time}"),
    )


def _time_pattern() -> str:
    """An optional time after the date: 24 h or 12 h, seconds and fraction optional, then a zone."""
    meridiem = "|".join(_literal(marker) for marker in _date_words().meridiem_written)
    return (
        r"(?i:(?:T|[\s,]+)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
        r"(?:[:.](?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
        rf"\s*(?P<meridiem>{meridiem})?\s*(?P<zone>Z|UTC|GMT|[+-]\d{{2}}(?::?\d{{2}})?)?)?\s*$"
    )


def _literal(marker: str) -> str:
    """A marker as an RE2 pattern: ASCII punctuation escaped, any spacing where it has a space."""
    return r"\s*".join(re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", word) for word in marker.split())


def _cleaned(text: pa.Array) -> pa.Array:
    """What Arabic and French UIs put in dates that is not part of them: direction marks, other
    spaces than the plain one, Eastern Arabic digits. Skipped when every value is plain ASCII."""
    if not pc.any(pc.match_substring_regex(text, r"[^\x00-\x7F]")).as_py():
        return text
    text = pc.replace_substring_regex(text, _DIRECTION_MARKS, "")
    text = pc.replace_substring_regex(text, r"\p{Zs}+", " ")
    for digits in _EASTERN_DIGITS:
        if pc.any(pc.match_substring_regex(text, f"[{digits}]")).as_py():
            for value, digit in enumerate(digits):
                text = pc.replace_substring(text, digit, str(value))
    return pc.utf8_trim_whitespace(text)


def _day_first(first: np.ndarray, second: np.ndarray, default: bool) -> bool:
    if (first > 12).any():
        return True
    if (second > 12).any():
        return False
    return default


def _assemble(
    year: np.ndarray, month: np.ndarray, day: np.ndarray, time: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds since 1970 of dates given as parts (`_NAT` where the parts make no date), and
    which real dates lie outside pandas' nanosecond range. `time` is (seconds into the day, or -1
    for an impossible time; nanoseconds)."""
    seconds_of_day, nanos = time
    month_index = np.clip(month, 1, 12) - 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[month_index] + ((month_index == 1) & leap)
    real = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    real &= seconds_of_day >= 0
    seconds = _days_since_1970(year, month, day) * 86_400 + seconds_of_day
    inside = real & (seconds >= _FIRST_SECOND) & (seconds <= _LAST_SECOND)
    stamps = np.where(inside, np.where(inside, seconds, 0) * 10**9 + nanos, _NAT)
    return stamps, real & ~inside


def _days_since_1970(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Proleptic Gregorian day number (H. Hinnant's days_from_civil), for any year."""
    shifted = year - (month <= 2)
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _times(parts: pa.StructArray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds into the (UTC) day, -1 where the time is impossible, and the nanoseconds."""
    hour, minute, second = _ints(parts, "hour"), _ints(parts, "minute"), _ints(parts, "second")
    afternoon = _looked_up(pc.struct_field(parts, "meridiem"), _meridiem_of)
    twelve_hour = afternoon >= 0
    possible = np.where(twelve_hour, hour <= 12, hour <= 23) & (minute <= 59) & (second <= 59)
    hour = np.where(twelve_hour, hour % 12 + 12 * (afternoon == 1), hour)
    seconds = hour * 3_600 + minute * 60 + second - _looked_up(pc.struct_field(parts, "zone"), _zone_offset)
    nanos = _ints(parts, "fraction", pad=9)
    return np.where(possible, seconds, -1), nanos


def _ints(parts: pa.StructArray, name: str, *, pad: int = 0) -> np.ndarray:
    """A group's digits as integers (0 where the group took no part); `pad` right-pads fractions."""
    text = pc.struct_field(parts, name)
    if pad:
        text = pc.utf8_rpad(text, pad, "0")
    return pc.cast(pc.if_else(pc.equal(text, ""), "0", text), pa.int64()).to_numpy()


def _years(text: pa.Array) -> np.ndarray:
    """Four-digit years as written; two digits as strptime's %y reads them (69-99: 1900s, else 2000s)."""
    years = pc.cast(text, pa.int64()).to_numpy()
    short = (pc.utf8_length(text).to_numpy() <= 2) & (years >= 0)
    return np.where(short, np.where(years < 69, 2000 + years, 1900 + years), years)


def _looked_up(text: pa.Array, answer: Callable[[str], int]) -> np.ndarray:
    """`answer` for each value of a group with few distinct values (month names, markers, zones)."""
    codes, uniques = pd.factorize(text.to_numpy(zero_copy_only=False), sort=False)
    answers = np.array([answer(str(value)) for value in uniques] + [0], dtype=np.int64)
    return answers[codes]


def _month_numbers(text: pa.Array) -> np.ndarray:
    return _looked_up(text, _month_of)


def _month_of(written: str) -> int:
    """1-12 for a month name of rules/months.toml in any language, else 0."""
    words = _date_words()
    return words.months.get(" ".join(w for w in fold(written).split() if w not in words.connectors), 0)


def _meridiem_of(written: str) -> int:
    """0 for a morning marker, 1 for an afternoon one, -1 when there is none."""
    return _date_words().meridiem.get(fold(written).replace(" ", ""), -1) if written else -1


def _zone_offset(written: str) -> int:
    """Seconds to subtract to read a time in UTC: "Z", "+0200", "-05:00", "+02"."""
    digits = written.replace(":", "")
    if not digits or digits[0] not in "+-":
        return 0
    hours, minutes = int(digits[1:3]), int(digits[3:5] or 0)
    return (1 if digits[0] == "+" else -1) * (hours * 3_600 + minutes * 60)


class _DateWords(NamedTuple):
    """rules/months.toml, folded: month name -> 1-12, connector words, marker -> 0 (am) or 1 (pm)."""

    months: dict[str, int]
    connectors: frozenset[str]
    meridiem: dict[str, int]
    meridiem_written: tuple[str, ...]


@cache
def _date_words() -> _DateWords:
    data = load_rules_toml("months.toml")
    halves = data["meridiem"]
    return _DateWords(
        months={
            fold(name): int(month)
            for months in data["months"].values()
            for month, names in months.items()
            for name in names
        },
        connectors=frozenset(fold(word) for word in data["connectors"]),
        meridiem={
            fold(name).replace(" ", ""): half for half, key in enumerate(("am", "pm")) for name in halves[key]
        },
        meridiem_written=tuple(
            sorted((name for key in ("am", "pm") for name in halves[key]), key=len, reverse=True)
        ),
    )


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


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


def email_is_valid(address: str) -> bool:
    """One address judged as email_statuses judges a column of them, without a Series: a fix plan
    asks about thousands, one at a time."""
    if not address:
        return False
    plain = (
        len(address) <= 254
        and _ONE_PLAIN_EMAIL.match(address) is not None
        and _ONE_SPECIAL_USE.search(address.lower()) is None
        and _ONE_SHORT_LOCAL.match(address) is not None
    )
    return plain or _email_is_valid(address)


_ONE_PLAIN_EMAIL = re.compile(_PLAIN_EMAIL.removesuffix("$") + r"\Z")
_ONE_SPECIAL_USE = re.compile(_SPECIAL_USE_TLDS.removesuffix("$") + r"\Z")
_ONE_SHORT_LOCAL = re.compile(r"^[^@]{1,64}@")


@cache
def _email_is_valid(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
