"""The official documents as an officer gets them, in a real browser (Debian's Chromium through Playwright): from the
plan page, “Tải kế hoạch (.docx)” saves the plan (KH) and the progress report form (BC) saves the report, both Word
files that python-docx opens. Seed 004's An Viễn plan, issued as 45/KH-UBND."""

from __future__ import annotations

import re

import pytest
from docx import Document

from xaso.indicators.services import ValueInput, values_write
from xaso.reports.tests.conftest import docx_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved_docx(page, tmp_path, click: str) -> tuple[str, str]:
    """Click `click`, wait for the download, save it and return its file name and the text python-docx reads."""
    with page.expect_download() as started:
        page.click(click)
    download = started.value
    assert download.failure() is None
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, re.sub(r"[ \t]+", " ", docx_text(Document(str(path))))


def test_officer_downloads_the_plan_and_its_progress_report_as_word_files(
    open_session, tmp_path, an_vien, an_vien_plan, an_vien_officer
):
    # dossiers online in the first quarter: 80 + 85 + 90 of 3 × 100 received = 255 / 300 = 85,0%
    rows = []
    for month, online in ((1, 80), (2, 85), (3, 90)):
        rows += [ValueInput("dossiers_received", an_vien.code, f"2026-{month:02d}", 100),
                 ValueInput("dossiers_online", an_vien.code, f"2026-{month:02d}", online)]  # fmt: skip
    values_write(user=an_vien_officer, rows=rows)
    session = open_session()
    session.login("an_vien_officer")
    page = session.page
    page.goto(f"/plans/{an_vien_plan.pk}/")

    name, text = saved_docx(page, tmp_path, "text=Tải kế hoạch (.docx)")
    assert name == "kh-45-kh-ubnd-an-vien-2026.docx"
    # the title, without its leading “Kế hoạch”, is the document's summary line
    assert "Thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo" in text
    assert "chuyển đổi số quốc gia trên địa bàn xã An Viễn năm 2026" in text
    assert "Tỷ lệ phủ sóng 5G trên địa bàn xã" in text
    assert "Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)" in text

    with page.expect_navigation():
        page.click("text=Báo cáo tiến độ")
    page.select_option("select[name=period]", "2026Q1")
    page.fill("textarea[name=difficulties]", "Đường truyền Internet tại ấp 3 chưa ổn định.")
    page.fill("textarea[name=proposals]", "Đề nghị tỉnh hỗ trợ 02 máy quét tài liệu.")
    name, text = saved_docx(page, tmp_path, "button:has-text('Tải báo cáo')")
    assert name == "bc-45-kh-ubnd-an-vien-2026-2026q1.docx"
    assert "Kế hoạch số 45/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân xã An Viễn" in text
    assert "Đường truyền Internet tại ấp 3 chưa ổn định." in text
    assert "Đề nghị tỉnh hỗ trợ 02 máy quét tài liệu." in text
    assert "85,0%" in text
    assert session.errors == [] and session.foreign_requests() == []
