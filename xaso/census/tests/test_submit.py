"""household_submit: create, idempotency, authorisation, validation, conflicts; the village's figures follow."""

from __future__ import annotations

import pytest

from xaso.census.models import Household
from xaso.census.services import CensusError, household_submit

from .conftest import person, record

pytestmark = pytest.mark.django_db


def test_officer_creates_household_and_retry_is_duplicate(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    rec = record(village, members=[person(1980, smartphone=True), person(2015)], fibre=True)
    first = household_submit(user=an_vien_officer, record=rec)
    again = household_submit(user=an_vien_officer, record=rec)
    assert (first.status, first.version) == ("created", 1)
    assert (again.status, again.version) == ("duplicate", 1)
    assert Household.objects.count() == 1


def test_province_analyst_cannot_submit(census_catalog, an_vien_villages, province_analyst):
    with pytest.raises(CensusError):
        household_submit(user=province_analyst, record=record(an_vien_villages[0]))
