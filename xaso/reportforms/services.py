"""Writes of report forms: create one from a sample report, save its mapping (cell → data element), and import a
filled report as figures through `values_write` (ChangeSource.IMPORT, all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_commune
from xaso.core.periods import PeriodError, PeriodSpec
from xaso.geo.models import AdminUnit
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.models import ChangeSource, DataElement
from xaso.indicators.services import ValueInput, WriteResult, values_write

from . import workbook
from .models import ReportForm, ReportFormCell

MAX_CELLS = workbook.MAX_CANDIDATES


def _require_writer(user, unit: AdminUnit) -> None:
    if not can_write_commune(user, unit):
        raise PermissionDenied(_("Bạn không có quyền quản lý mẫu báo cáo của %(u)s.") % {"u": unit.name})


def where(sheet: str, cell: str) -> str:
    return _("Trang “%(s)s”, ô %(c)s") % {"s": sheet, "c": cell}


@transaction.atomic
def report_form_create(*, user, unit: AdminUnit, name: str, period_type: str, data: bytes,
                       filename: str) -> ReportForm:  # fmt: skip
    """A new form from a sample report: its numeric cells (with their labels) become the candidates to map."""
    _require_writer(user, unit)
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Nhập tên mẫu báo cáo.")
    elif len(name) > 200:
        errors["name"] = _("Tên dài quá 200 ký tự.")
    elif ReportForm.objects.filter(unit=unit, name=name).exists():
        errors["name"] = _("Xã đã có mẫu báo cáo tên “%(n)s”.") % {"n": name}
    if period_type not in ("month", "quarter", "year"):
        errors["period_type"] = _("Chọn kỳ báo cáo: tháng, quý hoặc năm.")
    if errors:
        raise ValidationError(errors)
    sheets = workbook.read_workbook(data, filename)
    cells = workbook.candidates(sheets)
    if not cells:
        raise ValidationError({"file": _("Tệp mẫu không có ô số nào: tải lên một báo cáo đã điền số liệu.")})
    return ReportForm.objects.create(
        unit=unit, name=name, period_type=period_type, sample_name=filename[:255],
        candidates={"cells": cells, "periods": workbook.period_candidates(sheets)}, created_by=user,
    )  # fmt: skip


def _offered(form: ReportForm, sheet: str, cell: str) -> dict:
    for candidate in form.candidates.get("cells", []):
        if candidate["sheet"] == sheet and candidate["cell"] == cell:
            return candidate
    raise ValidationError({"cell": _("%(w)s không phải ô số của tệp mẫu.") % {"w": where(sheet, cell)}})


@transaction.atomic
def report_form_cell_add(*, user, form: ReportForm, sheet: str, cell: str, element_code: str) -> ReportFormCell:
    """Map one cell of the sample to a data element of the form's period type; each cell and each element once."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    _require_writer(user, form.unit)
    candidate = _offered(form, sheet, cell)
    place = where(sheet, cell)
    element = DataElement.objects.filter(code=(element_code or "").strip()).first()
    if element is None:
        raise ValidationError({"element": _("Chọn chỉ tiêu dữ liệu cho %(w)s.") % {"w": place}})
    if element.period_type != form.period_type:
        raise ValidationError({"element": _("Chỉ tiêu “%(e)s” thu thập theo %(t)s, mẫu báo cáo theo %(f)s.")
                               % {"e": element.name, "t": element.get_period_type_display().lower(),
                                  "f": form.get_period_type_display().lower()}})  # fmt: skip
    taken = form.cells.filter(sheet=sheet, cell=cell).select_related("data_element").first()
    if taken is not None:
        raise ValidationError({"cell": _("%(w)s đã gắn với “%(e)s”.") % {"w": place, "e": taken.data_element.name}})
    twin = form.cells.filter(data_element=element).first()
    if twin is not None:
        raise ValidationError({"element": _("Chỉ tiêu “%(e)s” đã gắn với %(o)s.")
                               % {"e": element.name, "o": where(twin.sheet, twin.cell)}})  # fmt: skip
    if form.cells.count() >= MAX_CELLS:
        raise ValidationError(_("Tối đa %(n)s ô.") % {"n": MAX_CELLS})
    return ReportFormCell.objects.create(form=form, sheet=sheet, cell=cell, data_element=element,
                                         label=candidate["label"][:300])  # fmt: skip


@transaction.atomic
def report_form_cell_remove(*, user, mapped: ReportFormCell) -> None:
    mapped = ReportFormCell.objects.select_related("form__unit").get(pk=mapped.pk)
    _require_writer(user, mapped.form.unit)
    mapped.delete()


@transaction.atomic
def report_form_period_set(*, user, form: ReportForm, period_cell: str) -> ReportForm:
    """Where the report writes its period (`"sheet!cell"` of a sample cell naming a period), or blank: asked at
    each upload."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    _require_writer(user, form.unit)
    period_sheet = period_ref = ""
    if period_cell:
        offered = {f"{p['sheet']}!{p['cell']}" for p in form.candidates.get("periods", [])}
        if period_cell not in offered:
            raise ValidationError({"period_cell": _("Ô ghi kỳ báo cáo không có trong tệp mẫu.")})
        period_sheet, period_ref = period_cell.rsplit("!", 1)
    form.period_sheet, form.period_cell = period_sheet, period_ref
    form.save(update_fields=["period_sheet", "period_cell", "updated_at"])
    return form


def suggestions(form: ReportForm) -> dict[tuple[str, str], DataElement]:
    """Cells whose row label is exactly a data element's name (accents and case aside): offered pre-selected."""
    names = {workbook.plain_key(e.name): e for e in DataElement.objects.filter(period_type=form.period_type)}
    found = {}
    for candidate in form.candidates.get("cells", []):
        head = candidate["label"].split(" · ")[0]
        element = names.get(workbook.plain_key(head))
        if element is not None:
            found[(candidate["sheet"], candidate["cell"])] = element
    return found


@dataclass
class ReportImport:
    period: str = ""
    cells: int = 0
    blank: list[str] = field(default_factory=list)
    result: WriteResult = field(default_factory=WriteResult)


def _period(form: ReportForm, sheets, chosen: PeriodSpec | None, errors: list[RowError]) -> PeriodSpec | None:
    if form.period_cell:
        place = where(form.period_sheet, form.period_cell)
        value = sheets.get(form.period_sheet, {}).get(workbook.parse_ref(form.period_cell) or (0, 0))
        try:
            spec = workbook.period_from_cell(value)
        except PeriodError:
            errors.append(RowError(None, place, _("Không đọc được kỳ báo cáo từ “%(v)s”: ghi dạng “Tháng 11/2025”.")
                                   % {"v": str(value or "")[:60]}, "bad_period"))  # fmt: skip
            return None
        if chosen is not None and chosen.code != spec.code:
            errors.append(RowError(None, place, _("Tệp ghi kỳ %(f)s nhưng đã chọn kỳ %(c)s.")
                                   % {"f": spec.label, "c": chosen.label}, "period_mismatch"))  # fmt: skip
            return None
    elif chosen is None:
        errors.append(RowError(None, _("Kỳ báo cáo"), _("Chọn kỳ báo cáo của tệp."), "no_period"))
        return None
    else:
        spec = chosen
    if spec.type != form.period_type:
        message = _("Mẫu báo cáo theo %(t)s; kỳ %(p)s không phù hợp.") % {
            "t": form.get_period_type_display().lower(),
            "p": spec.label,
        }
        errors.append(RowError(None, _("Kỳ báo cáo"), message, "period_type"))
        return None
    return spec


@transaction.atomic
def report_import(*, user, form: ReportForm, data: bytes, filename: str, period: PeriodSpec | None = None,
                  check_only: bool = False) -> ReportImport:  # fmt: skip
    """Import a filled report as figures of the form's commune: each mapped cell's label must still say what the
    sample said (else the layout moved and nothing is saved), each value is checked as a typed one would be.
    Raises BulkValueError whose errors name the sheet and cell."""
    form = ReportForm.objects.select_related("unit").get(pk=form.pk)  # the stored form, as saved
    _require_writer(user, form.unit)
    cells = list(form.cells.select_related("data_element"))
    if not cells:
        raise ValidationError(_("Mẫu báo cáo chưa gắn ô nào với chỉ tiêu dữ liệu."))
    sheets = workbook.read_workbook(data, filename)
    errors: list[RowError] = []
    spec = _period(form, sheets, period, errors)
    rows: list[ValueInput] = []
    blank: list[str] = []
    for mapped in cells:
        place = where(mapped.sheet, mapped.cell)
        if mapped.sheet not in sheets:
            errors.append(RowError(None, place, _("Tệp không có trang “%(s)s” của mẫu báo cáo.") % {"s": mapped.sheet},
                                   "missing_sheet"))  # fmt: skip
            continue
        sheet = sheets[mapped.sheet]
        row, column = workbook.parse_ref(mapped.cell)
        label = workbook.label_of(sheet, row, column)
        if workbook.row_label(label) != workbook.row_label(mapped.label):
            errors.append(RowError(None, place, _("Mẫu ghi “%(a)s” bên cạnh ô này, tệp ghi “%(b)s”: bố cục báo cáo đã "
                                                  "đổi, kiểm tra lại mẫu.") % {"a": mapped.label, "b": label},
                                   "layout_changed"))  # fmt: skip
            continue
        value = sheet.get((row, column))
        if value is None:
            blank.append(place)
            continue
        rows.append(ValueInput(element=mapped.data_element.code, unit=form.unit.code, period=spec.code if spec else "",
                               value=value, comment=_("Từ báo cáo “%(n)s”") % {"n": form.name},
                               columns=dict.fromkeys(("element", "unit", "period", "value"), place)))  # fmt: skip
    if errors:
        raise BulkValueError(errors)
    if not rows:
        raise BulkValueError([RowError(None, form.name, _("Các ô của mẫu báo cáo đều trống: không có số liệu nào."),
                                       "empty")])  # fmt: skip
    if check_only:
        from xaso.indicators.services import values_check

        result = values_check(user=user, rows=rows)
    else:
        result = values_write(user=user, rows=rows, source=ChangeSource.IMPORT)
    return ReportImport(period=spec.code, cells=len(rows), blank=blank, result=result)


@transaction.atomic
def report_form_delete(*, user, form: ReportForm) -> None:
    form = ReportForm.objects.get(pk=form.pk)
    _require_writer(user, form.unit)
    form.delete()
