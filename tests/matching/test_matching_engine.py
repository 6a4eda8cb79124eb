"""The engine's pieces on hand-made inputs: blocking, level patterns, vetoes, clustering, settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.matching.blocking import BlockingRule, candidate_pairs
from auditor.matching.clustering import cluster_people, components
from auditor.matching.estimating import EvidenceGroup, Model, Veto, count_once, distinct_patterns
from auditor.matching.features import Feature, Features
from auditor.matching.runs import pairs_within, ranges
from auditor.matching.settings import default_settings, settings_from_dict


def _features(**columns: list[str]) -> Features:
    size = len(next(iter(columns.values())))
    by_name = {
        name: Feature.from_columns(name, (name,), [pd.Series(values, dtype="str")])
        for name, values in columns.items()
    }
    return Features(positions=np.arange(size), by_name=by_name)


def test_pairs_within_runs() -> None:
    left, right = pairs_within(np.array([0, 3]), np.array([3, 2]))
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2), (3, 4)]
    assert ranges(np.array([2, 0, 3])).tolist() == [0, 1, 0, 1, 2]


def test_blocking_pairs_records_sharing_every_key_of_a_rule() -> None:
    features = _features(email=["a@x.pl", "a@x.pl", "b@x.pl", "", "b@x.pl"], city=["W", "K", "W", "W", "W"])
    rules = [BlockingRule("email", ("email",)), BlockingRule("email and city", ("email", "city"))]
    candidates = candidate_pairs(features, rules, max_block_size=10, max_pairs_per_record=10)
    pairs = list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    assert pairs == [(0, 1), (2, 4)]
    assert candidates.found_by(0).tolist() == [True, True]
    assert candidates.found_by(1).tolist() == [False, True]
    assert [report.new_pairs for report in candidates.reports] == [2, 0]


def test_blocks_too_common_to_tell_anyone_apart_are_skipped_and_reported() -> None:
    features = _features(city=["Warszawa"] * 6 + ["Kraków"] * 2)
    candidates = candidate_pairs(
        features, [BlockingRule("city", ("city",))], max_block_size=5, max_pairs_per_record=10
    )
    assert list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True)) == [(6, 7)]
    [report] = candidates.reports
    assert (report.skipped_blocks, report.skipped_records) == (1, 6)
    assert report.largest_skipped == "Warszawa (6 records)"


def test_a_loose_rule_keeps_to_its_own_pair_budget_largest_blocks_first() -> None:
    # 12 people: an office of 4 in Warszawa (6 pairs), two pairs elsewhere (1 pair each).
    features = _features(
        city=["Warszawa"] * 4 + ["Kraków"] * 2 + ["Gdańsk"] * 2 + ["Łódź", "Poznań", "Lublin", "Opole"],
        email=["a@x.pl", "a@x.pl"] + [""] * 10,
    )
    loose = BlockingRule("city", ("city",), max_pairs_per_record=0.5)
    candidates = candidate_pairs(
        features, [BlockingRule("email", ("email",)), loose], max_block_size=10, max_pairs_per_record=10
    )
    pairs = set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))
    # 8 pairs would be over 0.5 x 12 = 6: the office goes, the two small blocks stay; the email
    # rule, under the global budget, still pairs 0 and 1.
    assert pairs == {(0, 1), (4, 5), (6, 7)}
    assert candidates.reports[1].skipped_blocks == 1
    assert candidates.reports[1].largest_skipped == "Warszawa (4 records)"


def test_a_phone_and_a_mobile_of_one_person_block_once() -> None:
    phone = Feature.from_columns(
        "phone",
        ("phone", "mobile"),
        [pd.Series(["1", "1", "2"], dtype="str"), pd.Series(["1", "", "1"], dtype="str")],
    )
    features = Features(positions=np.arange(3), by_name={"phone": phone})
    candidates = candidate_pairs(
        features, [BlockingRule("phone", ("phone",))], max_block_size=10, max_pairs_per_record=10
    )
    assert list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True)) == [
        (0, 1),
        (0, 2),
        (1, 2),
    ]
    assert phone.counts.tolist()[:2] == [3, 1]  # "1" is held by three people, "2" by one


def test_level_patterns_pack_and_unpack() -> None:
    levels = np.array([[1, 2, 0], [1, 2, 0], [3, 0, 9], [1, 2, 0]], dtype=np.int8)
    patterns, counts = distinct_patterns(levels)
    found = {tuple(row): count for row, count in zip(patterns.tolist(), counts.tolist(), strict=True)}
    assert found == {(1, 2, 0): 3.0, (3, 0, 9): 1.0}


def test_a_veto_needs_all_any_and_none_of_its_conditions() -> None:
    veto = Veto(
        "different person", all_of={0: (3,)}, any_of={1: (2,), 2: (2,)}, none_of={2: (1,)}, weight=-50
    )
    levels = np.array([[3, 2, 0], [3, 0, 2], [3, 0, 0], [1, 2, 2], [3, 2, 1]])
    assert veto.applies(levels).tolist() == [True, True, False, False, False]


def test_a_veto_does_not_hold_where_every_unless_condition_does() -> None:
    veto = Veto("v", all_of={0: (3,)}, any_of={}, none_of={}, weight=-1, unless={1: (0,), 2: (0,)})
    levels = np.array([[3, 0, 0], [3, 0, 1], [3, 1, 0], [2, 0, 0]])
    assert veto.applies(levels).tolist() == [False, True, True, False]


def test_a_group_counts_once_only_where_it_holds() -> None:
    # Comparisons 1-3 are a group unless comparison 0 is at level 0 (neither record has a company).
    group = EvidenceGroup("workplace", members=(1, 2, 3), unless={0: (0,)})
    levels = np.array([[0, 1, 1, 1], [2, 1, 1, 1]], dtype=np.int8)
    weights = np.array([[0.0, 3.0, 2.0, -1.0], [4.0, 3.0, 2.0, -1.0]])
    holds = group.holds(levels)
    assert holds.tolist() == [False, True]
    counted = count_once(weights, [(0, 1, 2, 3)], [holds])
    assert counted.tolist() == [[0.0, 3.0, 2.0, -1.0], [4.0, 0.0, 0.0, -1.0]]


def test_connected_components() -> None:
    label = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert label.tolist() == [0, 0, 0, 3, 4, 4]


def test_a_chain_through_a_vetoed_pair_is_cut() -> None:
    # Anna (0) and her own second record (1) agree; the second record also looks like Anna's
    # husband (2); Anna and her husband are vetoed apart. The cluster keeps Anna's two records.
    weights = {(0, 1): 30.0, (1, 2): 12.0, (0, 2): -50.0}

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.array([weights[(int(a), int(b))] for a, b in zip(left, right, strict=True)])

    clusters = cluster_people(
        3,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([30.0, 12.0]),
        threshold=0.0,
        max_cluster_size=50,
        score=score,
    )
    assert clusters.label.tolist() == [0, 0, -1]
    assert list(zip(clusters.left.tolist(), clusters.right.tolist(), strict=True)) == [(0, 1)]


def test_a_cluster_too_large_loses_its_weakest_links_first() -> None:
    left = np.arange(5)
    right = np.arange(1, 6)
    weight = np.array([40.0, 40.0, 1.0, 40.0, 40.0])  # a chain of six with one weak link in the middle

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.full(len(a), 20.0)

    clusters = cluster_people(6, left, right, weight, threshold=0.0, max_cluster_size=4, score=score)
    assert clusters.label.tolist() == [0, 0, 0, 1, 1, 1]
    assert clusters.cut_links == 1


def test_the_shipped_settings_load_and_say_what_they_are() -> None:
    settings = default_settings()
    assert {comparison.name for comparison in settings.comparisons} >= {
        "first_name",
        "last_name",
        "email",
        "phone",
    }
    assert any(rule.train for rule in settings.rules)
    data = settings.to_dict()
    assert data["model"]["match_probability"] == 0.5
    assert data["vetoes"][0]["weight"] < 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"comparisons": [{"name": "x", "feature": "city", "levels": [{"test": "nonsense"}]}]},
            "unknown level test",
        ),
        (
            {
                "comparisons": [
                    {"name": "x", "feature": "city", "levels": [{"test": "exact"}, {"test": "else"}]}
                ]
            },
            "first level must be null",
        ),
        (
            {
                "comparisons": [
                    {
                        "name": "x",
                        "feature": "city",
                        "levels": [{"test": "null"}, {"test": "neither"}, {"test": "else"}],
                    }
                ]
            },
            "first level must be null",
        ),
        ({"vetoes": [{"name": "v", "all": {"nobody": ["else"]}}]}, "no comparison named"),
        ({"groups": [{"name": "g", "comparisons": ["city"], "unless": {"city": ["far"]}}]}, "has no level"),
        ({"vetoes": [{"name": "v", "all": {"first_name": ["sideways"]}}]}, "has no level"),
    ],
)
def test_broken_settings_say_what_is_wrong(change: dict[str, object], message: str) -> None:
    from auditor.resources import load_rules_toml

    data = {**load_rules_toml("matching.toml"), **change}
    with pytest.raises(ValueError, match=message):
        settings_from_dict(data)


def test_a_value_is_counted_for_its_holders_even_when_they_have_no_name_email_or_phone() -> None:
    from auditor.matching.comparisons import comparison_from_settings
    from auditor.matching.estimating import _term_frequency_u
    from auditor.matching.settings import ModelSettings

    # Five records hold Kraków, none with a name, email or phone; one Gdańsk and one Łódź.
    cities = ["Kraków"] * 5 + ["Gdańsk", "Łódź"]
    features = _features(first_name=[""] * 7, last_name=[""] * 7, email=[""] * 7, phone=[""] * 7, city=cities)
    comparison = comparison_from_settings(
        {
            "name": "city",
            "feature": "city",
            "levels": [
                {"test": "null"},
                {"test": "exact", "tf": True, "m": 0.85, "u": 0.05},
                {"test": "else", "m": 0.15, "u": 0.95},
            ],
        }
    )
    settings = ModelSettings()
    tf_u = _term_frequency_u(features, comparison, np.array([1.0, 0.05, 0.95]), settings)
    city = features["city"]
    by_city = {str(city.take(np.array([code]))[0]): tf_u[code] for code in range(city.size)}
    # u is (other holders + smoothing x level u) / (other people + smoothing): Kraków has four
    # other holders, Gdańsk and Łódź none.
    alpha = settings.tf_smoothing
    assert by_city["Kraków"] == pytest.approx((4 + alpha * 0.05) / (6 + alpha))
    assert by_city["Gdańsk"] == by_city["Łódź"] == pytest.approx(alpha * 0.05 / (6 + alpha))


def test_a_floor_keeps_the_same_address_and_name_a_match_whatever_the_estimates_say() -> None:
    """Drifted estimates (a moved person's other phone, street and city weigh -40 bits) cannot pull
    a pair at the floor's levels below its weight; a veto that applies still caps it."""
    settings = default_settings()
    comparisons = list(settings.comparisons)
    index = {comparison.name: number for number, comparison in enumerate(comparisons)}
    label = {
        comparison.name: {level.label: number for number, level in enumerate(comparison.levels)}
        for comparison in comparisons
    }
    m = [np.array([level.m for level in comparison.levels], dtype=float) for comparison in comparisons]
    u = [np.array([level.u for level in comparison.levels], dtype=float) for comparison in comparisons]
    for name in ("phone", "street", "city"):
        m[index[name]][label[name]["else"]] = 1e-5  # the estimates' drift: "one person never moves"
    model = Model(
        comparisons=comparisons,
        m=m,
        u=u,
        prior=1e-6,
        tf_u=[None] * len(comparisons),
        vetoes=list(settings.vetoes),
        groups=list(settings.groups),
        floors=list(settings.floors),
    )
    pair = np.array([label[comparison.name].get("null", 0) for comparison in comparisons])
    pair[index["email"]] = label["email"]["exact"]
    pair[index["first_name"]] = label["first_name"]["name_variant"]  # Bob for Robert
    pair[index["last_name"]] = label["last_name"]["exact"]
    for name in ("phone", "street", "city"):
        pair[index[name]] = label[name]["else"]
    levels = np.array([pair], dtype=np.int8)
    tf_codes = np.full(levels.shape, -1)
    drifted = model.prior_weight + model.evidence(levels, tf_codes)
    assert drifted[0] < 0  # without the floor: not a match
    assert model.match_weight(levels, tf_codes)[0] == pytest.approx(10.0)
    # Another given name as well is no longer the floor's pair.
    other = levels.copy()
    other[0, index["first_name"]] = label["first_name"]["else"]
    assert model.match_weight(other, tf_codes)[0] < 0
    # Another birth date: the review veto still caps it.
    dated = levels.copy()
    dated[0, index["birth_date"]] = label["birth_date"]["else"]
    assert model.match_weight(dated, tf_codes)[0] < 0
