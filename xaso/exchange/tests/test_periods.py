import pytest

from xaso.core.periods import PeriodError
from xaso.exchange.periods import period_adx, period_read


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026", "2026"), ("2026Q1", "2026Q1"), ("2026-Q3", "2026Q3"), ("2026-03", "2026-03"),
        ("2026-01-01/P1Y", "2026"), ("2026-01-01/P12M", "2026"), ("2026-04-01/P3M", "2026Q2"),
        ("2026-03-01/P1M", "2026-03"), ("2026-12-01/P1M", "2026-12"), ("2026-10-01T00:00:00Z/P3M", "2026Q4"),
    ],
)  # fmt: skip
def test_iso_and_xaso_forms_name_the_same_period(text, code):
    assert period_read(text).code == code


@pytest.mark.parametrize(
    "text",
    ["2026-02-01/P1Y", "2026-02-01/P3M", "2026-03-02/P1M", "2026-01-01/P2M", "2026-01-01/P1W", "2026-02-30/P1M",
     "2026-01-01/P1D", "1800-01-01/P1Y", "abc", "", "2026-13", "2026-01-01/"],
)  # fmt: skip
def test_a_range_that_is_not_a_whole_year_quarter_or_month_is_refused(text):
    with pytest.raises(PeriodError):
        period_read(text)


def test_adx_form_is_the_first_day_and_the_length():
    assert period_adx(period_read("2026")) == "2026-01-01/P1Y"
    assert period_adx(period_read("2026Q2")) == "2026-04-01/P3M"
    assert period_adx(period_read("2026-11")) == "2026-11-01/P1M"
