"""Validation results: the API and the violations screen list the same broken rules in the same order, and a
unit with no stored figure for a period breaks no rule (missing data is not a violation)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xaso.core.models import Period
from xaso.core.periods import parse_period
from xaso.geo.services import village_create
from xaso.indicators import selectors
from xaso.indicators.models import ValidationRule
from xaso.indicators.validation import rule_elements, stored_states, violations_for

from .conftest import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_figures(catalog, an_vien, an_vien_officer):
    """An Viễn and two hamlets, with figures stored before the rules were switched on that now break them.

    Ấp 1 breaks a rule in 2023 and in 2023-01, two periods that both start on 1 January.
    """
    hamlet_1 = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    hamlet_2 = village_create(commune=an_vien, name="Ấp 2", user=an_vien_officer)
    ValidationRule.objects.update(is_active=False)
    write(an_vien_officer, an_vien, "2023", households_total=1961, households_fibre=1384)
    write(an_vien_officer, an_vien, "2023-01", dossiers_received=10, dossiers_online=12)
    write(an_vien_officer, hamlet_1, "2023-01", dossiers_received=5, dossiers_online=7)
    write(an_vien_officer, hamlet_1, "2023", households_total=300, households_fibre=320)
    write(an_vien_officer, hamlet_2, "2023", households_total=200, households_fibre=250)
    ValidationRule.objects.update(is_active=True)
    return hamlet_1, hamlet_2


# unit, period, rule: the unit's place in the tree, then the longer period first (a year before its months)
EXPECTED = [
    ("Xã An Viễn", "Tháng 01/2023", "Hồ sơ trực tuyến ≤ hồ sơ tiếp nhận"),
    ("Ấp 1", "Năm 2023", "Hộ cáp quang ≤ tổng số hộ"),
    ("Ấp 1", "Tháng 01/2023", "Hồ sơ trực tuyến ≤ hồ sơ tiếp nhận"),
    ("Ấp 2", "Năm 2023", "Hộ cáp quang ≤ tổng số hộ"),
]


def api_violations(user, unit_code: str, period: str) -> list[dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/validation/", {"unit": unit_code, "period": period})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def screen_violations(client, user, unit_code: str, period: str) -> list[tuple[str, str, str]]:
    client.force_login(user)
    page = client.get(reverse("indicators:violations") + f"?unit={unit_code}&period={period}").content.decode()
    if 'data-testid="violations"' not in page:
        return []
    body = page.split('data-testid="violations"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r'<a href="[^"]*">([^<]*)</a></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)(?:<div|</td>)', body)
    return [tuple(cell.strip() for cell in row) for row in rows]


def test_api_and_screen_list_the_same_violations_in_the_same_order(client, broken_figures, an_vien, an_vien_officer):
    from_api = [
        (v["unit_name"], parse_period(v["period"]).label(), v["rule_name"])
        for v in api_violations(an_vien_officer, an_vien.code, "2023")
    ]
    assert from_api == EXPECTED
    assert screen_violations(client, an_vien_officer, an_vien.code, "2023") == EXPECTED


def test_api_gives_the_figures_of_each_violation(broken_figures, an_vien, an_vien_officer):
    hamlet_1, hamlet_2 = broken_figures
    found = [(v["unit"], v["period"], v["rule"], v["left"], v["right"])
             for v in api_violations(an_vien_officer, an_vien.code, "2023")]  # fmt: skip
    assert found == [
        (an_vien.code, "2023-01", "online_le_received", 12, 10),
        (hamlet_1.code, "2023", "fibre_le_households", 320, 300),
        (hamlet_1.code, "2023-01", "online_le_received", 7, 5),
        (hamlet_2.code, "2023", "fibre_le_households", 250, 200),
    ]


def test_selector_orders_violations_for_both_api_and_screen(broken_figures, an_vien, an_vien_officer):
    found = selectors.violations_in(user=an_vien_officer, unit=an_vien, spec=parse_period("2023"))
    assert [(f.unit.name, f.period.spec.label(), f.violation.rule.name) for f in found] == EXPECTED


def test_village_without_figures_yields_no_violation(client, broken_figures, an_vien, an_vien_officer):
    # a rule that missing figures read as zero would break: a village must count at least one household
    ValidationRule.objects.create(code="households_at_least_one", name="Có ít nhất một hộ", left="households_total",
                                  operator=">=", right="1", message="Tổng số hộ phải lớn hơn 0.")  # fmt: skip
    empty = village_create(commune=an_vien, name="Ấp 3", user=an_vien_officer)
    year = Period.objects.get(code="2023")

    assert violations_for(units=[empty], periods=list(Period.objects.all())) == []
    assert selectors.violations_in(user=an_vien_officer, unit=empty, spec=parse_period("2023")) == []
    assert api_violations(an_vien_officer, empty.code, "2023") == []
    assert screen_violations(client, an_vien_officer, empty.code, "2023") == []
    # the commune's list is the same four as before: nothing for Ấp 3, nothing from the new rule
    assert [(v["unit_name"], v["rule_name"]) for v in api_violations(an_vien_officer, an_vien.code, "2023")] == [
        (unit, rule) for unit, _period, rule in EXPECTED
    ]
    assert len(violations_for(units=[an_vien, *broken_figures, empty], periods=[year])) == 2


def test_only_the_figures_the_rules_read_are_loaded(broken_figures, an_vien):
    """A province's year holds far more figures than its rules check: the check loads the rules' elements only,
    and finds the same violations as with every figure loaded."""
    year = Period.objects.get(code="2023")
    january = Period.objects.get(code="2023-01")
    codes = rule_elements(ValidationRule.objects.filter(code__in=["fibre_le_households"]))
    assert codes == {"households_fibre", "households_total"}
    states = stored_states([(an_vien.id, year.id), (an_vien.id, january.id)], codes=codes)
    assert states == {(an_vien.id, year.id): {"households_total": 1961.0, "households_fibre": 1384.0}}
    everything = stored_states([(an_vien.id, year.id), (an_vien.id, january.id)])
    assert everything[(an_vien.id, january.id)] == {"dossiers_received": 10.0, "dossiers_online": 12.0}
    assert len(violations_for(units=[an_vien, *broken_figures], periods=[year, january])) == 4


def test_no_active_rule_means_no_violation(broken_figures, an_vien):
    ValidationRule.objects.update(is_active=False)
    assert violations_for(units=[an_vien, *broken_figures], periods=list(Period.objects.all())) == []
