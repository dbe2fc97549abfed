"""The shared register machinery on its own: header signatures, the header found below a title, cells read by
kind, abandoned imports cleaned up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xaso.indicators.filelimits import ImportFileError
from xaso.registers.cells import CellError, header_key, parse_bool, parse_cell, parse_date
from xaso.registers.models import RegisterImport
from xaso.registers.reading import sheet_read
from xaso.registers.services import header_signature, import_start, register_imports_cleanup
from xaso.registers.spec import DATE, Field, register_get


def test_signature_ignores_order_case_accents_and_spacing():
    a = [header_key(h) for h in ["Số hồ sơ", "Ngày tiếp nhận", "Mã thủ tục"]]
    b = [header_key(h) for h in ["MÃ THỦ TỤC", " ngay  tiep nhan", "So ho so", ""]]
    assert header_signature(a) == header_signature(b)
    assert header_signature(a) != header_signature([*a, "ghi_chu"])


def test_header_is_found_below_title_rows_and_data_rows_keep_their_numbers():
    data = (
        "DANH SÁCH HỒ SƠ\nXã An Viễn\n\nSố hồ sơ;Mã thủ tục;Ngày tiếp nhận\n"
        "A1;1.001193;01/07/2025\n;;\nA2;1.000894;02/07/2025\n"
    )
    sheet = sheet_read(data.encode(), "a.csv")
    assert (sheet.header_row, sheet.keys) == (4, ["so_ho_so", "ma_thu_tuc", "ngay_tiep_nhan"])
    assert [n for n, _cells in sheet.rows] == [5, 7]


def test_a_file_without_a_header_row_is_refused():
    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        sheet_read("chỉ một cột\n1\n2\n".encode(), "a.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12/07/2025", date(2025, 7, 12)), ("1/7/2025 08:30", date(2025, 7, 1)),
     ("2025-07-12 16:05:00", date(2025, 7, 12)), ("12.07.2025", date(2025, 7, 12)), (45850, date(2025, 7, 12)),
     ("", None)],
)  # fmt: skip
def test_dates_are_read_as_the_systems_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "12/2025", "hôm qua", 12])
def test_impossible_dates_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text)


@pytest.mark.parametrize(
    "cell", ["01/01/0001", "31/12/1999", "1900-01-01", datetime(1999, 12, 31, 8), date(1025, 7, 1)]
)
def test_a_date_before_a_fields_earliest_is_refused_as_a_mistyped_year(cell):
    received = Field("received_on", "Ngày tiếp nhận", DATE, earliest=date(2000, 1, 1))
    with pytest.raises(CellError, match="trước năm 2000"):
        parse_cell(cell, received)
    assert parse_cell("01/01/2000", received) == date(2000, 1, 1)
    assert parse_cell(cell, Field("born_on", "Ngày sinh", DATE)) < date(2000, 1, 1)  # no floor: any date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Có", True),
        ("x", True),
        ("Đã số hóa", True),
        (1, True),
        ("Không", False),
        ("chưa", False),
        ("Không thu phí", False),
        ("", None),
    ],
)
def test_yes_no_cells(text, expected):
    assert parse_bool(text) is expected


def test_yes_no_refuses_anything_else():
    with pytest.raises(CellError, match="Có/Không"):
        parse_bool("có thể")


def test_imports_left_waiting_for_their_mapping_are_failed_after_a_day_and_their_file_deleted(
    db, an_vien, an_vien_officer
):
    data = "Cột A,Cột B,Cột C\n1,2,3\n".encode()
    old = import_start(user=an_vien_officer, unit=an_vien, register=register_get("dossiers"),
                       upload=SimpleUploadedFile("a.csv", data))  # fmt: skip
    new = import_start(user=an_vien_officer, unit=an_vien, register=register_get("dossiers"),
                       upload=SimpleUploadedFile("b.csv", data))  # fmt: skip
    assert old.status == new.status == RegisterImport.Status.MAPPING
    RegisterImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert register_imports_cleanup() == 1
    old.refresh_from_db()
    assert (old.status, old.upload.name) == (RegisterImport.Status.FAILED, "")
    assert RegisterImport.objects.get(pk=new.pk).status == RegisterImport.Status.MAPPING
    assert register_imports_cleanup() == 0
