"""What the permission matrix sends: the objects and moves it tries, one `Cell` per request, and the pieces the API
and screen verbs share (lifecycle actions, bodies, the effects an allowed write must have)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xaso.plans.models import BudgetLine, Plan, PlanStatus, Target, Task

from .matrix_rules import JOB_OWNER, RIGHTS, verdict
from .matrix_world import SCOPES, World

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


def plan_year(world: World, key: str) -> int:
    return Plan.objects.get(pk=world.plans[key].pk).year_from


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


def transition_cells(actor: str, action: str, *, ui: bool) -> list[Cell]:
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


def readable_plan_ids(world: World, actor: str) -> set[int]:
    return {world.plans[k].pk for k in world.plans if k.split(":")[0] in RIGHTS[actor].read}


def child_body(kind: str, plan_id: int, year: int, *, full: bool) -> dict:
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


def child_changed(kind: str, key: str):
    model = KINDS[kind]
    field, value = {"target": ("value", 77), "task": ("title", "Nhiệm vụ đã sửa"), "line": ("item", "Dòng đã sửa")}[
        kind
    ]
    return lambda w: getattr(model.objects.get(pk=w.row(kind, key).pk), field) == value


def job_read_cell(actor: str, *, ui: bool) -> Cell:
    outcome = "anonymous" if actor == "anonymous" else "ok" if actor == JOB_OWNER else "hidden"
    path = "/reports/jobs/{}/" if ui else "/api/v1/report-jobs/{}/"
    return Cell(actor, "the officer's job", "ui_read" if ui else "api_read", outcome, writes=False,
                send=lambda w, c: c.get(path.format(w.job.pk)))  # fmt: skip
