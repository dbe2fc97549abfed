"""The text of the official documents: turn the data of `selectors.py` into the Vietnamese strings the Word
templates print (numbers 1.384, percentages 70,6%, dates "ngày 12 tháng 02 năm 2026", Decree 30 header and
signature). Nothing here lays out a page: that is the templates' job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xaso.core.formatting import format_date, format_date_long, format_number, format_percent, format_value
from xaso.core.periods import MONTH, QUARTER, PeriodSpec, parse_period
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
    target_counts,
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


# a title that starts with one of these verbs follows the issuer directly ("... của Thủ tướng Chính phủ phê duyệt
# Chương trình ..."); any other title is introduced by "về" ("... của Bộ Chính trị về đột phá ...")
TITLE_VERBS = ("phê duyệt", "ban hành", "sửa đổi", "bổ sung", "quy định", "hướng dẫn", "bãi bỏ", "thành lập",
               "công bố", "giao", "kiện toàn", "thực hiện")  # fmt: skip
ABBREVIATIONS = (("UBND ", "Ủy ban nhân dân "), ("HĐND ", "Hội đồng nhân dân "))


def issuer_text(issuer: str) -> str:
    """`UBND tỉnh Đồng Nai` → `Ủy ban nhân dân tỉnh Đồng Nai`: a basis names its issuer in full."""
    text = " ".join(issuer.split())
    for short, full in ABBREVIATIONS:
        text = re.sub(rf"(^|\s){short}", rf"\g<1>{full}", text)
    return text


def legal_basis_citation(number: str, issued_on: date | None, issuer: str, title: str) -> str:
    """`Kế hoạch số 91/KH-UBND ngày 12 tháng 02 năm 2026 của Ủy ban nhân dân tỉnh Đồng Nai về ...`: a basis as a
    Vietnamese document cites it; a fact the record lacks (date, issuer, title) is left out, never guessed."""
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
    if not number.strip() and re.match(r"(ban hành|phê duyệt)\b", title.strip().lower()):
        kind = "Quyết định"  # a document that issues or approves is a decision, even when its number is not known
    parts = [f"{kind} số {number.strip()}" if number.strip() else kind]
    if issued_on:
        parts.append(format_date_long(issued_on))
    if issuer.strip():
        parts.append(f"của {issuer_text(issuer)}")
    title = _sentence(title)
    if title:
        lowered = _lower_first(title) if not title.lower().startswith("về ") else "về " + title[3:]
        if re.match(rf"({'|'.join(('về', *TITLE_VERBS))})\b", lowered.lower()):
            parts.append(lowered[:1].lower() + lowered[1:])
        else:
            parts.append(f"về {lowered}")
    return " ".join(parts)


def legal_basis_text(number: str, issued_on: date | None, issuer: str, title: str) -> str:
    """`Căn cứ Kế hoạch số 91/KH-UBND ngày 12 tháng 02 năm 2026 của Ủy ban nhân dân tỉnh Đồng Nai về ...;`"""
    return f"Căn cứ {legal_basis_citation(number, issued_on, issuer, title)};"


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


def _baseline_text(target: Target, measured: tuple[float, int] | None) -> str:
    """ "Hiện trạng": the baseline the plan states (with its year when dated), else the commune's latest figure
    before the plan (value and year), else nothing."""
    ind = target.indicator
    if target.baseline_value is not None:
        text = value_text(ind, target.baseline_value, measured=False)
        return f"{text} ({target.baseline_date.year})" if target.baseline_date else text
    if measured is not None:
        return f"{value_text(ind, measured[0])} ({measured[1]})"
    return ""


def _target_groups(data: PlanData, horizons: list[int]) -> list[dict]:
    groups = []
    for i, (area, targets) in enumerate(_grouped(data.targets, lambda t: t.indicator.area), start=1):
        by_indicator: dict[int, list[Target]] = {}
        for t in targets:
            by_indicator.setdefault(t.indicator_id, []).append(t)
        rows = []
        for n, ts in enumerate(by_indicator.values(), start=1):
            ind = ts[0].indicator
            at = {t.horizon_year: t for t in ts}
            stated = next((t for t in ts if t.baseline_value is not None), ts[0])
            rows.append({
                "number": n, "name": ind.name, "unit": ind.unit_label,
                "baseline": _baseline_text(stated, data.measured_baselines.get(ind.id)),
                "cells": [target_text(at[h]) if h in at else "" for h in horizons],
            })  # fmt: skip
        groups.append({"heading": f"{i}. {area_label(area)}", "targets": rows})
    return groups


SECTIONS = ("bases", "goal", "targets", "tasks", "roadmap", "budget", "responsibilities", "appendices")


def _section_numbers(present: dict[str, bool]) -> dict[str, str]:
    """The Roman number of each section that has something to say; an empty section is left out and the numbering
    stays continuous (I, II, III ...)."""
    shown = [name for name in SECTIONS if present[name]]
    return {name: ROMAN[shown.index(name)] if name in shown else "" for name in SECTIONS}


def plan_context(data: PlanData) -> dict:
    plan = data.plan
    horizons = sorted({t.horizon_year for t in data.targets})
    task_groups = [
        {"heading": f"{i}. {area_label(area)}", "tasks": [_task_line(t) for t in tasks]}
        for i, (area, tasks) in enumerate(_grouped(data.tasks, lambda t: t.area), start=1)
    ]
    doc = plan_header(plan)
    subject = _lower_first(_subject(plan))
    appendix1 = _appendix1(data.tasks)
    budget = _budget(data)
    # the appendices are numbered in the order they appear: the budget is Phụ lục I when the plan lists no task
    appendix1["number"] = "I" if appendix1["pillars"] else ""
    budget["number"] = ("II" if appendix1["number"] else "I") if budget["groups"] else ""
    plan_ctx = {
        "legal_bases": [legal_basis_text(b.number, b.issued_on, b.issuer, b.title) for b in data.legal_bases],
        "intro": f"Ủy ban nhân dân {doc['unit_phrase']} ban hành Kế hoạch {subject} với các nội dung sau:",
        "general_goal": paragraphs(plan.general_goal),
        "horizons": [horizon_label(plan, h) for h in horizons],
        "target_groups": _target_groups(data, horizons),
        "task_groups": task_groups,
        "roadmap": paragraphs(plan.roadmap),
        "budget_text": paragraphs(plan.budget_text),
        "budget_summary": _budget_summary(data),
        "responsibilities": [
            {"heading": f"{i}. {r.unit_name}", "duties": paragraphs(r.duties)}
            for i, r in enumerate(data.responsibilities, start=1)
        ],
        "subject": subject,
        "appendices_text": _appendices_text(appendix1["number"], budget["number"]),
    }
    plan_ctx["sec"] = _section_numbers({
        "bases": bool(plan_ctx["legal_bases"]), "goal": bool(plan_ctx["general_goal"]),
        "targets": bool(plan_ctx["target_groups"]), "tasks": bool(task_groups), "roadmap": bool(plan_ctx["roadmap"]),
        "budget": bool(plan_ctx["budget_text"] or plan_ctx["budget_summary"]),
        "responsibilities": bool(plan_ctx["responsibilities"]),
        "appendices": bool(appendix1["number"] or budget["number"]),
    })  # fmt: skip
    return {"doc": doc, "plan": plan_ctx, "appendix1": appendix1, "budget": budget}


def _appendices_text(tasks_number: str, budget_number: str) -> str:
    parts = []
    if tasks_number:
        parts.append(f"Danh mục nhiệm vụ, dự án triển khai Kế hoạch tại Phụ lục {tasks_number}")
    if budget_number:
        parts.append(f"dự toán kinh phí các hạng mục tại Phụ lục {budget_number}")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + " kèm theo Kế hoạch này."


# --- Appendix I: seed 001's task table ---------------------------------------------------------------------------

# an enabler is listed under the pillar it serves (seed 001 puts "I.1 Hạ tầng số" under "I. Chính quyền số"); the
# skills and awareness of people ("Nhân lực số, nhận thức số") under digital society
PILLAR_OF_AREA = {
    "government": "government", "economy": "economy", "society": "society", "institutions": "government",
    "infrastructure": "government", "platforms": "government", "data": "government", "cybersecurity": "government",
    "human_resources": "society",
}  # fmt: skip
PILLAR_ORDER = ("government", "economy", "society")
# (key, heading): the columns after STT and "Nội dung", in seed 001's order; one empty for every task is left out
TASK_COLUMNS = [
    ("title", "Nội dung cần thực hiện (rõ việc)"), ("lead_unit", "Đơn vị chủ trì (rõ trách nhiệm)"),
    ("coordinating_units", "Đơn vị phối hợp"), ("person", "Người chịu trách nhiệm (rõ người)"),
    ("method", "Cách thức tổ chức thực hiện"), ("deliverable", "Sản phẩm, kết quả (rõ sản phẩm)"),
    ("expected_effect", "Hiệu quả mang lại"), ("timeframe", "Thời gian thực hiện (rõ thời gian)"),
    ("approver", "Thẩm quyền phê duyệt (rõ thẩm quyền)"),
]  # fmt: skip
NUMBER_WIDTH = 10
LANDSCAPE_WIDTH = 252  # decree30.LANDSCAPE_TEXT_WIDTH


def _task_cells(t: Task) -> dict[str, str]:
    return {
        "title": _sentence(t.title), "lead_unit": t.lead_unit.strip(),
        "coordinating_units": t.coordinating_units.strip(), "person": t.person.strip(), "method": t.method.strip(),
        "deliverable": t.deliverable.strip(),
        "expected_effect": t.expected_effect.strip(), "timeframe": timeframe_text(t), "approver": t.approver.strip(),
    }  # fmt: skip


CHAR_WIDTH = 1.9  # mm: a 10 pt Times New Roman letter and a little (the longest word of a column must fit)
HEAD_LINES = 3  # a column heading wraps to at most about this many lines


def column_widths(columns: list[list[str]], heads: list[str], total: float) -> list[float]:
    """Widths (mm) that fit the content: a column holds its longest word (of its heading too) and then grows with the
    amount of text it holds, so a column of long sentences is wide and a column of a few short names narrow; they
    sum to `total`."""
    minimums, weights = [], []
    for cells, head in zip(columns, heads, strict=True):
        words = [w for text in [*cells, head] for w in text.split()]
        longest_word = CHAR_WIDTH * max((len(w) for w in words), default=4) + 3
        # the heading in at most HEAD_LINES lines: a narrow column of short names under a long heading ("Thẩm quyền
        # phê duyệt (rõ thẩm quyền)") would otherwise make the header row seven lines high
        heading = CHAR_WIDTH * len(head) / HEAD_LINES + 3
        minimums.append(max(14.0, longest_word, heading))
        weights.append(sum(len(c) for c in cells) ** 0.75)
    spare = total - sum(minimums)
    if spare <= 0:
        return [round(m * total / sum(minimums), 1) for m in minimums]
    return [round(m + spare * w / (sum(weights) or 1), 1) for m, w in zip(minimums, weights, strict=True)]


def _appendix1(tasks: list[Task]) -> dict:
    """Seed 001 Appendix I: pillar (I, II, III) → area (I.1 Hạ tầng số) → the item ("Nội dung", merged over its
    actions) and one row per action with the "6 rõ" columns that have something to say."""
    cells = {t.id: _task_cells(t) for t in tasks}
    keys = [k for k, _h in TASK_COLUMNS if k == "title" or any(cells[t.id][k] for t in tasks)]
    has_item = any(t.item.strip() for t in tasks)
    pillars = []
    for pillar in PILLAR_ORDER:
        in_pillar = [t for t in tasks if PILLAR_OF_AREA.get(t.area, "government") == pillar]
        if not in_pillar:
            continue
        roman = ROMAN[len(pillars)]
        areas, number, sub = [], 0, 0
        for area, items in _grouped(in_pillar, lambda t: t.area):
            label = ""
            if area != pillar:
                sub += 1
                label = area_label(area)
            groups: list[dict] = []
            for t in items:
                name = t.item.strip()
                if not groups or groups[-1]["name"] != name or not name:
                    groups.append({"name": name, "rows": []})
                number += 1
                groups[-1]["rows"].append({"number": number, "cells": [cells[t.id][k] for k in keys]})
            areas.append({"code": f"{roman}.{sub}" if label else "", "label": label, "entries": groups})
        pillars.append({"roman": roman, "label": area_label(pillar).upper(), "areas": areas})
    heads = {k: h for k, h in TASK_COLUMNS}
    text_columns = [[cells[t.id][k] for t in tasks] for k in keys]
    column_heads = [heads[k] for k in keys]
    if has_item:  # an item is printed once over its actions: count its text once
        text_columns.insert(0, list(dict.fromkeys(t.item for t in tasks)))
        column_heads.insert(0, "Nội dung")
    widths = [NUMBER_WIDTH, *column_widths(text_columns, column_heads, LANDSCAPE_WIDTH - NUMBER_WIDTH)]
    return {"pillars": pillars, "has_item": has_item, "columns": [heads[k] for k in keys],
            "span": len(widths) - 1, "widths": widths}  # fmt: skip


BUDGET_ORDER = [
    "invest_total", "invest_equipment", "invest_socialised", "invest_rented", "running_total", "running_maintenance",
    "running_rented", "alloc_total", "alloc_province", "alloc_district", "alloc_commune", "alloc_self",
]  # fmt: skip
PILLARS = {"government", "economy", "society"}


def _budget_label(area: str) -> str:
    label = area_label(area).upper()
    return f"PHÁT TRIỂN {label}" if area in PILLARS else label


def has_district_level(plan: Plan, lines) -> bool:
    """Appendix II allocates to the levels of government the plan is made under: a district column only for a unit
    under (or being) a district — the three tiers before 1 July 2025 — or when a line holds a district amount."""
    unit = plan.unit
    three_tiers = unit.level == Level.DISTRICT or (unit.parent is not None and unit.parent.level == Level.DISTRICT)
    return three_tiers or any(line.alloc_district for line in lines)


def _budget(data: PlanData) -> dict:
    district = has_district_level(data.plan, data.budget_lines)
    order = [c for c in BUDGET_ORDER if district or c != "alloc_district"]
    groups = []
    for i, (area, lines) in enumerate(_grouped(data.budget_lines, lambda line: line.area)):
        totals = data.totals.by_area[area]
        rows = [{
            "number": n, "item": line.item, "notes": line.notes,
            "v": [million(getattr(line, c)) for c in order],
        } for n, line in enumerate(lines, start=1)]  # fmt: skip
        groups.append({"roman": ROMAN[i], "label": _budget_label(area), "rows": rows,
                       "v": [million(totals[c]) for c in order]})  # fmt: skip
    return {"unit": "triệu đồng", "groups": groups, "has_district": district,
            "total": [million(data.totals.total[c]) for c in order]}  # fmt: skip


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


def _period_of(period) -> str:
    """A stored period as a phrase: `năm 2025`, `quý I năm 2026`, `tháng 3 năm 2026`."""
    return period_phrase(parse_period(period.code))


def _current_text(row: TargetRow) -> str:
    """The figure of the report's period; a figure of an earlier period says which ("số liệu gần nhất: năm 2025")."""
    text = value_text(row.target.indicator, row.current)
    if text and row.period is not None:
        text += f" (số liệu gần nhất: {_period_of(row.period)})"
    return text


def _plan_reference(plan: Plan) -> str:
    """`Kế hoạch số 45/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân xã An Viễn`, or the title of a draft."""
    if plan.number:
        when = f" {format_date_long(plan.issued_on)}" if plan.issued_on else ""
        return f"Kế hoạch số {plan.number}{when} của Ủy ban nhân dân {unit_phrase(plan.unit)}"
    return "Kế hoạch " + _lower_first(_subject(plan))


def _carrying_out(plan: Plan) -> str:
    """`Thực hiện Kế hoạch số …`; a plan whose own title starts "thực hiện" is introduced by "Triển khai", so the
    sentence never reads "Thực hiện Kế hoạch thực hiện …"."""
    reference = _plan_reference(plan)
    lead = "Triển khai" if reference.lower().startswith("kế hoạch thực hiện") else "Thực hiện"
    return f"{lead} {reference}"


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
    counts = target_counts(data.year_rows)
    groups = []
    for i, (area, rows) in enumerate(_grouped(data.rows, lambda r: r.target.indicator.area)):
        groups.append({"roman": ROMAN[i], "label": area_label(area).upper(), "rows": [{
            "number": n, "name": f"{r.target.indicator.name} ({horizon_label(plan, r.target.horizon_year).lower()})",
            "unit": r.target.indicator.unit_label,
            "baseline": _baseline_text(r.target, data.measured_baselines.get(r.target.indicator_id)),
            "current": _current_text(r), "target": target_text(r.target), "status": r.status.label,
        } for n, r in enumerate(rows, start=1)]})  # fmt: skip
    doc = doc_header(unit=plan.unit, type_code="BC", year_=min(data.today.year, data.spec.year + 1),
                     summary=f"Kết quả thực hiện kế hoạch chuyển đổi số {phrase}")  # fmt: skip
    total_tasks = len(data.done) + len(data.late) + len(data.in_progress)
    return {
        "doc": doc,
        "report": {
            "intro": [
                f"{_carrying_out(plan)}, Ủy ban nhân dân {_division(plan.unit) or doc['unit_phrase']} "
                f"báo cáo kết quả thực hiện {phrase} như sau:"
            ],  # fmt: skip
            "period_short": period_short(data.spec),
            "target_summary": (
                f"Tính đến {format_date_long(data.asof)}, trong {counts.total} chỉ tiêu năm {data.spec.year} của kế "
                f"hoạch: {counts.achieved} chỉ tiêu đã đạt, {counts.not_achieved} chỉ tiêu chưa đạt (trong đó "
                f"{counts.on_track} chỉ tiêu đúng tiến độ, {counts.at_risk} chỉ tiêu có nguy cơ chậm, "
                f"{counts.off_track} chỉ tiêu chậm tiến độ), {counts.no_data} chỉ tiêu chưa có số liệu."
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
    if row.period is not None:  # no figure of the year itself: the latest one, said as such
        text += f" (số liệu gần nhất: {_period_of(row.period)})"
    verdict = "đạt" if row.status.code == ACHIEVED else "chưa đạt"
    return f"- {text} (chỉ tiêu {horizon_label(row.target.plan, row.target.horizon_year).lower()}: " \
           f"{target_text(row.target)}, {verdict})."  # fmt: skip


def evaluation_context(data: EvaluationData, elements: dict[str, DataElement]) -> dict:
    plan = data.plan
    y = data.year
    counts = target_counts(data.rows)
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
        f"Năm {y}, Ủy ban nhân dân {doc['unit_phrase']} triển khai {_plan_reference(plan)}. Trong {counts.total} chỉ "
        f"tiêu năm {y}: {counts.achieved} chỉ tiêu đạt, {counts.not_achieved} chỉ tiêu chưa đạt, {counts.no_data} chỉ "
        "tiêu chưa có số liệu."
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
            "sec": {**_numbered({"goals": True, "tasks": bool(task_groups), "shortfalls": True}),
                    **_numbered({"next_targets": bool(next_targets), "next_tasks": bool(next_tasks)})},
        },
    }  # fmt: skip


def _numbered(present: dict[str, bool]) -> dict[str, str]:
    """Roman numbers for the sections that are printed, in order, so the numbering has no gap: {"a": True, "b":
    False, "c": True} → {"a": "I", "b": "", "c": "II"}."""
    numbers, n = {}, 0
    for key, printed in present.items():
        numbers[key] = ROMAN[n] if printed else ""
        n += printed
    return numbers
