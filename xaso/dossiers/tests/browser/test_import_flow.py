"""An officer imports a dossier export in a real browser, at a phone's and a desktop's width: a file of a new layout
is mapped once, the operations centre's online and on-time rates change, a second import of the same file changes
nothing; the upload, mapping, result and dossier list pages fit the screen. Screenshots: var/screenshots/dossiers-*."""

from __future__ import annotations

import re

import pytest

from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, screenshot
from xaso.registers.models import ImportLayout

from ..conftest import JULY, NEW_HEADER, PROVINCE_HEADER, csv_bytes, run_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: two more July dossiers in the portal's new layout: DVC-1 online and on time, DVC-2 in person and late
NEW_ROWS = [
    ["DVC-1", "1.001193", "Trực tuyến", "21/07/2025 08:00", "23/07/2025", "22/07/2025 16:30", "Hoàn thành", "", ""],
    ["DVC-2", "1.000894", "Trực tiếp", "22/07/2025", "24/07/2025", "28/07/2025", "Trễ hạn có thư xin lỗi", "", ""],
]
CHOICES = {
    "Mã hồ sơ (Cổng)": "code", "Thủ tục (mã)": "procedure_code", "Kênh": "channel", "Nhận lúc": "received_on",
    "Hẹn": "due_on", "Xong lúc": "finished_on", "Tình trạng xử lý": "result",
}  # fmt: skip


def _shot(page, name: str, size: str) -> None:
    screenshot(page, f"dossiers-{name}-{size}")


def _rate(page, code: str) -> str:
    row = page.locator(f"tr[data-indicator={code}]")
    return row.locator(".coc-value").inner_text().strip()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_officer_maps_a_new_export_once_and_the_rates_follow(size, open_session, full_catalog, an_vien,
                                                              an_vien_officer, tmp_path):  # fmt: skip
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))  # July so far: online 2/5, on time 2/3
    export = tmp_path / "xuat-cong-dvc.csv"
    export.write_bytes(csv_bytes(NEW_HEADER, NEW_ROWS, title=False))
    session = open_session(PHONE if size == "phone" else DESKTOP)
    session.login(an_vien_officer.username)
    page = session.page
    page.goto(f"/coc/unit/{an_vien.code}/?year=2025")
    page.locator("#area-government summary").click()
    assert _rate(page, "dossiers_online_rate").startswith("40,0")
    assert _rate(page, "dossiers_on_time_rate").startswith("66,7")
    with page.expect_navigation():
        page.locator("[data-testid=drill-dossiers_on_time_rate]").click()
    assert page.locator("[data-testid=dossier-rate]").inner_text() == "66,7%"
    assert page.locator("tbody tr").first.get_attribute("data-code") == "AV-0002"  # the late one first
    assert page.evaluate(OVERFLOW)
    _shot(page, "list", size)

    page.locator("[data-testid=import-link]").click()
    page.set_input_files("input[type=file]", str(export))
    assert page.evaluate(OVERFLOW)
    _shot(page, "upload", size)
    with page.expect_navigation():
        page.locator("[data-testid=upload]").click()
    assert "/mapping/" in page.url
    page.fill("input[name=name]", "Cổng DVC, mẫu tháng 7")
    for header, field in CHOICES.items():
        page.get_by_label(header, exact=True).select_option(field)
    assert page.evaluate(OVERFLOW)
    _shot(page, "mapping", size)
    with page.expect_navigation():
        page.locator("[data-testid=map-submit]").click()
    assert page.locator("[data-testid=import-status]").get_attribute("data-status") == "done"
    assert page.locator("[data-testid=created]").inner_text() == "2"
    _shot(page, "result", size)
    assert ImportLayout.objects.filter(unit=an_vien).count() == 1

    page.goto(f"/coc/unit/{an_vien.code}/?year=2025")
    page.locator("#area-government summary").click()
    assert _rate(page, "dossiers_online_rate").startswith("42,9")  # 3 / 7
    assert _rate(page, "dossiers_on_time_rate").startswith("60,0")  # 3 / 5

    page.goto(f"/registers/dossiers/{an_vien.code}/import/")
    page.set_input_files("input[type=file]", str(export))
    with page.expect_navigation():
        page.locator("[data-testid=upload]").click()
    assert "/mapping/" not in page.url  # the layout is remembered
    assert page.locator("[data-testid=created]").inner_text() == "0"
    assert page.locator("[data-testid=unchanged]").inner_text() == "2"
    page.goto(f"/coc/unit/{an_vien.code}/?year=2025")
    page.locator("#area-government summary").click()
    assert _rate(page, "dossiers_online_rate").startswith("42,9")
    assert not session.errors and not session.foreign_requests()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_bad_file_is_refused_with_each_row_and_column_named(size, open_session, full_catalog, an_vien,
                                                            an_vien_officer, tmp_path):  # fmt: skip
    bad = [list(r) for r in JULY]
    bad[1][8] = "01/06/2025"  # finished before received
    bad[2][2] = "9.999999"  # unknown procedure
    export = tmp_path / "sai.csv"
    export.write_bytes(csv_bytes(PROVINCE_HEADER, bad))
    session = open_session(PHONE if size == "phone" else DESKTOP)
    session.login(an_vien_officer.username)
    page = session.page
    page.goto(f"/registers/dossiers/{an_vien.code}/import/")
    page.set_input_files("input[type=file]", str(export))
    with page.expect_navigation():
        page.locator("[data-testid=upload]").click()
    errors = page.locator("[data-testid=import-errors]")
    text = errors.inner_text()
    assert re.search(r"Có 2 lỗi", text)
    rows = [r.inner_text().split("\t")[:2] for r in errors.locator("tbody tr").all()]
    assert rows == [["5", "Ngày có kết quả"], ["6", "Mã thủ tục"]]
    assert page.evaluate(OVERFLOW)
    _shot(page, "errors", size)


def test_a_header_of_one_long_word_wraps_on_a_phone(open_session, full_catalog, an_vien, an_vien_officer):
    """Exports written from a database name their columns in one word (MA_HO_SO_TREN_CONG_DICH_VU_CONG_QUOC_GIA):
    the mapping screen wraps them and keeps every select usable at 390 px."""
    header = ["MA_HO_SO_TREN_CONG_DICH_VU_CONG_QUOC_GIA_" + "X" * 60, "MA_THU_TUC_HANH_CHINH_TREN_CSDL_QUOC_GIA",
              "KENH", "NGAY_TIEP_NHAN"]  # fmt: skip
    job = run_import(an_vien_officer, an_vien, csv_bytes(header, [["Z1", "1.001193", "Trực tuyến", "01/07/2025"]]))
    session = open_session(PHONE)
    session.login(an_vien_officer.username)
    page = session.page
    page.goto(f"/registers/imports/{job.pk}/mapping/")
    assert page.evaluate(OVERFLOW)
    widths = page.locator(".register-map-table select").evaluate_all("(s) => s.map((e) => e.offsetWidth)")
    assert len(widths) == 4 and min(widths) >= 9 * 16
    _shot(page, "mapping-long-header", "phone")
    assert not session.errors
