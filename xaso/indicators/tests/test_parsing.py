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


# only ASCII digits are digits; booleans are not numbers; a whole number keeps what was typed in its message


@pytest.mark.parametrize(
    "raw",
    ["１２", "１.３８４", "١٢", "۱۲", "१२", "12٣", "７０,６"],
    ids=["full-width", "full-width-grouped", "arabic-indic", "persian", "devanagari", "mixed", "full-width-decimal"],
)
@pytest.mark.parametrize("value_type", ["integer", "decimal", "percent"])
def test_non_ascii_digits_are_refused_showing_the_text(raw, value_type):
    assert float(raw.replace(",", ".")) >= 0  # Python itself would take them as numbers
    with pytest.raises(ValueParseError) as exc:
        parse_value(raw, value_type)
    assert f"“{raw}”" in str(exc.value) and "0–9" in str(exc.value)


@pytest.mark.parametrize("raw", [True, False])
@pytest.mark.parametrize("value_type", ["integer", "decimal", "percent"])
def test_a_boolean_is_not_a_number(raw, value_type):
    with pytest.raises(ValueParseError, match=f"đúng/sai \\({str(raw).lower()}\\)"):
        parse_value(raw, value_type)


def test_a_boolean_answers_a_yes_no_element():
    assert (parse_value(True, "boolean"), parse_value(False, "boolean")) == (1.0, 0.0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.384", 1384), ("1.234.567", 1234567), ("1384,0", 1384), ("1384.0", 1384), ("1.384,00", 1384), ("0", 0)],
)
def test_whole_numbers_with_dots_between_thousands(raw, expected):
    assert parse_value(raw, "integer") == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1,5", "“1,5” không phải số nguyên"),
        ("1.5", "“1.5” không phải số nguyên"),
        ("1.38", "“1.38” không phải số nguyên"),
        ("1.384,5", "“1.384,5” không phải số nguyên"),
        ("1,384", "“1,384”: số nguyên ghi dấu chấm giữa các hàng nghìn, không phải dấu phẩy"),
        ("1,000", "Viết 1.000 hoặc 1000"),
        ("1,384,000", "Viết 1.384.000 hoặc 1384000"),
        ("1 384 abc", "“1384abc” không phải là số"),
    ],
)
def test_a_comma_or_a_fraction_in_a_whole_number_is_refused_showing_the_text(raw, fragment):
    with pytest.raises(ValueParseError) as exc:
        parse_value(raw, "integer")
    assert fragment in str(exc.value)


def test_a_comma_is_still_the_decimal_sign_of_a_decimal_element():
    assert parse_value("1,384", "decimal") == pytest.approx(1.384)
    assert parse_value("1.384,5", "decimal") == pytest.approx(1384.5)


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=6))
def test_no_unicode_digit_string_but_ascii_becomes_a_number(text):
    if text.isascii():
        assert parse_value(text, "integer") == int(text)
    else:
        with pytest.raises(ValueParseError):
            parse_value(text, "integer")
