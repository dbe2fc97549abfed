"""The text of the official documents: turn the data of `selectors.py` into the Vietnamese strings the Word
templates print (numbers 1.384, percentages 70,6%, dates "ngày 12 tháng 02 năm 2026", Decree 30 header and
signature). Nothing here lays out a page: that is the templates' job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xaso.core.formatting import format_date, format_date_long, format_number, format_percent, format_value
from xaso.core.periods import MONTH, QUARTER, PeriodSpec
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.formula import BinOp, Num, Ref
from xaso.indicators.models import Area, DataElement, Indicator
from xaso.indicators.selectors import indicator_formula
from xaso.plans.models import Comparator, Plan, PlanStatus, Target, Task, TaskStatus, TimeframeKind
from xaso.plans.status import ACHIEVED, NO_DATA

from .selectors import (
    AREA_ORDER,
    EvaluationData,
    PlanData,
    ProgressData,
    TargetRow,
    TaskRow,
    achieved_count,
)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
BLANK = "      "  # the space left for the number and the day in a draft ("Số:      /KH-UBND")
DOC_KINDS = {
    "KH": "Kế hoạch", "QĐ": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị", "CTr": "Chương trình",
    "TB": "Thông báo", "BC": "Báo cáo", "HD": "Hướng dẫn", "NĐ": "Nghị định", "TT": "Thông tư", "ĐA": "Đề án",
}  # fmt: skip


# --- units and the Decree 30 header -----------------------------------------------------------------------------


DIVISIONS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def _division(unit: AdminUnit) -> str:
    """The kind of unit the name starts with (`Xã An Viễn` → `xã`), else the unit's recorded division type."""
    lowered = unit.name.lower()
    for prefix in ((unit.division_type or "").strip().lower(), *DIVISIONS):
        if prefix and lowered.startswith(prefix + " "):
            return prefix
    return ""


def place_name(unit: AdminUnit) -> str:
    """`Xã An Viễn` → `An Viễn` (the place in "An Viễn, ngày ...")."""
    prefix = _division(unit)
    return unit.name[len(prefix) + 1 :] if prefix else unit.name


def unit_phrase(unit: AdminUnit) -> str:
    """`xã An Viễn`, `thành phố Đồng Nai`: the unit as written inside a sentence."""
    prefix = _division(unit)
    return f"{prefix} {place_name(unit)}" if prefix else unit.name


def _issuer_lines(unit: AdminUnit) -> list[str]:
    return ["ỦY BAN NHÂN DÂN", unit_phrase(unit).upper()]


def _superior(unit: AdminUnit) -> str:
    """II.2: the superior body, capitals, "Ủy ban nhân dân" abbreviated UBND (allowed for a local superior)."""
    parent = unit.parent
    if parent is None or unit.level == Level.PROVINCE:
        return ""
    return f"UBND {unit_phrase(parent).upper()}"


def authority_lines(signer_title: str) -> list[str]:
    """II.7: "TM. ỦY BAN NHÂN DÂN", then "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a vice-chair, "CHỦ TỊCH" for the chair."""
    title = (signer_title or "").strip()
    lowered = title.lower()
    if "phó chủ tịch" in lowered:
        return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    if not title or "chủ tịch" in lowered:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    return ["TM. ỦY BAN NHÂN DÂN", title.upper()]


def default_recipients(unit: AdminUnit) -> list[str]:
    """II.9: one line each, "-" in front, ";" at the end, the last "- Lưu: VT." with a full stop."""
    lines = []
    if unit.parent and unit.level != Level.PROVINCE:
        lines.append(f"- UBND {unit_phrase(unit.parent)} (b/c);")
    lines += [
        "- Sở Khoa học và Công nghệ (b/c);",
        "- Thường trực Đảng ủy, HĐND xã;",
        "- Chủ tịch, các Phó Chủ tịch UBND xã;",
        "- Các cơ quan, đơn vị thuộc xã;",
        "- Lưu: VT.",
    ]
    return lines


def number_text(number: str, type_code: str) -> str:
    """II.3: `30/KH-UBND`; a draft leaves the number blank: `      /KH-UBND`."""
    return number.strip() if number and number.strip() else f"{BLANK}/{type_code}-UBND"


def date_text(issued_on: date | None, place: str, year_: int) -> str:
    """II.4: `An Viễn, ngày 12 tháng 02 năm 2026`; a draft leaves day and month blank."""
    if issued_on:
        return format_date_long(issued_on, place)
    text = f"ngày{BLANK}tháng{BLANK}năm {year_}"
    return f"{place}, {text}" if place else text


def doc_header(*, unit: AdminUnit, type_code: str, summary: str, number: str = "", issued_on: date | None = None,
               year_: int, signer_name: str = "", signer_title: str = "", is_draft: bool = False,
               reference_kind: str = "") -> dict:  # fmt: skip
    number_txt = number_text(number, type_code)
    when = date_text(issued_on, "", year_)
    return {
        "is_draft": is_draft,
        "superior": _superior(unit),
        "issuer_lines": _issuer_lines(unit),
        "number": number_txt,
        "place_date": date_text(issued_on, place_name(unit), year_),
        "summary_lines": [line for line in summary.splitlines() if line.strip()] or [""],
        "recipients": default_recipients(unit),
        "authority_lines": authority_lines(signer_title),
        "signer_name": signer_name,
        "unit_phrase": unit_phrase(unit),
        "reference": f"{reference_kind} số {number_txt} {when} của Ủy ban nhân dân {unit_phrase(unit)}",
    }


# --- numbers ------------------------------------------------------------------------------------------------------


def is_boolean(ind: Indicator) -> bool:
    return ind.unit_label.lower() in ("có/không", "yes/no")


def value_text(ind: Indicator, value: float | None, *, unit: bool = False, measured: bool = True) -> str:
    """A value of an indicator: measured `70,6%`, stated (a target, a baseline) `85%`; `25` (with `unit`:
    `25 điểm`); `Có`."""
    if value is None:
        return ""
    if is_boolean(ind):
        return "Có" if value >= 0.5 else "Không"
    if ind.is_percent:
        return format_percent(value, ind.decimals) if measured else format_value(value, ind.decimals) + "%"
    text = format_value(value, ind.decimals)
    return f"{text} {ind.unit_label}" if unit and ind.unit_label else text


def target_text(target: Target) -> str:
    """`≥ 85%`, `100%` (a share cannot exceed 100, so "≥ 100%" is written "100%"), `≥ 25`, `Có`."""
    ind = target.indicator
    if is_boolean(ind):
        return "Có" if target.value >= 0.5 else "Không"
    value = value_text(ind, target.value, measured=False)
    if target.comparator == Comparator.EQ or (ind.is_percent and target.value >= 100 and target.comparator == ">="):
        return value
    return f"{target.get_comparator_display()} {value}"


def million(amount: int) -> str:
    """VND → millions with up to three decimals (exact to the thousand): 15.500.000 → `15,5`; 0 → `-`."""
    if not amount:
        return "-"
    value = Decimal(amount) / Decimal(1_000_000)
    decimals = 0 if value == value.to_integral() else min(3, max(0, -value.normalize().as_tuple().exponent))
    return format_number(value, decimals)


def horizon_label(plan: Plan, horizon: int) -> str:
    if horizon <= plan.year_to:
        return f"Năm {horizon}"
    if horizon >= plan.year_to + 10:
        return f"Tầm nhìn đến năm {horizon}"
    return f"Đến năm {horizon}"


def timeframe_text(task: Task) -> str:
    """rõ thời gian: the text of the plan, else `Trước ngày 30/06/2026`, `Quý II/2026`, `Hằng quý, từ Quý I/2026`."""
    text = task.timeframe_text.strip()
    if not text:
        kind = task.timeframe_kind
        if kind == TimeframeKind.DATE and task.due_date:
            text = f"Trước ngày {format_date(task.due_date)}"
        elif kind == TimeframeKind.QUARTER and task.due_date:
            text = f"Quý {ROMAN[(task.due_date.month - 1) // 3]}/{task.due_date.year}"
        elif kind == TimeframeKind.RECURRING and task.start_date:
            start = task.start_date
            text = f"{task.get_recurrence_display()}, từ Quý {ROMAN[(start.month - 1) // 3]}/{start.year}"
        elif kind == TimeframeKind.ONGOING:
            text = "Thường xuyên"
    if task.duration.strip():
        text = f"{text} ({task.duration.strip()})" if text else task.duration.strip()
    return text


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text.rstrip(" .;:")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def legal_basis_text(number: str, issued_on: date | None, issuer: str, title: str) -> str:
    """`Căn cứ Kế hoạch số 91/KH-UBND ngày 12 tháng 02 năm 2026 của UBND tỉnh Đồng Nai về ...;`"""
    kind = "Văn bản"
    for token in re.split(r"[/\-]", number):
        if token in DOC_KINDS:
            kind = DOC_KINDS[token]
            break
    else:
        if "NĐ-CP" in number:
            kind = "Nghị định"
        elif re.search(r"/QH\d*", number):
            kind = "Luật"
    parts = [f"Căn cứ {kind} số {number}"]
    if issued_on:
        parts.append(format_date_long(issued_on))
    if issuer:
        parts.append(f"của {issuer}")
    title = _sentence(title)
    if title:
        parts.append(title if title.lower().startswith("về ") else f"về {_lower_first(title)}")
    return " ".join(parts) + ";"


def area_label(area: str) -> str:
    try:
        return str(Area(area).label)
    except ValueError:
        return area


def _grouped(items, key) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items(), key=lambda kv: AREA_ORDER.get(kv[0], 99))


# --- the plan (KH) -------------------------------------------------------------------------------------------------


def _subject(plan: Plan) -> str:
    """The summary line: the title without the leading "Kế hoạch", the unit written inside a sentence."""
    title = re.sub(r"^\s*kế hoạch\s+", "", plan.title, flags=re.IGNORECASE).strip()
    title = title.replace(plan.unit.name, unit_phrase(plan.unit))
    return title[:1].upper() + title[1:]


def plan_header(plan: Plan, type_code: str = "KH", summary: str | None = None) -> dict:
    return doc_header(
        unit=plan.unit, type_code=type_code, summary=summary or _subject(plan), number=plan.number,
        issued_on=plan.issued_on, year_=plan.year_from, signer_name=plan.signer_name,
        signer_title=plan.signer_title, is_draft=plan.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED),
        reference_kind="Kế hoạch",
    )  # fmt: skip


def _task_line(task: Task) -> str:
    parts = []
    if task.lead_unit.strip():
        parts.append(f"chủ trì: {_sentence(task.lead_unit)}")
    if task.coordinating_units.strip():
        parts.append(f"phối hợp: {_sentence(task.coordinating_units)}")
    when = timeframe_text(task)
    if when:
        parts.append(f"thời gian: {_lower_first(_sentence(when))}")
    if task.deliverable.strip():
        parts.append(f"sản phẩm: {_lower_first(_sentence(task.deliverable))}")
    line = f"- {_sentence(task.title)}"
    return f"{line} ({'; '.join(parts)})." if parts else f"{line}."


def plan_context(data: PlanData) -> dict:
    plan = data.plan
    horizons = sorted({t.horizon_year for t in data.targets})
    target_groups = []
    for i, (area, targets) in enumerate(_grouped(data.targets, lambda t: t.indicator.area), start=1):
        by_indicator: dict[int, list[Target]] = {}
        for t in targets:
            by_indicator.setdefault(t.indicator_id, []).append(t)
        rows = []
        for n, ts in enumerate(by_indicator.values(), start=1):
            ind = ts[0].indicator
            at = {t.horizon_year: t for t in ts}
            baseline = next((t.baseline_value for t in ts if t.baseline_value is not None), None)
            rows.append({
                "number": n, "name": ind.name, "unit": ind.unit_label,
                "baseline": value_text(ind, baseline, measured=False),
                "cells": [target_text(at[h]) if h in at else "" for h in horizons],
            })  # fmt: skip
        target_groups.append({"heading": f"{i}. {area_label(area)}", "targets": rows})
    task_groups = [
        {"heading": f"{i}. {area_label(area)}", "tasks": [_task_line(t) for t in tasks]}
        for i, (area, tasks) in enumerate(_grouped(data.tasks, lambda t: t.area), start=1)
    ]
    years = (
        f"năm {plan.year_from}" if plan.year_from == plan.year_to else f"giai đoạn {plan.year_from} - {plan.year_to}"
    )
    doc = plan_header(plan)
    return {
        "doc": doc,
        "plan": {
            "legal_bases": [legal_basis_text(b.number, b.issued_on, b.issuer, b.title) for b in data.legal_bases],
            "intro": f"Ủy ban nhân dân {doc['unit_phrase']} ban hành Kế hoạch chuyển đổi số {years} với các nội dung "
            "sau:",
            "general_goal": paragraphs(plan.general_goal),
            "horizons": [horizon_label(plan, h) for h in horizons],
            "target_groups": target_groups,
            "task_groups": task_groups,
            "roadmap": paragraphs(plan.roadmap),
            "budget_text": paragraphs(plan.budget_text),
            "budget_summary": _budget_summary(data),
            "responsibilities": [
                {"heading": f"{i}. {r.unit_name}", "duties": paragraphs(r.duties)}
                for i, r in enumerate(data.responsibilities, start=1)
            ],
            "subject": _lower_first(_subject(plan)),
            "years": years,
        },
        "appendix1": {"groups": _appendix1(data.tasks)},
        "budget": _budget(data),
    }


def _appendix1(tasks: list[Task]) -> list[dict]:
    groups = []
    for i, (area, items) in enumerate(_grouped(tasks, lambda t: t.area)):
        rows = [{
            "number": n, "title": _sentence(t.title), "lead_unit": t.lead_unit,
            "coordinating_units": t.coordinating_units,
            "person": t.person, "method": t.method, "deliverable": t.deliverable, "expected_effect": t.expected_effect,
            "timeframe": timeframe_text(t), "approver": t.approver,
        } for n, t in enumerate(items, start=1)]  # fmt: skip
        groups.append({"roman": ROMAN[i], "label": area_label(area).upper(), "rows": rows})
    return groups


BUDGET_ORDER = [
    "invest_total", "invest_equipment", "invest_socialised", "invest_rented", "running_total", "running_maintenance",
    "running_rented", "alloc_total", "alloc_province", "alloc_district", "alloc_commune", "alloc_self",
]  # fmt: skip
PILLARS = {"government", "economy", "society"}


def _budget_label(area: str) -> str:
    label = area_label(area).upper()
    return f"PHÁT TRIỂN {label}" if area in PILLARS else label


def _budget(data: PlanData) -> dict:
    groups = []
    for i, (area, lines) in enumerate(_grouped(data.budget_lines, lambda line: line.area)):
        totals = data.totals.by_area[area]
        rows = [{
            "number": n, "item": line.item, "notes": line.notes,
            "v": [million(getattr(line, c)) for c in BUDGET_ORDER],
        } for n, line in enumerate(lines, start=1)]  # fmt: skip
        groups.append({"roman": ROMAN[i], "label": _budget_label(area), "rows": rows,
                       "v": [million(totals[c]) for c in BUDGET_ORDER]})  # fmt: skip
    return {"unit": "triệu đồng", "groups": groups, "total": [million(data.totals.total[c]) for c in BUDGET_ORDER]}


def _budget_summary(data: PlanData) -> list[str]:
    if not data.budget_lines:
        return []
    t = data.totals.total
    named = (("ngân sách tỉnh", "alloc_province"), ("ngân sách huyện", "alloc_district"),
             ("ngân sách xã", "alloc_commune"), ("các đơn vị tự thanh toán", "alloc_self"))  # fmt: skip
    sources = [(label, t[c]) for label, c in named if t[c]]
    text = (f"Tổng kinh phí đầu tư ban đầu dự kiến {format_number(t['invest_total'])} đồng; kinh phí duy trì hằng năm "
            f"{format_number(t['running_total'])} đồng; kinh phí bố trí hằng năm "
            f"{format_number(t['alloc_total'])} đồng")  # fmt: skip
    if sources:
        text += " (" + "; ".join(f"{label}: {format_number(v)} đồng" for label, v in sources) + ")"
    return [text + "."]


# --- the periodic report (BC) --------------------------------------------------------------------------------------


def period_phrase(spec: PeriodSpec, year_sep: str = " năm ") -> str:
    """`tháng 3 năm 2026`, `quý I năm 2026`, `năm 2026`; with `year_sep="/"`: `tháng 3/2026`, `quý I/2026`."""
    if spec.type == MONTH:
        return f"tháng {spec.start.month}{year_sep}{spec.year}"
    if spec.type == QUARTER:
        return f"quý {ROMAN[(spec.start.month - 1) // 3]}{year_sep}{spec.year}"
    return f"năm {spec.year}"


def period_short(spec: PeriodSpec) -> str:
    return period_phrase(spec, "/")


def _current_text(row: TargetRow) -> str:
    text = value_text(row.target.indicator, row.current)
    if text and row.period is not None:
        text += f" ({row.period.code})"
    return text


def _plan_reference(plan: Plan) -> str:
    """`Kế hoạch số 45/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân xã An Viễn`, or the title of a draft."""
    if plan.number:
        when = f" {format_date_long(plan.issued_on)}" if plan.issued_on else ""
        return f"Kế hoạch số {plan.number}{when} của Ủy ban nhân dân {unit_phrase(plan.unit)}"
    return "Kế hoạch " + _lower_first(_subject(plan))


def _task_row(row: TaskRow, n: int, *, done: bool = False) -> dict:
    update = row.update
    if done:
        progress = _sentence(update.text) if update else "Hoàn thành"
    elif update:
        progress = f"{update.percent_done}% — {_sentence(update.text)}"
    else:
        progress = "Chưa có cập nhật"
    return {"number": n, "title": _sentence(row.task.title), "lead_unit": row.task.lead_unit,
            "due": format_date(row.due) if row.due else timeframe_text(row.task), "progress": progress}  # fmt: skip


@dataclass
class Narrative:
    difficulties: str = ""
    proposals: str = ""


def progress_context(data: ProgressData, narrative: Narrative) -> dict:
    plan = data.plan
    phrase = period_phrase(data.spec)
    achieved, _missing, no_data = achieved_count(data.rows)
    counts = {code: sum(r.status.code == code for r in data.rows) for code in ("on_track", "at_risk", "off_track")}
    groups = []
    for i, (area, rows) in enumerate(_grouped(data.rows, lambda r: r.target.indicator.area)):
        groups.append({"roman": ROMAN[i], "label": area_label(area).upper(), "rows": [{
            "number": n, "name": f"{r.target.indicator.name} ({horizon_label(plan, r.target.horizon_year).lower()})",
            "unit": r.target.indicator.unit_label,
            "baseline": value_text(r.target.indicator, r.target.baseline_value, measured=False),
            "current": _current_text(r), "target": target_text(r.target), "status": r.status.label,
        } for n, r in enumerate(rows, start=1)]})  # fmt: skip
    doc = doc_header(unit=plan.unit, type_code="BC", year_=min(data.today.year, data.spec.year + 1),
                     summary=f"Kết quả thực hiện kế hoạch chuyển đổi số {phrase}")  # fmt: skip
    total_tasks = len(data.done) + len(data.late) + len(data.in_progress)
    return {
        "doc": doc,
        "report": {
            "intro": [
                f"Thực hiện {_plan_reference(plan)}, Ủy ban nhân dân {_division(plan.unit) or doc['unit_phrase']} "
                f"báo cáo kết quả thực hiện {phrase} như sau:"
            ],  # fmt: skip
            "period_short": period_short(data.spec),
            "target_summary": (
                f"Tính đến {format_date_long(data.asof)}, trong {len(data.rows)} chỉ tiêu của kế hoạch: {achieved} "
                f"chỉ tiêu đã đạt, {counts['on_track']} chỉ tiêu đúng tiến độ, {counts['at_risk']} chỉ tiêu có nguy cơ "
                f"chậm, {counts['off_track']} chỉ tiêu chậm tiến độ, {no_data} chỉ tiêu chưa có số liệu."
            ),
            "target_groups": groups,
            "task_summary": (
                f"Trong kỳ, kế hoạch có {total_tasks} nhiệm vụ đang triển khai: {len(data.done)} nhiệm vụ đã "
                f"hoàn thành, {len(data.late)} nhiệm vụ chậm tiến độ, {len(data.in_progress)} nhiệm vụ đang thực "
                "hiện, chưa đến hạn."
            ),
            "tasks_done": [_task_row(r, n, done=True) for n, r in enumerate(data.done, start=1)],
            "tasks_late": [_task_row(r, n) for n, r in enumerate(data.late, start=1)],
            "tasks_in_progress": [_task_row(r, n) for n, r in enumerate(data.in_progress, start=1)],
            "difficulties": paragraphs(narrative.difficulties) or ["Không có."],
            "proposals": paragraphs(narrative.proposals) or ["Không có."],
            "next_tasks": [f"- {_sentence(r.task.title)} (hạn {format_date(r.due)})." for r in data.next_due]
            or ["Tiếp tục thực hiện các nhiệm vụ của kế hoạch."],
            "phrase": phrase,
        },
    }


# --- the year-end evaluation ---------------------------------------------------------------------------------------


def ratio_parts(ind: Indicator) -> tuple[str, str] | None:
    """`a / b * 100` or `a * 100 / b` → (a, b): the count and the whole behind a rate."""
    tree = indicator_formula(ind).tree
    if isinstance(tree, BinOp) and tree.op == "*" and isinstance(tree.right, Num):
        tree = tree.left
    if isinstance(tree, BinOp) and tree.op == "/" and isinstance(tree.right, Ref):
        left = tree.left
        if isinstance(left, BinOp) and left.op == "*" and isinstance(left.right, Num):
            left = left.left
        if isinstance(left, Ref):
            return left.code, tree.right.code
    return None


def measured_sentence(row: TargetRow, elements: dict[str, DataElement]) -> str:
    """Seed 003's sentences: `Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang: 1.384/1.961 hộ, đạt 70,6%`,
    then the year's target and whether it is met."""
    ind = row.target.indicator
    value = row.value
    if value is None or value.value is None:
        return f"- {ind.name}: chưa có số liệu (chỉ tiêu {target_text(row.target)})."
    parts = ratio_parts(ind)
    if parts and all(value.inputs.get(c) is not None for c in parts):
        num, den = (value.inputs[c] for c in parts)
        unit = elements[parts[1]].unit_label if parts[1] in elements else ""
        text = f"{ind.name}: {format_number(num)}/{format_number(den)}{' ' + unit if unit else ''}, đạt " + value_text(
            ind, value.value
        )
    elif is_boolean(ind):
        text = f"{ind.name}: {'đã thực hiện' if value.value >= 0.5 else 'chưa thực hiện'}"
    else:
        text = f"{ind.name}: {value_text(ind, value.value, unit=True)}"
    verdict = "đạt" if row.status.code == ACHIEVED else "chưa đạt"
    return f"- {text} (chỉ tiêu {horizon_label(row.target.plan, row.target.horizon_year).lower()}: " \
           f"{target_text(row.target)}, {verdict})."  # fmt: skip


def evaluation_context(data: EvaluationData, elements: dict[str, DataElement]) -> dict:
    plan = data.plan
    y = data.year
    achieved, missing, no_data = achieved_count(data.rows)
    pillars = []
    shown: set[str] = set()
    for i, (area, rows) in enumerate(_grouped(data.rows, lambda r: r.target.indicator.area), start=1):
        sentences = []
        for r in rows:  # the wholes first: "Tổng số hộ: 1.961 hộ."
            parts = ratio_parts(r.target.indicator)
            if parts and parts[1] in data.element_values and parts[1] not in shown and parts[1] in elements:
                shown.add(parts[1])
                el = elements[parts[1]]
                sentences.append(f"- {el.name}: {format_number(data.element_values[parts[1]])} {el.unit_label}.")
        sentences += [measured_sentence(r, elements) for r in rows]
        pillars.append({"heading": f"{i}. {area_label(area)}", "sentences": sentences})
    task_groups = []
    for i, (area, tasks) in enumerate(_grouped(data.tasks, lambda t: t.area), start=1):
        lines = []
        for t in tasks:
            updates = list(t.updates.all())  # prefetched, oldest first
            last = updates[-1] if updates else None
            if t.status == TaskStatus.DONE:
                state = "đã hoàn thành" + (f": {_lower_first(_sentence(last.text))}" if last else "")
            elif t.status == TaskStatus.CANCELLED:
                state = "không thực hiện"
            elif last:
                state = f"đang thực hiện, đạt {last.percent_done}%: {_lower_first(_sentence(last.text))}"
            else:
                state = "chưa thực hiện"
            lines.append(f"- {_sentence(t.title)}: {state}.")
        task_groups.append({"heading": f"{i}. {area_label(area)}", "lines": lines})
    shortfalls = [
        f"- {r.target.indicator.name}: {value_text(r.target.indicator, r.current)} so với chỉ tiêu "
        f"{target_text(r.target)}." for r in data.rows if r.status.code not in (ACHIEVED, NO_DATA)
    ]  # fmt: skip
    shortfalls += [f"- Nhiệm vụ chưa hoàn thành: {_sentence(t.title)}." for t in data.tasks
                   if t.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)]  # fmt: skip
    nxt = data.next_plan
    if nxt is not None:
        next_intro = [f"Thực hiện {_plan_reference(nxt)}, năm {y + 1} tập trung vào các mục tiêu, nhiệm vụ sau:"]
        horizon_plan = nxt
    else:
        next_intro = [f"Năm {y + 1}, tiếp tục thực hiện các chỉ tiêu, nhiệm vụ chưa hoàn thành và các mục tiêu đến các "
                      f"mốc tiếp theo của kế hoạch:"]  # fmt: skip
        horizon_plan = plan

    def when(t: Target) -> str:
        if t.horizon_year <= y:  # not reached in the year: carried into the next
            return f"tiếp tục thực hiện năm {y + 1}"
        return horizon_label(horizon_plan, t.horizon_year).lower()

    next_targets = [
        {"heading": f"{i}. {area_label(area)}", "lines": [
            f"- {t.indicator.name}: {target_text(t)} ({when(t)})." for t in ts]}
        for i, (area, ts) in enumerate(_grouped(data.next_targets, lambda t: t.indicator.area), start=1)
    ]  # fmt: skip
    next_tasks = [
        {"heading": f"{i}. {area_label(area)}", "lines": [_task_line(t) for t in ts]}
        for i, (area, ts) in enumerate(_grouped(data.next_tasks, lambda t: t.area), start=1)
    ]
    doc = doc_header(unit=plan.unit, type_code="BC", year_=min(data.today.year, y + 1),
                     summary=f"Kết quả thực hiện chuyển đổi số năm {y} và kế hoạch năm {y + 1}")  # fmt: skip
    overview = [
        f"Năm {y}, Ủy ban nhân dân {doc['unit_phrase']} triển khai {_plan_reference(plan)}. Trong {len(data.rows)} chỉ "
        f"tiêu đề ra: {achieved} chỉ tiêu đạt, {missing} chỉ tiêu chưa đạt, {no_data} chỉ tiêu chưa có số liệu."
    ] + paragraphs(plan.evaluation)  # fmt: skip
    return {
        "doc": doc,
        "ev": {
            "year": y, "next_year": y + 1,
            "intro": [f"Ủy ban nhân dân {doc['unit_phrase']} báo cáo kết quả thực hiện chuyển đổi số năm {y} và kế "
                      f"hoạch năm {y + 1} như sau:"],
            "overview": overview, "pillars": pillars, "task_groups": task_groups,
            "shortfalls": shortfalls or ["Không có."], "next_intro": next_intro,
            "next_targets": next_targets, "next_tasks": next_tasks,
        },
    }  # fmt: skip
