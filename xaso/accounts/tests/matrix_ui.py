"""The screen verbs of the permission matrix: each builds, for one actor, the cells of one verb over every object."""

from __future__ import annotations

from collections.abc import Callable

from xaso.coc.models import Publication
from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataValue
from xaso.plans.models import Plan
from xaso.reports.models import ReportJob

from .matrix_cells import (
    KINDS,
    PLAN_KEYS,
    TRANSITIONS,
    UI_MOVES,
    UI_PATHS,
    Cell,
    child_changed,
    job_read_cell,
    plan_year,
    readable_plan_ids,
    transition_cells,
)  # fmt: skip
from .matrix_rules import verdict
from .matrix_world import SCOPES, World


def _ui_child_form(kind: str, world: World, key: str, *, new: bool) -> dict:
    year = plan_year(world, key)
    if kind == "target":
        indicator = world.indicators[1 if new else 0]
        return {"indicator": indicator.pk, "comparator": ">=", "value": 2000 if new else 77, "horizon_year": year}
    if kind == "task":
        return {"area": "society" if new else "government", "title": "Nhiệm vụ mới" if new else "Nhiệm vụ đã sửa",
                "status": "not_started"}  # fmt: skip
    money = dict.fromkeys(
        [
            "invest_equipment",
            "invest_socialised",
            "invest_rented",
            "running_maintenance",
            "running_rented",
            "alloc_province",
            "alloc_district",
            "alloc_commune",
            "alloc_self",
        ],
        0,
    )
    return {"area": "society" if new else "government", "item": "Dòng mới" if new else "Dòng đã sửa", **money}


def ui_plan_cells(actor: str, verb: str) -> list[Cell]:
    cells = []
    for key, approved in PLAN_KEYS:
        scope = key.split(":")[0]
        url = lambda w, key=key: f"/plans/{w.plans[key].pk}/"  # noqa: E731
        v = verdict(actor, scope, locked=approved)
        if verb == "detail":
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_read",
                    verdict(actor, scope, need="read"),
                    writes=False,
                    send=lambda w, c, url=url: c.get(url(w)),
                )
            )
        elif verb == "edit":
            form = {
                "title": "Tên mới",
                "year_from": 2026,
                "year_to": 2026,
                "general_goal": "Mục tiêu",
                "roadmap": "Lộ trình",
                "budget_text": "",
            }
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_write",
                    v,
                    send=lambda w, c, url=url, form=form: c.post(url(w) + "edit/", form),
                    effect=lambda w, key=key: Plan.objects.get(pk=w.plans[key].pk).title == "Tên mới",
                )
            )
        elif verb == "legal_basis":
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_write",
                    v,
                    send=lambda w, c, url=url: c.post(
                        url(w) + "legal-bases/new/",
                        {"number": "99/2026/QĐ-UBND", "issuer": "UBND tỉnh", "title": "Quyết định"},
                    ),
                    effect=lambda w, key=key: w.plans[key].legal_bases.filter(number="99/2026/QĐ-UBND").exists(),
                )
            )
        elif verb == "responsibility":
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_write",
                    v,
                    send=lambda w, c, url=url: c.post(
                        url(w) + "responsibilities/new/", {"unit_name": "Công an xã", "duties": "Bảo đảm an ninh mạng"}
                    ),
                    effect=lambda w, key=key: w.plans[key].responsibilities.count() == 2,
                )
            )
        elif verb == "task_update":
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_write",
                    verdict(actor, scope),
                    send=lambda w, c, url=url, key=key: c.post(
                        url(w) + f"tasks/{w.tasks[key].pk}/updates/new/",
                        {"on": "2026-04-01", "percent_done": 60, "text": "Đã số hóa 60%"},
                    ),
                    effect=lambda w, key=key: w.tasks[key].updates.count() == 2,
                )
            )
        else:  # "<kind>_add" or "<kind>_edit" for target, task, line
            kind, action = verb.split("_")
            new = action == "add"
            path = UI_PATHS[kind]
            model = KINDS[kind]
            suffix = (lambda w, key: "new/") if new else (lambda w, key, kind=kind: f"{w.row(kind, key).pk}/")
            effect = (lambda w, key=key, model=model: model.objects.filter(plan=w.plans[key].pk).count() == 2) if new \
                else child_changed(kind, key)  # fmt: skip
            cells.append(
                Cell(
                    actor,
                    key,
                    "ui_write",
                    v,
                    send=lambda w, c, url=url, key=key, kind=kind, new=new, path=path, suffix=suffix: c.post(
                        url(w) + f"{path}/{suffix(w, key)}", _ui_child_form(kind, w, key, new=new)
                    ),
                    effect=effect,
                )
            )
    return cells  # fmt: skip


def ui_move_cells(actor: str, kind: str) -> list[Cell]:
    path = UI_PATHS[kind]
    return [
        Cell(actor, f"{src} → {dst}", "ui_move", verdict(actor, dst.split(":")[0], refused=True),
             send=lambda w, c, src=src, dst=dst: c.post(f"/plans/{w.plans[dst].pk}/{path}/{w.row(kind, src).pk}/",
                                                        _ui_child_form(kind, w, src, new=False)))
        for src, dst in UI_MOVES
    ]  # fmt: skip


def ui_plan_list_cell(actor: str) -> Cell:
    outcome = "anonymous" if actor == "anonymous" else "ok"
    return Cell(actor, "plan list", "ui_read", outcome, writes=False, send=lambda w, c: c.get("/plans/"),
                expected_ids=lambda w: readable_plan_ids(w, actor))  # fmt: skip


def ui_plan_create_cells(actor: str) -> list[Cell]:
    return [
        Cell(actor, scope, "ui_pick_unit", verdict(actor, scope),
             send=lambda w, c, s=scope: c.post("/plans/new/", {"mode": "template", "unit": w.units[s].code,
                                                               "year": 2030}),
             effect=lambda w, s=scope: Plan.objects.filter(unit=w.units[s], year_from=2030).exists())
        for scope in SCOPES
    ]  # fmt: skip


def ui_unit_cells(actor: str, verb: str) -> list[Cell]:
    cells = []
    for scope in SCOPES:
        villages = lambda w, s=scope: f"/units/{w.units[s].code}/villages/"  # noqa: E731
        if verb == "villages":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_read",
                    verdict(actor, scope, need="read"),
                    writes=False,
                    send=lambda w, c, villages=villages: c.get(villages(w)),
                )
            )
        elif verb == "village_create":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_write",
                    verdict(actor, scope),
                    send=lambda w, c, villages=villages: c.post(
                        villages(w), {"name": "Thôn Mới", "division_type": "thôn"}
                    ),
                    effect=lambda w, s=scope: AdminUnit.objects.filter(parent=w.units[s], name="Thôn Mới").exists(),
                )
            )
        elif verb == "village_rename":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_write",
                    verdict(actor, scope),
                    send=lambda w, c, villages=villages, s=scope: c.post(
                        villages(w) + f"{w.villages[s].code}/rename/", {"name": "Thôn Đổi Tên"}
                    ),
                    effect=lambda w, s=scope: AdminUnit.objects.get(pk=w.villages[s].pk).name == "Thôn Đổi Tên",
                )
            )
        elif verb == "entry_cell":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_write",
                    verdict(actor, scope),
                    send=lambda w, c, s=scope: c.post(
                        "/data/entry/cell/",
                        {"element": "households_total", "unit": w.units[s].code, "period": "2025", "value": "1990"},
                    ),
                    effect=lambda w, s=scope: DataValue.objects.filter(
                        unit=w.units[s], period__code="2025", value=1990
                    ).exists(),
                )
            )
        elif verb == "publication":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_write",
                    verdict(actor, scope),
                    send=lambda w, c, s=scope: c.post(
                        f"/coc/unit/{w.units[s].code}/publication/",
                        {"is_published": "on", "indicators": [w.indicators[0].pk], "action": "confirm"},
                    ),
                    effect=lambda w, s=scope: Publication.objects.filter(unit=w.units[s], is_published=True).exists(),
                )
            )
        elif verb == "job_create":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "ui_pick_unit",
                    verdict(actor, scope, need="read"),
                    send=lambda w, c, s=scope: c.post(
                        "/reports/jobs/", {"kind": "province_xlsx", "unit": w.units[s].pk, "year": 2026}
                    ),
                    effect=lambda w, s=scope: (
                        ReportJob.objects.filter(unit=w.units[s]).count() == (2 if s == "av" else 1)
                    ),
                )
            )
    return cells  # fmt: skip


UI_VERBS: dict[str, Callable[[str], list[Cell]]] = {
    "plan_list": lambda a: [ui_plan_list_cell(a)],
    "plan_create": ui_plan_create_cells,
    **{f"plan_{v}": (lambda a, v=v: ui_plan_cells(a, v)) for v in (
        "detail", "edit", "legal_basis", "responsibility", "task_update", "target_add", "target_edit", "task_add",
        "task_edit", "line_add", "line_edit")},
    **{f"plan_{t}": (lambda a, t=t: transition_cells(a, t, ui=True)) for t in TRANSITIONS},
    **{f"{k}_move": (lambda a, k=k: ui_move_cells(a, k)) for k in KINDS},
    **{v: (lambda a, v=v: ui_unit_cells(a, v)) for v in ("villages", "village_create", "village_rename",
                                                          "entry_cell", "publication", "job_create")},
    "job_detail": lambda a: [job_read_cell(a, ui=True)],
}  # fmt: skip
