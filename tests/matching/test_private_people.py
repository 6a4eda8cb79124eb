"""Private people (a shop's customers, B2C): no company and no company mail domain on either record.
Their shared address is a home, evidence about the person field by field, not one workplace; their
personal mailboxes tell near-namesakes apart (issue #12, as the real Odoo export showed).

`odoo_near_namesakes/res.partner.csv` is written for these tests in the shape of an Odoo 8
import-compatible partner export (external ids, `title/id`, unquoted postcodes, employees given by
surname only): two customers recorded twice, and six pairs of near-namesakes in one town (another
spelling of the last name or another given name, each with a mailbox of their own and another
street), the kind a teacher writes into training data and a shop meets among its customers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.matching.blocking import candidate_pairs
from auditor.matching.comparisons import PairView, evaluate_all
from auditor.matching.features import Feature, Features, build_features
from auditor.matching.settings import default_settings
from tests.conftest import findings_of

ODOO = Path(__file__).parent / "odoo_near_namesakes"

HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Company Name",
    "Email",
    "Street Address",
    "City",
    "Postal Code",
    "State/Region",
    "Country/Region",
    "Date of birth",
]
# Private people elsewhere, so that a small file still has a population.
OTHERS = [
    ["Oliver", "Bishop", "", "", "10 French Street", "Orange", "2800", "NSW", "Australia", "14/02/1961"],
    ["Chloe", "Stanley", "", "", "69 Fisken Crescent", "Ermington", "2115", "NSW", "Australia", ""],
    ["Amber", "Hoist", "", "", "75 Pattinson Crescent", "Hoppers Crossing", "3029", "VIC", "Australia", ""],
    ["Jade", "Quast", "", "", "4 Hodgkinson Street", "East Ryde", "2113", "NSW", "Australia", "21/01/1939"],
]


def _rows(people: list[list[str]]) -> list[list[str]]:
    return [HEADER, *([str(70001 + number), *person] for number, person in enumerate(people + OTHERS))]


@pytest.fixture
def audit_hubspot(
    write_csv: Callable[..., Path], run_audit: Callable[..., auditor.AuditResult]
) -> Callable[[list[list[str]]], auditor.AuditResult]:
    """audit_hubspot([[first, last, company, email, street, city, postcode, state, country, birth],
    ...]): the people, then OTHERS, as a HubSpot contacts export (ids 70001 ...), audited."""

    def run(people: list[list[str]]) -> auditor.AuditResult:
        return run_audit([write_csv("hubspot-contacts.csv", _rows(people))])

    return run


def _rows_of(finding: auditor.Finding) -> set[int]:
    return {ref.row for ref in finding.records}


def test_near_namesakes_in_one_town_are_not_merged_and_the_duplicates_are(
    run_audit: Callable[..., auditor.AuditResult],
) -> None:
    result = run_audit([ODOO])
    merged = [
        _rows_of(finding)
        for finding in findings_of(result, "DU001")
        if finding.evidence.confidence in ("sure", "likely")
    ]
    # Paul Verger twice (one mailbox, one home); Lucie and Lucia Fabre (one mailbox).
    assert sorted(merged, key=min) == [{8, 20}, {9, 27}]
    # Not even for review: Lucie Fabrel (own mailbox lfabrel@), Marcel and Marceline Vidal, Claire
    # Monet and Monetti, Jacques Roux and Jacky Rouxel, Helene Caron and Caronne, Denis Garnier and
    # Garnerin: each with a mailbox of their own and another street.
    near_namesakes = {21, 10, 22, 11, 23, 12, 24, 13, 25, 14, 26}
    reported = set().union(*(_rows_of(finding) for finding in findings_of(result, "DU001")))
    assert not reported & near_namesakes


def test_a_home_address_counts_field_by_field_between_private_people(
    audit_hubspot: Callable[[list[list[str]]], auditor.AuditResult],
) -> None:
    home = ["34 Edge Place", "Laverton", "3028", "VIC", "Australia"]
    result = audit_hubspot([["Hannah", "Ranson", "", "", *home, ""], ["Hanah", "Ranson", "", "", *home, ""]])
    [finding] = findings_of(result, "DU001")
    fields = {entry.field: entry for entry in finding.evidence.pairs[0].fields}
    address = [fields[name] for name in ("street", "city", "postcode", "state")]
    assert all(entry.weight > 0 and entry.counted == entry.weight for entry in address)


def test_the_same_address_at_a_company_counts_once(
    audit_hubspot: Callable[[list[list[str]]], auditor.AuditResult],
) -> None:
    # One record naming a company is enough to read the address as a workplace.
    office = ["34 Edge Place", "Laverton", "3028", "VIC", "Australia"]
    result = audit_hubspot(
        [["Hannah", "Ranson", "Edge Logistics", "", *office, ""], ["Hanah", "Ranson", "", "", *office, ""]]
    )
    [finding] = findings_of(result, "DU001")
    fields = {entry.field: entry for entry in finding.evidence.pairs[0].fields}
    counted = sorted(fields[name].counted for name in ("street", "city", "postcode", "state"))
    assert counted[:3] == [0.0, 0.0, 0.0] and counted[3] > 0


def test_a_record_without_a_given_name_at_a_namesakes_home_is_for_review(
    audit_hubspot: Callable[[list[list[str]]], auditor.AuditResult],
) -> None:
    # "Ranson" at Hannah Ranson's home: Hannah, or someone of her household. Never merged; a person
    # can tell.
    home = ["34 Edge Place", "Laverton", "3028", "VIC", "Australia"]
    result = audit_hubspot([["Hannah", "Ranson", "", "", *home, ""], ["", "Ranson", "", "", *home, ""]])
    assert (result.records["duplicate_cluster"] == "").all()
    [finding] = findings_of(result, "DU001")
    assert finding.evidence.confidence == "review"
    assert finding.evidence.pairs[0].review == "no given name to compare"


def test_another_given_name_at_the_same_home_is_another_person(
    audit_hubspot: Callable[[list[list[str]]], auditor.AuditResult],
) -> None:
    # Talia and Holly Feast at one address: a household, whatever the address says.
    home = ["21 Dorrit Black Crescent", "Burnie", "7320", "TAS", "Australia"]
    result = audit_hubspot([["Talia", "Feast", "", "", *home, ""], ["Holly", "Feast", "", "", *home, ""]])
    assert findings_of(result, "DU001") == []


def test_swapped_names_with_a_typo_still_become_candidates(
    audit_hubspot: Callable[[list[list[str]]], auditor.AuditResult],
) -> None:
    # "Mihal Hannsh" and "Hannah Mihal": first and last name swapped and one mistyped, the postcode
    # the same. A name in either field with the postcode pairs them.
    place = ["", "Nyah West", "3595", "VIC", "Australia", ""]
    result = audit_hubspot([["Mihal", "Hannsh", "", "", *place], ["Hannah", "Mihal", "", "", *place]])
    settings = default_settings()
    features = build_features(result.records)
    candidates = candidate_pairs(
        features,
        settings.rules,
        max_block_size=settings.max_block_size,
        max_pairs_per_record=settings.max_pairs_per_record,
    )
    assert (0, 1) in set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))


@pytest.mark.parametrize(
    ("one", "other", "two_names"),
    [
        pytest.param(("porte", "bporte@free.fr"), ("porter", "wporter@free.fr"), True, id="each its own"),
        pytest.param(
            ("kowalsky", "jan.kowalski77@gmail.com"),
            ("kowalski", "jan.kowalski@acme.pl"),
            False,
            id="a typo: the mailbox spells the name right",
        ),
        pytest.param(
            ("kowal", "jkowalski@wp.pl"),
            ("kowalski", "jan.kowalski@gmail.com"),
            False,
            id="a mailbox spells the other's longer name",
        ),
        pytest.param(("porte", "bporter@free.fr"), ("porter", "bporter@free.fr"), False, id="one mailbox"),
    ],
)
def test_a_last_name_spelled_otherwise_in_each_own_mailbox_is_another_name(
    one: tuple[str, str], other: tuple[str, str], two_names: bool
) -> None:
    def column(*values: str) -> pd.Series:
        return pd.Series(values, dtype="str")

    features = Features(
        positions=np.arange(2),
        by_name={
            "first_name": Feature.from_columns("first_name", ("first_name",), [column("jan", "jan")]),
            "last_name": Feature.from_columns("last_name", ("last_name",), [column(one[0], other[0])]),
            "email": Feature.from_columns("email", ("email",), [column(one[1], other[1])]),
        },
    )
    [last_name] = [
        comparison for comparison in default_settings().comparisons if comparison.name == "last_name"
    ]
    levels, _ = evaluate_all([last_name], PairView(features, np.array([0]), np.array([1])))
    level = last_name.levels[int(levels[0, 0])]
    assert (level.test == "spelled_in_own_mailbox") is two_names
