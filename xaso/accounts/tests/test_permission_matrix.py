"""The permission matrix: every actor × object × verb, through the API and the screens (issue 9, class 1).

What each cell should answer comes from the rule table below — who reads and who writes which scope — never from the
code under test. A cell fails when its status differs, when a refused request changed anything in the database, or
when an allowed write did not make its change. Each test method is one verb on one channel; it runs all of its cells
(each in a savepoint rolled back afterwards) and lists every failing cell. The world is built once per class
(`matrix_world.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.test import Client, TestCase
from rest_framework.test import APIClient

from xaso.geo.models import AdminUnit
from xaso.indicators.models import DataValue
from xaso.plans.models import BudgetLine, Plan, PlanStatus, Target, Task, TaskUpdate
from xaso.reports.models import ReportJob

from .matrix_world import ACTORS, SCOPES, World, build_world, fingerprint

# --- the rule table ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    read: frozenset[str]
    write: frozenset[str]
    approve: frozenset[str]
    signed_in: bool = True


NONE: frozenset[str] = frozenset()
ALL = frozenset({*SCOPES, "na"})
#: "av" Xã An Viễn, "ta" Xã Trị An (Đồng Nai), "nd" the old Xã Nga Điền that "na" Xã Nga An absorbed (read, never
#: written by Nga An)
RIGHTS = {
    "anonymous": Rights(NONE, NONE, NONE, signed_in=False),
    "no_unit": Rights(NONE, NONE, NONE),
    "officer": Rights(frozenset({"av"}), frozenset({"av"}), NONE),
    "leader": Rights(frozenset({"av"}), frozenset({"av"}), frozenset({"av"})),
    "neighbour": Rights(frozenset({"ta"}), frozenset({"ta"}), NONE),
    "far_officer": Rights(NONE, NONE, NONE),
    "analyst": Rights(frozenset({"av", "ta"}), NONE, NONE),
    "admin": Rights(ALL, ALL, ALL),
    "absorber": Rights(frozenset({"nd", "na"}), frozenset({"na"}), NONE),
}
#: the only actor who sees the report job of the world: the one who asked for it
JOB_OWNER = "officer"


def verdict(actor: str, scope: str, *, need: str = "write", locked: bool = False, refused: bool = False) -> str:
    """The first refusal that applies, in the order the user meets them; "ok" when none does."""
    rights = RIGHTS[actor]
    if not rights.signed_in:
        return "anonymous"
    if scope not in rights.read:
        return "hidden"
    if need == "read":
        return "ok"
    if scope not in (rights.approve if need == "approve" else rights.write):
        return "forbidden"
    if locked:
        return "locked"  # an approved plan is read-only
    if refused:
        return "refused"  # a move to another plan, a link to another plan's target: never done
    return "ok"


#: the status each verdict gives, by kind of request
STATUS = {
    "api_read": {"ok": 200, "hidden": 404, "anonymous": 401},
    "api_write": {"ok": 200, "locked": 400, "refused": 400, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_delete": {"ok": 204, "locked": 400, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_action": {"ok": 200, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_new_version": {"ok": 201, "forbidden": 403, "hidden": 404, "anonymous": 401},
    # the parent is named in the body: one the user cannot read reads as one that does not exist
    "api_create_in": {"ok": 201, "locked": 400, "forbidden": 403, "hidden": 400, "anonymous": 401},
    # units are named by their public official codes: out of scope is 403, as the indicators API always said
    "api_unit_read": {"ok": 200, "hidden": 403, "anonymous": 401},
    "api_unit_write": {"ok": 201, "forbidden": 403, "hidden": 403, "anonymous": 401},
    "api_values_write": {"ok": 200, "forbidden": 400, "hidden": 400, "anonymous": 401},  # row errors, nothing saved
    "api_job": {"ok": 202, "hidden": 403, "anonymous": 401},
    "ui_read": {"ok": 200, "hidden": 404, "anonymous": 302},
    "ui_write": {"ok": 302, "locked": 200, "forbidden": 403, "hidden": 404, "anonymous": 302},
    # a row posted under another plan's address is not found there
    "ui_move": {"refused": 404, "forbidden": 403, "hidden": 404, "anonymous": 302},
    # the unit picker offers only the units the user may use: anything else is a form error
    "ui_pick_unit": {"ok": 302, "forbidden": 200, "hidden": 200, "anonymous": 302},
}

# --- the objects -----------------------------------------------------------------------------------------------------

#: the plans most verbs run on: (key, is approved)
PLAN_KEYS = [(f"{s}:{state}", state == "approved") for s in SCOPES for state in ("draft", "approved")]
#: a row changed while the body names another plan (the attack of issue 9, and a move): within a scope, into and out
#: of an approved plan, across communes, and from the old Nga Điền into the plan of Nga An that absorbed it
MOVES = [
    ("av:draft", "av:draft2"), ("av:draft", "av:approved"), ("av:approved", "av:draft2"), ("av:draft", "ta:draft"),
    ("ta:draft", "av:draft2"), ("nd:draft", "na:draft"), ("nd:approved", "na:draft"), ("av:draft", "nd:draft"),
    ("ta:approved", "ta:draft"),
]  # fmt: skip
#: the same moves through the screens: the row's id posted under the destination plan's address
UI_MOVES = [("av:draft", "av:draft2"), ("ta:draft", "av:draft"), ("av:approved", "av:draft2"),
            ("nd:draft", "na:draft")]  # fmt: skip
KINDS = {"target": Target, "task": Task, "line": BudgetLine}
API_PATHS = {"target": "targets", "task": "tasks", "line": "budget-lines"}
UI_PATHS = {"target": "targets", "task": "tasks", "line": "budget"}


@dataclass
class Cell:
    """One request: who sends it, about what, what it should answer and whether it should change the database."""

    actor: str
    label: str
    kind: str  # a key of STATUS
    verdict: str
    send: Callable[[World, object], object]  # (world, client) → response
    writes: bool = True  # an allowed request changes the database
    effect: Callable[[World], bool] | None = None  # the change an allowed write must have made
    prepare: Callable[[World], None] | None = None  # state set up before the request (rolled back after)
    expected_ids: Callable[[World], set] | None = None  # for lists: the ids the actor must see, no more, no less


def _year(world: World, key: str) -> int:
    return Plan.objects.get(pk=world.plans[key].pk).year_from


# --- API verbs ---------------------------------------------------------------------------------------------------


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


def _status_is(key: str, status: str):
    return lambda w: Plan.objects.get(pk=w.plans[key].pk).status == status


def _set_status(key: str, status: str):
    return lambda w: Plan.objects.filter(pk=w.plans[key].pk).update(status=status)


#: lifecycle actions: (the plan it runs on, the state set before, the body, the kind, the right it needs, effect)
TRANSITIONS = {
    "submit": ("draft", None, {}, "api_action", "write", PlanStatus.SUBMITTED),
    "approve": ("draft", PlanStatus.SUBMITTED,
                {"number": "31/KH-UBND", "issued_on": "2026-03-02", "signer_name": "Lê Văn C",
                 "signer_title": "Chủ tịch"}, "api_action", "approve", PlanStatus.APPROVED),
    "start": ("approved", None, {}, "api_action", "write", PlanStatus.IN_EXECUTION),
    "close": ("approved", PlanStatus.IN_EXECUTION, {"evaluation": "Hoàn thành các chỉ tiêu."}, "api_action", "write",
              PlanStatus.CLOSED),
    "new_version": ("approved", None, {}, "api_new_version", "write", None),
}  # fmt: skip


def _transition_cells(actor: str, action: str, *, ui: bool) -> list[Cell]:
    state, before, body, kind, need, after = TRANSITIONS[action]
    cells = []
    for scope in SCOPES:
        key = f"{scope}:{state}"
        if after is None:
            effect = lambda w, key=key: Plan.objects.filter(supersedes=w.plans[key].pk).exists()  # noqa: E731
        else:
            effect = _status_is(key, after)
        if ui:
            send = lambda w, c, key=key, body=body, action=action: c.post(  # noqa: E731
                f"/plans/{w.plans[key].pk}/{action}/", body
            )
            kind = "ui_write"
        else:
            url = action.replace("_", "-")
            send = lambda w, c, key=key, body=body, url=url: c.post(  # noqa: E731
                f"/api/v1/plans/{w.plans[key].pk}/{url}/", body, format="json"
            )
        prepare = _set_status(key, before) if before else None
        cells.append(Cell(actor, f"{action} {key}", kind, verdict(actor, scope, need=need), send=send,
                          effect=effect, prepare=prepare))  # fmt: skip
    return cells


def api_plan_create_cells(actor: str) -> list[Cell]:
    return [
        Cell(actor, scope, "api_create_in", verdict(actor, scope),
             send=lambda w, c, scope=scope: c.post("/api/v1/plans/", {"mode": "template",
                                                   "unit": w.units[scope].code, "year": 2030}, format="json"),
             effect=lambda w, scope=scope: Plan.objects.filter(unit=w.units[scope], year_from=2030).exists())
        for scope in SCOPES
    ]  # fmt: skip


def _readable_plan_ids(world: World, actor: str) -> set[int]:
    return {world.plans[k].pk for k in world.plans if k.split(":")[0] in RIGHTS[actor].read}


def api_list_cell(actor: str, path: str, model, label: str) -> Cell:
    def expected(w: World) -> set:
        owner = "task__plan_id__in" if model is TaskUpdate else "plan_id__in"
        return set(model.objects.filter(**{owner: _readable_plan_ids(w, actor)}).values_list("pk", flat=True))

    return Cell(actor, label, "api_read", "anonymous" if actor == "anonymous" else "ok",
                send=lambda w, c: c.get(f"/api/v1/{path}/?limit=1000"), writes=False,
                expected_ids=expected)  # fmt: skip


def _child_body(kind: str, plan_id: int, year: int, *, full: bool) -> dict:
    if kind == "target":
        body = {"value": 77}
        if full:
            body |= {"plan": plan_id, "indicator": "households_fibre_rate", "comparator": ">=", "horizon_year": year}
        return body
    if kind == "task":
        body = {"title": "Nhiệm vụ đã sửa"}
        if full:
            body |= {"plan": plan_id, "area": "government", "targets": []}
        return body
    body = {"item": "Dòng đã sửa"}
    if full:
        body |= {"plan": plan_id, "area": "government"}
    return body


def _child_changed(kind: str, key: str):
    model = KINDS[kind]
    field, value = {"target": ("value", 77), "task": ("title", "Nhiệm vụ đã sửa"), "line": ("item", "Dòng đã sửa")}[
        kind
    ]
    return lambda w: getattr(model.objects.get(pk=w.row(kind, key).pk), field) == value


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
                     {**_child_body(kind, 0, 0, full=False), "plan": w.plans[dst].pk}, format="json"))
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
                                  _child_body(kind, w.plans[key].pk, _year(w, key), full=full), format="json"),
                              effect=_child_changed(kind, key)))  # fmt: skip
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


def job_read_cell(actor: str, *, ui: bool) -> Cell:
    outcome = "anonymous" if actor == "anonymous" else "ok" if actor == JOB_OWNER else "hidden"
    path = "/reports/jobs/{}/" if ui else "/api/v1/report-jobs/{}/"
    return Cell(actor, "the officer's job", "ui_read" if ui else "api_read", outcome, writes=False,
                send=lambda w, c: c.get(path.format(w.job.pk)))  # fmt: skip


# --- screens --------------------------------------------------------------------------------------------------------


def _ui_child_form(kind: str, world: World, key: str, *, new: bool) -> dict:
    year = _year(world, key)
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
                else _child_changed(kind, key)  # fmt: skip
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
                expected_ids=lambda w: _readable_plan_ids(w, actor))  # fmt: skip


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


# --- the verbs, by channel -------------------------------------------------------------------------------------------

API_VERBS: dict[str, Callable[[str], list[Cell]]] = {
    "plans_list": lambda a: [Cell(a, "plans list", "api_read", "anonymous" if a == "anonymous" else "ok",
                                  send=lambda w, c: c.get("/api/v1/plans/?limit=1000"), writes=False,
                                  expected_ids=lambda w: _readable_plan_ids(w, a))],
    "plan_retrieve": lambda a: api_plan_cells(a, "retrieve"),
    "plan_patch": lambda a: api_plan_cells(a, "patch"),
    "plan_put": lambda a: api_plan_cells(a, "put"),
    "plan_create": api_plan_create_cells,
    **{f"plan_{t}": (lambda a, t=t: _transition_cells(a, t, ui=False)) for t in TRANSITIONS},
    **{f"{k}_{v}": (lambda a, k=k, v=v: api_child_cells(a, k, v)) for k in KINDS
       for v in ("list", "retrieve", "create", "put", "patch", "delete", "move")},
    "task_link_foreign_target": api_link_cells,
    **{f"task_update_{v}": (lambda a, v=v: api_task_update_cells(a, v)) for v in ("list", "retrieve", "create")},
    **{v: (lambda a, v=v: api_unit_cells(a, v)) for v in ("values_read", "values_write", "village_read",
                                                           "village_create", "job_create")},
    "job_retrieve": lambda a: [job_read_cell(a, ui=False)],
}  # fmt: skip

UI_VERBS: dict[str, Callable[[str], list[Cell]]] = {
    "plan_list": lambda a: [ui_plan_list_cell(a)],
    "plan_create": ui_plan_create_cells,
    **{f"plan_{v}": (lambda a, v=v: ui_plan_cells(a, v)) for v in (
        "detail", "edit", "legal_basis", "responsibility", "task_update", "target_add", "target_edit", "task_add",
        "task_edit", "line_add", "line_edit")},
    **{f"plan_{t}": (lambda a, t=t: _transition_cells(a, t, ui=True)) for t in TRANSITIONS},
    **{f"{k}_move": (lambda a, k=k: ui_move_cells(a, k)) for k in KINDS},
    **{v: (lambda a, v=v: ui_unit_cells(a, v)) for v in ("villages", "village_create", "village_rename",
                                                          "entry_cell", "job_create")},
    "job_detail": lambda a: [job_read_cell(a, ui=True)],
}  # fmt: skip


# --- running the cells ------------------------------------------------------------------------------------------------


def _ids(response, cell: Cell) -> set:
    context = getattr(response, "context", None)
    if context is not None and "plans" in context:
        return {p.pk for p in context["plans"]}
    return {row["id"] for row in response.json()["results"]}


class PermissionMatrix(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def client_for(self, actor: str, *, api: bool):
        user = self.world.users[actor]
        if api:
            client = APIClient()
            if user is not None:
                client.force_authenticate(user)
            return client
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def run_cells(self, channel: str, verb: str, make: Callable[[str], list[Cell]]) -> None:
        failures: list[str] = []
        count = 0
        for actor in ACTORS:
            client = self.client_for(actor, api=channel == "api")
            for cell in make(actor):
                count += 1
                problem = self.run_cell(cell, client)
                if problem:
                    failures.append(f"{channel} {verb} [{cell.label}] as {actor}: {problem}")
        self.assertGreater(count, 0)
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def run_cell(self, cell: Cell, client) -> str:
        world = self.world
        expected = STATUS[cell.kind][cell.verdict]
        with transaction.atomic():
            if cell.prepare is not None:
                cell.prepare(world)
            before = fingerprint()
            response = cell.send(world, client)
            after = fingerprint()
            problem = ""
            if response.status_code != expected:
                problem = f"expected {expected} ({cell.verdict}), got {response.status_code}"
            elif cell.expected_ids is not None and cell.verdict == "ok":
                seen, wanted = _ids(response, cell), cell.expected_ids(world)
                if seen != wanted:
                    problem = f"sees {sorted(seen - wanted)} it should not, misses {sorted(wanted - seen)}"
            elif cell.writes and cell.verdict == "ok":
                if after == before:
                    problem = "allowed, but the database did not change"
                elif cell.effect is not None and not cell.effect(world):
                    problem = "allowed, but the intended change is not there"
            elif after != before:
                problem = f"{cell.verdict} ({response.status_code}), but the database changed"
            transaction.set_rollback(True)
        return problem


def _add_tests(channel: str, verbs: dict[str, Callable[[str], list[Cell]]]) -> None:
    for verb, make in verbs.items():

        def test(self, verb=verb, make=make):
            self.run_cells(channel, verb, make)

        test.__name__ = f"test_{channel}_{verb}"
        test.__doc__ = f"{channel.upper()} {verb.replace('_', ' ')}: every actor on every object it applies to."
        setattr(PermissionMatrix, test.__name__, test)


_add_tests("api", API_VERBS)
_add_tests("ui", UI_VERBS)
