"""The review as a Decree 30 report: opened back with python-docx, and through LibreOffice as PDF text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from xaso.reports.render import docx_to_pdf
from xaso.reports.tests.conftest import docx_text, open_docx
from xaso.steering import services
from xaso.steering.document import review_docx

from .conftest import FOLLOW_UP_CASHLESS, FOLLOW_UP_LAN

pytestmark = pytest.mark.django_db
needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdftotext) is not installed: `make system-deps` installs them",
)


@pytest.fixture
def concluded(an_vien_figures, an_vien_committee, an_vien, an_vien_officer):
    review = services.review_create(user=an_vien_officer, commune=an_vien, kind="quarter", year=2026, part=3,
                                    meeting_date=date(2026, 10, 5), today=date(2026, 10, 10))  # fmt: skip
    services.review_conclusions_save(user=an_vien_officer, review=review, number="12/BC-BCĐ",
                                     conclusions="Tập trung đẩy mạnh thanh toán không dùng tiền mặt.\n\n"
                                     "Hoàn thành mạng LAN trước 30/11/2026.")  # fmt: skip
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_LAN)
    services.follow_up_add(user=an_vien_officer, review=review, **FOLLOW_UP_CASHLESS)
    return services.review_conclude(user=an_vien_officer, review=review)


def _tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_report_docx_is_a_signable_decree_30_report(concluded):
    document = open_docx(review_docx(concluded))
    text = docx_text(document)
    for expected in ("UBND XÃ AN VIỄN", "BAN CHỈ ĐẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-BCĐ", "BÁO CÁO",
                     "Sơ kết quý III năm 2026 thực hiện chuyển đổi số", "Quyết định số 15/QĐ-UBND ngày 10/07/2025",
                     "I. KẾT QUẢ THỰC HIỆN QUÝ III NĂM 2026", "II. KẾT LUẬN CỦA BAN CHỈ ĐẠO", "III. NHIỆM VỤ GIAO",
                     "Tập trung đẩy mạnh thanh toán không dùng tiền mặt.", "Nơi nhận:", "- Lưu: VT, BCĐ.",
                     "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Hoàng Minh Tuấn"):  # fmt: skip
        assert expected in text, expected
    assert "DỰ THẢO" not in text  # concluded: the number and the signer are there
    assert "nguồn" not in text.lower()  # no source notes in an official paper
    tables = _tables(document)
    bordered = [t for t in tables if t[0][0] == "STT"]
    targets, overdue, follow_ups = bordered
    assert [r[1] for r in targets[1:]] == ["Tỷ lệ giao dịch không dùng tiền mặt (mốc 2026)",
                                           "Tỷ lệ phủ sóng 5G trên địa bàn xã (mốc 2026)",
                                           "Tỷ lệ người dân trưởng thành có chữ ký số (mốc 2026)"]  # fmt: skip
    assert targets[1][2:] == ["≥ 80%", "20,0%", "Chậm tiến độ"]
    assert [r[3:] for r in overdue[1:]] == [["15/03/2026", "199"], ["31/03/2026", "183"], ["30/06/2026", "92"]]
    assert follow_ups[0] == ["STT", "Nội dung nhiệm vụ", "Người chịu trách nhiệm", "Đơn vị chủ trì", "Thời hạn",
                             "Sản phẩm", "Thẩm quyền"]  # fmt: skip
    assert follow_ups[1] == ["1", "Hoàn thành cấu hình mạng LAN của UBND xã", "Phạm Văn Dũng",
                             "Văn phòng HĐND & UBND xã", "30/11/2026", "Mạng LAN quản lý truy cập ra/vào",
                             "Chủ tịch UBND xã"]  # fmt: skip
    assert follow_ups[2][4] == "31/12/2026"
    for table in bordered:  # no empty table: a header and at least one row, every row filled
        assert len(table) >= 2 and all(any(cell.strip() for cell in row) for row in table)
    assert "{{" not in text and "{%" not in text


def test_a_draft_without_follow_ups_leaves_their_section_out(an_vien_committee, an_vien, an_vien_officer, catalog):
    """No plan in execution: no target table, no task table, no follow-up section, no empty heading; a draft."""
    review = services.review_create(user=an_vien_officer, commune=an_vien, kind="year", year=2026, part=0,
                                    meeting_date=date(2026, 12, 20), today=date(2026, 12, 20))  # fmt: skip
    document = open_docx(review_docx(review))
    text = docx_text(document)
    assert "DỰ THẢO" in text and "/BC-BCĐ" in text
    assert "Tổng kết năm 2026" in text and "chưa có kế hoạch chuyển đổi số đang thực hiện" in text
    assert "NHIỆM VỤ GIAO" not in text and "Các nhiệm vụ quá hạn" not in text
    assert not [t for t in _tables(document) if t[0][0] == "STT"]


@needs_pdf
def test_report_pdf_reads_the_same(concluded):
    pdf = docx_to_pdf(review_docx(concluded))
    out = Path(settings.BASE_DIR) / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    (out / "steering-report.pdf").write_bytes(pdf)  # rendered to PNG pages and looked at (pdftoppm -png)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/BC-BCĐ", "KẾT LUẬN CỦA BAN CHỈ ĐẠO",
                     "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Hoàng Minh Tuấn", "Phạm Văn Dũng", "Nơi nhận:"):  # fmt: skip
        assert expected in text, expected
