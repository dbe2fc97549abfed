"""Each scoring rule on hand-computed values; each test fails if one condition of its rule is flipped."""

import pytest

from xaso.dti.rules import fact_share, leaf_points, linear_share, thresholds_share, yes_no_share

STEPS = {"thresholds": [[50, 0.5], [80, 1]], "direction": "higher"}


@pytest.mark.parametrize(("value", "share"), [(None, 0), (49.9, 0), (50, 0.5), (79.9, 0.5), (80, 1), (100, 1)])
def test_thresholds_give_the_share_of_the_highest_threshold_reached(value, share):
    assert thresholds_share(value, STEPS) == share


def test_thresholds_for_a_lower_is_better_figure_count_at_most():
    steps = {"thresholds": [[5, 0.5], [2, 1]], "direction": "lower"}
    assert [thresholds_share(v, steps) for v in (6, 5, 3, 2, 0)] == [0, 0.5, 0.5, 1, 1]


@pytest.mark.parametrize(("value", "share"), [(None, 0), (40, 0), (50, 0), (70, 0.5), (80, 0.75), (90, 1), (95, 1)])
def test_linear_is_proportional_between_min_and_max_and_clamped(value, share):
    assert linear_share(value, {"min": 50, "max": 90}) == share


def test_linear_with_min_above_max_rewards_lower_values():
    assert linear_share(10, {"min": 20, "max": 0}) == 0.5
    assert linear_share(25, {"min": 20, "max": 0}) == 0


def test_yes_no_gives_full_points_only_for_a_positive_figure():
    assert [yes_no_share(v, {}) for v in (None, 0, 1)] == [0, 0, 1]


def test_fact_gives_the_chosen_option_share_and_nothing_for_an_unknown_answer():
    options = [{"code": "chairman", "share": 1}, {"code": "deputy", "share": 0.5}, {"code": "none", "share": 0}]
    params = {"options": options}
    assert [fact_share(f, params) for f in ("chairman", "deputy", "none", "", "other")] == [1, 0.5, 0, 0, 0]


def test_leaf_points_round_to_two_decimals():
    # 70.58% on a 20-point leaf linear 0–100: 20 × 0.70576 = 14.1152 → 14.12
    assert leaf_points(kind="linear", points=20, params={"min": 0, "max": 100}, value=70.576) == 14.12


def test_each_rule_reads_as_the_decision_states_it():
    from xaso.dti.rules import rule_text

    assert rule_text(kind="thresholds", params={"thresholds": [[50, 0.5], [80, 1]]}) == (
        "≥ 50: 50% số điểm; ≥ 80: đủ điểm"
    )
    assert rule_text(kind="thresholds", params={"thresholds": [[5, 1], [10, 0.25]], "direction": "lower"}) == (
        "≤ 5: đủ điểm; ≤ 10: 25% số điểm"
    )
    assert rule_text(kind="linear", params={"min": 50, "max": 90}) == (
        "0 điểm khi từ 50 trở xuống, đủ điểm khi từ 90 trở lên, tỷ lệ ở giữa"
    )
    assert rule_text(kind="linear", params={"min": 20, "max": 5.5}) == (
        "0 điểm khi từ 20 trở lên, đủ điểm khi từ 5,5 trở xuống, tỷ lệ ở giữa"
    )
    assert rule_text(kind="yes_no", params={}) == "có (lớn hơn 0): đủ điểm; không: 0 điểm"
    options = [{"code": "chairman", "label": "Chủ tịch", "share": 1}, {"code": "deputy", "label": "Phó Chủ tịch",
               "share": 0.5}, {"code": "none", "label": "Không có", "share": 0}]  # fmt: skip
    assert (
        rule_text(kind="fact", params={"options": options})
        == "Chủ tịch: đủ điểm; Phó Chủ tịch: 50% số điểm; Không có: 0 điểm"
    )
    assert rule_text(kind="manual", params={}) == rule_text(kind="linear", params={"min": "x"}) == ""
