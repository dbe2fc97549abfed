"""The formatters answer whatever a row holds (never raise), and query-string ids are read strictly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from xaso.core.formatting import format_number, format_percent, format_value, round_half_up
from xaso.core.limits import ID_MAX, figure_in_range, is_finite_number, parse_id


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1384, 0, "1.384"),
        (70.58, 1, "70,6"),
        (None, 0, "—"),
        (float("nan"), 1, "—"),
        (Decimal("NaN"), 0, "—"),
        (float("inf"), 0, "∞"),
        (float("-inf"), 1, "−∞"),
        (1e308, 0, "1,00×10^308"),
        (-1e308, 0, "-1,00×10^308"),
        pytest.param(10**400, 0, "1,00×10^400", id="10**400"),
        pytest.param(10**5000, 0, "1,00×10^5000", id="10**5000"),  # str() of this int raises in Python ≥ 3.11
        (10**18, 0, "1,00×10^18"),
        (10**18 - 1, 0, "999.999.999.999.999.999"),
        (1e-300, 2, "0,00"),
        (5e-324, 0, "0"),
        (2**63 - 1, 0, "9,22×10^18"),
        (True, 0, "—"),
        (1384, "50", "1.384,000000"),  # a template's decimals are capped at 6
        (1384, "x", "1.384"),
    ],
)
def test_format_number_answers_whatever_is_stored(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_value_and_percent_cope_with_non_finite_values():
    assert format_value(float("inf")) == "∞"
    assert format_value(float("nan")) == "—"
    assert format_value(1e308) == "1,00×10^308"
    assert format_value(70.0) == "70" and format_value(70.58) == "70,6"
    assert format_percent(float("nan")) == "—"
    assert format_percent(70.58) == "70,6%"


def test_template_filters_never_raise():
    template = Template("{% load vn %}{{ a|vn_number }} {{ b|vn_value }} {{ c|vn_percent }} {{ d|vn_number:2 }}")
    context = Context({"a": float("inf"), "b": float("nan"), "c": 1e308, "d": 10**400})
    assert template.render(context) == "∞ — 1,00×10^308% 1,00×10^400"


def test_round_half_up_sends_only_finite_numbers():
    assert round_half_up(70.576, 1) == 70.6
    assert round_half_up(0.05, 1) == 0.1
    assert round_half_up(float("inf"), 1) is None
    assert round_half_up(float("nan"), 1) is None
    assert round_half_up(10**400, 1) is None
    assert round_half_up(1e308, 1) == 1e308
    assert round_half_up(None, 1) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1), ("12", 12), (str(ID_MAX), ID_MAX), (str(ID_MAX + 1), None), ("0", None), ("-1", None),
        ("abc", None), ("1e5", None), ("99999999999999999999", None), ("null", None), ("", None), (" 1", None),
        ("١٢", None), ("²", None), (None, None),
    ],
)  # fmt: skip
def test_parse_id_takes_ascii_digits_within_bigint(text, expected):
    assert parse_id(text) == expected


def test_figure_range_edges():
    assert figure_in_range(10**12) and not figure_in_range(10**12 + 1)
    assert figure_in_range(0) and not figure_in_range(-0.001)
    assert figure_in_range(100, percent=True) and not figure_in_range(100.01, percent=True)
    assert not figure_in_range(float("nan")) and not figure_in_range(float("inf"))
    assert not is_finite_number(True) and is_finite_number(1) and not is_finite_number("1")
