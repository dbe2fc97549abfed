"""The ranking of a province's communes as the annex table of a Decree 30 decision (.docx) and as a workbook.

The decision's header (issuing body, number, place and date, national name, motto) and its layout (A4, margins,
Times New Roman, sizes) come from the Decree 30 machinery of xaso/reports (documents.doc_header, decree30); the
annex table is landscape (Decree 30, Appendix I, I.2: wide tables). docs/decree30.md.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook

from xaso.core.formatting import format_number
from xaso.geo.models import AdminUnit
from xaso.reports import decree30 as d30
from xaso.reports.documents import doc_header
from xaso.reports.xlsx import Sheet, _save

from .models import Criterion, IndexVersion
from .selectors import RankRow


def _points(value: float | None) -> str:
    if value is None:
        return ""
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _change(value: float | None) -> str:
    if value is None:
        return _("chưa có năm trước")
    return ("+" if value > 0 else "") + _points(value)


def _columns(pillars: list[Criterion]) -> list[str]:
    return [_("STT"), _("Xã, phường"), *[f"{p.name} ({_points(p.points)})" for p in pillars],
            _("Tổng điểm"), _("Xếp hạng"), _("Tăng/giảm so với năm trước"), _("Hoàn thành chuyển đổi số")]  # fmt: skip


def _cells(n: int, row: RankRow, pillars: list[Criterion]) -> list[str]:
    return [str(n), row.commune_name, *[_points(row.pillars.get(p.code, 0.0)) for p in pillars], _points(row.total),
            str(row.rank), _change(row.change), _("Đạt") if row.completed else _("Chưa đạt")]  # fmt: skip


def _paragraph(doc, text: str, *, size: int = d30.BODY_PT, bold=False, italic=False, center=False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = d30.FONT, Pt(size), bold, italic
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


#: the landscape annex's usable width, and the share of it the number and name columns take
ANNEX_WIDTH_MM = d30.PAGE_HEIGHT - d30.MARGIN_LEFT - d30.MARGIN_RIGHT


def _widths(grid, count: int) -> None:
    """No. narrow, the commune's name wide, the other columns sharing the rest."""
    number, name = 12, 55
    other = (ANNEX_WIDTH_MM - number - name) / max(count - 2, 1)
    grid.autofit = False
    for i, column in enumerate(grid.columns):  # the grid's widths (LibreOffice reads these), then each cell's (Word)
        column.width = Mm(number if i == 0 else name if i == 1 else other)
    for row in grid.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Mm(number if i == 0 else name if i == 1 else other)


def _repeat_header(row) -> None:
    """The header row repeated on every page of a long annex (Word's "repeat as header row")."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _signature(doc, head: dict) -> None:
    """Decree 30, II.8–II.9: the recipients on the left, the signing authority on the right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(d30.HEADER_LEFT), Mm(d30.HEADER_RIGHT)
    recipients = [
        "- Như Điều 3;",
        "- Bộ Khoa học và Công nghệ (b/c);",
        f"- Thường trực HĐND {head['unit_phrase']} (b/c);",
        f"- Chủ tịch, các Phó Chủ tịch UBND {head['unit_phrase']};",
        "- UBND các xã, phường;",
        "- Lưu: VT.",
    ]
    first = left.paragraphs[0]
    run = first.add_run("Nơi nhận:")
    run.font.name, run.font.size, run.bold, run.italic = d30.FONT, Pt(d30.RECIPIENTS_HEAD_PT), True, True
    for line in recipients:
        run = left.add_paragraph().add_run(line)
        run.font.name, run.font.size = d30.FONT, Pt(11)
    lines = [*head["authority_lines"]]
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(lines):
        paragraph = right.paragraphs[0] if i == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.name, run.font.size, run.bold = d30.FONT, Pt(d30.SIGNER_PT), True
    for _blank in range(4):  # room for the signature and the seal
        right.add_paragraph()
    if head.get("signer_name"):
        paragraph = right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(head["signer_name"])
        run.font.name, run.font.size, run.bold = d30.FONT, Pt(d30.SIGNER_PT), True


def ranking_docx(*, province: AdminUnit, index: IndexVersion, year: int, rows: list[RankRow],
                 pillars: list[Criterion]) -> bytes:  # fmt: skip
    """A draft decision of the province's People's Committee publishing the ranking, with the ranking as its annex."""
    summary = _("Về việc công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số của các xã, phường năm %(y)s") % {
        "y": year
    }
    head = doc_header(unit=province, type_code="QĐ", summary=summary, year_=year + 1, is_draft=True)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = d30.FONT, Pt(d30.BODY_PT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(d30.PAGE_WIDTH), Mm(d30.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(d30.MARGIN_TOP), Mm(d30.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(d30.MARGIN_LEFT), Mm(d30.MARGIN_RIGHT)
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(d30.HEADER_LEFT), Mm(d30.HEADER_RIGHT)
    left.text = "\n".join(head["issuer_lines"] + [head["number"]])
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" + head["place_date"]
    for cell in (left, right):
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.font.name, run.font.size, run.bold = d30.FONT, Pt(d30.ISSUER_PT), True
    _paragraph(doc, "QUYẾT ĐỊNH", size=d30.TYPE_PT, bold=True, center=True)
    for line in head["summary_lines"]:
        _paragraph(doc, line, size=d30.SUMMARY_PT, bold=True, center=True)
    _paragraph(doc, f"ỦY BAN NHÂN DÂN {head['unit_phrase'].upper()}", size=d30.SIGNER_PT, bold=True, center=True)
    _paragraph(doc, f"Căn cứ Quyết định số {index.decision_number} ngày {index.decision_date:%d/%m/%Y} của "
               f"{index.issuer} ban hành {index.title};")  # fmt: skip
    _paragraph(doc, "QUYẾT ĐỊNH:", bold=True, center=True)
    _paragraph(doc, f"Điều 1. Công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số năm {year} của "
               f"{len(rows)} xã, phường (Phụ lục kèm theo).")  # fmt: skip
    _paragraph(doc, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
    _paragraph(doc, f"Điều 3. Chánh Văn phòng Ủy ban nhân dân {head['unit_phrase']}, Giám đốc Sở Khoa học và Công "
               f"nghệ, Thủ trưởng các cơ quan, đơn vị có liên quan và Chủ tịch Ủy ban nhân dân các xã, phường chịu "
               f"trách nhiệm thi hành Quyết định này./.")  # fmt: skip
    _signature(doc, head)
    annex = doc.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(d30.PAGE_HEIGHT), Mm(d30.PAGE_WIDTH)
    _paragraph(doc, "Phụ lục", size=d30.APPENDIX_PT, bold=True, center=True)
    _paragraph(doc, f"KẾT QUẢ XẾP HẠNG MỨC ĐỘ CHUYỂN ĐỔI SỐ CỦA CÁC XÃ, PHƯỜNG NĂM {year}",
               size=d30.APPENDIX_PT, bold=True, center=True)  # fmt: skip
    _paragraph(doc, f"(Kèm theo {head['reference']})", size=d30.BODY_PT, italic=True, center=True)
    columns = _columns(pillars)
    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.font.name, run.font.size, run.bold = d30.FONT, Pt(d30.WIDE_TABLE_PT), True
    for n, row in enumerate(rows, start=1):
        for i, (cell, text) in enumerate(zip(grid.add_row().cells, _cells(n, row, pillars), strict=True)):
            cell.text = text
            # the commune's name and the completion read as text; numbers line up on the right
            if i not in (1, len(columns) - 1):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT if i else WD_ALIGN_PARAGRAPH.CENTER
            for run in cell.paragraphs[0].runs:
                run.font.name, run.font.size = d30.FONT, Pt(d30.WIDE_TABLE_PT)
    _widths(grid, len(columns))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def ranking_xlsx(*, province: AdminUnit, index: IndexVersion, year: int, rows: list[RankRow],
                 pillars: list[Criterion]) -> bytes:  # fmt: skip
    wb = Workbook()
    heading = _("Xếp hạng chuyển đổi số các xã, phường của %(p)s năm %(y)s") % {"p": province.name, "y": year}
    widths = [(_("STT"), 6, "0"), (_("Xã, phường"), 28, None)]
    widths += [(f"{p.name} ({_points(p.points)})", 14, "0.00") for p in pillars]
    widths += [(_("Tổng điểm"), 12, "0.00"), (_("Xếp hạng"), 10, "0"), (_("Tăng/giảm so với năm trước"), 14, "0.00"),
               (_("Hoàn thành chuyển đổi số"), 14, None)]  # fmt: skip
    sheet = Sheet(wb, _("Xếp hạng"), heading, widths, subtitle=str(index), first=True)
    for n, row in enumerate(rows, start=1):
        sheet.row([n, row.commune_name, *[row.pillars.get(p.code, 0.0) for p in pillars], row.total, row.rank,
                   row.change, _("Đạt") if row.completed else _("Chưa đạt")])  # fmt: skip
    sheet.close(_("Nguồn: xaso, bản đánh giá đã công bố theo %(i)s.") % {"i": index})
    return _save(wb)
