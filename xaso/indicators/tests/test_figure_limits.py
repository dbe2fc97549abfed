"""A figure's range is checked at the one door every figure passes (`values_write`): at most 10^12
(`xaso.core.limits.FIGURE_MAX`), finite, not negative; JSON numbers too large for a float are row errors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xaso.indicators.errors import BulkValueError
from xaso.indicators.models import DataValue
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db
MAX = 10**12


def one(user, element: str, value, unit: str = "26296", period: str = "2025"):
    return values_write(user=user, rows=[ValueInput(element=element, unit=unit, period=period, value=value, row=1)])


@pytest.mark.parametrize("value", [MAX, str(MAX), "1.000.000.000.000", float(MAX)])
def test_the_largest_figure_is_accepted(catalog, an_vien, an_vien_officer, value):
    one(an_vien_officer, "camera_points", value)
    assert DataValue.objects.get().value == MAX


@pytest.mark.parametrize(
    "value",
    [MAX + 1, str(MAX + 1), "1.000.000.000.001", 1e13, 10**400, "9" * 400, float("inf"), "1e400", float("nan")],
    ids=["int", "text", "grouped", "float", "10**400", "400 digits", "inf", "1e400 text", "nan"],
)
def test_a_figure_beyond_the_largest_is_refused_with_the_row_named(catalog, an_vien, an_vien_officer, value):
    with pytest.raises(BulkValueError) as refused:
        one(an_vien_officer, "camera_points", value)
    [error] = refused.value.errors
    assert (error.row, error.column, error.code) == (1, "gia_tri", "bad_value")
    assert not DataValue.objects.exists()


def test_a_decimal_element_refuses_just_above_the_largest(catalog, an_vien, an_vien_officer):
    catalog["cameras"].elements.update(value_type="decimal")
    one(an_vien_officer, "camera_points", "1000000000000,0")
    with pytest.raises(BulkValueError) as refused:
        one(an_vien_officer, "camera_points", "1000000000000,5")
    assert "1.000.000.000.000" in refused.value.errors[0].message  # the message states the limit


def test_a_rate_is_held_to_0_100(catalog, an_vien, an_vien_officer):
    one(an_vien_officer, "households_fibre_rate_stated", "100")
    with pytest.raises(BulkValueError):
        one(an_vien_officer, "households_fibre_rate_stated", "100,01")


BODY = '{"values": [{"element": "camera_points", "unit": "26296", "period": "2025", "value": NUMBER}]}'


@pytest.mark.parametrize(
    "body", [BODY.replace("NUMBER", v) for v in ("1e400", "-1e400", "1" + "0" * 400, "1000000000001")]
)
def test_json_numbers_too_large_are_a_field_error_not_a_crash(catalog, an_vien, an_vien_officer, body):
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    response = client.post("/api/v1/data-values/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == "invalid_rows"
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [(1, "value")]
    assert not DataValue.objects.exists()


def test_json_number_at_the_limit_is_saved(catalog, an_vien, an_vien_officer):
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    body = '{"values": [{"element": "camera_points", "unit": "26296", "period": "2025", "value": 1000000000000}]}'
    assert client.post("/api/v1/data-values/", body, content_type="application/json").status_code == 200
    assert DataValue.objects.get().value == MAX
