""" "Check only" judges a file exactly as an import does and writes nothing: not a value, a period, a history
record or a rollup, not even a statement that would be rolled back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xaso.core.models import Period
from xaso.indicators.importexport import values_import
from xaso.indicators.models import DataValue, DataValueChange, ElementRollup
from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.test_importexport import xlsx_bytes

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple]]:
    """Every stored row of the tables an import could touch."""
    return {
        "values": list(DataValue.objects.order_by("id").values_list()),
        "history": list(DataValueChange.objects.order_by("id").values_list()),
        "rollups": list(ElementRollup.objects.order_by("id").values_list()),
        "periods": list(Period.objects.order_by("id").values_list()),
    }


def checked_then_imported(user, data: bytes, filename: str = "so-lieu.xlsx"):
    """(check-only report, real import report), asserting the check sent nothing but SELECTs and changed
    nothing."""
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        checked = values_import(user=user, data=data, filename=filename, check_only=True)
    statements = [q["sql"].lstrip().split(None, 1)[0].upper() for q in queries.captured_queries]
    assert statements and set(statements) == {"SELECT"}, statements
    assert snapshot() == before
    imported = values_import(user=user, data=data, filename=filename)
    return checked, imported


def outcome(report):
    result = report.result
    counts = None if result is None else (result.created, result.updated, result.deleted, result.unchanged)
    return report.rows, report.error_count, [(e.row, e.column, e.code, e.message) for e in report.errors], counts


def test_a_good_file_is_counted_by_the_check_as_the_import_then_saves_it(catalog, an_vien, an_vien_officer):
    data = xlsx_bytes([
        ["households_total", "26296", 2023, 1961, "Điều tra hộ"],
        ["households_fibre", "26296", 2023, 1384, None],
        ["dossiers_received", "26296", "2023-11", 120, None],
        ["dossiers_online", "26296", "2023-11", 97, None],
    ])  # fmt: skip
    assert not Period.objects.exists()  # the check must not create the periods 2023, 2023-Q4, 2023-11
    checked, imported = checked_then_imported(an_vien_officer, data)
    assert checked.is_ok and not checked.saved and imported.saved
    assert outcome(checked) == outcome(imported) == (4, 0, [], (4, 0, 0, 0))
    assert DataValue.objects.count() == 4 and DataValueChange.objects.count() == 4


def test_a_file_over_stored_figures_is_counted_alike(catalog, an_vien, an_vien_officer):
    values_write(user=an_vien_officer, rows=[
        ValueInput("households_total", "26296", "2023", 1961, "Điều tra hộ"),
        ValueInput("households_fibre", "26296", "2023", 1300),
        ValueInput("population_total", "26296", "2023", 7000),
    ])  # fmt: skip
    data = xlsx_bytes([
        ["households_total", "26296", 2023, 1961, None],  # same value, no comment: unchanged
        ["households_fibre", "26296", 2023, 1384, None],  # changed
        ["population_total", "26296", 2023, 7000, "Số liệu công an xã"],  # a new comment: changed
        ["dossiers_received", "26296", "2023-11", 120, None],  # new
    ])  # fmt: skip
    checked, imported = checked_then_imported(an_vien_officer, data)
    assert outcome(checked) == outcome(imported) == (4, 0, [], (1, 2, 0, 1))
    assert DataValueChange.objects.count() == 3 + 3


def test_a_bad_file_gets_the_same_report_from_the_check_and_the_import(catalog, an_vien, tri_an, an_vien_officer):
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2023", 1961)])
    data = xlsx_bytes([
        ["households_fibre", "26296", 2023, 2500, None],  # breaks fibre ≤ households with the stored 1961
        ["households_total", "26170", 2023, 900, None],  # Trị An: not the officer's commune
        ["no_such_element", "26296", 2023, 1, None],
        ["dossiers_received", "26296", "2023-11", "một trăm", None],
        ["dossiers_online", "26296", "2030-11", 5, None],  # a future month
        [None, "26296", 2023, 5, None],
    ])  # fmt: skip
    checked, imported = checked_then_imported(an_vien_officer, data)
    assert outcome(checked) == outcome(imported)
    rows, count, errors, counts = outcome(imported)
    assert (rows, count, counts) == (6, 6, None)
    assert [(row, column, code) for row, column, code, _message in errors] == [
        (2, "gia_tri", "rule_fibre_le_households"),
        (3, "don_vi", "out_of_scope"),
        (4, "chi_tieu", "unknown_element"),
        (5, "gia_tri", "bad_value"),
        (6, "ky", "future_period"),
        (7, "chi_tieu", "blank"),
    ]
    assert "2.500 so với 1.961" in errors[0][3]
    assert DataValue.objects.count() == 1 and DataValueChange.objects.count() == 1


def test_an_import_with_row_errors_writes_nothing_either(catalog, an_vien, an_vien_officer):
    data = xlsx_bytes([["households_total", "26296", 2023, 1961, None], ["households_fibre", "26296", 2023, "x", None]])
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        report = values_import(user=an_vien_officer, data=data, filename="a.xlsx")
    assert [(e.row, e.code) for e in report.errors] == [(3, "bad_value")]
    statements = {q["sql"].lstrip().split(None, 1)[0].upper() for q in queries.captured_queries}
    assert not statements & {"INSERT", "UPDATE", "DELETE", "CREATE", "DROP"}, statements  # a savepoint at most
    assert snapshot() == before
