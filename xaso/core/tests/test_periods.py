from datetime import date

import pytest

from xaso.core.formatting import format_date_long, format_number, format_percent
from xaso.core.models import Period, period_get_or_create
from xaso.core.periods import PeriodError, parse_period


def test_period_codes_parse_to_their_dates():
    assert parse_period("2023").start == date(2023, 1, 1)
    q4 = parse_period("2023Q4")
    assert (q4.start, q4.end, q4.type) == (date(2023, 10, 1), date(2023, 12, 31), "quarter")
    feb = parse_period("2024-2")
    assert (feb.code, feb.end) == ("2024-02", date(2024, 2, 29))


@pytest.mark.parametrize("bad", ["23", "2023Q5", "2023-13", "năm 2023", "", "2023-00"])
def test_bad_period_codes_are_refused_in_vietnamese(bad):
    with pytest.raises(PeriodError, match="không hợp lệ"):
        parse_period(bad)


def test_month_lies_in_its_quarter_and_year():
    assert [p.code for p in parse_period("2025-05").ancestors()] == ["2025-05", "2025Q2", "2025"]
    assert parse_period("2025Q1").previous().code == "2024Q4"


@pytest.mark.django_db
def test_stored_periods_link_to_their_quarter_and_year():
    may = period_get_or_create("2025-05")
    assert may.quarter.code == "2025Q2"
    assert may.year.code == "2025"
    year = Period.objects.get(code="2025")
    assert year.year_id == year.id


def test_vietnamese_number_formats():
    assert format_number(1384) == "1.384"
    assert format_number(1234567) == "1.234.567"
    assert format_percent(1384 / 1961 * 100) == "70,6%"
    assert format_number(-2.25, 1) == "-2,3"
    assert format_date_long(date(2026, 2, 12), "An Viễn") == "An Viễn, ngày 12 tháng 02 năm 2026"
