"""Retention: a household nobody confirmed for the retention period is deleted and its village re-aggregated; a
household confirmed within it stays (flipped); access-log rows past their period go, younger ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.census.models import Household, Person
from xaso.census.services import household_submit, households_retention_cleanup
from xaso.indicators.models import DataValue
from xaso.privacy.models import AccessLog
from xaso.privacy.services import access_logs_cleanup, log_access

from .conftest import person, record

pytestmark = pytest.mark.django_db


def test_households_past_retention_are_deleted_and_figures_follow(
    settings, census_catalog, an_vien_villages, an_vien_officer
):
    settings.XASO_CENSUS_RETENTION_DAYS = 100
    village = an_vien_villages[0]
    old = household_submit(user=an_vien_officer, record=record(village, members=[person(1980)])).uid
    young = household_submit(user=an_vien_officer, record=record(village, members=[person(1981)])).uid
    now = timezone.now()
    Household.objects.filter(uid=old).update(updated_at=now - timedelta(days=101))
    Household.objects.filter(uid=young).update(updated_at=now - timedelta(days=99))
    assert households_retention_cleanup(now=now) == 1
    assert [str(u) for u in Household.objects.values_list("uid", flat=True)] == [young]
    assert Person.objects.count() == 1
    total = DataValue.objects.get(unit=village, data_element__code="households_total", period__code=str(now.year))
    assert total.value == 1
    erased = AccessLog.objects.get()  # the erasure is in the access log: the system, the village, how many
    assert (erased.user, erased.username, erased.action, erased.unit, erased.count) == (None, "", "erase", village, 1)
    assert erased.reason == "Hết thời hạn lưu giữ (100 ngày không xác nhận)"
    assert households_retention_cleanup(now=now) == 0
    assert AccessLog.objects.count() == 1


def test_access_logs_past_their_period_are_deleted(settings, an_vien_officer, an_vien):
    settings.XASO_ACCESS_LOG_DAYS = 30
    old = log_access(user=an_vien_officer, action="view", subject_type="household", unit=an_vien)
    young = log_access(user=an_vien_officer, action="view", subject_type="household", unit=an_vien)
    now = timezone.now()
    AccessLog.objects.filter(pk=old.pk).update(at=now - timedelta(days=31))
    AccessLog.objects.filter(pk=young.pk).update(at=now - timedelta(days=29))
    assert access_logs_cleanup(now=now) == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]
