"""PostgreSQL: the rollups' unique index carries the value (migration 0011, decision 0064) and still refuses a
second rollup of the same element, commune and period; the migration goes back and forth."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from xaso.core.models import period_get_or_create
from xaso.indicators.models import DataElement, ElementRollup

from .test_partitions import _migrate

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the INCLUDE column is PostgreSQL's")


def _index_definition() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'unique_element_rollup'")
        return cursor.fetchone()[0]


def test_the_unique_index_carries_the_value_and_still_refuses_a_duplicate(catalog, nga_dien):
    assert _index_definition().endswith("(period_id, data_element_id, unit_id) INCLUDE (value)")
    element = DataElement.objects.get(code="households_total")
    period = period_get_or_create("2024")
    ElementRollup.objects.create(data_element=element, unit=nga_dien, period=period, value=1961, value_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ElementRollup.objects.create(data_element=element, unit=nga_dien, period=period, value=1, value_count=1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_the_plain_index_and_forward_again():
    try:
        _migrate("0010_change_sources_census_teams")
        assert _index_definition().endswith("(period_id, data_element_id, unit_id)")
    finally:
        _migrate("0011_rollup_covering_unique_index")
    assert _index_definition().endswith("INCLUDE (value)")
