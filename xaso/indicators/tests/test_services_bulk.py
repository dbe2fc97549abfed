"""The set-based write path (`bulk.values_save` under `values_write`), on SQLite and PostgreSQL alike.

Only the bulk loads differ by database (COPY / executemany); these tests run in both suites, so each behaviour
below is checked on both: the direct path for new figures and the comparison for the rest — each test twice, once
with a few rows compared in Python (`_small_apply`) and once forced through the temporary table.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xaso.core.models import period_get_or_create
from xaso.indicators import bulk
from xaso.indicators.bulk import values_save
from xaso.indicators.errors import BulkValueError
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange, ElementRollup
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["small", "table"])
def write_path(request, monkeypatch):
    """Every test on both comparison paths: a few rows compared in Python, or any number through the temporary
    table (`SMALL_ROWS` 0)."""
    if request.param == "table":
        monkeypatch.setattr(bulk, "SMALL_ROWS", 0)
    return request.param


def rows_for(unit, period, **figures):
    return [ValueInput(element=k, unit=unit.code, period=period, value=v) for k, v in figures.items()]


def stored(unit, period, code):
    return DataValue.objects.get(unit=unit, period__code=period, data_element__code=code)


def test_one_write_creates_updates_and_leaves_equal_values_alone(catalog, nga_dien, nga_dien_officer):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961, households_fibre=1300))
    result = values_write(
        user=nga_dien_officer,
        rows=rows_for(nga_dien, "2023", households_total=1961, households_fibre=1384, population_total=7410),
        source=ChangeSource.IMPORT,
    )
    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 0, 1)
    assert stored(nga_dien, "2023", "households_fibre").value == 1384
    imported = DataValueChange.objects.filter(source=ChangeSource.IMPORT).order_by("id")
    assert [(c.data_element.code, c.old_value, c.new_value) for c in imported] == [
        ("households_fibre", 1300, 1384),
        ("population_total", None, 7410),
    ]


def test_history_follows_the_order_of_the_rows(catalog, nga_dien, nga_dien_officer):
    values_write(
        user=nga_dien_officer,
        rows=rows_for(nga_dien, "2023", population_total=7410, households_total=1961, households_fibre=1384),
    )
    codes = list(DataValueChange.objects.order_by("id").values_list("data_element__code", flat=True))
    assert codes == ["population_total", "households_total", "households_fibre"]


def test_blank_value_deletes_and_records_the_old_figure(catalog, nga_dien, nga_dien_officer):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961, camera_points=4))
    result = values_write(
        user=nga_dien_officer,
        rows=rows_for(nga_dien, "2023", camera_points="", population_total=""),  # the second was never stored
        allow_delete=True,
    )
    assert (result.created, result.updated, result.deleted, result.unchanged) == (0, 0, 1, 0)
    assert not DataValue.objects.filter(data_element__code="camera_points").exists()
    change = DataValueChange.objects.filter(data_element__code="camera_points").order_by("-id").first()
    assert (change.old_value, change.new_value) == (4, None)
    assert DataValue.objects.count() == 1


def test_a_new_comment_is_a_change_and_no_comment_keeps_the_old_one(catalog, nga_dien, nga_dien_officer):
    first = ValueInput("camera_points", nga_dien.code, "2023", 4, comment="Theo biên bản nghiệm thu")
    values_write(user=nga_dien_officer, rows=[first])
    same_value_new_comment = ValueInput("camera_points", nga_dien.code, "2023", 4, comment="Đã kiểm tra lại")
    assert values_write(user=nga_dien_officer, rows=[same_value_new_comment]).updated == 1
    assert stored(nga_dien, "2023", "camera_points").comment == "Đã kiểm tra lại"
    new_value_no_comment = ValueInput("camera_points", nga_dien.code, "2023", 5)
    assert values_write(user=nga_dien_officer, rows=[new_value_no_comment]).updated == 1
    value = stored(nga_dien, "2023", "camera_points")
    assert (value.value, value.comment) == (5, "Đã kiểm tra lại")
    unchanged = ValueInput("camera_points", nga_dien.code, "2023", 5, comment="  Đã kiểm tra lại  ")
    assert values_write(user=nga_dien_officer, rows=[unchanged]).unchanged == 1
    assert DataValueChange.objects.filter(data_element__code="camera_points").count() == 3


def test_an_update_keeps_the_creator_and_records_the_editor(catalog, an_vien, an_vien_officer, an_vien_leader):
    values_write(user=an_vien_officer, rows=rows_for(an_vien, "2025", camera_points=10))
    created = stored(an_vien, "2025", "camera_points")
    values_write(user=an_vien_leader, rows=rows_for(an_vien, "2025", camera_points=12))
    updated = stored(an_vien, "2025", "camera_points")
    assert (updated.created_by, updated.updated_by) == (an_vien_officer, an_vien_leader)
    assert updated.created_at == created.created_at
    assert updated.updated_at > created.updated_at
    change = DataValueChange.objects.order_by("-id").first()
    assert (change.changed_by, change.source, change.old_value, change.new_value) == (an_vien_leader, "form", 10, 12)


def test_decimals_round_trip_exactly(catalog, nga_dien, nga_dien_officer):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_fibre_rate_stated="70,6"))
    again = values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_fibre_rate_stated=70.6))
    assert again.unchanged == 1
    assert stored(nga_dien, "2023", "households_fibre_rate_stated").value == 70.6


def test_a_year_of_village_months_in_one_write_rolls_up(catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    rows = []
    for n, village in enumerate(nga_dien_villages, start=1):
        for month in range(1, 13):
            period = f"2024-{month:02d}"
            rows.append(ValueInput("dossiers_received", village.code, period, 10 * n + month))
            rows.append(ValueInput("dossiers_online", village.code, period, n + month))
    result = values_write(user=nga_dien_officer, rows=rows, source=ChangeSource.IMPORT)
    assert result.created == 72
    assert DataValueChange.objects.filter(source=ChangeSource.IMPORT).count() == 72
    # received: Σ villages Σ months (10n + m) = 12·10·(1+2+3) + 3·78 = 954; online: 12·6 + 3·78 = 306
    year, q1 = period_get_or_create("2024"), period_get_or_create("2024Q1")
    roll = {
        (r.data_element.code, r.period_id): r.value
        for r in ElementRollup.objects.filter(unit=nga_dien).select_related("data_element")
    }
    assert roll[("dossiers_received", year.id)] == 954
    assert roll[("dossiers_online", year.id)] == 306
    assert roll[("dossiers_received", q1.id)] == 3 * 10 * 6 + 3 * (1 + 2 + 3)  # 198


def test_a_whole_file_costs_a_fixed_number_of_queries(
    catalog, nga_dien, nga_dien_villages, nga_dien_officer, django_assert_max_num_queries
):
    rows = [
        ValueInput(code, village.code, f"2024-{month:02d}", 5)
        for village in nga_dien_villages
        for month in range(1, 13)
        for code in ("dossiers_received", "dossiers_online")
    ]
    with django_assert_max_num_queries(40):
        values_write(user=nga_dien_officer, rows=rows)
    with django_assert_max_num_queries(40):
        values_write(user=nga_dien_officer, rows=[ValueInput(r.element, r.unit, r.period, 6) for r in rows])
    assert set(DataValue.objects.values_list("value", flat=True)) == {6}


def test_two_writes_in_one_transaction(catalog, nga_dien, nga_dien_officer):
    with transaction.atomic():
        values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961))
        result = values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1962))
    assert result.updated == 1
    assert stored(nga_dien, "2023", "households_total").value == 1962


def test_a_refused_write_leaves_the_next_one_working(catalog, nga_dien, nga_dien_officer):
    with pytest.raises(BulkValueError):
        values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=100, households_fibre=200))
    assert values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=100)).created == 1


def test_every_row_naming_a_refused_unit_or_bad_period_is_reported(catalog, an_vien, nga_dien, nga_dien_officer):
    rows = [
        ValueInput("households_total", an_vien.code, "2025", 10, row=2),
        ValueInput("population_total", an_vien.code, "2025", 10, row=3),
        ValueInput("households_total", nga_dien.code, "2025-13", 10, row=4),
        ValueInput("population_total", nga_dien.code, "2025-13", 10, row=5),
    ]
    with pytest.raises(BulkValueError) as exc:
        values_write(user=nga_dien_officer, rows=rows)
    assert [(e.row, e.code) for e in exc.value.errors] == [
        (2, "out_of_scope"),
        (3, "out_of_scope"),
        (4, "bad_period"),
        (5, "bad_period"),
    ]
    assert "An Viễn" in exc.value.errors[1].message
    assert "2025-13" in exc.value.errors[3].message


def test_values_save_alone(catalog, nga_dien, nga_dien_officer):
    from xaso.indicators.models import DataElement

    element = DataElement.objects.get(code="camera_points")
    period = period_get_or_create("2023")
    now = timezone.now()
    assert values_save(rows=[], user_id=None, source="system", now=now).created == 0
    row = (0, element.id, nga_dien.id, period.id, 3.0, "")
    first = values_save(rows=[row], user_id=nga_dien_officer.id, source="system", now=now)
    second = values_save(rows=[row], user_id=nga_dien_officer.id, source="system", now=now)
    assert (first.created, second.unchanged) == (1, 1)
    assert stored(nga_dien, "2023", "camera_points").created_at == now


def test_deleting_an_author_keeps_the_figures_and_their_history(catalog, an_vien, an_vien_officer, an_vien_leader):
    # authors are not checked by the database (docs/decisions/0004-bulk-writes.md): Django nulls them
    values_write(user=an_vien_officer, rows=rows_for(an_vien, "2025", camera_points=10))
    values_write(user=an_vien_leader, rows=rows_for(an_vien, "2025", camera_points=12))
    an_vien_officer.delete()
    value = stored(an_vien, "2025", "camera_points")
    assert (value.value, value.created_by, value.updated_by) == (12, None, an_vien_leader)
    assert [c.changed_by for c in DataValueChange.objects.order_by("id")] == [None, an_vien_leader]


def test_deleting_a_village_without_figures_removes_its_history(catalog, nga_dien_villages, nga_dien_officer):
    village = nga_dien_villages[0]
    values_write(user=nga_dien_officer, rows=rows_for(village, "2024", households_total=100))
    values_write(user=nga_dien_officer, rows=rows_for(village, "2024", households_total=""), allow_delete=True)
    assert DataValueChange.objects.filter(unit=village).count() == 2
    village.delete()
    assert not DataValueChange.objects.filter(unit_id=village.id).exists()


def test_new_figures_take_the_direct_path_and_mixed_ones_the_comparison(
    catalog, nga_dien, nga_dien_officer, write_path
):
    with CaptureQueriesContext(connection) as new:
        values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961, camera_points=4))
    with CaptureQueriesContext(connection) as mixed:
        result = values_write(
            user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961, population_total=7410)
        )
    assert (result.created, result.unchanged) == (1, 1)
    assert not any("xaso_incoming" in q["sql"] for q in new.captured_queries)
    assert any("xaso_incoming" in q["sql"] for q in mixed.captured_queries) == (write_path == "table")
    history = DataValueChange.objects.order_by("id").values_list("data_element__code", "old_value", "new_value")
    assert list(history) == [
        ("households_total", None, 1961),
        ("camera_points", None, 4),
        ("population_total", None, 7410),
    ]
    value = stored(nga_dien, "2023", "camera_points")
    assert (value.created_by, value.updated_by, value.created_at) == (
        nga_dien_officer,
        nga_dien_officer,
        value.updated_at,
    )


def test_a_figure_stored_by_another_writer_after_the_check_is_compared_not_duplicated(
    catalog, nga_dien, nga_dien_officer, monkeypatch
):
    values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1900))
    real = bulk._nothing_stored
    answers = iter([True])  # as if a concurrent import stored 1,900 between the check and the insert

    def check_then_race(cursor, rows, years):
        return next(answers, None) or real(cursor, rows, years)

    monkeypatch.setattr(bulk, "_nothing_stored", check_then_race)
    result = values_write(user=nga_dien_officer, rows=rows_for(nga_dien, "2023", households_total=1961))
    assert (result.created, result.updated) == (0, 1)
    assert stored(nga_dien, "2023", "households_total").value == 1961
    history = DataValueChange.objects.order_by("id").values_list("old_value", "new_value")
    assert list(history) == [(None, 1900), (1900, 1961)]


def test_a_few_rows_cost_three_statements_whatever_they_do(catalog, nga_dien, nga_dien_officer, write_path):
    """One read, one history insert, one upsert (and a delete when a figure is blanked): no temporary table."""
    if write_path == "table":
        pytest.skip("the temporary table's cost is guarded by test_a_whole_file_costs_a_fixed_number_of_queries")
    from xaso.indicators.models import DataElement

    ids = dict(DataElement.objects.values_list("code", "id"))
    period = period_get_or_create("2023")
    now = timezone.now()
    first = [(0, ids["households_total"], nga_dien.id, period.id, 1961.0, ""),
             (1, ids["camera_points"], nga_dien.id, period.id, 4.0, "")]  # fmt: skip
    values_save(rows=first, user_id=None, source="system", now=now)
    rows = [(0, ids["households_total"], nga_dien.id, period.id, 1962.0, "sửa"),
            (1, ids["camera_points"], nga_dien.id, period.id, None, ""),
            (2, ids["population_total"], nga_dien.id, period.id, 7410.0, ""),
            (3, ids["households_fibre"], nga_dien.id, period.id, None, "")]  # fmt: skip
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        result = values_save(rows=rows, user_id=nga_dien_officer.id, source="system", now=now, years={period.id: 2023})
    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 1, 0)
    assert len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]) == 4
    history = DataValueChange.objects.order_by("id").values_list("data_element__code", "old_value", "new_value")
    assert list(history)[2:] == [("households_total", 1961, 1962), ("camera_points", 4, None),
                                 ("population_total", None, 7410)]  # fmt: skip
    assert stored(nga_dien, "2023", "households_total").comment == "sửa"
