"""Every numeric input's sane range, in one place: figures, plan years, dates, budget amounts, query-string ids.

Why bounds at all: a value far outside any real range is accepted once and then breaks every screen that shows
it (a year 32767 has no 31 December; 1e308 cannot be rounded; two of them overflow a PostgreSQL sum). The bounds
are checked where values come in (services, forms, API serializers, loaders); the screens and the API still
cope with whatever an older database holds (`xaso.core.formatting`, `xaso.plans.selectors`).

The same values, with their reasons, for people: docs/decisions/0014-input-limits.md (and the "Limits" table of
docs/security.md where it exists); keep them in step.
"""

from __future__ import annotations

import math
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

#: Largest figure a data element may hold. A count in one commune stays below ~10^8 (households, people, dossiers
#: a year); 10^12 leaves four orders of magnitude spare, and the national sum of every current commune at that
#: size (3,321 × 10^12 ≈ 3.3 × 10^15) is still below 2^53, where doubles stop counting whole numbers exactly
#: (docs/decisions/0003-values-as-floats.md). Figures are never negative; a rate lies in 0–100; yes/no is 0 or 1.
FIGURE_MIN = 0
FIGURE_MAX = 10**12
PERCENT_MIN, PERCENT_MAX = 0, 100

#: A target's value: the same bound as the figures it is compared with (a rate target is also 0–100).
TARGET_VALUE_MAX = FIGURE_MAX

#: Plan years (from, to) and target horizons: the digital-transformation plans run from the 2020 national
#: programme to 2045 targets; 2000–2100 keeps every real plan and every date computed from a year valid.
PLAN_YEAR_MIN, PLAN_YEAR_MAX = 2000, 2100

#: Dates of a plan's life (issue date, baseline date, task due and start dates, progress updates): the same window.
PLAN_DATE_MIN, PLAN_DATE_MAX = date(PLAN_YEAR_MIN, 1, 1), date(PLAN_YEAR_MAX, 12, 31)

#: A legal basis may be an older law or decree: from the founding of the state (2 September 1945).
LEGAL_DATE_MIN, LEGAL_DATE_MAX = date(1945, 9, 2), PLAN_DATE_MAX

#: One budget amount, in whole đồng: 10^14 (100 nghìn tỷ đồng) is far above a province's yearly digital budget,
#: fits the bigint column, and keeps every amount and the sums of up to 90 such amounts below 2^53, so they
#: stay exact in JavaScript clients and in float arithmetic.
BUDGET_MIN, BUDGET_MAX = 0, 10**14

#: Ids in URLs and query strings (`?plan=12`): ASCII digits, 1 … the largest bigint.
ID_MIN, ID_MAX = 1, 2**63 - 1

#: API pagination (`?limit=&offset=`): bounded in xaso.core.pagination (at most 1,000 rows a page).


def is_finite_number(value: object) -> bool:
    """True for an int or float that is finite (not NaN, not ±Infinity) and not a bool (True is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or math.isfinite(value)


def figure_in_range(value: float, *, percent: bool = False) -> bool:
    """Whether a stored figure lies in its documented range (rates 0–100, others 0–10^12)."""
    if not is_finite_number(value):
        return False
    high = PERCENT_MAX if percent else FIGURE_MAX
    return FIGURE_MIN <= value <= high


def parse_id(text: object) -> int | None:
    """An id from a query string: ASCII digits within 1 … 2^63−1, else None (`"1e5"`, `"-1"`, `"٣"`, `""`)."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if ID_MIN <= number <= ID_MAX else None


# validators for model and form fields (deconstructible, so migrations record them)


def validate_finite(value: object) -> None:
    """Refuse NaN and ±Infinity (MinValue/MaxValue validators let NaN through: every comparison with it is false)."""
    if value is not None and not is_finite_number(value):
        raise ValidationError(_("Cần một số hữu hạn."), code="invalid")


def _message(msgid: str, **params) -> str:
    """A validator message translated when shown, with its placeholders filled then (a lazy `%` would fill them
    at import time, in whatever language is active then)."""
    return lazy(lambda: gettext(msgid) % params, str)()


def year_validators() -> list:
    message = _message(gettext_noop("Năm phải từ %(lo)s đến %(hi)s."), lo=PLAN_YEAR_MIN, hi=PLAN_YEAR_MAX)
    return [MinValueValidator(PLAN_YEAR_MIN, message=message), MaxValueValidator(PLAN_YEAR_MAX, message=message)]


def plan_date_validators() -> list:
    return _date_validators(PLAN_DATE_MIN, PLAN_DATE_MAX)


def legal_date_validators() -> list:
    return _date_validators(LEGAL_DATE_MIN, LEGAL_DATE_MAX)


def _date_validators(low: date, high: date) -> list:
    message = _message(
        gettext_noop("Ngày phải từ %(lo)s đến %(hi)s."), lo=low.strftime("%d/%m/%Y"), hi=high.strftime("%d/%m/%Y")
    )
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def amount_validators() -> list:
    return [
        MinValueValidator(BUDGET_MIN, message=_("Số tiền không được âm.")),
        MaxValueValidator(BUDGET_MAX, message=_("Số tiền tối đa là 100.000.000.000.000 đồng (100 nghìn tỷ).")),
    ]


def figure_validators() -> list:
    """A target's value or baseline: finite, 0 … 10^12 (a rate target is also held to 0–100 by Target.clean)."""
    return [
        validate_finite,
        MinValueValidator(FIGURE_MIN, message=_("Giá trị không được âm.")),
        MaxValueValidator(FIGURE_MAX, message=_("Giá trị tối đa là 1.000.000.000.000.")),
    ]
