"""Features: the values matching compares, derived once from the records of every person.

Each feature holds, per person, an integer code into its distinct values (-1 where the person has
none), so that "equal" is an integer comparison and fuzzy scores are computed once per distinct
pair of values. A feature may have several columns that share one vocabulary (phone and mobile,
main and second email): two people agree on it when any of their values are equal.

| feature | from | how it is normalised |
|---|---|---|
| first_name, last_name | first_name, last_name | folded (case, accents, punctuation); one vocabulary, so swapped names compare |
| first_group | first_name | the formal names it is a form of (rules/nicknames.csv), up to 3 |
| name_pair | first_name, last_name | first_group and last name, sorted: swapped names give one key |
| last_skeleton | last_name | consonant skeleton (auditor.matching.names.skeleton) |
| name_sounds | first_name, last_name | the skeletons of both names, sorted |
| first_prefix, last_prefix | first_name, last_name | the first three letters |
| first_initial | first_name | the first letter |
| email | email, email_alt | the personal address as the mail server reads it; role mailboxes dropped |
| company_domain | email, website | a company's domain: work email or website, never free mail |
| mail_domain | email, email_alt | the company domain of each personal address (never free mail) |
| phone | phone, mobile | E.164 where valid, else the digits |
| personal_email, personal_phone | email, phone | without values shared by several people (a family mailbox or home phone, a switchboard) |
| company | company | without legal forms, "&"/"and", case and punctuation |
| street, city, state | street, city, state | folded |
| street_word | street | the street's first word of three letters or more (its name, not its number) |
| postcode | postcode | upper case, no spaces or dashes |
| birth_date | birth_date, birthdate | YYYYMMDD; the written digits when the date does not parse |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from auditor.keys import (
    EmailKeys,
    company_keys,
    free_mail_domains,
    normalise_emails,
    website_domains,
)
from auditor.matching.names import fold_names, group_columns, share_group, skeletons
from auditor.matching.runs import pairs_within
from auditor.model import people
from auditor.parallel import side_by_side
from auditor.text import STR, as_arrow, fold_array, to_series

# The record fields features are made of.
_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "email_alt",
    "website",
    "phone",
    "phone_status",
    "mobile",
    "mobile_status",
    "company",
    "account_id",
    "street",
    "city",
    "state",
    "postcode",
    "birth_date",
    "birthdate",
)

# A number held by this many people, under at least two different last names, is a switchboard
# (two: a family's home phone; three: colleagues).
SHARED_NUMBER_HOLDERS = 3


@dataclass
class Feature:
    """One comparable value per person: `codes[person, column]` indexes `values` (-1: none).

    Text values stay in Arrow (a million emails as Python strings would cost a gigabyte);
    `take` turns the few a comparison needs into Python strings. Blocking-only features hold
    integer keys instead of text."""

    name: str
    fields: tuple[str, ...]
    codes: np.ndarray
    values: pa.Array | np.ndarray
    # Per value: True where the value is shared by several different people (a switchboard, a
    # family mailbox).
    shared: np.ndarray | None = None
    _derived: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _texts: dict[str, _TextMemo] = field(default_factory=dict, repr=False)
    _partial: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_columns(cls, name: str, fields: Sequence[str], columns: Sequence[pd.Series]) -> Feature:
        """Factorise text columns into one vocabulary ("" is no value); empty columns cost nothing."""
        size = len(columns[0])
        codes = np.full((size, len(columns)), -1, dtype=np.int32)
        filled = [index for index, column in enumerate(columns) if (column != "").any()]
        if not filled:
            return cls(
                name=name, fields=tuple(fields), codes=codes, values=pa.array([""], type=pa.large_string())
            )
        stacked = (
            columns[filled[0]]
            if len(filled) == 1
            else pd.concat([columns[index].reset_index(drop=True) for index in filled], ignore_index=True)
        )
        flat, values = _vocabulary(stacked)
        codes[:, filled] = flat.reshape(len(filled), size).T
        return cls(name=name, fields=tuple(fields), codes=codes, values=values)

    @classmethod
    def from_parts(
        cls, name: str, fields: Sequence[str], parts: list[list[tuple[np.ndarray, pa.Array]]]
    ) -> Feature:
        """`from_columns` of the parts' columns stacked, from each part's factorised columns
        (`FeaturePart`): the same codes and vocabulary, value for value. The whole's vocabulary is
        in order of first appearance, column after column, so the parts' distinct values are
        joined in that order: a column's over every part, then the next column's."""
        sizes = [len(part[0][0]) for part in parts]
        width = len(fields)
        codes = np.full((sum(sizes), width), -1, dtype=np.int32)
        filled = [
            column
            for column in range(width)
            if any(pc.any(pc.not_equal(part[column][1], "")).as_py() for part in parts)
        ]
        if not filled:
            return cls(
                name=name, fields=tuple(fields), codes=codes, values=pa.array([""], type=pa.large_string())
            )
        distinct = [part[column][1] for column in filled for part in parts]
        joined = pa.chunked_array(distinct, type=pa.large_string())
        flat, values = _vocabulary(to_series(joined))
        starts = np.cumsum([0, *(len(values_of) for values_of in distinct)])
        rows = np.cumsum([0, *sizes])
        chunk = 0
        for column in filled:
            for number, part in enumerate(parts):
                local = part[column][0]
                mapped = flat[starts[chunk] : starts[chunk + 1]]
                codes[rows[number] : rows[number + 1], column] = np.where(
                    local >= 0, mapped[np.maximum(local, 0)], -1
                )
                chunk += 1
        return cls(name=name, fields=tuple(fields), codes=codes, values=values)

    @classmethod
    def from_keys(cls, name: str, fields: Sequence[str], keys: np.ndarray) -> Feature:
        """A blocking-only feature from integer keys per person (and column; -1: none)."""
        keys = keys[:, None] if keys.ndim == 1 else keys
        present = keys >= 0
        flat, uniques = pd.factorize(keys[present], sort=False)
        codes = np.full(keys.shape, -1, dtype=np.int32)
        codes[present] = flat
        return cls(name=name, fields=tuple(fields), codes=codes, values=np.asarray(uniques, dtype=np.int64))

    @property
    def size(self) -> int:
        """How many distinct values."""
        return len(self.values)

    @property
    def width(self) -> int:
        return self.codes.shape[1]

    @property
    def first(self) -> np.ndarray:
        return self.codes[:, 0]

    def take(self, codes: np.ndarray) -> np.ndarray:
        """The values of these codes as Python strings (an object array)."""
        if isinstance(self.values, np.ndarray):
            return self.values[codes].astype(str).astype(object)
        return self.take_arrow(codes).to_numpy(zero_copy_only=False)

    def take_arrow(self, codes: np.ndarray) -> pa.Array:
        """The text values of these codes, staying in Arrow for its kernels."""
        return pc.take(self.values, pa.array(codes, type=pa.int64()))

    @cached_property
    def counts(self) -> np.ndarray:
        """How many people hold each value (a person holding it twice counts once)."""
        rows = self.codes
        if self.width > 1:
            rows = np.sort(rows, axis=1)
            rows[:, 1:][rows[:, 1:] == rows[:, :-1]] = -1
        held = rows[rows >= 0]
        return np.bincount(held, minlength=self.size)

    @cached_property
    def holders(self) -> int:
        """People with at least one value."""
        return int((self.codes >= 0).any(axis=1).sum())

    def derived(self, name: str, compute: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
        """A per-value property computed with Arrow kernels over all values (lengths ...), once."""
        if name not in self._derived:
            self._derived[name] = np.asarray(compute(self.values))
        return self._derived[name]

    def derived_for(
        self, name: str, codes: np.ndarray, compute: Callable[[pa.Array], np.ndarray]
    ) -> np.ndarray:
        """As `derived`, for the values of `codes` only (rows of a per-value table), each worked
        out once however often it is asked for: for properties that cost more than a pass of an
        Arrow kernel, of vocabularies of a million values of which a few are compared."""
        if name in self._derived:
            return self._derived[name][codes]
        if name not in self._partial and len(codes) * 4 >= self.size:
            # Asked for a good share of the values at once: all of them cost no more.
            return self.derived(name, compute)[codes]
        table, known = self._partial.get(name, (None, None))
        missing = codes if known is None else codes[~known[codes]]
        if len(missing) or table is None:
            missing = pd.unique(missing)
            found = np.asarray(compute(self.take_arrow(missing)))
            if table is None or known is None:
                table = np.zeros((self.size, *found.shape[1:]), dtype=found.dtype)
                known = np.zeros(self.size, dtype=bool)
                self._partial[name] = (table, known)
            table[missing] = found
            known[missing] = True
        return table[codes]

    def text_of(
        self, name: str, codes: np.ndarray, compute: Callable[[pa.Array], pa.Array]
    ) -> pa.ChunkedArray:
        """`compute` (Arrow kernels) of the values of `codes`, worked out once per value however
        often, and in however many passes over pairs, it is asked for."""
        memo = self._texts.get(name)
        if memo is None:
            memo = self._texts[name] = _TextMemo(np.full(self.size, -1, dtype=np.int32))
        missing = codes[memo.slot[codes] < 0]
        if len(missing):
            missing = pd.unique(missing)
            memo.slot[missing] = memo.count + np.arange(len(missing), dtype=np.int32)
            memo.chunks.append(compute(self.take_arrow(missing)))
            memo.count += len(missing)
        return pc.take(pa.chunked_array(memo.chunks), pa.array(memo.slot[codes], type=pa.int32()))

    def transformed(
        self, name: str, codes: np.ndarray, transform: Callable[[np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """`transform` of the values of `codes`, computed for the distinct codes asked for only
        (or read from a precomputed `name`, as the names' skeletons are)."""
        if name in self._derived:
            return self._derived[name][codes]
        distinct, inverse = np.unique(codes, return_inverse=True)
        return np.asarray(transform(self.take(distinct)), dtype=object)[inverse]


def _vocabulary(stacked: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Each value's code and the distinct values in order of first appearance; "" stays among the
    values (where it first appears), but its code is -1: no value."""
    flat, uniques = pd.factorize(stacked, sort=False)
    values = as_arrow(pd.Series(uniques, dtype=STR)).combine_chunks()
    flat = flat.astype(np.int32)
    empty = np.flatnonzero(pc.equal(values, "").to_numpy(zero_copy_only=False))
    if len(empty):
        flat[flat == empty[0]] = -1
    return flat, values


@dataclass
class _TextMemo:
    """Texts worked out from some of a feature's values: value code -> position in `chunks`."""

    slot: np.ndarray
    chunks: list[pa.Array] = field(default_factory=list)
    count: int = 0


@dataclass
class Features:
    """Every feature of the people among the records; `positions[i]` is person i's record position."""

    positions: np.ndarray
    by_name: dict[str, Feature]
    # Per-person facts a comparison works out once (-1: not asked yet), see `per_person`.
    _facts: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @cached_property
    def person_key(self) -> np.ndarray:
        """A number per person that records of one person written alike share: same first and last
        name, email and phone (records with none of these are each their own)."""
        parts = [self[name].first.astype(np.int64) for name in ("first_name", "last_name", "email", "phone")]
        empty = (np.column_stack(parts) < 0).all(axis=1)
        key = parts[0] + 1
        for part in parts[1:]:
            # Combine two at a time and re-number, so the combined numbers never overflow.
            key = pd.factorize(key * np.int64(part.max() + 2) + part + 1, sort=False)[0].astype(np.int64)
        key[empty] = len(self) + np.flatnonzero(empty)
        return key

    def per_person(
        self, name: str, people: np.ndarray, compute: Callable[[np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """A yes/no fact about each of `people` (person indices, repeats allowed), computed by
        `compute(distinct people)` only for people not asked before: every pass over pairs (random
        pairs, candidates, clusters) shares it."""
        known = self._facts.get(name)
        if known is None:
            known = self._facts[name] = np.full(len(self), -1, dtype=np.int8)
        todo = people[known[people] < 0]
        if len(todo):
            todo = pd.unique(todo)
            known[todo] = np.asarray(compute(todo), dtype=bool)
        return known[people] > 0

    def __getitem__(self, name: str) -> Feature:
        return self.by_name[name]

    def __len__(self) -> int:
        return len(self.positions)

    def of_pairs(self, left: np.ndarray, right: np.ndarray) -> PairFeatures:
        """The features of only the people in the pairs (`left[i]`, `right[i]`), each vocabulary
        cut to the values they hold: what a Dask task compares a part of the pairs with, in memory
        that grows with the part, not with the org. Codes keep their order and equality (a
        vocabulary several features share, as first and last names do, is cut once for all of
        them), so every comparison sees the pairs as it would in the whole."""
        people, inverse = np.unique(np.concatenate([left, right]), return_inverse=True)
        shared_by: dict[int, list[Feature]] = {}
        for feature in self.by_name.values():
            shared_by.setdefault(id(feature.values), []).append(feature)
        cut: dict[str, Feature] = {}
        kept: dict[str, np.ndarray] = {}
        for group in shared_by.values():
            codes = [feature.codes[people] for feature in group]
            used = np.unique(np.concatenate([block[block >= 0] for block in codes]))
            if not len(used) and group[0].size:
                used = np.zeros(1, dtype=np.int64)  # a vocabulary is never empty (see from_columns)
            values = group[0].values
            values = values[used] if isinstance(values, np.ndarray) else values.take(pa.array(used))
            for feature, block in zip(group, codes, strict=True):
                renumbered = np.full(block.shape, -1, dtype=np.int32)
                held = block >= 0
                renumbered[held] = np.searchsorted(used, block[held])
                cut[feature.name] = Feature(
                    name=feature.name,
                    fields=feature.fields,
                    codes=renumbered,
                    values=values,
                    shared=None if feature.shared is None else feature.shared[used],
                    # Per-value tables made with the features (the names' skeletons), cut alike.
                    _derived={name: table[used] for name, table in feature._derived.items()},
                )
                kept[feature.name] = used
        return PairFeatures(
            Features(positions=self.positions[people], by_name=cut),
            inverse[: len(left)],
            inverse[len(left) :],
            kept,
        )


@dataclass
class PairFeatures:
    """`Features.of_pairs`: the cut features, the pairs as positions into them, and per feature the
    whole vocabulary's code of each cut code (to put codes a comparison returns back)."""

    features: Features
    left: np.ndarray
    right: np.ndarray
    whole_codes: dict[str, np.ndarray]


def build_features(records: pd.DataFrame) -> Features:
    """Features of every record that is a person (accounts are companies, not people)."""
    positions, frame = _people_of(records)
    # Each feature's columns are let go once factorised: all of them at once would be the peak.
    made = (Feature.from_columns(name, fields, columns) for name, fields, columns in text_columns(frame))
    return features_of(made, positions)


# One text feature's columns (a feature's name, the record fields it reads, one column per field),
# which share one vocabulary.
TextColumns = tuple[str, tuple[str, ...], list[pd.Series]]


def text_columns(frame: _People) -> Iterator[TextColumns]:
    """The text features' columns, normalised record by record: nothing in them depends on other
    records, so a Dask worker works them out for the records it read. One feature at a time, for
    the caller to factorise before the next."""
    # The three costliest are independent and mostly Arrow and pandas kernels, which let go of
    # the GIL: side by side on two cores (benchmarks/README.md).
    made = side_by_side(
        {
            "names": lambda: [fold_names(frame["first_name"]), fold_names(frame["last_name"])],
            "emails": lambda: (normalise_emails(frame["email"]), normalise_emails(frame["email_alt"])),
            "company": partial(company_keys, frame["company"]),
        }
    )
    yield "names", ("first_name", "last_name"), made.pop("names")
    main, second = made.pop("emails")
    yield "email", ("email", "email_alt"), [main.address, second.address]
    work_domain = main.domain.where(~main.domain.isin(free_mail_domains()), "")
    yield (
        "company_domain",
        ("email", "website"),
        [work_domain.astype("str"), website_domains(frame["website"])],
    )
    # Where each personal mailbox is: two mailboxes at one company are two colleagues far more
    # often than one person's aliases.
    yield "mail_domain", ("email", "email_alt"), [_mailbox_company(main), _mailbox_company(second)]
    del main, second, work_domain
    yield "phone", ("phone", "mobile"), [_phone_key(frame, "phone"), _phone_key(frame, "mobile")]
    yield "company", ("company",), [made.pop("company")]
    yield "account", ("account_id",), [_account_keys(frame["account_id"])]
    street = fold_array(frame["street"], join="'’`.")
    yield "street", ("street",), [to_series(street)]
    word = pc.struct_field(pc.extract_regex(street, r"(?P<word>[a-z]{3,})"), [0])
    del street
    yield "street_word", ("street",), [to_series(pc.fill_null(word, ""))]
    yield "city", ("city",), [to_series(fold_array(frame["city"], join="'’`."))]
    yield "state", ("state",), [to_series(fold_array(frame["state"]))]
    postcode = pc.replace_substring_regex(pc.utf8_upper(as_arrow(frame["postcode"])), r"[\s\-.]+", "")
    yield "postcode", ("postcode",), [to_series(postcode)]
    yield "birth_date", ("birthdate",), [_birth_dates(frame)]


def features_of(made: Iterator[Feature], positions: np.ndarray) -> Features:
    """Every feature, from the text features (`text_columns` factorised, the names first) of the
    people at `positions`: what is derived from the names, and which values several people share,
    needs all of them."""
    # What the names give is worked out while the other features are factorised: mostly pandas
    # and Arrow kernels, side by side on two cores (benchmarks/README.md).
    with ThreadPoolExecutor(max_workers=1) as pool:
        named = pool.submit(_name_features, next(made))
        text = {feature.name: feature for feature in made}
        features = named.result()
    email = features["email"] = text.pop("email")
    # A family mailbox (two given names on one address) is no personal identifier.
    email.shared = _family_values(email, features)
    features["personal_email"] = _personal(email)
    features["company_domain"] = text.pop("company_domain")
    features["mail_domain"] = text.pop("mail_domain")
    phone = features["phone"] = text.pop("phone")
    # Neither is a switchboard (colleagues under other last names) nor a family's home phone (one
    # number, two given names).
    phone.shared = _shared_values(phone, features["last_name"], holders=SHARED_NUMBER_HOLDERS)
    phone.shared |= _family_values(phone, features)
    features["personal_phone"] = _personal(phone)
    features |= text
    return Features(positions=positions, by_name=features)


@dataclass
class FeaturePart:
    """The text features of some of the people, factorised where their records were read: per
    feature and column, each row's code into the part's own distinct values. `Feature.from_parts`
    joins the parts into the vocabularies `Feature.from_columns` makes of the whole."""

    positions: np.ndarray
    columns: dict[str, tuple[tuple[str, ...], list[tuple[np.ndarray, pa.Array]]]]

    @classmethod
    def of(cls, records: pd.DataFrame) -> FeaturePart:
        """The part of `records`, whose index holds their positions in the audit."""
        local, frame = _people_of(records)
        columns = {
            name: (fields, [_factorised(column) for column in text])
            for name, fields, text in text_columns(frame)
        }
        return cls(records.index.to_numpy()[local].astype(np.int64), columns)


def _factorised(column: pd.Series) -> tuple[np.ndarray, pa.Array]:
    codes, uniques = pd.factorize(column, sort=False)
    return codes.astype(np.int32), as_arrow(pd.Series(uniques, dtype=STR)).combine_chunks()


def features_from_parts(parts: list[FeaturePart]) -> Features:
    """Every feature of the people of `parts` (in the order of their records), as `build_features`
    makes them of the whole. Empties `parts`: their codes are let go as each feature is joined."""
    if not parts:
        raise ValueError("features_from_parts needs a part at least")
    positions = np.concatenate([part.positions for part in parts])
    layout = [(name, fields) for name, (fields, _) in parts[0].columns.items()]
    made = (
        Feature.from_parts(name, fields, [part.columns.pop(name)[1] for part in parts])
        for name, fields in layout
    )
    features = features_of(made, positions)
    parts.clear()
    return features


def _people_of(records: pd.DataFrame) -> tuple[np.ndarray, _People]:
    """The positions of the records that are people (accounts are companies, not people), and
    their rows."""
    are_people = people(records)
    positions = np.flatnonzero(are_people)
    return positions, _People(records, None if are_people.all() else positions)


class _People:
    """The people's rows of the records, a column at a time when asked: the two dozen columns
    matching reads, taken at once, would all be held until every feature was built; a column taken
    for one feature is let go once it is built."""

    def __init__(self, records: pd.DataFrame, positions: np.ndarray | None) -> None:
        self.records = records
        self.positions = positions
        self.index = pd.RangeIndex(len(records) if positions is None else len(positions))

    def __getitem__(self, column: str) -> pd.Series:
        assert column in _FIELDS, f"{column} is not among the fields matching reads"
        values = self.records[column]
        if self.positions is not None:
            values = values.take(self.positions)
        return values.reset_index(drop=True)


def _account_keys(ids: pd.Series) -> pd.Series:
    """The account a record belongs to, by id: a Salesforce id's 18-character form is its
    15-character form and a checksum, so the two forms are one account."""
    ids = ids.astype("str").str.strip()
    salesforce = ids.str.fullmatch(r"[0-9A-Za-z]{18}") & ids.str[:3].str.fullmatch(r"[0-9a-zA-Z]{3}")
    return ids.where(~salesforce, ids.str[:15])


def _name_features(names: Feature) -> dict[str, Feature]:
    """Name features, from the folded first and last names in one vocabulary. Everything derived
    from a name (its groups, skeleton, first letters) is computed once per distinct name and
    reaches people through integer codes."""
    features: dict[str, Feature] = {}
    first_code, last_code = names.codes[:, 0], names.codes[:, 1]
    # First and last names share their values, and so what is derived from them (skeletons ...).
    shared: dict[str, np.ndarray] = {}
    features["first_name"] = Feature(
        "first_name", ("first_name",), names.codes[:, :1].copy(), names.values, _derived=shared
    )
    features["last_name"] = Feature(
        "last_name", ("last_name",), names.codes[:, 1:].copy(), names.values, _derived=shared
    )
    vocabulary = to_series(pa.chunked_array([names.values]))
    real = vocabulary.to_numpy() != ""

    def per_person(per_name: np.ndarray, codes: np.ndarray) -> np.ndarray:
        return np.where(codes >= 0, per_name[np.maximum(codes, 0)], -1)

    # Formal-name groups and names share one code space, so that "Bob Smith" (robert|smith) and a
    # swapped "Smith, Robert" (smith|robert) give one unordered key.
    groups = group_columns(vocabulary)
    size = len(vocabulary)
    space = pd.factorize(pd.concat([vocabulary, *groups], ignore_index=True), sort=False)[0].astype(np.int64)
    span = np.int64(space.max() + 2)
    group_keys = np.column_stack(
        [
            per_person(
                np.where(group.to_numpy() != "", space[size * (i + 1) : size * (i + 2)], -1), first_code
            )
            for i, group in enumerate(groups)
        ]
    )
    features["first_group"] = Feature.from_keys("first_group", ("first_name",), group_keys)
    last_id = per_person(np.where(real, space[:size], -1), last_code)
    pair_keys = np.column_stack([_unordered(column, last_id, span) for column in group_keys.T])
    features["name_pair"] = Feature.from_keys("name_pair", ("first_name", "last_name"), pair_keys)

    sounds = skeletons(vocabulary)
    shared["sounds_like"] = sounds.to_numpy(dtype=object)
    sound = np.where(real, pd.factorize(sounds, sort=False)[0], -1)
    first_sound, last_sound = per_person(sound, first_code), per_person(sound, last_code)
    features["last_skeleton"] = Feature.from_keys("last_skeleton", ("last_name",), last_sound)
    features["name_sounds"] = Feature.from_keys(
        "name_sounds",
        ("first_name", "last_name"),
        _unordered(first_sound, last_sound, np.int64(sound.max() + 2)),
    )
    prefixes = _prefix(vocabulary)
    prefix = np.where(prefixes.to_numpy() != "", pd.factorize(prefixes, sort=False)[0], -1)
    features["first_prefix"] = Feature.from_keys(
        "first_prefix", ("first_name",), per_person(prefix, first_code)
    )
    features["last_prefix"] = Feature.from_keys("last_prefix", ("last_name",), per_person(prefix, last_code))
    # The last name's prefix of a record with no given name: it has nothing else to pair by.
    features["surname_only_prefix"] = Feature.from_keys(
        "surname_only_prefix",
        ("first_name", "last_name"),
        np.where(first_code < 0, per_person(prefix, last_code), -1),
    )
    # Either name's prefix, whichever field holds it: "Noyce Liam" and "Madison Noyce" share one.
    features["name_prefixes"] = Feature.from_keys(
        "name_prefixes",
        ("first_name", "last_name"),
        np.column_stack([per_person(prefix, first_code), per_person(prefix, last_code)]),
    )
    initials = vocabulary.str[:1]
    initial = np.where(real, pd.factorize(initials, sort=False)[0], -1)
    features["first_initial"] = Feature.from_keys(
        "first_initial", ("first_name",), per_person(initial, first_code)
    )
    return features


def _unordered(a: np.ndarray, b: np.ndarray, span: np.int64) -> np.ndarray:
    """One key for the pair {a, b} whichever way round (-1 when either is missing)."""
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    return np.where((a >= 0) & (b >= 0), low * span + high, -1)


def _prefix(names: pd.Series, length: int = 3) -> pd.Series:
    """The first letters of a name, for blocking that survives a typo further on."""
    return (
        names.str.replace(" ", "", regex=False)
        .str[:length]
        .where(names.str.len() >= length, "")
        .astype("str")
    )


def _mailbox_company(keys: EmailKeys) -> pd.Series:
    """The domain of each personal address, where it is a company's (not free mail)."""
    company = (keys.address != "") & ~keys.domain.isin(free_mail_domains())
    return keys.domain.where(company, "").astype("str")


def _phone_key(frame: _People, column: str) -> pd.Series:
    """E.164 where the normaliser could read the number; otherwise its digits, when there are enough
    of them to mean something (a national number with no country)."""
    status = frame[f"{column}_status"]
    key = frame[column].where(status == "valid", "").astype("str")
    unread = ((status != "valid") & (frame[column] != "")).to_numpy()
    if unread.any():
        digits = frame[column][unread].str.replace(r"\D", "", regex=True)
        key[unread] = digits.where(digits.str.len() >= 7, "")
    return key


def _personal(feature: Feature) -> Feature:
    """The feature without its shared values: a key to one person, for blocking and training."""
    codes = feature.codes.copy()
    assert feature.shared is not None
    codes[(codes >= 0) & feature.shared[np.maximum(codes, 0)]] = -1
    return Feature(f"personal_{feature.name}", feature.fields, codes, feature.values)


def _shared_values(feature: Feature, names: Feature, *, holders: int) -> np.ndarray:
    """Values held by `holders` or more people under two or more different names: a switchboard
    (colleagues with other last names), a family mailbox (relatives with other given names)."""
    shared = np.zeros(feature.size, dtype=bool)
    crowded = np.flatnonzero(feature.counts >= holders)
    if not len(crowded):
        return shared
    rows, columns = np.nonzero(np.isin(feature.codes, crowded))
    held = pd.DataFrame({"value": feature.codes[rows, columns], "name": names.first[rows]})
    held = held[held["name"] >= 0]
    distinct = held.drop_duplicates().groupby("value")["name"].nunique()
    shared[distinct.index[distinct >= 2].to_numpy()] = True
    return shared


# A value held by more people than this is shared whoever they are (a company's info line).
_CROWD = 20


def _family_values(feature: Feature, features: dict[str, Feature]) -> np.ndarray:
    """Values held by two people whose given names clearly differ: not equal, not a typo, nickname,
    initial or variant of each other, not swapped with the last name. A family's mailbox or home
    phone; a person's two records with "Jon" and "John" do not make their address a family's."""
    shared = feature.counts > _CROWD
    rows, columns = np.nonzero(
        (feature.codes >= 0)
        & (feature.counts[np.maximum(feature.codes, 0)] >= 2)
        & ~shared[np.maximum(feature.codes, 0)]
    )
    if not len(rows):
        return shared
    held = pd.DataFrame({"value": feature.codes[rows, columns], "person": rows}).drop_duplicates()
    held = held.sort_values("value", kind="stable")
    values, people = held["value"].to_numpy(), held["person"].to_numpy()
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    keep = sizes >= 2
    left, right = pairs_within(starts[keep], sizes[keep])
    first, last = features["first_name"], features["last_name"]
    one, other = people[left], people[right]
    named = (first.first[one] >= 0) & (first.first[other] >= 0)
    one, other, value = one[named], other[named], values[left][named]
    if not len(one):
        return shared

    def similar(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        both = (a >= 0) & (b >= 0)
        score = np.zeros(len(a))
        if both.any():
            score[both] = cpdist(
                list(first.take(a[both])),
                list(first.take(b[both])),
                scorer=JaroWinkler.normalized_similarity,
                workers=-1,
            )
        return score >= 0.8

    a, b = first.first[one], first.first[other]
    alike = similar(a, b) | similar(a, last.first[other]) | similar(last.first[one], b)
    first_a, first_b = first.take(a), first.take(b)
    alike |= share_group(first_a, first_b)
    initials = (pd.Series(first_a, dtype="str").str.len() == 1) | (
        pd.Series(first_b, dtype="str").str.len() == 1
    )
    shared[value[~alike & ~initials.to_numpy()]] = True
    return shared


def _birth_dates(frame: _People) -> pd.Series:
    """YYYYMMDD; a date the export wrote but that does not exist (month 13) still compares by its
    digits."""
    dates = pd.Series("", index=frame.index, dtype="str")
    parsed = frame["birth_date"].notna().to_numpy()
    if parsed.any():
        dates[parsed] = frame["birth_date"][parsed].dt.strftime("%Y%m%d")
    unread = ~parsed & (frame["birthdate"] != "").to_numpy()
    if unread.any():
        digits = frame["birthdate"][unread].str.replace(r"\D", "", regex=True)
        dates[unread] = digits.where(digits.str.len() == 8, "")
    return dates
