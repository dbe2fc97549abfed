"""The world the permission matrix runs in, built once per test class (`setUpTestData`), through the services.

Three scopes hold objects: "av" Xã An Viễn and "ta" Xã Trị An (two communes of Đồng Nai), and "nd" the old Xã
Nga Điền (Thanh Hóa before July 2025), absorbed by today's Xã Nga An (docs/decisions/0007-absorbed-units.md). Each
scope has a draft plan and an approved one, each with a target, a task (complete "6 rõ", linked to the target), a
budget line, a responsibility and a task update; An Viễn has a second draft (to try moving rows between two plans
the same officer may edit), and Nga An a draft (to try pulling the old Nga Điền's rows into a plan its officer
writes). Each of the three scopes has a village and a figure; An Viễn's officer has a report job.

Nine actors: anonymous, a user with no unit, An Viễn's officer and leader, Trị An's officer (another commune of the
same province), an officer of a commune in another province, Đồng Nai's analyst, an administrator, and Nga An's
officer (who reads the old Nga Điền, never writes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from xaso.accounts.models import Role, User
from xaso.coc.models import Publication
from xaso.conftest import make_unit, make_user
from xaso.geo.models import AdminUnit, Level, UnitSuccession
from xaso.geo.services import village_create
from xaso.indicators.models import DataValue, Indicator
from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.conftest import element, indicator
from xaso.plans import services
from xaso.plans.models import BudgetLine, Plan, PlanStatus, Responsibility, Target, Task, TaskUpdate
from xaso.reports.models import ReportJob

SCOPES = ("av", "ta", "nd")
ACTORS = ("anonymous", "no_unit", "officer", "leader", "neighbour", "far_officer", "analyst", "admin", "absorber")
#: the plans of the world: (scope, state); "draft2" is An Viễn's second draft; "na" is today's Xã Nga An, whose
#: officer reads the old Nga Điền: its draft is where that officer would try to pull Nga Điền's rows
PLANS = [(s, state) for s in SCOPES for state in ("draft", "approved")] + [("av", "draft2"), ("na", "draft")]

COMPLETE_TASK = {
    "area": "government",
    "title": "Số hóa hồ sơ thủ tục hành chính",
    "person": "Nguyễn Văn An",
    "lead_unit": "Trung tâm Phục vụ Hành chính công",
    "timeframe_kind": "date",
    "due_date": date(2026, 6, 30),
    "deliverable": "Báo cáo số hóa",
    "approver": "Chủ tịch UBND xã",
}


@dataclass
class World:
    units: dict[str, AdminUnit] = field(default_factory=dict)  # scope → commune
    villages: dict[str, AdminUnit] = field(default_factory=dict)  # scope → a village of the commune
    users: dict[str, User | None] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)  # "av:draft" → plan
    targets: dict[str, Target] = field(default_factory=dict)  # plan key → its target
    tasks: dict[str, Task] = field(default_factory=dict)
    lines: dict[str, BudgetLine] = field(default_factory=dict)
    responsibilities: dict[str, Responsibility] = field(default_factory=dict)
    updates: dict[str, TaskUpdate] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    job: ReportJob | None = None

    def scope_of(self, plan_key: str) -> str:
        return plan_key.split(":")[0]

    def row(self, kind: str, plan_key: str):
        return {"target": self.targets, "task": self.tasks, "line": self.lines}[kind][plan_key]


def _units(world: World) -> None:
    dong_nai = make_unit("75", "Thành phố Đồng Nai", Level.PROVINCE)
    world.units["av"] = make_unit("26296", "Xã An Viễn", Level.COMMUNE, dong_nai)
    world.units["ta"] = make_unit("26170", "Xã Trị An", Level.COMMUNE, dong_nai)
    old_province = make_unit("legacy:38", "Tỉnh Thanh Hóa", Level.PROVINCE, legacy=True)
    nga_son = make_unit("legacy:401", "Huyện Nga Sơn", Level.DISTRICT, old_province, legacy=True)
    world.units["nd"] = make_unit("legacy:16150", "Xã Nga Điền", Level.COMMUNE, nga_son, legacy=True)
    thanh_hoa = make_unit("38", "Tỉnh Thanh Hóa", Level.PROVINCE)
    nga_an = world.units["na"] = make_unit("16144", "Xã Nga An", Level.COMMUNE, thanh_hoa)
    UnitSuccession.objects.create(
        old_unit=world.units["nd"], new_unit=nga_an, effective_date=date(2025, 7, 1), data_version="test"
    )
    ha_noi = make_unit("01", "Thành phố Hà Nội", Level.PROVINCE)
    ba_dinh = make_unit("00004", "Phường Ba Đình", Level.COMMUNE, ha_noi)
    world.users = {
        "anonymous": None,
        "no_unit": make_user("no_unit", Role.COMMUNE_OFFICER, None),
        "officer": make_user("officer", Role.COMMUNE_OFFICER, world.units["av"]),
        "leader": make_user("leader", Role.COMMUNE_LEADER, world.units["av"]),
        "neighbour": make_user("neighbour", Role.COMMUNE_OFFICER, world.units["ta"]),
        "far_officer": make_user("far_officer", Role.COMMUNE_OFFICER, ba_dinh),
        "analyst": make_user("analyst", Role.ANALYST, dong_nai),
        "admin": User.objects.create_superuser(username="admin", password="pw-admin", role=Role.ADMIN),
        "absorber": make_user("absorber", Role.COMMUNE_OFFICER, nga_an),
    }
    for scope in SCOPES:
        commune = world.units[scope]
        world.villages[scope] = village_create(commune=commune, name="Thôn 1", user=world.users["admin"])


def _plan(world: World, scope: str, state: str) -> None:
    admin = world.users["admin"]
    year = 2027 if state == "draft2" else 2026
    plan = services.plan_create_from_template(user=admin, unit=world.units[scope], year=year)
    target = services.target_save(
        user=admin, plan=plan, indicator=world.indicators[0], value=80, horizon_year=year, baseline_value=60
    )
    task = services.task_save(user=admin, plan=plan, targets=[target], **COMPLETE_TASK)
    key = f"{scope}:{state}"
    world.plans[key], world.targets[key], world.tasks[key] = plan, target, task
    world.lines[key] = services.budget_line_save(
        user=admin, plan=plan, area="government", item="Chữ ký số", alloc_commune=15_000_000
    )
    world.responsibilities[key] = services.responsibility_save(
        user=admin, plan=plan, unit_name="Văn phòng UBND xã", duties="Tổng hợp, báo cáo"
    )
    world.updates[key] = services.task_update_add(
        task=task, user=admin, on=date(2026, 3, 1), percent_done=20, text="Đã số hóa 20% hồ sơ"
    )
    if state == "approved":
        Plan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.APPROVED, number="30/KH-UBND", issued_on=date(2026, 2, 12), signer_name="Lê Văn B"
        )
        plan.refresh_from_db()


def build_world() -> World:
    world = World()
    households = element("households_total", "Tổng số hộ")
    fibre = element("households_fibre", "Hộ có cáp quang")
    world.indicators = [
        indicator("households_fibre_rate", "Tỷ lệ hộ có cáp quang", "households_fibre / households_total * 100",
                  [households, fibre]),
        indicator("households_total_count", "Số hộ", "households_total", [households], unit_label="hộ"),
    ]  # fmt: skip
    _units(world)
    for scope, state in PLANS:
        _plan(world, scope, state)
    values_write(
        user=world.users["admin"],
        rows=[ValueInput("households_total", world.units[s].code, "2024", 1961) for s in SCOPES],
    )
    world.job = ReportJob.objects.create(kind="province_xlsx", unit=world.units["av"], year=2026,
                                         created_by=world.users["officer"])  # fmt: skip
    return world


#: every table a write in the matrix could change
WATCHED = [Plan, Plan.legal_bases.through, Target, Task, Task.targets.through, BudgetLine, Responsibility, TaskUpdate,
           DataValue, AdminUnit, ReportJob, Publication, Publication.indicators.through]  # fmt: skip


def fingerprint() -> tuple:
    """Every row of every watched table, as plain values: equal before and after means nothing was written.

    Read with one cursor rather than the ORM: the matrix takes a fingerprint twice per cell, thousands of times."""
    with connection.cursor() as cursor:
        rows = []
        for model in WATCHED:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 (table names from the models)
            rows.append(cursor.fetchall())
    return tuple(rows)
