"""Figures as Vietnamese officials type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xaso.core.formatting import format_number
from xaso.indicators.parsing import ValueParseError, parse_value


@pytest.mark.parametrize(
    ("raw", "value_type", "expected"),
    [
        ("1.384", "integer", 1384),
        ("1384", "integer", 1384),
        ("7.410", "integer", 7410),
        ("1.234.567", "integer", 1234567),
        ("70,6", "decimal", 70.6),
        ("70.6", "decimal", 70.6),
        ("70,6%", "percent", 70.6),
        ("1.234,5", "decimal", 1234.5),
        ("có", "boolean", 1),
        ("Không", "boolean", 0),
        (25, "integer", 25),
        (70.6, "percent", 70.6),
    ],
)
def test_accepted_forms(raw, value_type, expected):
    assert parse_value(raw, value_type) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "value_type", "fragment"),
    [
        ("", "integer", "Ô trống"),
        ("abc", "integer", "không phải là số"),
        ("1,5", "integer", "số nguyên"),
        ("120", "percent", "0–100%"),
        ("-3", "integer", "không được âm"),
        ("có lẽ", "boolean", "Có/Không"),
        (2, "boolean", "1 hoặc 0"),
    ],
)
def test_refused_forms_say_why(raw, value_type, fragment):
    with pytest.raises(ValueParseError) as exc:
        parse_value(raw, value_type)
    assert fragment in str(exc.value)


@given(st.integers(min_value=0, max_value=10**12))
def test_vietnamese_formatted_integers_read_back(n):
    assert parse_value(format_number(n), "integer") == n


@given(st.decimals(min_value=0, max_value=10**6, places=1, allow_nan=False))
def test_vietnamese_formatted_decimals_read_back(d):
    assert parse_value(format_number(d, 1), "decimal") == pytest.approx(float(d))
