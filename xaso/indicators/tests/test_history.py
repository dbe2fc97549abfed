"""History rows only for real changes, and the retention rule: old history moves to a gzip CSV file, in batches."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from xaso.indicators.importexport import values_import
from xaso.indicators.models import DataValue, DataValueChange
from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.test_importexport import xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ["households_total", "26296", 2023, 1961, None],
    ["households_fibre", "26296", 2023, 1384, None],
    ["dossiers_received", "26296", "2023-11", 120, "Sổ tiếp nhận"],
]


def test_reimporting_a_file_adds_no_history_and_one_changed_value_adds_one(catalog, an_vien, an_vien_officer):
    values_import(user=an_vien_officer, data=xlsx_bytes(ROWS), filename="a.xlsx")
    assert DataValueChange.objects.count() == 3
    again = values_import(user=an_vien_officer, data=xlsx_bytes(ROWS), filename="a.xlsx")
    assert (again.result.created, again.result.updated, again.result.unchanged) == (0, 0, 3)
    assert DataValueChange.objects.count() == 3
    changed = [row[:] for row in ROWS]
    changed[1][3] = 1400
    report = values_import(user=an_vien_officer, data=xlsx_bytes(changed), filename="a.xlsx")
    assert (report.result.updated, report.result.unchanged) == (1, 2)
    assert list(DataValueChange.objects.order_by("id").values_list("old_value", "new_value"))[3:] == [(1384, 1400)]


@pytest.fixture
def aged_history(catalog, an_vien, an_vien_officer):
    """Five change records: two in 2018, one in 2019 (a deletion), two in 2024."""
    for year, value in ((2018, 1900), (2018, 1950), (2019, None), (2024, 1961), (2024, 1970)):
        rows = [ValueInput("households_total", "26296", "2017", value if value is not None else "")]
        values_write(user=an_vien_officer, rows=rows, allow_delete=value is None)
        DataValueChange.objects.filter(id=DataValueChange.objects.latest("id").id).update(
            changed_at=timezone.make_aware(datetime(year, 6, 1, 8, 30))
        )
    return list(DataValueChange.objects.order_by("id").values_list("id", flat=True))


def read_archive(path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_history_before_a_year_is_archived_in_batches_and_deleted(aged_history, an_vien_officer, tmp_path):
    out = io.StringIO()
    call_command("archive_value_history", "--before", "2020", "--directory", str(tmp_path), "--batch-size", "2",
                 stdout=out)  # fmt: skip
    assert "Đã lưu trữ 3 dòng lịch sử (2 đợt)" in out.getvalue()
    (path,) = tmp_path.iterdir()
    assert path.name.startswith("lich-su-so-lieu-truoc-2020-") and path.name.endswith(".csv.gz")
    archived = read_archive(path)
    assert [(r["id"], r["gia_tri_cu"], r["gia_tri_moi"], r["luc"][:10]) for r in archived] == [
        (str(aged_history[0]), "", "1900.0", "2018-06-01"),
        (str(aged_history[1]), "1900.0", "1950.0", "2018-06-01"),
        (str(aged_history[2]), "1950.0", "", "2019-06-01"),
    ]
    assert {(r["chi_tieu"], r["don_vi"], r["ky"], r["nguon"], r["nguoi_sua"]) for r in archived} == {
        ("households_total", "26296", "2017", "form", "an_vien_officer")
    }
    assert list(DataValueChange.objects.order_by("id").values_list("id", flat=True)) == aged_history[3:]
    assert DataValue.objects.get().value == 1970  # the figures themselves are untouched


def test_archiving_again_finds_nothing_and_writes_no_file(aged_history, tmp_path):
    call_command("archive_value_history", "--before", "2020", "--directory", str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("archive_value_history", "--before", "2020", "--directory", str(tmp_path / "again"), stdout=out)
    assert "Không có thay đổi nào trước năm 2020" in out.getvalue()
    assert not (tmp_path / "again").exists() and DataValueChange.objects.count() == 2


def test_a_future_year_is_refused_and_nothing_is_deleted(aged_history, tmp_path):
    next_year = timezone.localdate().year + 1
    with pytest.raises(CommandError, match=f"Năm {next_year} không hợp lệ"):
        call_command("archive_value_history", "--before", str(next_year), "--directory", str(tmp_path))
    assert DataValueChange.objects.count() == 5 and not list(tmp_path.iterdir())
