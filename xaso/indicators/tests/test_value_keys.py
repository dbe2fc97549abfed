"""The database refuses a figure pointing at a missing element, unit or period, on SQLite and PostgreSQL.

PostgreSQL checks the references with set-based triggers (migration 0004, docs/decisions/0006), SQLite with its
foreign keys. These tests commit (`transactional_db`), so SQLite's deferred checks run too; each would fail if a
later migration left a reference unchecked on either database.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from xaso.core.models import Period, period_get_or_create
from xaso.geo.models import AdminUnit
from xaso.indicators.bulk import values_save
from xaso.indicators.models import DataElement, DataValue
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db(transaction=True)

MISSING = 987_654_321


@pytest.fixture
def place(catalog, nga_dien):
    element = DataElement.objects.get(code="households_total")
    return element, nga_dien, period_get_or_create("2023")


def save(rows, user_id=None):
    with transaction.atomic():
        return values_save(rows=rows, user_id=user_id, source="import", now=timezone.now())


@pytest.mark.parametrize("missing", ["element", "unit", "period"])
def test_a_new_figure_pointing_at_nothing_is_refused(place, missing):
    element, unit, period = place
    keys = {"element": element.id, "unit": unit.id, "period": period.id, missing: MISSING}
    with pytest.raises(IntegrityError):
        save([(0, keys["element"], keys["unit"], keys["period"], 1961.0, "")])
    assert not DataValue.objects.exists()


def test_a_broken_row_among_changed_figures_is_refused_and_nothing_changes(place):
    element, unit, period = place
    save([(0, element.id, unit.id, period.id, 1900.0, "")])
    with pytest.raises(IntegrityError):  # the comparison path: one row stored, one pointing at no unit
        save([(0, element.id, unit.id, period.id, 1961.0, ""), (1, element.id, MISSING, period.id, 5.0, "")])
    assert list(DataValue.objects.values_list("value", flat=True)) == [1900.0]


def test_an_orm_write_pointing_at_nothing_is_refused(place):
    element, unit, period = place
    with pytest.raises(IntegrityError), transaction.atomic():
        DataValue.objects.create(data_element=element, unit=unit, period_id=MISSING, value=1)
    value = DataValue.objects.create(data_element=element, unit=unit, period=period, value=1961)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataValue.objects.filter(pk=value.pk).update(unit_id=MISSING)
    assert DataValue.objects.get().unit_id == unit.id


@pytest.fixture(params=[(DataElement, "data_element"), (AdminUnit, "unit"), (Period, "period")], ids=lambda p: p[1])
def referenced(request, place):
    """(model, row) for an element, unit or period that a stored figure points at."""
    model, target = request.param
    element, unit, period = place
    value = DataValue.objects.create(data_element=element, unit=unit, period=period, value=1961)
    return model, getattr(value, target)


def test_a_row_figures_point_at_cannot_be_deleted(referenced):
    model, row = referenced
    with pytest.raises(ProtectedError):  # through Django: PROTECT
        row.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:  # behind its back
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.id])
    assert model.objects.filter(id=row.id).exists()


def test_a_row_figures_point_at_cannot_change_its_id(referenced):
    model, row = referenced
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(id=row.id).update(id=MISSING)
    assert model.objects.filter(id=row.id).exists()


def test_rows_no_figure_points_at_can_be_deleted_and_renamed(place, nga_dien_villages, nga_dien_officer):
    element, unit, period = place
    values_write(user=nga_dien_officer, rows=[ValueInput("households_total", unit.code, "2023", 1961)])
    village = nga_dien_villages[0]
    AdminUnit.objects.filter(pk=village.pk).update(name="Thôn mới")  # an update of a referenced table
    AdminUnit.objects.filter(pk=unit.pk).update(name=unit.name)
    village.delete()
    assert DataValue.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-specific structure")
def test_postgresql_checks_the_references_per_statement_not_per_row():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, DataValue._meta.db_table)
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
            [DataValue._meta.db_table],
        )
        triggers = [name for (name,) in cursor.fetchall()]
    assert [c["columns"] for c in constraints.values() if c["foreign_key"]] == []
    assert triggers == ["xaso_datavalue_keys_insert", "xaso_datavalue_keys_update"]
