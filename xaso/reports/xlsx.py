"""Spreadsheets (openpyxl): every table of a plan, indicator values by unit and period, the province summary.

Cells hold numbers and dates (so officials can sum and sort), never numbers as text. Number formats carry the
Vietnamese locale tag `[$-42A]`, so LibreOffice shows them as 1.384 and 70,6% whatever the computer's language;
Excel takes the separators from the computer's regional settings (Vietnamese: 1.384 and 70,6%). Each sheet has a
title, a bold header row that repeats and stays frozen, a filter, widths that fit, and the source and date below.
Every text cell goes through `xaso.core.spreadsheet` (a title such as "=HYPERLINK(…)" stays literal text).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xaso.core.db_router import using_replica
from xaso.core.formatting import format_date
from xaso.core.models import periods_ensure
from xaso.core.periods import quarter
from xaso.core.periods import year as year_spec
from xaso.core.spreadsheet import workbook_neutralise, xlsx_row
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Indicator
from xaso.indicators.selectors import indicator_values, indicators_active
from xaso.plans.models import Plan, Task, TaskStatus
from xaso.plans.selectors import task_is_overdue

from . import documents
from .selectors import AREA_ORDER, PlanData, ProgressData, TargetRow

PLAN_TABLES = ("targets", "tasks", "budget", "values")
VI = "[$-42A]"
INTEGER = VI + "#,##0"
DECIMAL = VI + "#,##0.0"
PERCENT = VI + "0.0%"
DATE = "dd/mm/yyyy"
FONT = "Times New Roman"
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class Sheet:
    """A sheet with a title, a header row and typed columns: (header, width, number format or None)."""

    def __init__(self, wb: Workbook, title: str, heading: str, columns: list[tuple[str, int, str | None]],
                 subtitle: str = "", first: bool = False):  # fmt: skip
        self.ws = wb.active if first else wb.create_sheet()
        self.ws.title = title[:31]
        self.columns = columns
        self.ws.append(xlsx_row(self.ws, [heading]))
        self.ws["A1"].font = Font(name=FONT, bold=True, size=13)
        self.ws.append(xlsx_row(self.ws, [subtitle]))
        self.ws["A2"].font = Font(name=FONT, italic=True, size=11)
        self.ws.append(xlsx_row(self.ws, [c[0] for c in columns]))
        self.header_row = 3
        for i, (_h, width, _fmt) in enumerate(columns, start=1):
            cell = self.ws.cell(row=3, column=i)
            cell.font = Font(name=FONT, bold=True, size=11)
            cell.fill, cell.border = HEAD_FILL, BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.row_dimensions[3].height = 45
        self.ws.freeze_panes = "A4"
        self.ws.print_title_rows = "3:3"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def row(self, values: list, *, bold: bool = False, group: bool = False) -> None:
        self.ws.append(xlsx_row(self.ws, values))
        r = self.ws.max_row
        for i, (_h, _w, fmt) in enumerate(self.columns, start=1):
            cell = self.ws.cell(row=r, column=i)
            cell.font = Font(name=FONT, size=11, bold=bold or group)
            cell.border = BORDER
            if group:
                cell.fill = GROUP_FILL
            if fmt and isinstance(cell.value, int | float | date):
                cell.number_format = fmt
                cell.alignment = Alignment(vertical="top", horizontal="right" if fmt != DATE else "center")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)

    def close(self, source: str) -> None:
        last = self.ws.max_row
        if last > self.header_row:
            self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(len(self.columns))}{last}"
        self.ws.append([])
        self.ws.append(xlsx_row(self.ws, [source]))
        self.ws.cell(row=self.ws.max_row, column=1).font = Font(name=FONT, italic=True, size=10)


def _save(wb: Workbook) -> bytes:
    workbook_neutralise(wb)  # every text cell went through xlsx_row; this catches any written another way
    out = BytesIO()
    wb.properties.creator = "xaso"
    wb.properties.language = "vi-VN"
    wb.save(out)
    return out.getvalue()


def _source(plan: Plan | None = None, unit: AdminUnit | None = None) -> str:
    what = f"{plan.title}" if plan else (unit.name if unit else "")
    return f"Nguồn: xaso — {what}; trích xuất ngày {format_date(date.today())}."


def number(ind: Indicator, value: float | None):
    """A cell value: a share as a fraction (shown 70,6% by the PERCENT format), a count as it is."""
    if value is None:
        return None
    return value / 100 if ind.is_percent else value


def number_format(ind: Indicator) -> str:
    if ind.is_percent:
        return PERCENT
    return INTEGER if ind.decimals == 0 else DECIMAL


def _area(code: str) -> str:
    return documents.area_label(code)


# --- targets --------------------------------------------------------------------------------------------------------


TARGET_COLUMNS = [
    ("STT", 6, None), ("Lĩnh vực", 18, None), ("Chỉ tiêu", 48, None), ("Mã chỉ số", 22, None),
    ("Đơn vị tính", 10, None), ("Mục tiêu", 12, None), ("Giá trị mục tiêu", 12, None), ("Mốc (năm)", 9, None),
    ("Xuất phát", 12, None), ("Kết quả hiện tại", 12, None), ("Kỳ số liệu", 10, None), ("Trạng thái", 16, None),
    ("Tiến độ", 10, PERCENT),
]  # fmt: skip


def _target_cells(n: int, r: TargetRow) -> list:
    t, ind = r.target, r.target.indicator
    return [n, _area(ind.area), ind.name, ind.code, ind.unit_label, documents.target_text(t), number(ind, t.value),
            t.horizon_year, number(ind, t.baseline_value), number(ind, r.current),
            r.value.period.code if r.value else "", r.status.label, r.status.progress]  # fmt: skip


def _format_value_cells(sheet: Sheet, rows: list[TargetRow], first_row: int, cols: tuple[int, ...]) -> None:
    for i, r in enumerate(rows):
        for col in cols:
            cell = sheet.ws.cell(row=first_row + i, column=col)
            if isinstance(cell.value, int | float):
                cell.number_format = number_format(r.target.indicator)
                cell.alignment = Alignment(vertical="top", horizontal="right")


def targets_workbook(plan: Plan, rows: list[TargetRow]) -> bytes:
    wb = Workbook()
    sheet = Sheet(wb, "Chỉ tiêu", f"Chỉ tiêu — {plan.title}", TARGET_COLUMNS, plan.unit.name, first=True)
    for n, r in enumerate(rows, start=1):
        sheet.row(_target_cells(n, r))
    _format_value_cells(sheet, rows, sheet.header_row + 1, (7, 9, 10))
    sheet.close(_source(plan))
    return _save(wb)


# --- tasks ---------------------------------------------------------------------------------------------------------


TASK_COLUMNS = [
    ("STT", 6, None), ("Lĩnh vực", 16, None), ("Nội dung nhiệm vụ (rõ việc)", 44, None),
    ("Người chịu trách nhiệm (rõ người)", 20, None), ("Đơn vị chủ trì (rõ trách nhiệm)", 24, None),
    ("Đơn vị phối hợp", 24, None), ("Thời gian (rõ thời gian)", 22, None), ("Hạn hoàn thành", 12, DATE),
    ("Sản phẩm (rõ sản phẩm)", 28, None), ("Thẩm quyền (rõ thẩm quyền)", 20, None),
    ("Cách thức tổ chức thực hiện", 28, None), ("Hiệu quả mang lại", 24, None), ("Trạng thái", 14, None),
    ("Hoàn thành", 10, PERCENT), ("Cập nhật gần nhất", 12, DATE), ("Quá hạn", 8, None),
]  # fmt: skip


def tasks_workbook(plan: Plan, tasks: list[Task], *, today: date) -> bytes:
    wb = Workbook()
    sheet = Sheet(wb, "Nhiệm vụ", f"Nhiệm vụ — {plan.title}", TASK_COLUMNS, plan.unit.name, first=True)
    for n, t in enumerate(tasks, start=1):
        updates = list(t.updates.all())
        last = updates[-1] if updates else None
        done = 1.0 if t.status == TaskStatus.DONE else (last.percent_done / 100 if last else 0.0)
        sheet.row([n, _area(t.area), t.title, t.person, t.lead_unit, t.coordinating_units, documents.timeframe_text(t),
                   t.due_date, t.deliverable, t.approver, t.method, t.expected_effect, t.get_status_display(), done,
                   last.on if last else None, "Có" if task_is_overdue(t, today=today) else ""])  # fmt: skip
    sheet.close(_source(plan))
    return _save(wb)


# --- budget (seed 001 Appendix II) ---------------------------------------------------------------------------------


def budget_workbook(plan: Plan, data: PlanData) -> bytes:
    """The 15 columns of seed 001 Appendix II with its two header levels, in đồng; group and grand totals."""
    wb = Workbook()
    leaves = ["Tổng", "Đầu tư nâng cấp hạ tầng, thiết bị", "Xã hội hóa", "Thuê dịch vụ", "Tổng",
              "Bảo dưỡng, nâng cấp hạ tầng, thiết bị", "Thuê dịch vụ", "Tổng", "Tỉnh", "Huyện", "Xã",
              "Các đơn vị tự thanh toán"]  # fmt: skip
    columns = [("STT", 6, None), ("Nội dung", 40, None)] + [(h, 14, INTEGER) for h in leaves] + [("Ghi chú", 24, None)]
    sheet = Sheet(wb, "Kinh phí", f"Bảng dự toán kinh phí — {plan.title}", columns,
                  f"{plan.unit.name} — đơn vị tính: đồng", first=True)  # fmt: skip
    ws = sheet.ws
    ws.insert_rows(3)  # a first header level above the leaves
    for first, last, text in ((3, 6, "Kinh phí đầu tư ban đầu"), (7, 9, "Kinh phí duy trì hằng năm"),
                              (10, 14, "Kế hoạch phân bổ kinh phí hằng năm")):  # fmt: skip
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
        cell = ws.cell(row=3, column=first, value=text)
        cell.font, cell.fill = Font(name=FONT, bold=True, size=11), HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col in (1, 2, 15):
        ws.cell(row=3, column=col, value=ws.cell(row=4, column=col).value)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        ws.cell(row=3, column=col).font = Font(name=FONT, bold=True, size=11)
        ws.cell(row=3, column=col).fill = HEAD_FILL
        ws.cell(row=3, column=col).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col in range(1, 16):
        ws.cell(row=3, column=col).border = BORDER
    sheet.header_row = 4
    ws.freeze_panes = "C5"
    ws.print_title_rows = "3:4"
    for i, (area, lines) in enumerate(documents._grouped(data.budget_lines, lambda line: line.area)):
        totals = data.totals.by_area[area]
        sheet.row([documents.ROMAN[i], documents._budget_label(area)] + [totals[c] for c in documents.BUDGET_ORDER]
                  + [""], group=True)  # fmt: skip
        for n, line in enumerate(lines, start=1):
            sheet.row([n, line.item] + [getattr(line, c) for c in documents.BUDGET_ORDER] + [line.notes])
    sheet.row(["", "TỔNG CỘNG"] + [data.totals.total[c] for c in documents.BUDGET_ORDER] + [""], bold=True)
    sheet.close(_source(plan))
    return _save(wb)


# --- indicator values by unit and period ----------------------------------------------------------------------------


VALUE_COLUMNS = [
    ("Mã đơn vị", 12, None), ("Đơn vị", 26, None), ("Kỳ", 10, None), ("Lĩnh vực", 16, None), ("Chỉ số", 44, None),
    ("Mã chỉ số", 24, None), ("Đơn vị tính", 10, None), ("Giá trị", 12, None), ("Tử số", 12, INTEGER),
    ("Mẫu số", 12, INTEGER), ("Tỷ lệ nêu trong văn bản", 12, None),
]  # fmt: skip


def _value_rows(sheet: Sheet, table, units, indicators, periods) -> None:
    ratios = {ind.id: documents.ratio_parts(ind) for ind in indicators}
    for unit in units:
        for period in periods:
            for ind in indicators:
                cell = table.get((unit.id, ind.id, period.id))
                if cell is None or cell.value is None:
                    continue
                parts = ratios[ind.id]
                num = cell.inputs.get(parts[0]) if parts else None
                den = cell.inputs.get(parts[1]) if parts else None
                sheet.row([unit.code, unit.name, period.code, _area(ind.area), ind.name, ind.code, ind.unit_label,
                           number(ind, cell.value), num, den, number(ind, cell.stated)])  # fmt: skip
                r = sheet.ws.max_row
                for col in (8, 11):
                    if sheet.ws.cell(row=r, column=col).value is not None:
                        sheet.ws.cell(row=r, column=col).number_format = number_format(ind)


def values_workbook(*, user, plan: Plan) -> bytes:
    """The plan's indicators for the commune and each of its villages, by year and quarter of the plan (and the
    year before it, the baseline)."""
    units = [plan.unit, *AdminUnit.objects.filter(parent=plan.unit, level=Level.VILLAGE).order_by("name")]
    indicators = list({t.indicator_id: t.indicator for t in plan.targets.select_related("indicator")}.values())
    indicators.sort(key=lambda i: (AREA_ORDER.get(i.area, 99), i.sort_order, i.code))
    specs = []
    for y in range(plan.year_from - 1, plan.year_to + 1):
        specs += [year_spec(y)] + [quarter(y, q) for q in range(1, 5)]
    by_code = periods_ensure(specs)
    periods = [by_code[s.code] for s in specs]
    table = indicator_values(user=user, indicators=indicators, units=units, periods=periods) if indicators else {}
    wb = Workbook()
    sheet = Sheet(wb, "Số liệu", f"Số liệu chỉ tiêu theo đơn vị và kỳ — {plan.unit.name}", VALUE_COLUMNS,
                  plan.title, first=True)  # fmt: skip
    _value_rows(sheet, table, units, indicators, periods)
    sheet.close(_source(plan))
    return _save(wb)


# --- province summary (background job) -------------------------------------------------------------------------------


SUMMARY_COLUMNS = [
    ("STT", 6, None), ("Mã xã", 10, None), ("Xã", 26, None), ("Kế hoạch", 40, None), ("Số, ký hiệu", 14, None),
    ("Số chỉ tiêu", 10, INTEGER), ("Đã đạt", 9, INTEGER), ("Đúng tiến độ", 9, INTEGER), ("Có nguy cơ chậm", 9, INTEGER),
    ("Chậm tiến độ", 9, INTEGER), ("Chưa có số liệu", 9, INTEGER), ("Tỷ lệ đạt", 10, PERCENT),
    ("Nhiệm vụ đã hoàn thành", 11, INTEGER), ("Nhiệm vụ chậm", 10, INTEGER), ("Nhiệm vụ đang thực hiện", 11, INTEGER),
]  # fmt: skip


def province_workbook(
    *, user, unit: AdminUnit, year: int, rows: list[tuple[AdminUnit, Plan | None, ProgressData | None]]
) -> bytes:  # noqa: E501
    wb = Workbook()
    summary = Sheet(wb, "Tổng hợp", f"Tổng hợp chuyển đổi số các xã — {unit.name} — năm {year}", SUMMARY_COLUMNS,
                    f"{len(rows)} xã", first=True)  # fmt: skip
    targets = Sheet(wb, "Chỉ tiêu", f"Chỉ tiêu của các xã — năm {year}",
                    [("Mã xã", 10, None), ("Xã", 24, None)] + TARGET_COLUMNS[1:])  # fmt: skip
    for n, (commune, plan, data) in enumerate(rows, start=1):
        if data is None:
            summary.row([n, commune.code, commune.name, "Chưa có kế hoạch", "", 0, 0, 0, 0, 0, 0, None, 0, 0, 0])
            continue
        codes = [r.status.code for r in data.rows]
        count = {c: codes.count(c) for c in ("achieved", "on_track", "at_risk", "off_track", "no_data")}
        share = count["achieved"] / len(codes) if codes else None
        summary.row([n, commune.code, commune.name, plan.title, plan.number, len(codes), count["achieved"],
                     count["on_track"], count["at_risk"], count["off_track"], count["no_data"], share, len(data.done),
                     len(data.late), len(data.in_progress)])  # fmt: skip
        first = targets.ws.max_row + 1
        for i, r in enumerate(data.rows, start=1):
            targets.row([commune.code, commune.name] + _target_cells(i, r)[1:])
        _format_value_cells(targets, data.rows, first, (8, 10, 11))
    summary.close(_source(unit=unit))
    targets.close(_source(unit=unit))
    communes = [c for c, _p, _d in rows]
    indicators = list(indicators_active())
    spec = periods_ensure([year_spec(year)])[str(year)]
    with using_replica():  # read-only analytics: a replica when one is fresh (xaso.core.db_router)
        table = indicator_values(user=user, indicators=indicators, units=communes, periods=[spec]) if communes else {}
    values = Sheet(wb, "Số liệu", f"Số liệu chỉ tiêu theo xã — năm {year}", VALUE_COLUMNS)
    _value_rows(values, table, communes, indicators, [spec])
    values.close(_source(unit=unit))
    return _save(wb)
