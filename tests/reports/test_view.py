"""The view model: what the page shows, computed from the findings without recomputing them."""

from __future__ import annotations

import pytest

from auditor.findings import SEVERITY_ORDER
from auditor.reporting.html_report import render_html
from auditor.reporting.summary import actions, health_band
from auditor.reporting.view import KindSection, Limits, ReportView, build_view
from tests.reports.sample_result import sample_result, scaled_result


def _section(view: ReportView, kind: str) -> KindSection:
    return next(section for section in view.sections if section.kind == kind)


def test_offending_cells_are_the_ones_marked() -> None:
    view = build_view(sample_result())
    email_row = _section(view, "invalid_email").rows[0]
    assert email_row.record is not None and email_row.record.marked == {"email"}
    assert email_row.evidence[0].key == "email" and email_row.evidence[0].marked
    placeholder = _section(view, "placeholder").rows[0]
    assert placeholder.record is not None and placeholder.record.marked == {"name", "email"}
    # A field with no column of its own (won deals) is marked among the evidence instead.
    customer = _section(view, "customer_as_lead").rows[0]
    assert customer.record is not None and customer.record.marked == frozenset()
    first = customer.evidence[0]
    assert (first.key, first.value, first.marked) == ("won_deals", "2", True)


def test_duplicate_cluster_side_by_side_with_pair_evidence() -> None:
    cluster = _section(build_view(sample_result()), "duplicate").clusters[0]
    assert [member.location for member in cluster.members] == ["Lead.csv:2", "Lead.csv:3"]
    assert cluster.keep == 0 and cluster.keep_reason.text == "most complete, most recent activity"
    rows = {row.field: row for row in cluster.rows}
    # Case alone is no difference (the same address); a shorter company name is.
    assert rows["email"].matched and not rows["email"].differs
    assert not rows["company"].matched and rows["company"].differs
    pair = cluster.pairs[0]
    assert (pair.left, pair.right, pair.score) == (1, 2, "0.99")
    weights = {field.field: (field.weight, field.supports, field.fraction) for field in pair.fields}
    assert weights["email"] == ("+9.4", True, 1.0)
    assert weights["owner"][:2] == ("-0.6", False)
    assert [risk.text for risk in cluster.risks] == ["different owners: Jan Owner, Eva Owner"]


def test_lead_that_is_a_contact_puts_the_lead_first() -> None:
    cluster = _section(build_view(sample_result()), "lead_is_contact").clusters[0]
    assert [member.record_type for member in cluster.members] == ["lead", "contact"]
    assert cluster.keep == 1


def test_unknown_evidence_is_shown_as_key_and_value() -> None:
    row = _section(build_view(sample_result()), "brand_new_kind").rows[0]
    assert [(item.key, item.value) for item in row.evidence] == [
        ("flag", "true"),
        ("missing", ""),
        ("nested", "a: 1; b: 1, 2"),
        ("ratio", "0.25"),
    ]


def test_a_record_missing_from_the_table_still_renders() -> None:
    row = _section(build_view(sample_result()), "unreachable").rows[0]
    assert row.record is not None and row.record.location == "Lead.csv:99" and row.record.name == ""


def test_who_is_who_matrix_and_lead_temperatures() -> None:
    view = build_view(sample_result())
    matrix = view.matrix
    assert matrix.rows == ["lead", "contact", "unknown"]
    assert matrix.counts[matrix.rows.index("lead")][matrix.columns.index("customer")] == 2
    assert matrix.total == 9  # the account is not a person
    assert {bar.key: bar.count for bar in view.leads_elsewhere} == {"customer": 2, "employee": 1}
    assert {bar.key: bar.count for bar in view.temperatures} == {"hot": 2, "warm": 2, "cold": 1, "": 2}


def test_sections_are_capped_with_a_pointer_to_the_full_reports() -> None:
    result = scaled_result(3000, 400)
    limits = Limits(rows_per_kind=7, clusters_per_kind=3, records_per_label=2)
    view = build_view(result, limits=limits)
    stale = _section(view, "stale_lead")
    assert stale.total == 80 and len(stale.rows) == 7
    assert len(_section(view, "duplicate").clusters) == 3
    label = _section(view, "unmapped_label").labels[0]
    assert len(label.records) == 2 and label.more_records == 298
    html = render_html(result, limits=limits)
    assert "Showing the first 7 of 80. All 80 are in the XLSX and JSON reports." in html


def test_health_score_counts_each_people_record_once_at_its_worst() -> None:
    health = build_view(sample_result()).health
    # The account row's finding (info) leaves the score alone: 9 people records, 2 at an error.
    assert health.records == 9
    assert health.worst == {"error": 2, "warning": 7, "info": 0}
    assert health.score == 38.9 and health.band == "poor"


@pytest.mark.parametrize(
    ("score", "needs_fix", "band"),
    [
        (99.0, 0.02, "good"),
        (92.4, 0.08, "fair"),  # a high score, but one person in twelve needs a fix
        (95.0, 0.30, "poor"),
        (80.0, 0.01, "fair"),
        (74.9, 0.00, "poor"),
    ],
)
def test_the_band_cannot_say_good_while_many_people_need_a_fix(
    score: float, needs_fix: float, band: str
) -> None:
    assert health_band(score, needs_fix) == band


def test_actions_put_the_most_severe_first_then_the_widest() -> None:
    result = sample_result()
    todo = actions(result)
    assert [action.kind for action in todo] == [kind.kind for kind in build_view(result).by_kind]
    ranks = [(-SEVERITY_ORDER[action.severity], -action.records) for action in todo]
    assert ranks == sorted(ranks)
    assert todo[0].kind == "lead_is_contact" and todo[0].records == 2
    # The share counts people records only: the new kind names the account row.
    new_kind = next(action for action in todo if action.kind == "brand_new_kind")
    assert new_kind.records == 1 and new_kind.share == 0.0


def test_a_duplicate_card_says_its_grade_and_its_evidence_in_words() -> None:
    card = _section(build_view(sample_result()), "duplicate").clusters[0]
    assert card.confidence == "sure"
    # Exact agreements first, then near ones, then what counted against; empty fields say nothing.
    assert card.plain == [
        ("same", "phone"),
        ("same", "city"),
        ("similar", "email"),
        ("similar", "first_name"),
        ("different", "owner"),
    ]
    html = render_html(sample_result(), lang="fr")
    assert "Correspondance sûre : à fusionner" in html
    assert '<span class="said said-different">Propriétaire : différent</span>' in html
    # The weights are one click away.
    assert '<details class="pairs">' in html and '<details class="pairs" open>' not in html


def test_every_date_a_keep_reason_cites_is_on_its_card() -> None:
    import re

    from auditor.demo import audit_samples, demo_config

    view = build_view(audit_samples(demo_config()))
    cited = 0
    for kind in ("duplicate", "lead_is_contact"):
        for card in _section(view, kind).clusters:
            shown = {value for row in card.rows for value in row.values}
            for date in re.findall(r"\d{4}-\d{2}-\d{2}", card.keep_reason.text):
                cited += 1
                assert date in shown, (card.cluster, card.keep_reason.text)
    assert cited > 0


def test_cards_past_the_first_few_open_on_demand() -> None:
    from auditor.demo import audit_samples, demo_config

    result = audit_samples(demo_config())
    cards = sum(len(section.clusters) for section in build_view(result).sections)
    assert cards > 4
    html = render_html(result, limits=Limits(open_cards=2))
    clustered = sum(1 for section in build_view(result).sections if section.clusters)
    assert html.count('<details class="compare" open>') == 2 * clustered
    assert html.count('<details class="compare">') == cards - 2 * clustered
