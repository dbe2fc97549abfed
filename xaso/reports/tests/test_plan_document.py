"""The plan (Kế hoạch, KH) as a Word document: seed 004's An Viễn plan opened with python-docx and checked for
content (every target with its three horizons, budget totals, the Decree 30 header and signature) and format
(A4, margins, Times New Roman, sizes, page numbers from page 2, landscape appendices)."""

from __future__ import annotations

from datetime import date

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xaso.core.formatting import format_date_long
from xaso.reports import services
from xaso.reports.documents import legal_basis_text, million, target_text

from .conftest import docx_text, open_docx

pytestmark = pytest.mark.django_db

# (indicator, Năm 2026, Đến năm 2030, Tầm nhìn đến năm 2045): seed 004, mục II, written as the document shows them
EXPECTED_TARGETS = [
    ("Tỷ lệ phủ sóng 5G trên địa bàn xã", "≥ 60%", "≥ 85%", ""),
    ("Tỷ lệ phủ sóng 6G trên địa bàn xã", "", "", "100%"),
    ("Tỷ lệ người sử dụng có khả năng truy cập băng rộng cố định", "≥ 70%", "≥ 85%", ""),
    ("Tỷ lệ cán bộ, công chức cấp xã được bồi dưỡng kỹ năng số căn bản", "100%", "100%", ""),
    ("Tỷ lệ dân số trưởng thành tiếp cận dịch vụ số trong y tế", "≥ 90%", "≥ 90%", "≥ 99%"),
    ("Tỷ lệ dân số trưởng thành thường xuyên sử dụng dịch vụ số", "", "", "≥ 90%"),
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện", "100%", "100%",
     "100%"),
    ("Tỷ lệ hồ sơ trực tuyến", "≥ 85%", "≥ 95%", "100%"),
    ("Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", "100%", "100%", "100%"),
    ("Tỷ lệ hệ thống thông tin của xã vận hành trên nền tảng điện toán đám mây", "", "≥ 70%", "100%"),
    ("Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)", "≥ 80%", "≥ 85%", "100%"),
    ("Tỷ lệ người dân trưởng thành có chữ ký số", "≥ 10%", "≥ 10%", "≥ 40%"),
    ("Tỷ lệ giao dịch không dùng tiền mặt", "≥ 80%", "≥ 80%", ""),
    ("Tỷ lệ doanh nghiệp tại địa phương ứng dụng công nghệ số", "", "", "100%"),
]  # fmt: skip


@pytest.fixture
def document(an_vien_plan, an_vien_officer):
    return open_docx(services.document_plan_docx(an_vien_plan, an_vien_officer))


def _cells(row) -> list[str]:
    out, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell.text.strip())
    return out


def _caption(table) -> str:
    cap = table._tbl.tblPr.find(qn("w:tblCaption"))
    return cap.get(qn("w:val")) if cap is not None else ""


def test_every_target_appears_with_its_three_horizons(document):
    tables = [t for t in document.tables if _caption(t).startswith("xaso:fit")]
    assert len(tables) == 6  # one per pillar: government, economy, society, infrastructure, human resources, data
    heads = {tuple(_cells(t.rows[0])) for t in tables}
    assert heads == {("STT", "Chỉ tiêu", "Đơn vị tính", "Hiện trạng", "Năm 2026", "Đến năm 2030",
                      "Tầm nhìn đến năm 2045")}  # fmt: skip
    rows = {cells[1]: (cells[4], cells[5], cells[6]) for t in tables for cells in map(_cells, t.rows[1:])}
    for name, y2026, y2030, y2045 in EXPECTED_TARGETS:
        assert rows[name] == (y2026, y2030, y2045), name
    assert len(rows) == len(EXPECTED_TARGETS)


def test_targets_are_grouped_by_pillar_in_the_order_of_the_model(document):
    text = docx_text(document)
    section = text[text.index("III. MỤC TIÊU CỤ THỂ") : text.index("IV. NỘI DUNG NHIỆM VỤ")]
    headings = [line for line in section.splitlines() if line[:2] in {f"{i}." for i in range(1, 10)}]
    assert headings == ["1. Chính quyền số", "2. Kinh tế số", "3. Xã hội số", "4. Hạ tầng số",
                        "5. Nhân lực số, nhận thức số", "6. Dữ liệu số"]  # fmt: skip
    # the baseline of the online-dossier target (60% at the start of 2026) is the "Hiện trạng" column
    assert "60%" in section


def test_header_block_number_place_date_title_and_summary(document):
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["UBND THÀNH PHỐ ĐỒNG NAI", "ỦY BAN NHÂN DÂN", "XÃ AN VIỄN"]
    assert [p.text for p in right.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                            "Độc lập - Tự do - Hạnh phúc"]  # fmt: skip
    assert header.rows[1].cells[0].text == "Số: 45/KH-UBND"
    # Decree 30 II.4: day below 10 and months 1–2 take a leading zero, March does not
    assert header.rows[1].cells[1].text == "An Viễn, ngày 05 tháng 3 năm 2026"
    body = [p.text for p in document.paragraphs]
    title = body.index("KẾ HOẠCH")
    assert body[title + 1].startswith("Thực hiện Nghị quyết số 57-NQ/TW")
    assert body[title + 1].endswith("trên địa bàn xã An Viễn năm 2026")


def test_the_eight_sections_of_seed_001_in_order(document):
    body = [p.text for p in document.paragraphs]
    sections = [t for t in body if t.split(". ")[0] in {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"}]
    assert sections == ["I. CĂN CỨ LẬP KẾ HOẠCH", "II. MỤC TIÊU TỔNG QUÁT", "III. MỤC TIÊU CỤ THỂ",
                        "IV. NỘI DUNG NHIỆM VỤ", "V. LỘ TRÌNH THỰC HIỆN", "VI. KINH PHÍ THỰC HIỆN",
                        "VII. TỔ CHỨC THỰC HIỆN", "VIII. DANH MỤC NHIỆM VỤ, DỰ ÁN"]  # fmt: skip
    assert ("Căn cứ Kế hoạch số 91/KH-UBND ngày 12 tháng 02 năm 2026 của Ủy ban nhân dân tỉnh Đồng Nai về triển khai "
            "Nghị quyết số 57-NQ/TW năm 2026;") in body  # fmt: skip
    assert "1. Văn phòng HĐND & UBND xã" in body and "Gửi, nhận văn bản điện tử đạt tỷ lệ 100%." in body
    assert any(
        t.startswith("- Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến (chủ trì: Trung tâm") for t in body
    )


def test_signature_block_and_recipients(document):
    signature = document.tables[-3]  # before the two appendix tables
    left, right = signature.rows[0].cells
    lines = [p.text for p in left.paragraphs if p.text]
    assert lines[0] == "Nơi nhận:"
    assert lines[1] == "- UBND thành phố Đồng Nai (b/c);" and lines[-1] == "- Lưu: VT."
    assert all(line.endswith(";") for line in lines[1:-1])
    assert [p.text for p in right.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                            "Dương Quốc Hùng"]  # fmt: skip


def test_appendix_one_lists_the_tasks_with_the_six_clear_columns(document):
    text = docx_text(document)
    assert "Phụ lục I" in text
    assert "(Kèm theo Kế hoạch số 45/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân xã An Viễn)" in text
    table = next(t for t in document.tables if _caption(t).startswith("xaso:cols"))
    # no task has an item ("Nội dung") nor an empty column for all four tasks: the columns that say something
    assert _cells(table.rows[0]) == [
        "STT", "Nội dung cần thực hiện (rõ việc)", "Đơn vị chủ trì (rõ trách nhiệm)", "Đơn vị phối hợp",
        "Người chịu trách nhiệm (rõ người)", "Cách thức tổ chức thực hiện", "Sản phẩm, kết quả (rõ sản phẩm)",
        "Hiệu quả mang lại", "Thời gian thực hiện (rõ thời gian)", "Thẩm quyền phê duyệt (rõ thẩm quyền)",
    ]  # fmt: skip
    rows = [_cells(r) for r in table.rows[1:]]
    assert rows[0] == ["I", "CHÍNH QUYỀN SỐ"]
    assert rows[1] == ["1", "Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến",
                       "Trung tâm Phục vụ Hành chính công xã", "Văn phòng HĐND & UBND xã", "Nguyễn Văn An",
                       "Hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa",
                       "Báo cáo quý về tỷ lệ hồ sơ trực tuyến", "Giảm đi lại",
                       "Từ Quý I năm 2026, duy trì hằng quý (04 tuần)", "Chủ tịch UBND xã"]  # fmt: skip
    assert rows[2][8] == "Trước ngày 15/03/2026"
    # two levels as seed 001 has them: the infrastructure task under digital government (I → I.1), the society one
    assert [r[:2] for r in rows if len(r) == 2] == [["I", "CHÍNH QUYỀN SỐ"], ["I.1", "Hạ tầng số"],
                                                    ["II", "XÃ HỘI SỐ"]]  # fmt: skip
    assert next(r for r in rows if r[1].startswith("Tuyên truyền"))[8] == "Quý I/2026"
    # every task row stays on one page, the header row repeats
    assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows[1:])
    # a pillar or area heading row is kept with the row after it (never alone at the foot of a page); task rows are not
    for row in table.rows[1:]:
        keep = {p.style.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs}
        assert keep == ({True} if len(_cells(row)) == 2 else {False}), _cells(row)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def _number(text: str) -> float:
    return 0.0 if text in ("", "-") else float(text.replace(".", "").replace(",", "."))


def test_budget_table_has_seed_001_columns_and_totals_that_add_up(document):
    table = next(t for t in document.tables if _caption(t) == "xaso:budget")
    heads = [_cells(r) for r in table.rows[:3]]
    assert heads[0] == ["STT", "Nội dung", "Kinh phí đầu tư ban đầu", "Kinh phí duy trì hằng năm",
                        "Kế hoạch phân bổ kinh phí hằng năm", "Ghi chú"]  # fmt: skip
    # An Viễn's plan is made after 1 July 2025 (a commune under a province): no district column
    assert heads[2] == ["STT", "Nội dung", "Tổng", "Đầu tư nâng cấp hạ tầng, thiết bị", "Xã hội hóa", "Thuê dịch vụ",
                        "Tổng", "Bảo dưỡng, nâng cấp hạ tầng, thiết bị", "Thuê dịch vụ", "Tổng", "Tỉnh", "Xã",
                        "Các đơn vị tự thanh toán", "Ghi chú"]  # fmt: skip
    rows = [_cells(r) for r in table.rows[3:]]
    groups = [r for r in rows if r[0] in ("I", "II")]
    items = [r for r in rows if r[0].isdigit()]
    total = rows[-1]
    assert total[1] == "TỔNG CỘNG"
    # hand totals (million VND): investment 465 = 420 equipment + 30 socialised + 15 rented; running 20; allocation
    # 485 = 15 province + 470 commune
    assert total[2:13] == ["465", "420", "30", "15", "20", "20", "-", "485", "15", "470", "-"]
    for col in range(2, 13):
        assert sum(_number(r[col]) for r in items) == _number(total[col])
        assert sum(_number(r[col]) for r in groups) == _number(total[col])
    assert groups[0][:3] == ["I", "PHÁT TRIỂN CHÍNH QUYỀN SỐ", "315"]
    assert groups[1][:3] == ["II", "PHÁT TRIỂN XÃ HỘI SỐ", "150"]
    # every row adds up across: total = its parts
    for r in [*items, *groups, total]:
        assert _number(r[2]) == sum(_number(r[c]) for c in (3, 4, 5))
        assert _number(r[6]) == sum(_number(r[c]) for c in (7, 8))
        assert _number(r[9]) == sum(_number(r[c]) for c in (10, 11, 12))
    assert "Tổng kinh phí đầu tư ban đầu dự kiến 465.000.000 đồng" in docx_text(document)


def test_page_set_up_is_a4_with_decree_30_margins_and_landscape_appendices(document):
    body, appendix1, appendix2 = document.sections
    for section in document.sections:
        mm = {side: round(getattr(section, f"{side}_margin").mm, 1) for side in ("top", "bottom", "left", "right")}
        assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25
        assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20
        assert section.different_first_page_header_footer  # no number on a section's first page
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    for section in (appendix1, appendix2):
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # numbered on its own


def test_page_number_is_a_centred_field_in_the_header_from_page_two(document):
    section = document.sections[0]
    header = section.header.paragraphs[0]
    assert "PAGE" in "".join(header._p.itertext())
    assert header.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert Pt(13) <= header.style.font.size <= Pt(14)
    assert not "".join(section.first_page_header.paragraphs[0]._p.itertext()).strip()


def _effective(paragraph, attr: str):
    run_value = getattr(paragraph.runs[0].font, attr) if paragraph.runs else None
    if run_value is not None:
        return run_value
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def _find(document, text: str):
    for p in document.paragraphs:
        if p.text == text:
            return p
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == text:
                        return p
    raise AssertionError(text)


@pytest.mark.parametrize(
    ("text", "sizes", "bold", "italic"),
    [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (12, 13), True, False),  # II.1.a
        ("Độc lập - Tự do - Hạnh phúc", (13, 14), True, False),  # II.1.b
        ("UBND THÀNH PHỐ ĐỒNG NAI", (12, 13), False, False),  # II.2 superior
        ("ỦY BAN NHÂN DÂN", (12, 13), True, False),  # II.2 issuing body
        ("Số: 45/KH-UBND", (13, 13), False, False),  # II.3
        ("An Viễn, ngày 05 tháng 3 năm 2026", (13, 14), False, True),  # II.4
        ("KẾ HOẠCH", (13, 14), True, False),  # II.5.a
        ("I. CĂN CỨ LẬP KẾ HOẠCH", (13, 14), True, False),  # II.6
        ("Nơi nhận:", (12, 12), True, True),  # II.9
        ("- Lưu: VT.", (11, 11), False, False),  # II.9
        ("KT. CHỦ TỊCH", (13, 14), True, False),  # II.7
        ("Dương Quốc Hùng", (13, 14), True, False),  # II.7
        ("Phụ lục I", (14, 14), True, False),  # III.1
    ],
)
def test_each_element_has_the_decree_30_size_and_weight(document, text, sizes, bold, italic):
    p = _find(document, text)
    assert Pt(sizes[0]) <= _effective(p, "size") <= Pt(sizes[1])
    assert bool(_effective(p, "bold")) is bold
    assert bool(_effective(p, "italic")) is italic
    assert _effective(p, "name") == "Times New Roman"


def test_body_is_times_new_roman_justified_with_a_first_line_indent(document):
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert {fonts.find(qn("w:rFonts")).get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {
        "Times New Roman"
    }
    body = [p for p in document.paragraphs if p.style.name == "D30 Body" and p.text]
    assert len(body) > 10
    style = document.styles["D30 Body"]
    fmt = style.paragraph_format
    assert style.font.name == "Times New Roman" and Pt(13) <= style.font.size <= Pt(14)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Mm(10) <= fmt.first_line_indent <= Mm(12.7)
    assert fmt.space_after >= Pt(6) and 1.0 <= fmt.line_spacing <= 1.5
    # every run of the document names no other font
    for p in document.paragraphs:
        for run in p.runs:
            assert run.font.name in (None, "Times New Roman")


def test_a_draft_leaves_number_and_date_blank_and_says_so(an_vien_draft, an_vien_officer):
    document = open_docx(services.document_plan_docx(an_vien_draft, an_vien_officer))
    assert document.paragraphs[0].text == "DỰ THẢO"
    header = document.tables[0]
    assert header.rows[1].cells[0].text.replace(" ", "") == "Số:/KH-UBND"
    assert " ".join(header.rows[1].cells[1].text.split()) == "An Viễn, ngày tháng năm 2026"


def test_officer_of_another_commune_cannot_generate_the_plan(an_vien_plan, nga_dien_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_plan_docx(an_vien_plan, nga_dien_officer)


def test_vietnamese_formatting_helpers():
    assert million(15_500_000) == "15,5" and million(1_234_000_000) == "1.234" and million(0) == "-"
    assert format_date_long(date(2026, 2, 12), "An Viễn") == "An Viễn, ngày 12 tháng 02 năm 2026"
    assert format_date_long(date(2026, 11, 3)) == "ngày 03 tháng 11 năm 2026"
    assert legal_basis_text("749/QĐ-TTg", date(2020, 6, 3), "Thủ tướng Chính phủ", "Phê duyệt Chương trình "
                            "Chuyển đổi số quốc gia") == ("Căn cứ Quyết định số 749/QĐ-TTg ngày 03 tháng 6 năm 2020 "
                            "của Thủ tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia;")  # fmt: skip


def test_target_text_writes_shares_capped_at_100(catalog):
    from xaso.plans.models import Target

    assert target_text(Target(indicator=catalog["online"], comparator=">=", value=85)) == "≥ 85%"
    assert target_text(Target(indicator=catalog["online"], comparator=">=", value=100)) == "100%"
    assert target_text(Target(indicator=catalog["cameras"], comparator=">=", value=25)) == "≥ 25"
    assert target_text(Target(indicator=catalog["lan"], comparator="==", value=1)) == "Có"


def test_column_widths_fit_the_longest_word_and_grow_with_the_text():
    from xaso.reports.documents import CHAR_WIDTH, column_widths

    long_sentences = ["Tuyên truyền, hướng dẫn người dân và doanh nghiệp tiếp cận dịch vụ công trực tuyến"] * 5
    times = ["Từ Quý I năm 2026 và duy trì thường xuyên, hằng tháng, hằng quý."] * 5
    names = ["Công an xã", "", "", "", ""]
    widths = column_widths([long_sentences, times, names], ["Nội dung", "Thời gian thực hiện", "Đơn vị"], 240)
    assert round(sum(widths)) == 240
    assert widths[0] > widths[1] > widths[2]  # more text, more room
    assert widths[2] >= CHAR_WIDTH * len("Đơn") + 3  # the longest word of a column fits on a line
    # the time of seed 004's tasks (64 letters) takes at most five lines of about 13 letters per 25 mm
    assert widths[1] >= 35


def test_a_column_of_short_names_under_a_long_heading_is_wide_enough_for_the_heading_in_three_lines():
    """Seed 004's approver column holds "UBND xã" under "Thẩm quyền phê duyệt (rõ thẩm quyền)" (36 letters): sized by
    its longest word alone (16 mm) the heading took seven lines; now at most three (1,9 mm × 36 / 3 + 3 = 25,8 mm)."""
    from xaso.reports.documents import column_widths

    titles = ["Tham mưu UBND xã xây dựng và ban hành các quy định đối với hoạt động phát triển khoa học"] * 5
    approvers = ["UBND xã", "", "", "", ""]
    heads = ["Nội dung cần thực hiện (rõ việc)", "Thẩm quyền phê duyệt (rõ thẩm quyền)"]
    title, approver = column_widths([titles, approvers], heads, 240)
    assert approver >= 25.8 and title > approver
    assert round(title + approver) == 240


def test_a_three_tier_plan_keeps_the_district_column_a_two_tier_plan_has_none():
    from xaso.geo.models import AdminUnit, Level
    from xaso.plans.models import BudgetLine, Plan
    from xaso.reports.documents import has_district_level

    province = AdminUnit(name="Tỉnh Thanh Hóa", level=Level.PROVINCE)
    district = AdminUnit(name="Huyện Nga Sơn", level=Level.DISTRICT, parent=province)
    before_2025 = Plan(unit=AdminUnit(name="Xã Nga Điền", level=Level.COMMUNE, parent=district))
    after_2025 = Plan(unit=AdminUnit(name="Xã An Viễn", level=Level.COMMUNE, parent=province))
    assert has_district_level(before_2025, []) is True
    assert has_district_level(Plan(unit=district), []) is True
    assert has_district_level(after_2025, []) is False
    # a district amount is never dropped, whatever the plan's date
    assert has_district_level(after_2025, [BudgetLine(alloc_district=5_000_000)]) is True
