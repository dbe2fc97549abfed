"""Fixtures of the dossier register tests: the real catalog, and export files written as the systems write them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.dossiers.services import procedures_load
from xaso.indicators.catalog import CATALOG_PATH, catalog_load
from xaso.registers import services
from xaso.registers.spec import register_get

#: the provincial one-stop system's export header (a known layout)
PROVINCE_HEADER = [
    "STT", "Số hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
    "Ngày có kết quả", "Trạng thái", "Thanh toán trực tuyến", "Số hóa thành phần hồ sơ", "Số hóa kết quả",
    "Cán bộ tiếp nhận",
]  # fmt: skip


def province_row(n, code, procedure, channel, received, due, finished="", status="Đang giải quyết", fee="",
                 digitised="Có", result_digitised="", officer="Nguyễn Thị Lan"):  # fmt: skip
    return [n, code, procedure, "", "", channel, received, due, finished, status, fee, digitised, result_digitised,
            officer]  # fmt: skip


def csv_bytes(header: list[str], rows: list[list[object]], title: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
        writer.writerow([])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


#: five July 2025 dossiers of An Viễn, hand-counted in the tests:
#: received 5 (online 2, in person 2, post 1); resolved 3 in July (A1 on time, A2 late, A3 on time), A4 open,
#: A5 withdrawn; fee: A1 online, A2 cash, A3 none
JULY = [
    province_row(1, "AV-0001", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025", "02/07/2025", "Đã trả kết quả",
                 fee="Có", result_digitised="Có"),
    province_row(2, "AV-0002", "2.000884", "Trực tiếp", "02/07/2025", "04/07/2025", "08/07/2025", "Trễ hạn",
                 fee="Không", digitised="Không"),
    province_row(3, "AV-0003", "1.000894", "Trực tuyến", "03/07/2025", "10/07/2025", "10/07/2025", "Đã giải quyết",
                 result_digitised="Có"),
    province_row(4, "AV-0004", "1.004082", "Trực tiếp", "15/07/2025", "30/07/2025"),
    province_row(5, "AV-0005", "2.000908", "Bưu chính", "20/07/2025", "25/07/2025", "", "Rút hồ sơ"),
]  # fmt: skip


#: a header no known layout holds (the portal's export of another version): mapped once on the mapping screen
NEW_HEADER = ["Mã hồ sơ (Cổng)", "Thủ tục (mã)", "Kênh", "Nhận lúc", "Hẹn", "Xong lúc", "Tình trạng xử lý",
              "Họ tên người nộp", "CCCD"]  # fmt: skip


@pytest.fixture(scope="session")
def dossier_catalog_path(tmp_path_factory) -> Path:
    """The shipped catalog cut to the dossier and fee elements, the indicators and rules over them only (the whole
    catalog takes seconds to load, for every test)."""
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    codes = {e["code"] for e in data["data_elements"] if e["code"].startswith(("dossier", "fee_payments"))}

    def within(*texts: str) -> bool:
        return set(re.findall(r"[a-z_][a-z0-9_]*", " ".join(texts))) <= codes

    cut = {
        "data_elements": [e for e in data["data_elements"] if e["code"] in codes],
        "indicators": [i for i in data["indicators"] if within(i["formula"])],
        "validation_rules": [r for r in data["validation_rules"] if within(r["left"], r["right"])],
    }
    path = tmp_path_factory.mktemp("catalog") / "dossiers.yaml"
    path.write_text(yaml.safe_dump(cut, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def full_catalog(db, dossier_catalog_path):
    """The dossier part of the catalog, and the shipped procedure list (loaded by a migration, but a browser test's
    flushed database has lost it)."""
    catalog_load(dossier_catalog_path)
    procedures_load()


@pytest.fixture
def dossiers_register():
    return register_get("dossiers")


def upload(data: bytes, name: str = "ho-so.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run_import(user, unit, data: bytes, name: str = "ho-so.csv"):
    return services.import_start(user=user, unit=unit, register=register_get("dossiers"), upload=upload(data, name))
