"""The figure and history tables partitioned by year (PostgreSQL), docs/decisions/0025-partitioned-values.md.

On PostgreSQL: each figure lands in its period's year; a year without a partition lands in DEFAULT and never
fails, and `partitions_ensure` moves it into a new partition; old history leaves by dropping whole partitions.
On both databases: the `year` column follows the period, and migration 0009 converts a loaded database and back
with the same figures and history.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xaso.core.models import Period, period_get_or_create
from xaso.indicators import partitions
from xaso.indicators.models import DataValue, DataValueChange
from xaso.indicators.partitions import HISTORY_TABLE, VALUE_TABLE
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions are PostgreSQL's")


def rows_for(unit, period, **figures):
    return [ValueInput(element=k, unit=unit.code, period=period, value=v) for k, v in figures.items()]


def where(table: str, **filters) -> list[str]:
    """The partition each matching row of `table` is stored in."""
    clause = " AND ".join(f"{k} = %s" for k in filters) or "TRUE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {table} WHERE {clause} ORDER BY id", list(filters.values())
        )
        return [name for (name,) in cursor.fetchall()]


def test_a_figure_carries_its_periods_year_whichever_way_it_is_written(catalog, nga_dien, nga_dien_officer):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961))  # straight in
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2024", households_total=1990))
    # the comparison path: one figure updated, one created beside it
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2024", households_total=1995, population_total=7410))
    stored = set(DataValue.objects.values_list("data_element__code", "period__code", "year"))
    assert stored == {
        ("households_total", "2023", 2023),
        ("households_total", "2024", 2024),
        ("population_total", "2024", 2024),
    }
    made = DataValue.objects.create(
        data_element=DataValue.objects.first().data_element, unit=nga_dien, period=period_get_or_create("2022Q3"),
        value=5,
    )  # fmt: skip
    made.refresh_from_db()
    assert made.year == 2022


@postgres_only
def test_figures_and_history_are_stored_in_their_years_partitions(catalog, nga_dien, nga_dien_officer):
    this_year = timezone.localdate().year
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, str(this_year), households_total=1961))
    assert where(VALUE_TABLE) == [f"{VALUE_TABLE}_y{this_year}"]
    assert where(HISTORY_TABLE) == [f"{HISTORY_TABLE}_y{this_year}"]  # changed now
    assert {p.year for p in partitions.partitions(VALUE_TABLE)} >= {None, this_year, this_year + 1}


@postgres_only
def test_a_year_without_partition_is_written_to_default_then_moved_to_a_new_partition(
    catalog, nga_dien, nga_dien_officer
):
    assert 1999 not in {p.year for p in partitions.partitions(VALUE_TABLE)}
    result = values_write(
        user=nga_dien_officer, rows=rows_for(nga_dien, "1999", households_total=1200, households_fibre=3)
    )
    assert result.created == 2
    assert where(VALUE_TABLE) == [f"{VALUE_TABLE}_default"] * 2
    ids = list(DataValue.objects.order_by("id").values_list("id", "value"))

    created = partitions.partitions_ensure()

    assert f"{VALUE_TABLE}_y1999" in created
    assert where(VALUE_TABLE) == [f"{VALUE_TABLE}_y1999"] * 2
    assert list(DataValue.objects.order_by("id").values_list("id", "value")) == ids
    assert partitions.partitions_ensure() == []  # idempotent
    # the moved figures are still found, compared and updated through the unique key
    again = values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "1999", households_total=1250))
    assert (again.created, again.updated) == (0, 1)
    assert DataValue.objects.get(period__code="1999", data_element__code="households_total").value == 1250


@postgres_only
def test_the_key_checks_still_refuse_a_missing_period_in_any_partition(catalog, nga_dien):
    element = DataValue._meta.get_field("data_element").related_model.objects.first()
    with pytest.raises(IntegrityError, match="core_period"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VALUE_TABLE} (data_element_id, unit_id, period_id, year, value, comment, created_at, "
            "updated_at) VALUES (%s, %s, 987654, 2024, 1, '', now(), now())",
            [element.id, nga_dien.id],
        )
    period = period_get_or_create("2024")
    DataValue.objects.create(data_element=element, unit=nga_dien, period=period, value=1)
    with pytest.raises(IntegrityError, match="still referenced"), transaction.atomic():
        Period.objects.filter(id=period.id)._raw_delete(connection.alias)


@pytest.fixture
def old_history(catalog, an_vien, an_vien_officer):
    """Changes in 2015 (two), 2016 (one) and now (one), the old ones moved to their year's partition."""
    for year, value in ((2015, 1900), (2015, 1950), (2016, 1960), (None, 1970)):
        values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2017", value)])
        if year is not None:
            DataValueChange.objects.filter(id=DataValueChange.objects.latest("id").id).update(
                changed_at=timezone.make_aware(datetime(year, 6, 1, 8, 30))
            )
    partitions.partitions_ensure()
    return list(DataValueChange.objects.order_by("id").values_list("id", flat=True))


@postgres_only
def test_old_history_is_archived_by_dropping_whole_partitions(old_history, tmp_path):
    assert where(HISTORY_TABLE)[:3] == [f"{HISTORY_TABLE}_y2015"] * 2 + [f"{HISTORY_TABLE}_y2016"]
    # a change dated on the last instant of 2015 in Vietnam (16:59:59 UTC) is 2015's; one in 2014 went to DEFAULT
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HISTORY_TABLE} SET changed_at = %s WHERE id = %s",
            [datetime(2015, 12, 31, 16, 59, 59, tzinfo=timezone.UTC), old_history[1]],
        )
    DataValueChange.objects.filter(id=old_history[0]).update(changed_at=timezone.make_aware(datetime(2014, 3, 1)))
    assert where(HISTORY_TABLE, id=old_history[0]) == [f"{HISTORY_TABLE}_default"]
    assert where(HISTORY_TABLE, id=old_history[1]) == [f"{HISTORY_TABLE}_y2015"]

    out = io.StringIO()
    call_command("archive_value_history", "--before", "2016", "--directory", str(tmp_path), stdout=out)

    assert "Đã lưu trữ 2 dòng lịch sử" in out.getvalue()
    (path,) = tmp_path.iterdir()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        archived = [(int(r["id"]), r["gia_tri_moi"]) for r in csv.DictReader(f)]
    assert sorted(archived) == [(old_history[0], "1900.0"), (old_history[1], "1950.0")]
    years = {p.year for p in partitions.partitions(HISTORY_TABLE)}
    assert 2015 not in years and 2016 in years  # 2015 dropped whole; 2016 kept
    assert list(DataValueChange.objects.order_by("id").values_list("id", flat=True)) == old_history[2:]


@postgres_only
def test_archiving_whole_years_drops_their_partitions_without_deleting_rows(old_history, tmp_path):
    with CaptureQueriesContext(connection) as queries:
        call_command("archive_value_history", "--before", "2017", "--directory", str(tmp_path), stdout=io.StringIO())
    statements = [q["sql"] for q in queries.captured_queries]
    assert f"DROP TABLE {HISTORY_TABLE}_y2015" in statements and f"DROP TABLE {HISTORY_TABLE}_y2016" in statements
    assert not [sql for sql in statements if sql.startswith("DELETE")]
    assert not {2015, 2016} & {p.year for p in partitions.partitions(HISTORY_TABLE)}
    assert list(DataValueChange.objects.values_list("id", flat=True)) == old_history[3:]


def test_partitions_ensure_command_reports_what_it_made():
    out = io.StringIO()
    call_command("partitions_ensure", stdout=out)
    assert "Không thiếu phân vùng nào." in out.getvalue()  # migrate made them; SQLite has none


# --------------------------------------------------------------------------------------------- the migration


def _snapshot():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, data_element_id, unit_id, period_id, value, comment, created_at FROM {VALUE_TABLE} ORDER BY id"
        )
        values = cursor.fetchall()
        cursor.execute(
            f"SELECT id, unit_id, period_id, old_value, new_value, source, changed_at FROM {HISTORY_TABLE} ORDER BY id"
        )
        return values, cursor.fetchall()


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("indicators", target)])


def _migrate_all():
    """Every app to its latest migration: going back to indicators 0008 also unapplied the apps that depend on
    the later indicators migrations (census, the DTI…), and the tests after this one need their tables."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_converts_a_loaded_database_and_back_with_the_same_figures_and_history(
    catalog, nga_dien, nga_dien_officer
):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961, households_fibre=9))
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2024", households_total=1990))
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2024", households_total=1995))
    DataValueChange.objects.filter(new_value=1961).update(changed_at=timezone.make_aware(datetime(2019, 5, 1)))
    start = _snapshot()
    try:
        _migrate("0008_change_sources_register_exchange")
        assert _snapshot() == start
        assert not partitions.partitioned(VALUE_TABLE) and not partitions.partitioned(HISTORY_TABLE)
        with connection.cursor() as cursor:  # back to the 0008 table: no year column
            cols = [c.name for c in connection.introspection.get_table_description(cursor, VALUE_TABLE)]
        assert "year" not in cols
        _migrate("0009_partitioned_values")
        assert _snapshot() == start
        assert dict(DataValue.objects.values_list("period__code", "year")) == {"2023": 2023, "2024": 2024}
        if connection.vendor == "postgresql":
            assert partitions.partitioned(VALUE_TABLE) and partitions.partitioned(HISTORY_TABLE)
            assert set(where(VALUE_TABLE)) == {f"{VALUE_TABLE}_y2023", f"{VALUE_TABLE}_y2024"}
            assert where(HISTORY_TABLE, new_value=1961) == [f"{HISTORY_TABLE}_y2019"]
        # the converted tables take new figures, updates and history, with ids after the copied ones
        result = values_write(
            user=nga_dien_officer, rows=rows_for(nga_dien, "2024", households_total=2000, camera_points=4)
        )
        assert (result.created, result.updated) == (1, 1)
        newest = DataValue.objects.get(data_element__code="camera_points")
        assert newest.id > max(row[0] for row in start[0])
        assert DataValueChange.objects.count() == len(start[1]) + 2
    finally:
        _migrate_all()
