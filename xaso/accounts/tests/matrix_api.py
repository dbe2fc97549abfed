"""The API verbs of the permission matrix: each builds, for one actor, the cells of one verb over every object."""

from __future__ import annotations

from collections.abc import Callable

from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataValue
from xaso.plans.models import Plan, TaskUpdate
from xaso.reports.models import ReportJob

from .matrix_cells import (
    API_PATHS,
    KINDS,
    MOVES,
    PLAN_KEYS,
    TRANSITIONS,
    Cell,
    child_body,
    child_changed,
    job_read_cell,
    plan_year,
    readable_plan_ids,
    transition_cells,
)  # fmt: skip
from .matrix_rules import verdict
from .matrix_world import SCOPES, World


def api_plan_cells(actor: str, verb: str) -> list[Cell]:
    cells = []
    for key, approved in PLAN_KEYS:
        scope = key.split(":")[0]
        pk = lambda w, key=key: w.plans[key].pk  # noqa: E731
        if verb == "retrieve":
            cells.append(Cell(actor, key, "api_read", verdict(actor, scope, need="read"), writes=False,
                              send=lambda w, c, pk=pk: c.get(f"/api/v1/plans/{pk(w)}/")))  # fmt: skip
        elif verb == "patch":
            cells.append(Cell(actor, key, "api_write", verdict(actor, scope, locked=approved),
                              send=lambda w, c, pk=pk: c.patch(f"/api/v1/plans/{pk(w)}/", {"title": "Tên mới"},
                                                               format="json"),
                              effect=lambda w, pk=pk: Plan.objects.get(pk=pk(w)).title == "Tên mới"))  # fmt: skip
        elif verb == "put":
            body = {"title": "Tên mới đủ", "year_from": 2026, "year_to": 2026, "general_goal": "Mục tiêu",
                    "roadmap": "Lộ trình", "budget_text": "Kinh phí"}  # fmt: skip
            cells.append(Cell(actor, key, "api_write", verdict(actor, scope, locked=approved),
                              send=lambda w, c, pk=pk, body=body: c.put(f"/api/v1/plans/{pk(w)}/", body,
                                                                        format="json"),
                              effect=lambda w, pk=pk: Plan.objects.get(pk=pk(w)).roadmap == "Lộ trình"))  # fmt: skip
    return cells


def api_plan_create_cells(actor: str) -> list[Cell]:
    return [
        Cell(actor, scope, "api_create_in", verdict(actor, scope),
             send=lambda w, c, scope=scope: c.post("/api/v1/plans/", {"mode": "template",
                                                   "unit": w.units[scope].code, "year": 2030}, format="json"),
             effect=lambda w, scope=scope: Plan.objects.filter(unit=w.units[scope], year_from=2030).exists())
        for scope in SCOPES
    ]  # fmt: skip


def api_list_cell(actor: str, path: str, model, label: str) -> Cell:
    def expected(w: World) -> set:
        owner = "task__plan_id__in" if model is TaskUpdate else "plan_id__in"
        return set(model.objects.filter(**{owner: readable_plan_ids(w, actor)}).values_list("pk", flat=True))

    return Cell(actor, label, "api_read", "anonymous" if actor == "anonymous" else "ok",
                send=lambda w, c: c.get(f"/api/v1/{path}/?limit=1000"), writes=False,
                expected_ids=expected)  # fmt: skip


def api_child_cells(actor: str, kind: str, verb: str) -> list[Cell]:
    path, model = API_PATHS[kind], KINDS[kind]
    if verb == "list":
        return [api_list_cell(actor, path, model, f"{path} list")]
    if verb == "move":
        return [
            Cell(actor, f"{src} → {dst}", "api_write",
                 verdict(actor, src.split(":")[0], locked=src.endswith("approved"), refused=True),
                 send=lambda w, c, src=src, dst=dst: c.patch(
                     f"/api/v1/{path}/{w.row(kind, src).pk}/",
                     {**child_body(kind, 0, 0, full=False), "plan": w.plans[dst].pk}, format="json"))
            for src, dst in MOVES
        ]  # fmt: skip
    cells = []
    for key, approved in PLAN_KEYS:
        scope = key.split(":")[0]
        row = lambda w, key=key: w.row(kind, key).pk  # noqa: E731
        if verb == "retrieve":
            cells.append(Cell(actor, key, "api_read", verdict(actor, scope, need="read"), writes=False,
                              send=lambda w, c, row=row: c.get(f"/api/v1/{path}/{row(w)}/")))  # fmt: skip
        elif verb in ("put", "patch"):
            full = verb == "put"
            cells.append(Cell(actor, key, "api_write", verdict(actor, scope, locked=approved),
                              send=lambda w, c, row=row, key=key, full=full, verb=verb: getattr(c, verb)(
                                  f"/api/v1/{path}/{row(w)}/",
                                  child_body(kind, w.plans[key].pk, plan_year(w, key), full=full), format="json"),
                              effect=child_changed(kind, key)))  # fmt: skip
        elif verb == "delete":
            cells.append(Cell(actor, key, "api_delete", verdict(actor, scope, locked=approved),
                              send=lambda w, c, row=row: c.delete(f"/api/v1/{path}/{row(w)}/"),
                              effect=lambda w, row=row: not model.objects.filter(pk=row(w)).exists()))  # fmt: skip
        elif verb == "create":
            cells.append(
                Cell(
                    actor,
                    key,
                    "api_create_in",
                    verdict(actor, scope, locked=approved),
                    send=lambda w, c, key=key: c.post(f"/api/v1/{path}/", _new_child(kind, w, key), format="json"),
                    effect=lambda w, key=key: model.objects.filter(plan=w.plans[key].pk).count() == 2,
                )
            )
    return cells  # fmt: skip


def _new_child(kind: str, world: World, key: str) -> dict:
    plan_id = world.plans[key].pk
    if kind == "target":
        return {"plan": plan_id, "indicator": "households_total_count", "value": 2000, "horizon_year": 2026}
    if kind == "task":
        return {"plan": plan_id, "area": "society", "title": "Nhiệm vụ mới"}
    return {"plan": plan_id, "area": "society", "item": "Dòng mới", "alloc_self": 1_000_000}


#: a task of one plan linked to the target of another (True: the body also names the target's plan): refused
LINKS = [
    ("av:draft", "av:draft2", False), ("av:draft", "ta:draft", False), ("ta:draft", "av:draft", False),
    ("nd:draft", "na:draft", False), ("av:approved", "av:draft2", True), ("nd:draft", "na:draft", True),
]  # fmt: skip


def api_link_cells(actor: str) -> list[Cell]:
    return [
        Cell(actor, f"task {src} ↔ target {dst}{' naming its plan' if named else ''}", "api_write",
             verdict(actor, src.split(":")[0], locked=src.endswith("approved"), refused=True),
             send=lambda w, c, src=src, dst=dst, named=named: c.patch(
                 f"/api/v1/tasks/{w.tasks[src].pk}/",
                 {"targets": [w.targets[dst].pk], **({"plan": w.plans[dst].pk} if named else {})}, format="json"))
        for src, dst, named in LINKS
    ]  # fmt: skip


def api_task_update_cells(actor: str, verb: str) -> list[Cell]:
    if verb == "list":
        return [api_list_cell(actor, "task-updates", TaskUpdate, "task-updates list")]
    cells = []
    for key, _approved in PLAN_KEYS:
        scope = key.split(":")[0]
        if verb == "retrieve":
            cells.append(
                Cell(
                    actor,
                    key,
                    "api_read",
                    verdict(actor, scope, need="read"),
                    writes=False,
                    send=lambda w, c, key=key: c.get(f"/api/v1/task-updates/{w.updates[key].pk}/"),
                )
            )
        else:  # progress is reported on issued plans too: an approved plan is not locked for it
            cells.append(
                Cell(
                    actor,
                    key,
                    "api_create_in",
                    verdict(actor, scope),
                    send=lambda w, c, key=key: c.post(
                        "/api/v1/task-updates/",
                        {"task": w.tasks[key].pk, "on": "2026-04-01", "percent_done": 60, "text": "Đã số hóa 60%"},
                        format="json",
                    ),
                    effect=lambda w, key=key: w.tasks[key].updates.count() == 2,
                )
            )
    return cells  # fmt: skip


def api_unit_cells(actor: str, verb: str) -> list[Cell]:
    cells = []
    for scope in SCOPES:
        if verb == "values_read":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "api_unit_read",
                    verdict(actor, scope, need="read"),
                    writes=False,
                    send=lambda w, c, s=scope: c.get(f"/api/v1/data-values/?unit={w.units[s].code}"),
                )
            )
        elif verb == "values_write":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "api_values_write",
                    verdict(actor, scope),
                    send=lambda w, c, s=scope: c.post(
                        "/api/v1/data-values/",
                        {
                            "values": [
                                {
                                    "element": "households_total",
                                    "unit": w.units[s].code,
                                    "period": "2025",
                                    "value": 1990,
                                }
                            ]
                        },
                        format="json",
                    ),
                    effect=lambda w, s=scope: DataValue.objects.filter(
                        unit=w.units[s], period__code="2025", value=1990
                    ).exists(),
                )
            )
        elif verb == "village_read":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "api_unit_read",
                    verdict(actor, scope, need="read"),
                    writes=False,
                    send=lambda w, c, s=scope: c.get(f"/api/v1/units/{w.villages[s].code}/"),
                )
            )
        elif verb == "village_create":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "api_unit_write",
                    verdict(actor, scope),
                    send=lambda w, c, s=scope: c.post(
                        f"/api/v1/units/{w.units[s].code}/villages/", {"name": "Thôn Mới"}, format="json"
                    ),
                    effect=lambda w, s=scope: AdminUnit.objects.filter(parent=w.units[s], name="Thôn Mới").exists(),
                )
            )
        elif verb == "job_create":
            cells.append(
                Cell(
                    actor,
                    scope,
                    "api_job",
                    verdict(actor, scope, need="read"),
                    send=lambda w, c, s=scope: c.post(
                        "/api/v1/report-jobs/",
                        {"kind": "province_xlsx", "unit": w.units[s].code, "year": 2026},
                        format="json",
                    ),
                    effect=lambda w, s=scope: (
                        ReportJob.objects.filter(unit=w.units[s]).count() == (2 if s == "av" else 1)
                    ),
                )
            )
    return cells  # fmt: skip


API_VERBS: dict[str, Callable[[str], list[Cell]]] = {
    "plans_list": lambda a: [Cell(a, "plans list", "api_read", "anonymous" if a == "anonymous" else "ok",
                                  send=lambda w, c: c.get("/api/v1/plans/?limit=1000"), writes=False,
                                  expected_ids=lambda w: readable_plan_ids(w, a))],
    "plan_retrieve": lambda a: api_plan_cells(a, "retrieve"),
    "plan_patch": lambda a: api_plan_cells(a, "patch"),
    "plan_put": lambda a: api_plan_cells(a, "put"),
    "plan_create": api_plan_create_cells,
    **{f"plan_{t}": (lambda a, t=t: transition_cells(a, t, ui=False)) for t in TRANSITIONS},
    **{f"{k}_{v}": (lambda a, k=k, v=v: api_child_cells(a, k, v)) for k in KINDS
       for v in ("list", "retrieve", "create", "put", "patch", "delete", "move")},
    "task_link_foreign_target": api_link_cells,
    **{f"task_update_{v}": (lambda a, v=v: api_task_update_cells(a, v)) for v in ("list", "retrieve", "create")},
    **{v: (lambda a, v=v: api_unit_cells(a, v)) for v in ("values_read", "values_write", "village_read",
                                                           "village_create", "job_create")},
    "job_retrieve": lambda a: [job_read_cell(a, ui=False)],
}  # fmt: skip
