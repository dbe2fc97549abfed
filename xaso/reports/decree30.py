"""The layout rules of Decree 30/2020/NĐ-CP, Appendix I, Part I that xaso's documents follow.

One place for the figures the template builder uses; docs/decree30.md lists each with its clause.
Lengths are in millimetres, font sizes in points.
"""

from __future__ import annotations

FONT = "Times New Roman"  # I.4: Times New Roman, Unicode (TCVN 6909:2001), black

PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # I.1: A4
MARGIN_TOP, MARGIN_BOTTOM = 20, 20  # I.3: 20–25 mm
MARGIN_LEFT, MARGIN_RIGHT = 30, 15  # I.3: 30–35 mm, 15–20 mm
HEADER_DISTANCE = 10  # I.7: the page number sits inside the top margin
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm portrait
LANDSCAPE_TEXT_WIDTH = PAGE_HEIGHT - MARGIN_LEFT - MARGIN_RIGHT  # 252 mm (I.2: wide tables)

PAGE_NUMBER_PT = 14  # I.7: 13–14, upright, centred in the top margin, not on page 1
NATION_PT = 12  # II.1.a: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" capitals 12–13, bold
MOTTO_PT = 13  # II.1.b: "Độc lập - Tự do - Hạnh phúc" 13–14, bold, a rule as long as the line below it
SUPERIOR_PT = 12  # II.2: superior body capitals 12–13, upright
ISSUER_PT = 13  # II.2: issuing body capitals 12–13, bold, a rule of 1/3–1/2 of the line below it
NUMBER_PT = 13  # II.3: "Số: 30/KH-UBND", 13, upright
PLACE_DATE_PT = 14  # II.4: 13–14, italic
TYPE_PT = 14  # II.5.a: document type capitals 13–14, bold, centred
SUMMARY_PT = 14  # II.5.a: summary 13–14, bold, centred, a rule of 1/3–1/2 of the line below it
BODY_PT = 14  # II.6: body 13–14, justified
FIRST_LINE_INDENT = 10  # II.6: first-line indent 1–1.27 cm
PARAGRAPH_SPACING_PT = 6  # II.6: at least 6 pt between paragraphs
LINE_SPACING = 1.15  # II.6: from single to 1.5 lines
SIGNER_PT = 14  # II.7: authority and title capitals 13–14 bold; signer's name 13–14 bold
RECIPIENTS_HEAD_PT = 12  # II.9: "Nơi nhận:" 12, bold italic
RECIPIENTS_PT = 11  # II.9: the list 11, upright
APPENDIX_PT = 14  # III.1: "Phụ lục" 14 bold; its title capitals 12–14 bold
TABLE_PT = 12  # tables inside the body (the decree leaves table text to the drafter)
WIDE_TABLE_PT = 10  # the landscape appendix tables (15 columns of seed 001 Appendix II)

# header block (II.1–II.4 and the position diagram of IV): left column for the issuing body and the number,
# right column for the national name, the motto and the place and date
HEADER_LEFT, HEADER_RIGHT = 65, 100
CELL_MARGIN = 1.9  # the borderless header and signature tables
TABLE_CELL_MARGIN = 1.2  # bordered tables: narrow columns (STT, amounts) fit their text
MOTTO_WIDTH = 56  # "Độc lập - Tự do - Hạnh phúc" at 13 pt bold (Liberation Serif = Times New Roman metrics)
ISSUER_RULE = 20  # under "ỦY BAN NHÂN DÂN" (43 mm at 13 pt bold): between 1/3 and 1/2 of it
SUMMARY_RULE = 40
