"""Build the Word templates of xaso's official documents (run once: `manage.py build_docx_templates`).

The look of every document lives in `templates_docx/*.docx`, which an official can open and edit in Word:
styles (Times New Roman, sizes, indents), page set-up (A4, margins, landscape appendices), the Decree 30
header and signature blocks, and the docxtpl (Jinja) tags where xaso puts the data. This script only
writes those files; generation (`render.py`) reads them and never lays anything out in code.

Rules and clause numbers: `decree30.py` and docs/decree30.md.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import decree30 as d30

TEMPLATES_DIR = Path(__file__).parent / "templates_docx"

LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY,
)  # fmt: skip

# name: (size, bold, italic, align, first-line indent mm, space before pt, space after pt, keep with next)
STYLES: dict[str, tuple] = {
    "D30 Body": (d30.BODY_PT, False, False, JUSTIFY, d30.FIRST_LINE_INDENT, 0, d30.PARAGRAPH_SPACING_PT, False),
    "D30 Heading 1": (d30.BODY_PT, True, False, JUSTIFY, d30.FIRST_LINE_INDENT, 6, 6, True),
    "D30 Heading 2": (d30.BODY_PT, True, False, JUSTIFY, d30.FIRST_LINE_INDENT, 3, 6, True),
    "D30 Heading 3": (d30.BODY_PT, True, True, JUSTIFY, d30.FIRST_LINE_INDENT, 0, 6, True),
    "D30 Part": (d30.BODY_PT, True, False, CENTER, 0, 6, 0, True),
    "D30 Superior": (d30.SUPERIOR_PT, False, False, CENTER, 0, 0, 0, False),
    "D30 Issuer": (d30.ISSUER_PT, True, False, CENTER, 0, 0, 0, False),
    "D30 Nation": (d30.NATION_PT, True, False, CENTER, 0, 0, 0, False),
    "D30 Motto": (d30.MOTTO_PT, True, False, CENTER, 0, 0, 0, False),
    "D30 Number": (d30.NUMBER_PT, False, False, CENTER, 0, 6, 0, False),
    "D30 Place Date": (d30.PLACE_DATE_PT, False, True, CENTER, 0, 6, 0, False),
    "D30 Draft": (d30.NUMBER_PT, True, False, LEFT, 0, 0, 6, False),
    "D30 Type": (d30.TYPE_PT, True, False, CENTER, 0, 18, 0, True),
    "D30 Summary": (d30.SUMMARY_PT, True, False, CENTER, 0, 0, 0, True),
    "D30 Recipients Head": (d30.RECIPIENTS_HEAD_PT, True, True, LEFT, 0, 6, 0, False),
    "D30 Recipients": (d30.RECIPIENTS_PT, False, False, LEFT, 0, 0, 0, False),
    "D30 Signer": (d30.SIGNER_PT, True, False, CENTER, 0, 0, 0, False),
    "D30 Signer Name": (d30.SIGNER_PT, True, False, CENTER, 0, 0, 0, False),
    "D30 Appendix": (d30.APPENDIX_PT, True, False, CENTER, 0, 0, 0, True),
    "D30 Appendix Title": (d30.APPENDIX_PT, True, False, CENTER, 0, 0, 0, True),
    "D30 Appendix Note": (d30.APPENDIX_PT, False, True, CENTER, 0, 0, 0, True),
    "D30 Unit Note": (d30.TABLE_PT, False, True, RIGHT, 0, 6, 3, True),
    "D30 Table Head": (d30.TABLE_PT, True, False, CENTER, 0, 2, 2, False),
    "D30 Table": (d30.TABLE_PT, False, False, LEFT, 0, 2, 2, False),
    "D30 Table Number": (d30.TABLE_PT, False, False, RIGHT, 0, 2, 2, False),
    "D30 Table Center": (d30.TABLE_PT, False, False, CENTER, 0, 2, 2, False),
    "D30 Table Group": (d30.TABLE_PT, True, False, LEFT, 0, 2, 2, True),
    "D30 Table Group Center": (d30.TABLE_PT, True, False, CENTER, 0, 2, 2, True),
    "D30 Wide Head": (d30.WIDE_TABLE_PT, True, False, CENTER, 0, 1, 1, False),
    "D30 Wide": (d30.WIDE_TABLE_PT, False, False, LEFT, 0, 1, 1, False),
    "D30 Wide Number": (d30.WIDE_TABLE_PT, False, False, RIGHT, 0, 1, 1, False),
    "D30 Wide Center": (d30.WIDE_TABLE_PT, False, False, CENTER, 0, 1, 1, False),
    "D30 Wide Group": (d30.WIDE_TABLE_PT, True, False, LEFT, 0, 1, 1, True),  # a group heading stays with its rows
    "D30 Wide Group Number": (d30.WIDE_TABLE_PT, True, False, RIGHT, 0, 1, 1, True),
    "D30 Wide Group Center": (d30.WIDE_TABLE_PT, True, False, CENTER, 0, 1, 1, True),
    "D30 Figure": (d30.BODY_PT, False, False, CENTER, 0, 6, 0, True),
    "D30 Caption": (d30.TABLE_PT, False, True, CENTER, 0, 0, 6, False),
    "D30 Page Number": (d30.PAGE_NUMBER_PT, False, False, CENTER, 0, 0, 0, False),
    "D30 Rule": (2, False, False, CENTER, 0, 0, 6, False),
}
OUTLINE = {"D30 Part": 0, "D30 Heading 1": 0, "D30 Heading 2": 1, "D30 Heading 3": 2}


def _fonts(rpr) -> None:
    """Name Times New Roman for every script (Latin, East Asian, complex), so Word never substitutes a theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), d30.FONT)


def _doc_defaults(document) -> None:
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    for tag, value in (("w:sz", str(d30.BODY_PT * 2)), ("w:szCs", str(d30.BODY_PT * 2))):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name = d30.FONT
    normal.font.size = Pt(d30.BODY_PT)
    _fonts(normal.element.get_or_add_rPr())


def _add_styles(document) -> None:
    for name, (size, bold, italic, align, indent, before, after, keep) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        font = style.font
        font.name, font.size, font.bold, font.italic = d30.FONT, Pt(size), bold, italic
        _fonts(style.element.get_or_add_rPr())
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Mm(indent) if indent else Mm(0)
        fmt.left_indent = fmt.right_indent = Mm(0)
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next = keep
        if name == "D30 Rule":
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(3)
            _bottom_border(style.element.get_or_add_pPr())
        elif name.startswith(("D30 Body", "D30 Heading")):
            fmt.line_spacing = d30.LINE_SPACING
        else:
            fmt.line_spacing = 1.0
        if name in OUTLINE:
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(OUTLINE[name]))
            style.element.get_or_add_pPr().append(level)


def _bottom_border(ppr) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page(section, *, landscape: bool = False, restart: bool = False) -> None:
    """A4 with the Decree 30 margins; no page number on a section's first page (different first page)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (
        (Mm(d30.PAGE_HEIGHT), Mm(d30.PAGE_WIDTH)) if landscape else (Mm(d30.PAGE_WIDTH), Mm(d30.PAGE_HEIGHT))
    )
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(d30.MARGIN_TOP), Mm(d30.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(d30.MARGIN_LEFT), Mm(d30.MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Mm(d30.HEADER_DISTANCE)
    section.gutter = Mm(0)
    section.different_first_page_header_footer = True
    if restart:  # III.1: an appendix is numbered on its own
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:start"), "1")
        section._sectPr.append(number_type)


def _page_number_header(section) -> None:
    """I.7: page number centred in the top margin from page 2; the first-page header stays empty."""
    paragraph = section.header.paragraphs[0]
    paragraph.style = "D30 Page Number"
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "2"
            run._r.append(t)
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = "D30 Page Number"


def _table(document_or_cell, rows: int, widths_mm: list[float], *, borders: bool, caption: str = ""):
    table = document_or_cell.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int((d30.TABLE_CELL_MARGIN if borders else d30.CELL_MARGIN) / 25.4 * 1440)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    tbl_borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            b.set(qn("w:sz"), "4")
            b.set(qn("w:color"), "000000")
        tbl_borders.append(b)
    tbl_pr.append(tbl_borders)
    if caption:  # the renderer finds the table by this alternative-text title (xaso:fit:...)
        cap = OxmlElement("w:tblCaption")
        cap.set(qn("w:val"), caption)
        tbl_pr.append(cap)
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    return table


def _cell(cell, lines: list[tuple[str, str]] | tuple[str, str]) -> None:
    """Fill a cell with (text, style) paragraphs."""
    if isinstance(lines, tuple):
        lines = [lines]
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.style = style
        if text:
            paragraph.add_run(text)


def _rule(paragraph_or_cell_para, width_mm: float, available_mm: float) -> None:
    side = max(0.0, (available_mm - width_mm) / 2)
    paragraph_or_cell_para.style = "D30 Rule"
    paragraph_or_cell_para.paragraph_format.left_indent = Mm(side)
    paragraph_or_cell_para.paragraph_format.right_indent = Mm(side)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def _cant_split(row) -> None:
    """A row stays on one page (Word moves it whole to the next page)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


class Builder:
    """A Decree 30 document under construction."""

    def __init__(self, title: str):
        self.doc = Document()
        self.doc.core_properties.title = title
        self.doc.core_properties.language = "vi-VN"
        self.doc.core_properties.author = "xaso"
        # fixed dates: rebuilding unchanged templates gives the same files
        self.doc.core_properties.created = self.doc.core_properties.modified = datetime(2026, 1, 1)
        self.doc.core_properties.revision = 1
        _doc_defaults(self.doc)
        _add_styles(self.doc)
        # the default template's first, empty paragraph
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)
        _page(self.doc.sections[0])
        _page_number_header(self.doc.sections[0])

    def p(self, text: str = "", style: str = "D30 Body"):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def tag(self, jinja: str):
        """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); removed at rendering."""
        return self.p("{%p " + jinja + " %}")

    def loop(self, header: str, body: str, style: str = "D30 Body"):
        self.tag(header)
        self.p(body, style)
        self.tag("endfor")

    def rule(self, width_mm: float, available_mm: float = d30.TEXT_WIDTH):
        _rule(self.p(), width_mm, available_mm)

    def header_block(self, type_code: str) -> None:
        """II.1–II.4 in the positions of IV: issuing body and number left, nation, motto, place and date right."""
        self.tag("if doc.is_draft")
        self.p("DỰ THẢO", "D30 Draft")
        self.tag("endif")
        table = _table(self.doc, 2, [d30.HEADER_LEFT, d30.HEADER_RIGHT], borders=False)
        left, right = table.rows[0].cells
        _cell(left, [("{%p if doc.superior %}", "D30 Superior"), ("{{ doc.superior }}", "D30 Superior"),
                     ("{%p endif %}", "D30 Superior"), ("{%p for line in doc.issuer_lines %}", "D30 Issuer"),
                     ("{{ line }}", "D30 Issuer"), ("{%p endfor %}", "D30 Issuer")])  # fmt: skip
        _rule(left.add_paragraph(), d30.ISSUER_RULE, d30.HEADER_LEFT - 2 * d30.CELL_MARGIN)
        _cell(
            right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "D30 Nation"), ("Độc lập - Tự do - Hạnh phúc", "D30 Motto")]
        )
        _rule(right.add_paragraph(), d30.MOTTO_WIDTH, d30.HEADER_RIGHT - 2 * d30.CELL_MARGIN)
        left, right = table.rows[1].cells
        _cell(left, ("Số: {{ doc.number }}", "D30 Number"))
        _cell(right, ("{{ doc.place_date }}", "D30 Place Date"))
        self.p(type_code, "D30 Type")
        self.loop("for line in doc.summary_lines", "{{ line }}", "D30 Summary")
        self.rule(d30.SUMMARY_RULE)

    def paragraphs(self, expr: str, style: str = "D30 Body") -> None:
        self.loop(f"for text in {expr}", "{{ text }}", style)

    def signature_block(self) -> None:
        """II.7 and II.9: recipients bottom left, authority, title and name bottom right."""
        table = _table(self.doc, 1, [75, d30.TEXT_WIDTH - 75], borders=False)
        left, right = table.rows[0].cells
        _cell(left, [("Nơi nhận:", "D30 Recipients Head"), ("{%p for r in doc.recipients %}", "D30 Recipients"),
                     ("{{ r }}", "D30 Recipients"), ("{%p endfor %}", "D30 Recipients")])  # fmt: skip
        _cell(right, [("{%p for line in doc.authority_lines %}", "D30 Signer"), ("{{ line }}", "D30 Signer"),
                      ("{%p endfor %}", "D30 Signer"), ("", "D30 Signer"), ("", "D30 Signer"), ("", "D30 Signer"),
                      ("", "D30 Signer"), ("{{ doc.signer_name }}", "D30 Signer Name")])  # fmt: skip

    def landscape_section(self) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True, restart=True)

    def appendix_title(self, number: str, title: str) -> None:
        """III.1: "Phụ lục" and its number, the title in capitals, what it is attached to."""
        self.p(f"Phụ lục {number}", "D30 Appendix")
        self.p(title, "D30 Appendix Title")
        self.p("(Kèm theo {{ doc.reference }})", "D30 Appendix Note")
        self.rule(d30.SUMMARY_RULE, d30.LANDSCAPE_TEXT_WIDTH)

    def figure(self, expr: str, caption: str) -> None:
        self.tag(f"if {expr}")
        self.p("{{ " + expr + " }}", "D30 Figure")
        self.p(caption, "D30 Caption")
        self.tag("endif")

    def save(self, name: str) -> Path:
        """Write the file with fixed zip timestamps, so that an unchanged template is byte for byte the same."""
        TEMPLATES_DIR.mkdir(exist_ok=True)
        path = TEMPLATES_DIR / name
        raw = BytesIO()
        self.doc.save(raw)
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(item.filename))
        return path


def _simple_table(b: Builder, widths: list[float], heads: list[str], loop: str, cells: list[str],
                  *, styles: list[str] | None = None, caption: str = "", group: str | None = None) -> None:  # fmt: skip
    """A bordered table: a header row, then one row per item of `loop` (optionally inside pillar groups)."""
    table = _table(b.doc, 1, widths, borders=True, caption=caption)
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell(cell, (text, "D30 Table Head"))
    _repeat_header(table.rows[0])

    def tag(text: str) -> None:
        _cell(table.add_row().cells[0], (text, "D30 Table"))

    if group:
        tag("{%tr for g in " + group + " %}")
        row = table.add_row()
        merged = row.cells[1].merge(row.cells[len(widths) - 1])
        _cell(row.cells[0], ("{{ g.roman }}", "D30 Table Group Center"))
        _cell(merged, ("{{ g.label }}", "D30 Table Group"))
    tag("{%tr for r in " + loop + " %}")
    row = table.add_row()
    for cell, text, style in zip(row.cells, cells, styles or ["D30 Table"] * len(cells), strict=True):
        _cell(cell, (text, style))
    tag("{%tr endfor %}")
    if group:
        tag("{%tr endfor %}")


# --- the plan (Kế hoạch, KH): seed 001 Part I, eight sections, Appendix I and II ------------------------------


def _task_table(b: Builder) -> None:
    """Seed 001 Appendix I: STT, "Nội dung" (the item, merged over its actions), then the columns of the "6 rõ" that
    have something to say (`documents.TASK_COLUMNS`); rows grouped pillar → area; widths from the content (the
    renderer sets them from `appendix1.widths`)."""
    table = _table(b.doc, 1, [10, 30, 1, 40, 1, 40, 1], borders=True, caption="xaso:cols:appendix1.widths")
    heads = ["STT", "{%tc if appendix1.has_item %}", "Nội dung", "{%tc endif %}", "{%tc for c in appendix1.columns %}",
             "{{ c }}", "{%tc endfor %}"]  # fmt: skip
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell(cell, (text, "D30 Wide Head"))
    _repeat_header(table.rows[0])

    def tag(text: str) -> None:
        _cell(table.add_row().cells[0], (text, "D30 Wide"))

    def group_row(number: str, label: str, style: str) -> None:
        row = table.add_row()
        merged = row.cells[1].merge(row.cells[len(row.cells) - 1])
        _cell(row.cells[0], (number, "D30 Wide Group Center"))
        _cell(merged, ("{% colspan appendix1.span %}" + label, style))
        _cant_split(row)

    tag("{%tr for g in appendix1.pillars %}")
    group_row("{{ g.roman }}", "{{ g.label }}", "D30 Wide Group")
    tag("{%tr for a in g.areas %}")
    tag("{%tr if a.label %}")
    group_row("{{ a.code }}", "{{ a.label }}", "D30 Wide Group")
    tag("{%tr endif %}")
    tag("{%tr for it in a.entries %}")
    tag("{%tr for r in it.rows %}")
    row = table.add_row()
    cells = [
        ("{{ r.number }}", "D30 Wide Center"),
        ("{%tc if appendix1.has_item %}", "D30 Wide"),
        ("{% vm %}{{ it.name }}", "D30 Wide"),
        ("{%tc endif %}", "D30 Wide"),
        ("{%tc for v in r.cells %}", "D30 Wide"),
        ("{{ v }}", "D30 Wide"),
        ("{%tc endfor %}", "D30 Wide"),
    ]
    for cell, content in zip(row.cells, cells, strict=True):
        _cell(cell, content)
    _cant_split(row)
    for _level in range(4):
        tag("{%tr endfor %}")


BUDGET_INVEST = ["Đầu tư nâng cấp hạ tầng, thiết bị", "Xã hội hóa", "Thuê dịch vụ"]
BUDGET_RUNNING = ["Bảo dưỡng, nâng cấp hạ tầng, thiết bị", "Thuê dịch vụ"]


def _budget_table(b: Builder, *, district: bool) -> None:
    """Seed 001 Appendix II: STT, content, initial investment (total; infrastructure, socialised, rented), yearly
    running cost (total; maintenance, rented), yearly allocation (total; one column per level of government that
    funds the plan: province, district before July 2025, commune; self-paid), notes; pillar group rows with their
    subtotals and a grand total."""
    levels = ["Tỉnh", *(["Huyện"] if district else []), "Xã", "Các đơn vị tự thanh toán"]
    amounts = 3 + len(BUDGET_INVEST) + len(BUDGET_RUNNING) + len(levels)
    content = d30.LANDSCAPE_TEXT_WIDTH - 11 - 20 - 15.5 * amounts
    table = _table(b.doc, 3, [11, content] + [15.5] * amounts + [20], borders=True, caption="xaso:budget")
    head = [r.cells for r in table.rows]
    last = amounts + 2  # the notes column
    for col, text in ((0, "STT"), (1, "Nội dung"), (last, "Ghi chú")):
        _cell(head[0][col], (text, "D30 Wide Head"))
        head[0][col].merge(head[2][col])
    col, leaves = 2, []
    for text, parts in (("Kinh phí đầu tư ban đầu", BUDGET_INVEST), ("Kinh phí duy trì hằng năm", BUDGET_RUNNING),
                        ("Kế hoạch phân bổ kinh phí hằng năm", levels)):  # fmt: skip
        first, end = col, col + len(parts)
        _cell(head[0][first], (text, "D30 Wide Head"))
        head[0][first].merge(head[0][end])
        _cell(head[1][first], ("Tổng", "D30 Wide Head"))
        head[1][first].merge(head[2][first])
        _cell(head[1][first + 1], ("Trong đó", "D30 Wide Head"))
        head[1][first + 1].merge(head[1][end])
        leaves += list(zip(range(first + 1, end + 1), parts, strict=True))
        col = end + 1
    for col, text in leaves:
        _cell(table.rows[2].cells[col], (text, "D30 Wide Head"))
    for row in table.rows:
        _repeat_header(row)

    def row(cells: list[tuple[str, str]]):
        r = table.add_row()
        for cell, content in zip(r.cells, cells, strict=False):
            _cell(cell, content)
        _cant_split(r)
        return r

    def tag(text):
        row([(text, "D30 Wide")])

    tag("{%tr for g in budget.groups %}")
    row([("{{ g.roman }}", "D30 Wide Group Center"), ("{{ g.label }}", "D30 Wide Group")]
        + [(f"{{{{ g.v[{i}] }}}}", "D30 Wide Group Number") for i in range(amounts)] + [("", "D30 Wide")])  # fmt: skip
    tag("{%tr for r in g.rows %}")
    row([("{{ r.number }}", "D30 Wide Center"), ("{{ r.item }}", "D30 Wide")]
        + [(f"{{{{ r.v[{i}] }}}}", "D30 Wide Number") for i in range(amounts)]
        + [("{{ r.notes }}", "D30 Wide")])  # fmt: skip
    tag("{%tr endfor %}")
    tag("{%tr endfor %}")
    row([("", "D30 Wide Group"), ("TỔNG CỘNG", "D30 Wide Group")]
        + [(f"{{{{ budget.total[{i}] }}}}", "D30 Wide Group Number") for i in range(amounts)]
        + [("", "D30 Wide")])  # fmt: skip


def _section(b: Builder, key: str, heading: str) -> None:
    """A numbered section heading printed only when the section has something to say (`plan.sec` numbers them)."""
    b.tag(f"if plan.sec.{key}")
    b.p("{{ plan.sec." + key + " }}. " + heading, "D30 Heading 1")


def build_plan() -> Path:
    b = Builder("Kế hoạch chuyển đổi số")
    b.header_block("KẾ HOẠCH")
    _section(b, "bases", "CĂN CỨ LẬP KẾ HOẠCH")
    b.paragraphs("plan.legal_bases")
    b.tag("endif")
    b.p("{{ plan.intro }}")
    _section(b, "goal", "MỤC TIÊU TỔNG QUÁT")
    b.paragraphs("plan.general_goal")
    b.tag("endif")
    _section(b, "targets", "MỤC TIÊU CỤ THỂ")
    b.tag("for g in plan.target_groups")
    b.p("{{ g.heading }}", "D30 Heading 2")
    # the horizon columns repeat ({%tc %}); the renderer sets their widths from the caption
    table = _table(b.doc, 1, [11, 58, 16, 20, 10, 40, 10], borders=True, caption="xaso:fit:165:11,58,16,20")
    heads = ["STT", "Chỉ tiêu", "Đơn vị tính", "Hiện trạng", "{%tc for h in plan.horizons %}", "{{ h }}",
             "{%tc endfor %}"]  # fmt: skip
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell(cell, (text, "D30 Table Head"))
    _repeat_header(table.rows[0])
    _cell(table.add_row().cells[0], ("{%tr for t in g.targets %}", "D30 Table"))
    cells = [("{{ t.number }}", "D30 Table Center"), ("{{ t.name }}", "D30 Table"),
             ("{{ t.unit }}", "D30 Table Center"), ("{{ t.baseline }}", "D30 Table Number"),
             ("{%tc for v in t.cells %}", "D30 Table"),
             ("{{ v }}", "D30 Table Number"), ("{%tc endfor %}", "D30 Table")]  # fmt: skip
    row = table.add_row()
    for cell, content in zip(row.cells, cells, strict=True):
        _cell(cell, content)
    _cant_split(row)
    _cell(table.add_row().cells[0], ("{%tr endfor %}", "D30 Table"))
    b.tag("endfor")
    b.tag("endif")
    _section(b, "tasks", "NỘI DUNG NHIỆM VỤ")
    b.tag("for g in plan.task_groups")
    b.p("{{ g.heading }}", "D30 Heading 2")
    b.paragraphs("g.tasks")
    b.tag("endfor")
    b.p("Danh mục nhiệm vụ chi tiết theo yêu cầu “6 rõ” tại Phụ lục {{ appendix1.number }} kèm theo Kế hoạch này.")
    b.tag("endif")
    _section(b, "roadmap", "LỘ TRÌNH THỰC HIỆN")
    b.paragraphs("plan.roadmap")
    b.tag("endif")
    _section(b, "budget", "KINH PHÍ THỰC HIỆN")
    b.paragraphs("plan.budget_text")
    b.paragraphs("plan.budget_summary")
    b.tag("if budget.number")
    b.p("Dự toán chi tiết các hạng mục tại Phụ lục {{ budget.number }} kèm theo Kế hoạch này.")
    b.tag("endif")
    b.tag("endif")
    _section(b, "responsibilities", "TỔ CHỨC THỰC HIỆN")
    b.tag("for r in plan.responsibilities")
    b.p("{{ r.heading }}", "D30 Heading 2")
    b.paragraphs("r.duties")
    b.tag("endfor")
    b.tag("endif")
    _section(b, "appendices", "DANH MỤC NHIỆM VỤ, DỰ ÁN")
    b.p("{{ plan.appendices_text }}")
    b.tag("endif")
    b.p(
        "Trên đây là Kế hoạch {{ plan.subject }}. Trong quá trình triển khai, nếu có khó khăn, vướng mắc, các cơ "
        "quan, đơn vị kịp thời báo cáo Ủy ban nhân dân {{ doc.unit_phrase }} để xem xét, chỉ đạo./."
    )
    b.signature_block()

    # Each appendix is a landscape section of its own, present only when it has rows. A section's page set-up sits in
    # the paragraph that ends it, so the break after Appendix I exists only when Appendix II follows; the renderer
    # folds a trailing empty section into the one before (a plan without either appendix).
    b.landscape_section()
    b.tag("if appendix1.number")
    b.appendix_title("{{ appendix1.number }}", "DANH MỤC NHIỆM VỤ, DỰ ÁN VÀ KẾ HOẠCH TRIỂN KHAI")
    _task_table(b)
    b.tag("if budget.number")
    b.landscape_section()
    b.tag("endif")
    b.tag("endif")
    b.tag("if budget.number")
    b.appendix_title("{{ budget.number }}", "BẢNG DỰ TOÁN KINH PHÍ CÁC HẠNG MỤC")
    b.p("Đơn vị tính: {{ budget.unit }}", "D30 Unit Note")
    b.tag("if budget.has_district")
    _budget_table(b, district=True)
    b.tag("else")
    _budget_table(b, district=False)
    b.tag("endif")
    b.tag("endif")
    return b.save("kh.docx")


# --- the periodic progress report (Báo cáo, BC) -------------------------------------------------------------

PROGRESS_WIDTHS = [12, 45, 13, 16, 33, 18, 28]  # 165 mm
PROGRESS_HEADS = ["STT", "Chỉ tiêu", "Đơn vị tính", "Xuất phát", "Kết quả {{ report.period_short }}", "Mục tiêu",
                  "Đánh giá"]  # fmt: skip
PROGRESS_CELLS = ["{{ r.number }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.baseline }}", "{{ r.current }}",
                  "{{ r.target }}", "{{ r.status }}"]  # fmt: skip
PROGRESS_STYLES = ["D30 Table Center", "D30 Table", "D30 Table Center", "D30 Table Number", "D30 Table Number",
                   "D30 Table Number", "D30 Table"]  # fmt: skip
TASK_REPORT_WIDTHS = [12, 61, 36, 24, 32]
TASK_REPORT_HEADS = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tiến độ, kết quả"]
TASK_REPORT_CELLS = ["{{ r.number }}", "{{ r.title }}", "{{ r.lead_unit }}", "{{ r.due }}", "{{ r.progress }}"]
TASK_REPORT_STYLES = ["D30 Table Center", "D30 Table", "D30 Table", "D30 Table Center", "D30 Table"]


def _task_list(b: Builder, heading: str, expr: str) -> None:
    b.p(heading, "D30 Heading 2")
    b.tag(f"if {expr}")
    _simple_table(
        b,
        TASK_REPORT_WIDTHS,
        TASK_REPORT_HEADS,
        expr,
        TASK_REPORT_CELLS,
        styles=TASK_REPORT_STYLES,
        caption="xaso:task-report",
    )
    b.tag("else")
    b.p("Không có.")
    b.tag("endif")


def build_progress_report() -> Path:
    b = Builder("Báo cáo kết quả thực hiện kế hoạch chuyển đổi số")
    b.header_block("BÁO CÁO")
    b.paragraphs("report.intro")
    b.p("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "D30 Heading 1")
    b.p("{{ report.target_summary }}")
    b.figure("charts.progress", "Biểu đồ 1. Số chỉ tiêu theo lĩnh vực và tình trạng thực hiện")
    _simple_table(b, PROGRESS_WIDTHS, PROGRESS_HEADS, "g.rows", PROGRESS_CELLS, styles=PROGRESS_STYLES,
                  group="report.target_groups", caption="xaso:progress")  # fmt: skip
    b.figure("charts.trend", "Biểu đồ 2. Diễn biến một số chỉ tiêu chủ yếu")
    b.p("II. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "D30 Heading 1")
    b.p("{{ report.task_summary }}")
    _task_list(b, "1. Nhiệm vụ đã hoàn thành", "report.tasks_done")
    _task_list(b, "2. Nhiệm vụ chậm tiến độ", "report.tasks_late")
    _task_list(b, "3. Nhiệm vụ đang thực hiện, chưa đến hạn", "report.tasks_in_progress")
    b.p("III. KHÓ KHĂN, VƯỚNG MẮC", "D30 Heading 1")
    b.paragraphs("report.difficulties")
    b.p("IV. ĐỀ XUẤT, KIẾN NGHỊ", "D30 Heading 1")
    b.paragraphs("report.proposals")
    b.p("V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "D30 Heading 1")
    b.paragraphs("report.next_tasks")
    b.p(
        "Trên đây là báo cáo kết quả thực hiện kế hoạch chuyển đổi số {{ report.phrase }} của Ủy ban nhân dân "
        "{{ doc.unit_phrase }}./."
    )
    b.signature_block()
    return b.save("bc.docx")


# --- the year-end evaluation (seed 003 Part 1) followed by the next year's plan -------------------------------


def build_evaluation() -> Path:
    b = Builder("Báo cáo đánh giá kết quả chuyển đổi số cuối năm")
    b.header_block("BÁO CÁO")
    b.paragraphs("ev.intro")
    b.p("Phần 1", "D30 Part")
    b.p("ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM {{ ev.year }}", "D30 Part")
    b.p("I. TÌNH HÌNH THỰC HIỆN MỤC TIÊU ĐỀ RA NĂM {{ ev.year }}", "D30 Heading 1")
    b.paragraphs("ev.overview")
    b.tag("for g in ev.pillars")
    b.p("{{ g.heading }}", "D30 Heading 2")
    b.paragraphs("g.sentences")
    b.tag("endfor")
    b.figure("charts.progress", "Biểu đồ 1. Số chỉ tiêu theo lĩnh vực và tình trạng thực hiện")
    # a section with nothing to say (a plan without tasks) is left out and the numbering stays continuous (ev.sec)
    b.tag("if ev.task_groups")
    b.p("{{ ev.sec.tasks }}. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ NĂM {{ ev.year }}", "D30 Heading 1")
    b.tag("for g in ev.task_groups")
    b.p("{{ g.heading }}", "D30 Heading 2")
    b.paragraphs("g.lines")
    b.tag("endfor")
    b.tag("endif")
    b.p("{{ ev.sec.shortfalls }}. TỒN TẠI, HẠN CHẾ", "D30 Heading 1")
    b.paragraphs("ev.shortfalls")
    b.p("Phần 2", "D30 Part")
    b.p("KẾ HOẠCH NĂM {{ ev.next_year }}", "D30 Part")
    b.paragraphs("ev.next_intro")
    b.tag("if ev.next_targets")
    b.p("{{ ev.sec.next_targets }}. MỤC TIÊU", "D30 Heading 1")
    b.tag("for g in ev.next_targets")
    b.p("{{ g.heading }}", "D30 Heading 2")
    b.paragraphs("g.lines")
    b.tag("endfor")
    b.tag("endif")
    b.tag("if ev.next_tasks")
    b.p("{{ ev.sec.next_tasks }}. NHIỆM VỤ", "D30 Heading 1")
    b.tag("for g in ev.next_tasks")
    b.p("{{ g.heading }}", "D30 Heading 2")
    b.paragraphs("g.lines")
    b.tag("endfor")
    b.tag("endif")
    b.p(
        "Trên đây là báo cáo kết quả thực hiện chuyển đổi số năm {{ ev.year }} và kế hoạch năm {{ ev.next_year }} "
        "của Ủy ban nhân dân {{ doc.unit_phrase }}./."
    )
    b.signature_block()
    return b.save("bc_tong_ket.docx")


# --- the steering committee's periodic review (Báo cáo sơ kết / tổng kết of the Ban Chỉ đạo, xaso.steering) ------

REVIEW_TARGET_WIDTHS = [12, 63, 26, 30, 34]  # 165 mm
REVIEW_TARGET_HEADS = ["STT", "Chỉ tiêu", "Mục tiêu", "Hiện đạt", "Tình trạng"]
REVIEW_TARGET_CELLS = ["{{ r.number }}", "{{ r.indicator }}", "{{ r.target }}", "{{ r.latest }}", "{{ r.status }}"]
REVIEW_TARGET_STYLES = ["D30 Table Center", "D30 Table", "D30 Table Number", "D30 Table Number", "D30 Table"]
REVIEW_TASK_WIDTHS = [12, 65, 38, 25, 25]
REVIEW_TASK_HEADS = ["STT", "Nhiệm vụ", "Người chịu trách nhiệm", "Hạn", "Quá hạn (ngày)"]
REVIEW_TASK_CELLS = ["{{ r.number }}", "{{ r.title }}", "{{ r.person }}", "{{ r.due }}", "{{ r.days_late }}"]
REVIEW_TASK_STYLES = ["D30 Table Center", "D30 Table", "D30 Table", "D30 Table Center", "D30 Table Number"]
FOLLOW_UP_WIDTHS = [13, 37, 24, 24, 25, 21, 21]  # a date (30/11/2026) and "STT" on one line
FOLLOW_UP_HEADS = ["STT", "Nội dung nhiệm vụ", "Người chịu trách nhiệm", "Đơn vị chủ trì", "Thời hạn",
                   "Sản phẩm", "Thẩm quyền"]  # fmt: skip
FOLLOW_UP_CELLS = ["{{ r.number }}", "{{ r.title }}", "{{ r.person }}", "{{ r.lead_unit }}", "{{ r.time }}",
                   "{{ r.deliverable }}", "{{ r.approver }}"]  # fmt: skip
FOLLOW_UP_STYLES = ["D30 Table Center", "D30 Table", "D30 Table", "D30 Table", "D30 Table Center", "D30 Table",
                    "D30 Table"]  # fmt: skip


def build_steering_review() -> Path:
    """Sections without content are left out and the numbering stays continuous (`rv.sec`, `rv.sub`)."""
    b = Builder("Báo cáo sơ kết, tổng kết của Ban Chỉ đạo chuyển đổi số")
    b.header_block("BÁO CÁO")
    b.paragraphs("rv.intro")
    b.p("{{ rv.sec.results }}. KẾT QUẢ THỰC HIỆN {{ rv.period_upper }}", "D30 Heading 1")
    b.paragraphs("rv.overview")
    b.tag("if rv.targets")
    b.p("{{ rv.sub.targets }}. Các chỉ tiêu chậm tiến độ, có nguy cơ chậm", "D30 Heading 2")
    _simple_table(b, REVIEW_TARGET_WIDTHS, REVIEW_TARGET_HEADS, "rv.targets", REVIEW_TARGET_CELLS,
                  styles=REVIEW_TARGET_STYLES, caption="xaso:review-targets")  # fmt: skip
    b.tag("endif")
    b.tag("if rv.overdue")
    b.p("{{ rv.sub.overdue }}. Các nhiệm vụ quá hạn", "D30 Heading 2")
    _simple_table(b, REVIEW_TASK_WIDTHS, REVIEW_TASK_HEADS, "rv.overdue", REVIEW_TASK_CELLS,
                  styles=REVIEW_TASK_STYLES, caption="xaso:review-overdue")  # fmt: skip
    b.tag("endif")
    b.tag("if rv.gaps")
    b.p("{{ rv.sub.gaps }}. Các chỉ tiêu chưa có số liệu để đánh giá", "D30 Heading 2")
    b.paragraphs("rv.gaps")
    b.tag("endif")
    b.p("{{ rv.sec.conclusions }}. KẾT LUẬN CỦA BAN CHỈ ĐẠO", "D30 Heading 1")
    b.paragraphs("rv.conclusions")
    b.tag("if rv.follow_ups")
    b.p("{{ rv.sec.follow_ups }}. NHIỆM VỤ GIAO", "D30 Heading 1")
    b.p("{{ rv.follow_up_intro }}")
    _simple_table(b, FOLLOW_UP_WIDTHS, FOLLOW_UP_HEADS, "rv.follow_ups", FOLLOW_UP_CELLS, styles=FOLLOW_UP_STYLES,
                  caption="xaso:review-follow-ups")  # fmt: skip
    b.tag("endif")
    b.p("{{ rv.closing }}")
    b.signature_block()
    return b.save("bc_ban_chi_dao.docx")


def build_all() -> list[Path]:
    return [build_plan(), build_progress_report(), build_evaluation(), build_steering_review()]
