"""A user whose unit was never set (or was removed) reads and writes nothing, and is told so, not shown an error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xaso.accounts.models import Role, User
from xaso.accounts.permissions import can_approve, can_read_unit, can_write_unit
from xaso.geo.models import AdminUnit
from xaso.plans.selectors import plans_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER, Role.ANALYST])
def unitless(request, an_vien) -> User:
    return User.objects.create_user(username=f"no-unit-{request.param}", password="pw-x", role=request.param)


def test_a_user_without_a_unit_may_neither_read_nor_write_any_unit(unitless, an_vien, dong_nai):
    for unit in (an_vien, dong_nai):
        assert not can_read_unit(unitless, unit)
        assert not can_write_unit(unitless, unit)
        assert not can_approve(unitless, unit)
    assert not AdminUnit.objects.for_user(unitless).exists()
    assert AdminUnit.objects.count() == 2  # the units exist: the empty answer is the rule, not an empty table


def test_a_user_without_a_unit_sees_no_plan(unitless, an_vien, an_vien_officer):
    from xaso.plans import services

    services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    assert not plans_for_user(unitless).exists()
    assert plans_for_user(an_vien_officer).count() == 1


def test_a_user_without_a_unit_gets_an_empty_api_and_no_server_error(client, unitless, an_vien):
    client.force_login(unitless)
    response = client.get("/api/v1/units/")
    assert response.status_code == 200
    assert response.json()["results"] == []
    home = client.get(reverse("coc:home"))
    assert home.status_code in (200, 403)
