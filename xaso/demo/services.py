"""Demo data from the source documents (seed 003 Nga Điền 2023, seed 004 An Viễn) and sample neighbours.

Figures quoted from a document are loaded as they are; invented ones (villages, neighbouring communes)
are marked as sample data: villages carry `is_sample`, values the comment "Dữ liệu mẫu".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from xaso.accounts.models import Role, User
from xaso.census.demo import demo_census_load
from xaso.correspondence.demo import demo_register_load
from xaso.demo.citizens import demo_citizens_load
from xaso.dossiers.demo import demo_dossiers_load
from xaso.geo.models import AdminUnit, Level
from xaso.geo.services import village_create
from xaso.indicators.models import ChangeSource
from xaso.indicators.services import ValueInput, values_write
from xaso.plans.loader import PLANS_PATH, plans_load
from xaso.steering.demo import demo_steering_load

DEMO_PATH = Path(__file__).parent / "data" / "demo.yaml"
DEMO_PASSWORD = "xaso-demo-2026"
SAMPLE_COMMENT = "Dữ liệu mẫu (không có trong văn bản)"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str | None
    full_name: str


DEMO_LOGINS = (
    DemoLogin("admin", Role.ADMIN, None, "Quản trị hệ thống"),
    DemoLogin("anvien", Role.COMMUNE_OFFICER, "26296", "Công chức Văn hóa - Xã hội xã An Viễn"),
    DemoLogin("anvien.ct", Role.COMMUNE_LEADER, "26296", "Chủ tịch UBND xã An Viễn"),
    DemoLogin("anvien.to", Role.TEAM_MEMBER, "26296", "Tổ trưởng mẫu Ấp 1 (Tổ công nghệ số cộng đồng)"),
    DemoLogin("ngadien", Role.COMMUNE_OFFICER, "legacy:16150", "Công chức Văn hóa xã Nga Điền"),
    DemoLogin("dongnai", Role.ANALYST, "75", "Chuyên viên Sở Khoa học và Công nghệ Đồng Nai"),
)


@dataclass
class DemoResult:
    users: int
    villages: int
    values: int
    plans: int = 0
    documents: int = 0
    feedback: int = 0
    loudspeaker_points: int = 0
    announcements: int = 0
    warnings: list[str] = field(default_factory=list)
    households: int = 0


def _demo_users() -> dict[str, User]:
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=[d.unit_code for d in DEMO_LOGINS if d.unit_code])}
    users = {}
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={"role": login.role, "full_name": login.full_name, "unit": units.get(login.unit_code or "")},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if login.role == Role.ADMIN:
                user.is_superuser = user.is_staff = True
            user.save()
        users[login.username] = user
    return users


@transaction.atomic
def demo_load(path: Path = DEMO_PATH) -> DemoResult:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    users = _demo_users()
    admin = users["admin"]
    villages = 0
    for entry in data.get("units", []):
        commune = AdminUnit.objects.get(code=entry["code"], level=Level.COMMUNE)
        existing = set(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).values_list("name", flat=True))
        for village in entry.get("villages", []):
            name = village["name"] if isinstance(village, dict) else str(village)
            kind = village.get("division_type", "thôn") if isinstance(village, dict) else "thôn"
            if name not in existing:
                village_create(commune=commune, name=name, user=admin, division_type=kind, is_sample=True)
                villages += 1
    rows: list[ValueInput] = []
    for block in data.get("values", []):
        comment = SAMPLE_COMMENT if block.get("sample") else f"Nguồn: {block.get('source', '')}"[:500]
        for code, value in block["figures"].items():
            rows.append(
                ValueInput(
                    element=code, unit=str(block["unit"]), period=str(block["period"]), value=value, comment=comment
                )
            )
    result = values_write(user=admin, rows=rows, source=ChangeSource.SYSTEM)
    plans = plans_load().created if PLANS_PATH.exists() else 0
    documents = demo_register_load(user=admin)  # the demo commune's document figures are computed from it
    demo_dossiers_load(user=admin)  # An Viễn's dossier register: its rates are the figures above, from the register
    demo_steering_load(user=admin)  # An Viễn's steering committee and one concluded quarterly review
    citizens = demo_citizens_load(users=users)  # feedback, loudspeakers, an announcement (xaso/demo/citizens.py)
    # An Viễn's teams and household census: this year's figures, counted from the records (xaso/census/demo.py)
    households = demo_census_load(officer=users["anvien"])
    return DemoResult(
        users=len(users), villages=villages, values=result.total, plans=plans, documents=documents,
        feedback=citizens.feedback, loudspeaker_points=citizens.points, announcements=citizens.announcements,
        warnings=citizens.warnings, households=households,
    )  # fmt: skip
